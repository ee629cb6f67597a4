package ftp

import "io"

// TYPE A (ASCII, RFC 959 section 3.1.1.1) sends text with CRLF line ends
// whatever the hosts use. A Unix server therefore turns LF into CRLF when it
// sends and CRLF into LF when it receives: the reason the lesson's 4318-octet
// file arrived as 4488 octets (170 lines, one CR each). TYPE I (image) sends
// the octets unchanged. These writers do the conversion on a stream.

// NewASCIIEncoder returns a writer that writes to w with every LF not already
// preceded by CR turned into CRLF: local text to the network form.
func NewASCIIEncoder(w io.Writer) io.Writer { return &asciiEncoder{w: w} }

type asciiEncoder struct {
	w      io.Writer
	lastCR bool // the previous byte written was CR
	buf    []byte
}

// asciiChunk bounds the conversion buffer of both writers.
const asciiChunk = 32 << 10

func (e *asciiEncoder) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), asciiChunk)]
		e.buf = e.buf[:0]
		for _, c := range chunk {
			if c == '\n' && !e.lastCR {
				e.buf = append(e.buf, '\r')
			}
			e.buf = append(e.buf, c)
			e.lastCR = c == '\r'
		}
		if _, err := e.w.Write(e.buf); err != nil {
			return n, err
		}
		n += len(chunk)
		p = p[len(chunk):]
	}
	return n, nil
}

// NewASCIIDecoder returns a writer that writes to w with every CRLF turned
// into LF: the network form to local text. A CR not followed by LF is kept.
// Close writes a CR that was held back at the very end of the stream; it does
// not close w.
func NewASCIIDecoder(w io.Writer) io.WriteCloser { return &asciiDecoder{w: w} }

type asciiDecoder struct {
	w      io.Writer
	heldCR bool // a CR ended the previous write
	buf    []byte
}

func (d *asciiDecoder) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), asciiChunk)]
		d.buf = d.buf[:0]
		for _, c := range chunk {
			if d.heldCR {
				d.heldCR = false
				if c != '\n' {
					d.buf = append(d.buf, '\r')
				}
			}
			if c == '\r' {
				d.heldCR = true
				continue
			}
			d.buf = append(d.buf, c)
		}
		if _, err := d.w.Write(d.buf); err != nil {
			return n, err
		}
		n += len(chunk)
		p = p[len(chunk):]
	}
	return n, nil
}

func (d *asciiDecoder) Close() error {
	if d.heldCR {
		d.heldCR = false
		_, err := d.w.Write([]byte{'\r'})
		return err
	}
	return nil
}
