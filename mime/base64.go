package mime

import (
	"encoding/base64"
	"io"
)

// Base64 (RFC 2045 section 6.8) writes each 3 octets as 4 characters of
// a 64-letter alphabet, in lines of at most 76 characters: binary data
// grows by a third and becomes short ASCII lines.

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
	buf     []byte // a leftover partial quantum, then raw input filtered in place
	obuf    []byte // decoding buffer
	out     []byte // the part of obuf not yet returned
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

// decodeChunk is how much encoded input a decoder reads at a time.
const decodeChunk = 4 << 10

func (d *base64Decoder) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		if d.buf == nil {
			d.buf = make([]byte, len(d.quad)+decodeChunk)
			d.obuf = make([]byte, (len(d.quad)+decodeChunk)/4*3)
		}
		start := copy(d.buf, d.quad[:d.nq])
		n, err := d.r.Read(d.buf[start:])
		d.decode(d.buf[:start+n], start)
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

// decode filters buf[start:] in place, keeping alphabet characters after
// the clean buf[:start], and decodes the whole quanta into obuf.
func (d *base64Decoder) decode(buf []byte, start int) {
	t := &b64Table
	n, i := start, start
	if !d.padded {
		// The common case, alphabet characters, in a tight loop.
		for ; i < len(buf); i++ {
			c := buf[i]
			if t[c] != b64Invalid {
				buf[n] = c
				n++
				continue
			}
			if c == '=' {
				d.padded = true
				break
			}
			if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
				d.bad = true
			}
		}
	}
	// (Once padded, buf[start:] is data after the end and is ignored.)
	// After the padding only padding and white space may follow.
	for ; i < len(buf); i++ {
		if c := buf[i]; c != '=' && c != '\r' && c != '\n' && c != ' ' && c != '\t' && t[c] == b64Invalid {
			d.bad = true
		}
	}
	whole := n / 4 * 4
	d.nq = copy(d.quad[:], buf[whole:n])
	m, _ := base64.StdEncoding.Decode(d.obuf, buf[:whole])
	d.out = d.obuf[:m]
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
	d.out = append(d.obuf[:len(d.out)], d.scratch[:n]...)
	d.nq = 0
}

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
