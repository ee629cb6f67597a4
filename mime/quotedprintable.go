package mime

import "io"

// Quoted-printable (RFC 2045 section 6.7) leaves printable ASCII as it is
// and writes other octets as "=" and two hex digits; lines longer than 76
// characters are split with a soft line break, "=" at the end of a line.

// maxPendingWS bounds the white space held back to see whether it ends a
// line (and so must be dropped, RFC 2045 section 6.7 rule 3).
const maxPendingWS = 1024

type qpState uint8

const (
	qpNormal qpState = iota
	qpCR             // saw CR
	qpEq             // saw '='
	qpEqHex          // saw '=' and one hex digit
	qpEqWS           // saw '=' and white space: a soft break with padding?
	qpSoftCR         // saw '=' ... CR
)

type qpDecoder struct {
	r     io.Reader
	in    []byte
	buf   []byte // decoding buffer
	out   []byte // the part of buf not yet returned
	ws    []byte // pending white space
	state qpState
	hex1  byte
	bad   bool
	err   error
}

// NewQPDecoder returns a lenient streaming quoted-printable decoder (RFC
// 2045 section 6.7). Soft line breaks ("=" CRLF, or "=" LF) are removed,
// white space at the end of a line is dropped, hard line breaks are kept as
// they are (CRLF or LF). An "=" not followed by two hex digits or a line
// break is passed through literally; the final Read then returns
// ErrBadQuotedPrint after the data instead of io.EOF.
func NewQPDecoder(r io.Reader) io.Reader { return &qpDecoder{r: r} }

func (d *qpDecoder) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		if d.in == nil {
			d.in = make([]byte, decodeChunk)
			d.buf = make([]byte, 0, decodeChunk+maxPendingWS+8)
		}
		n, err := d.r.Read(d.in)
		d.buf = d.decode(d.buf[:0], d.in[:n])
		d.out = d.buf
		if err != nil {
			d.buf = d.finish(d.buf)
			d.out = d.buf
			if err == io.EOF && d.bad {
				err = ErrBadQuotedPrint
			}
			d.err = err
		}
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

func (d *qpDecoder) decode(out, in []byte) []byte {
	for i := 0; i < len(in); i++ {
		c := in[i]
		switch d.state {
		case qpNormal:
			if !qpSpecial(c) {
				// Copy the run of ordinary octets in one go.
				if len(d.ws) > 0 {
					out = append(out, d.ws...)
					d.ws = d.ws[:0]
				}
				j := i + 1
				for j < len(in) && !qpSpecial(in[j]) {
					j++
				}
				out = append(out, in[i:j]...)
				i = j - 1
				continue
			}
			switch c {
			case '=':
				if i+2 < len(in) {
					if h, ok := unhex2(in[i+1], in[i+2]); ok {
						// A whole escape in this chunk: decode it at once.
						out = append(out, d.ws...)
						d.ws = d.ws[:0]
						out = append(out, h)
						i += 2
						continue
					}
				}
				// White space before "=" is data, not the end of a line.
				out = append(out, d.ws...)
				d.ws = d.ws[:0]
				d.state = qpEq
			case ' ', '\t':
				// White space followed by text in this chunk is data:
				// copy it at once. At the end of the chunk, hold it.
				j := i + 1
				for j < len(in) && (in[j] == ' ' || in[j] == '\t') {
					j++
				}
				if len(d.ws) == 0 && j < len(in) && in[j] != '\r' && in[j] != '\n' {
					out = append(out, in[i:j]...)
					i = j - 1
					continue
				}
				if len(d.ws) >= maxPendingWS {
					out = append(out, d.ws...)
					d.ws = d.ws[:0]
				}
				d.ws = append(d.ws, c)
			case '\r':
				d.ws = d.ws[:0]
				d.state = qpCR
			case '\n':
				d.ws = d.ws[:0]
				out = append(out, '\n')
			default:
				out = append(out, d.ws...)
				d.ws = d.ws[:0]
				out = append(out, c)
			}
		case qpCR:
			d.state = qpNormal
			if c == '\n' {
				out = append(out, '\r', '\n')
				continue
			}
			out = append(out, '\r') // a bare CR is data
			i--
		case qpEq:
			out = append(out, d.ws...)
			d.ws = d.ws[:0]
			switch {
			case isHex(c):
				d.hex1 = c
				d.state = qpEqHex
			case c == '\r':
				d.state = qpSoftCR
			case c == '\n':
				d.state = qpNormal
			case c == ' ' || c == '\t':
				d.ws = append(d.ws[:0], c)
				d.state = qpEqWS
			default:
				d.bad = true
				out = append(out, '=')
				d.state = qpNormal
				i--
			}
		case qpEqHex:
			d.state = qpNormal
			if isHex(c) {
				b, _ := unhex2(d.hex1, c)
				out = append(out, b)
				continue
			}
			d.bad = true
			out = append(out, '=', d.hex1)
			i--
		case qpEqWS:
			switch c {
			case ' ', '\t':
				if len(d.ws) < maxPendingWS {
					d.ws = append(d.ws, c)
				}
			case '\r':
				d.ws = d.ws[:0]
				d.state = qpSoftCR
			case '\n':
				d.ws = d.ws[:0]
				d.state = qpNormal
			default:
				// "=" followed by white space and text: all literal.
				d.bad = true
				out = append(out, '=')
				out = append(out, d.ws...)
				d.ws = d.ws[:0]
				d.state = qpNormal
				i--
			}
		case qpSoftCR:
			d.state = qpNormal
			if c != '\n' {
				i--
			}
		}
	}
	return out
}

