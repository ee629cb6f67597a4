package mime

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"
)

// ParseEncoding reads a Content-Transfer-Encoding field value. An empty
// value means 7bit (RFC 2045 section 6.1). Unknown mechanisms (x-uuencode,
// "8-bit") are returned in lower case with ErrUnknownEncoding.
func ParseEncoding(v string) (Encoding, error) {
	p := paramParser{s: v}
	p.skipCFWS()
	tok := p.token()
	if tok == "" {
		if strings.TrimSpace(v) == "" {
			return SevenBit, nil
		}
		tok = strings.TrimSpace(v)
	}
	e := Encoding(strings.ToLower(tok))
	if !e.Known() {
		return e, fmt.Errorf("%w: %s", ErrUnknownEncoding, quoteLimited(tok))
	}
	return e, nil
}

// NewDecoder returns a reader that decodes r according to e. The identity
// encodings return r itself. Decoding is lenient: characters outside the
// base64 alphabet are skipped (RFC 2045 section 6.8) and malformed
// quoted-printable escapes are passed through; in both cases all the data
// is delivered and the final Read returns ErrBadBase64 or ErrBadQuotedPrint
// instead of io.EOF. An unknown encoding is ErrUnknownEncoding.
func NewDecoder(e Encoding, r io.Reader) (io.Reader, error) {
	switch e {
	case "", SevenBit, EightBit, Binary:
		return r, nil
	case Base64:
		return NewBase64Decoder(r), nil
	case QuotedPrintable:
		return NewQPDecoder(r), nil
	}
	return nil, fmt.Errorf("%w: %s", ErrUnknownEncoding, quoteLimited(string(e)))
}

