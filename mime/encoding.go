package mime

import (
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
// whose CR and LF octets must survive exactly. The identity encodings copy
// the data, but 7bit and 8bit check that it is what they promise (RFC 2045
// sections 2.7 and 2.8): CRLF line breaks only, lines of at most
// [MaxLineLength] octets, no NUL, and for 7bit no octet above 127. Data
// that breaks the promise is refused with ErrNotEncodable before it is
// written.
func NewEncoder(e Encoding, w io.Writer) (io.WriteCloser, error) {
	switch e {
	case "", SevenBit:
		return &lineChecker{w: w, sevenBit: true}, nil
	case EightBit:
		return &lineChecker{w: w}, nil
	case Binary:
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

// lineChecker passes data through after checking it is valid 7bit or 8bit
// content.
type lineChecker struct {
	w        io.Writer
	sevenBit bool
	lineLen  int
	cr       bool // the last octet was CR
	off      int64
	err      error
}

func (c *lineChecker) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	for i, b := range p {
		switch {
		case c.cr && b != '\n':
			c.err = c.fail(i, "bare CR")
		case b == '\n' && !c.cr:
			c.err = c.fail(i, "bare LF")
		case b == '\n':
			c.lineLen = 0
		case b == '\r':
		case b == 0:
			c.err = c.fail(i, "NUL octet")
		case b >= 0x80 && c.sevenBit:
			c.err = c.fail(i, "octet above 127")
		default:
			c.lineLen++
			if c.lineLen > MaxLineLength {
				c.err = c.fail(i, "line longer than 998 octets")
			}
		}
		if c.err != nil {
			n, err := c.w.Write(p[:i])
			c.off += int64(n)
			if err != nil {
				return n, err
			}
			return n, c.err
		}
		c.cr = b == '\r'
	}
	n, err := c.w.Write(p)
	c.off += int64(n)
	return n, err
}

func (c *lineChecker) fail(i int, what string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrNotEncodable, what, c.off+int64(i))
}

func (c *lineChecker) Close() error {
	if c.err == nil && c.cr {
		c.err = c.fail(0, "bare CR")
	}
	return c.err
}