func (d *qpDecoder) finish(out []byte) []byte {
	switch d.state {
	case qpCR:
		out = append(out, '\r')
	case qpEqHex:
		d.bad = true
		out = append(out, '=', d.hex1)
	}
	// A trailing "=" is a soft break at the end of the data; trailing white
	// space ends the last line and is dropped.
	d.ws = d.ws[:0]
	d.state = qpNormal
	return out
}

// qpSpecial reports the octets the decoder must look at one by one.
func qpSpecial(c byte) bool {
	return c == '=' || c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

func isHex(c byte) bool {
	_, ok := unhex(c)
	return ok
}

type qpEncoder struct {
	w      io.Writer
	binary bool
	line   []byte
	cr     bool // text mode: a CR waits to see whether LF follows
	err    error
}

// NewQPEncoder returns a streaming quoted-printable encoder (RFC 2045
// section 6.7) writing CRLF-terminated lines of at most
// [MaxEncodedLineLength] characters, using soft line breaks. In text mode
// (binary false) CRLF and bare LF in the input are line breaks, written as
// CRLF; in binary mode every CR and LF is encoded (=0D, =0A). White space
// before a line break is encoded so that it survives transport. Close
// finishes the last line; it does not close w.
func NewQPEncoder(w io.Writer, binary bool) io.WriteCloser {
	return &qpEncoder{w: w, binary: binary, line: make([]byte, 0, MaxEncodedLineLength+8)}
}

const hexDigits = "0123456789ABCDEF"

func (e *qpEncoder) Write(p []byte) (int, error) {
	for i, c := range p {
		if e.err != nil {
			return i, e.err
		}
		if !e.binary {
			if e.cr {
				e.cr = false
				if c == '\n' {
					e.hardBreak()
					continue
				}
				e.encode('\r')
			}
			if c == '\r' {
				e.cr = true
				continue
			}
			if c == '\n' {
				e.hardBreak()
				continue
			}
		}
		e.encode(c)
	}
	return len(p), e.err
}

// encode appends one input octet, breaking the line softly when full.
func (e *qpEncoder) encode(c byte) {
	literal := c >= 33 && c <= 126 && c != '=' || c == ' ' || c == '\t'
	n := 1
	if !literal {
		n = 3
	}
	// Keep room for the "=" of a soft break.
	if len(e.line)+n > MaxEncodedLineLength-1 {
		e.line = append(e.line, '=')
		e.flush()
	}
	if literal {
		e.line = append(e.line, c)
	} else {
		e.line = append(e.line, '=', hexDigits[c>>4], hexDigits[c&15])
	}
}

// protectTrailingWS encodes white space at the end of the line.
func (e *qpEncoder) protectTrailingWS() {
	if len(e.line) == 0 {
		return
	}
	last := e.line[len(e.line)-1]
	if last != ' ' && last != '\t' {
		return
	}
	e.line = e.line[:len(e.line)-1]
	if len(e.line)+3 > MaxEncodedLineLength {
		e.line = append(e.line, '=')
		e.flush()
	}
	e.line = append(e.line, '=', hexDigits[last>>4], hexDigits[last&15])
}

func (e *qpEncoder) hardBreak() {
	e.protectTrailingWS()
	e.flush()
}

func (e *qpEncoder) flush() {
	e.line = append(e.line, '\r', '\n')
	if e.err == nil {
		_, e.err = e.w.Write(e.line)
	}
	e.line = e.line[:0]
}

func (e *qpEncoder) Close() error {
	if e.cr {
		e.cr = false
		e.encode('\r')
	}
	if len(e.line) > 0 {
		e.protectTrailingWS()
		if e.err == nil {
			_, e.err = e.w.Write(e.line)
		}
		e.line = e.line[:0]
	}
	return e.err
}
