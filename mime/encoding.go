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
