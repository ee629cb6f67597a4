package http1

import (
	"bufio"
	"errors"
	"io"
)

// Chunked transfer coding (RFC 9112, section 7.1) sends content of unknown
// length as a series of chunks, each preceded by its size in hex:
//
//	5\r\n
//	hello\r\n
//	0\r\n
//	Expires: never\r\n    <- optional trailer fields
//	\r\n
//
// Chunk extensions (";name=value" after the size) are accepted and ignored.
// The size is 1 to [maxChunkSizeDigits] hex digits and nothing else: no
// sign, no "0x", no spaces before it, because lenient size parsing is a
// classic request-smuggling vector.

// maxChunkSizeDigits bounds a chunk size to 15 hex digits (< 2^60), so it
// cannot overflow an int64.
const maxChunkSizeDigits = 15

// ParseChunkSize parses a chunk-size line without its CRLF: 1*HEXDIG,
// optionally followed by whitespace and ";" chunk extensions.
func ParseChunkSize(line []byte) (int64, error) {
	var n int64
	i := 0
	for ; i < len(line); i++ {
		c := line[i]
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			goto ext
		}
		if i >= maxChunkSizeDigits {
			return 0, syntaxErr(ErrBadChunk, line)
		}
		n = n<<4 | int64(d)
	}
ext:
	if i == 0 {
		return 0, syntaxErr(ErrBadChunk, line)
	}
	rest := line[i:]
	for len(rest) > 0 && isOWS(rest[0]) {
		rest = rest[1:]
	}
	if len(rest) > 0 {
		if rest[0] != ';' {
			return 0, syntaxErr(ErrBadChunk, line)
		}
		for _, c := range rest {
			if !isFieldValueChar(c) {
				return 0, syntaxErr(ErrBadChunk, line)
			}
		}
	}
	return n, nil
}

// readChunked reads chunked content into p.
func (b *bodyReader) readChunked(p []byte) (int, error) {
	br := b.r.br
	if !b.inChunk {
		size, err := b.readChunkSize()
		if err != nil {
			return 0, err
		}
		if size == 0 {
			return 0, b.readTrailer()
		}
		b.remaining, b.inChunk = size, true
	}
	if int64(len(p)) > b.remaining {
		p = p[:b.remaining]
	}
	n, err := br.Read(p)
	b.remaining -= int64(n)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	if err != nil {
		return n, err
	}
	if b.remaining == 0 {
		// The chunk's data must be followed by exactly CRLF.
		b.inChunk = false
		var end [2]byte
		if _, err := io.ReadFull(br, end[:]); err != nil {
			return n, unexpected(err)
		}
		if end != [2]byte{'\r', '\n'} {
			return n, syntaxErr(ErrBadChunk, end[:])
		}
	}
	return n, nil
}

// readChunkSize reads and parses one chunk-size line.
func (b *bodyReader) readChunkSize() (int64, error) {
	line, err := b.r.readLine(b.scratch[:0], b.r.Limits.maxChunkLine(), ErrChunkLineTooLong)
	b.scratch = line[:0]
	if err != nil {
		return 0, unexpected(err)
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return 0, syntaxErr(ErrBareLF, line)
	}
	return ParseChunkSize(line[:len(line)-2])
}

// readTrailer reads the trailer section after the last chunk into
// b.trailer, under the header limits, and reports io.EOF: the end of the
// content.
func (b *bodyReader) readTrailer() error {
	lim := b.r.Limits
	budget := lim.maxHeaderBytes()
	var buf []byte // owned by the trailer strings: never reused
	for {
		start := len(buf)
		var err error
		buf, err = b.r.readLine(buf, budget, ErrHeaderTooLarge)
		if err != nil {
			return unexpected(err)
		}
		line := buf[start:]
		budget -= len(line)
		if len(line) <= 2 && (line[0] == '\n' || line[0] == '\r') {
			break
		}
	}
	if len(buf) == 2 && b.trailer == nil {
		return io.EOF
	}
	var h Header
	var fr framing
	if err := parseFields(buf, &h, lim, &fr); err != nil {
		return err
	}
	if b.trailer != nil {
		b.trailer.fields = append(b.trailer.fields, h.fields...)
	}
	return io.EOF
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// AppendChunk appends p as one chunk ("size CRLF data CRLF"); an empty p
// appends nothing, since a zero size would end the content.
func AppendChunk(b, p []byte) []byte {
	if len(p) == 0 {
		return b
	}
	b = appendHex(b, uint64(len(p)))
	b = append(b, "\r\n"...)
	b = append(b, p...)
	return append(b, "\r\n"...)
}

// AppendLastChunk appends the last chunk "0\r\n", the trailer fields (nil
// for none) and the final CRLF.
func AppendLastChunk(b []byte, trailer *Header) []byte {
	b = append(b, "0\r\n"...)
	if trailer != nil {
		b = appendFieldsExceptFraming(b, trailer)
	}
	return append(b, "\r\n"...)
}

func appendHex(b []byte, n uint64) []byte {
	const digits = "0123456789abcdef"
	var tmp [16]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = digits[n&15]
		n >>= 4
		if n == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

// ChunkedWriter writes content with chunked transfer coding: every Write
// becomes one chunk, and Close writes the last chunk and the trailer.
// It does not close the underlying writer.
type ChunkedWriter struct {
	w       io.Writer
	Trailer *Header // fields sent by Close after the last chunk; may be nil
	buf     []byte
	closed  bool
}

// NewChunkedWriter returns a ChunkedWriter that writes to w.
func NewChunkedWriter(w io.Writer) *ChunkedWriter { return &ChunkedWriter{w: w} }

// ErrWriteAfterClose is returned by writing to a closed ChunkedWriter.
var ErrWriteAfterClose = errors.New("http1: write after close")

// Write sends p as one chunk.
func (cw *ChunkedWriter) Write(p []byte) (int, error) {
	if cw.closed {
		return 0, ErrWriteAfterClose
	}
	if len(p) == 0 {
		return 0, nil
	}
	if bw, ok := cw.w.(*bufio.Writer); ok {
		// Write straight into the buffer: no copy of p into cw.buf.
		var tmp [18]byte
		h := appendHex(tmp[:0], uint64(len(p)))
		h = append(h, "\r\n"...)
		bw.Write(h)
		bw.Write(p)
		_, err := bw.WriteString("\r\n")
		if err != nil {
			return 0, err
		}
		return len(p), nil
	}
	cw.buf = AppendChunk(cw.buf[:0], p)
	if _, err := cw.w.Write(cw.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close writes the last chunk and the trailer.
func (cw *ChunkedWriter) Close() error {
	if cw.closed {
		return nil
	}
	cw.closed = true
	if cw.Trailer != nil {
		if err := cw.Trailer.validate(); err != nil {
			return err
		}
	}
	cw.buf = AppendLastChunk(cw.buf[:0], cw.Trailer)
	_, err := cw.w.Write(cw.buf)
	return err
}