// NewEncoder returns a writer that encodes to w according to e; Close
// flushes the last line (it does not close w). base64 and quoted-printable
// output has CRLF line breaks and lines of at most [MaxEncodedLineLength]
// characters. For quoted-printable, line breaks in the input (CRLF or LF)
// become CRLF hard line breaks: use [NewQPEncoder] with binary set for data
// whose CR and LF octets must survive exactly. The identity encodings copy.
func NewEncoder(e Encoding, w io.Writer) (io.WriteCloser, error) {
	switch e {
	case "", SevenBit, EightBit, Binary:
		return nopCloser{w}, nil
	case Base64:
		return NewBase64Encoder(w), nil
	case QuotedPrintable:
		return NewQPEncoder(w, false), nil
	}
	return nil, fmt.Errorf("%w: %s", ErrUnknownEncoding, quoteLimited(string(e)))
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// base64 decoding -------------------------------------------------------

const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// b64Invalid marks octets outside the alphabet in b64Map.
const b64Invalid = 0xff

// b64Table maps octets to base64 digit values (b64Invalid outside the
// alphabet). It is computed once and only read.
var b64Table = func() (t [256]byte) {
	for i := range t {
		t[i] = b64Invalid
	}
	for i := 0; i < len(b64Alphabet); i++ {
		t[b64Alphabet[i]] = byte(i)
	}
	return t
}()

// base64Decoder decodes a base64 body in streaming fashion.
type base64Decoder struct {
	r       io.Reader
	in      []byte // raw input chunk
	clean   []byte // alphabet characters only
	out     []byte // decoded, not yet returned
	quad    [4]byte
	nq      int
	padded  bool // saw '=': the data has ended
	bad     bool // saw characters that are neither alphabet nor white space
	err     error
	scratch [3]byte
}

// NewBase64Decoder returns a lenient streaming base64 decoder (RFC 2045
// section 6.8): line breaks and other characters outside the alphabet are
// skipped, data after the padding is ignored, and a missing padding is
// tolerated. If the input held anything besides the alphabet, white space
// and padding, or ended in the middle of a quantum, the final Read returns
// ErrBadBase64 after all the data instead of io.EOF.
func NewBase64Decoder(r io.Reader) io.Reader {
	return &base64Decoder{r: r}
}

const decodeChunk = 8 << 10

func (d *base64Decoder) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		if d.in == nil {
			d.in = make([]byte, decodeChunk)
			d.clean = make([]byte, 0, decodeChunk+4)
		}
		n, err := d.r.Read(d.in)
		d.decode(d.in[:n])
		if err != nil {
			d.finish()
			if err == io.EOF && d.bad {
				err = ErrBadBase64
			}
			d.err = err
		}
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

func (d *base64Decoder) decode(in []byte) {
	t := &b64Table
	clean := d.clean[:0]
	clean = append(clean, d.quad[:d.nq]...)
	d.nq = 0
	for _, c := range in {
		v := t[c]
		if v == b64Invalid {
			switch c {
			case '=':
				d.padded = true
			case ' ', '\t', '\r', '\n':
			default:
				d.bad = true
			}
			continue
		}
		if d.padded {
			continue // data after the end
		}
		clean = append(clean, c)
	}
	whole := len(clean) / 4 * 4
	d.nq = copy(d.quad[:], clean[whole:])
	if cap(d.clean) < whole/4*3 {
		d.clean = make([]byte, 0, whole+4)
	}
	// Decode in place: the output is shorter than the input.
	n, _ := base64.StdEncoding.Decode(clean[:whole/4*3], clean[:whole])
	d.out = clean[:n]
	d.clean = clean
}

func (d *base64Decoder) finish() {
	if d.nq == 0 {
		return
	}
	if d.nq == 1 {
		d.bad = true
		d.nq = 0
		return
	}
	n, _ := base64.RawStdEncoding.Decode(d.scratch[:], d.quad[:d.nq])
	d.out = append(d.out, d.scratch[:n]...)
	d.nq = 0
}

// base64 encoding -------------------------------------------------------

// base64LineBytes is the number of input octets per 76-character line.
const base64LineBytes = MaxEncodedLineLength / 4 * 3

// base64Encoder writes base64 in lines of 76 characters ending in CRLF.
type base64Encoder struct {
	w    io.Writer
	in   [base64LineBytes]byte
	n    int
	line [MaxEncodedLineLength + 2]byte
	err  error
}

// NewBase64Encoder returns a streaming base64 encoder that writes lines of
// [MaxEncodedLineLength] characters, each ending in CRLF (RFC 2045 section
// 6.8). Close writes the last, shorter line; it does not close w.
func NewBase64Encoder(w io.Writer) io.WriteCloser { return &base64Encoder{w: w} }

func (e *base64Encoder) Write(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 && e.err == nil {
		k := copy(e.in[e.n:], p)
		e.n += k
		p = p[k:]
		if e.n == base64LineBytes {
			e.flushLine()
		}
	}
	if e.err != nil {
		return total - len(p), e.err
	}
	return total, nil
}

func (e *base64Encoder) flushLine() {
	m := base64.StdEncoding.EncodedLen(e.n)
	base64.StdEncoding.Encode(e.line[:m], e.in[:e.n])
	e.line[m], e.line[m+1] = '\r', '\n'
	_, e.err = e.w.Write(e.line[:m+2])
	e.n = 0
}

func (e *base64Encoder) Close() error {
	if e.err == nil && e.n > 0 {
		e.flushLine()
	}
	return e.err
}

// quoted-printable decoding --------------------------------------------

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
	out   []byte
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
			d.out = make([]byte, 0, decodeChunk+maxPendingWS+8)
		}
		n, err := d.r.Read(d.in)
		d.out = d.decode(d.out[:0], d.in[:n])
		if err != nil {
			d.out = d.finish(d.out)
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
			switch c {
			case '=':
				d.state = qpEq
			case ' ', '\t':
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

func isHex(c byte) bool {
	_, ok := unhex(c)
	return ok
}

// quoted-printable encoding --------------------------------------------

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
