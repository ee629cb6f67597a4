package mime

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

// Text parts name their character set in the charset parameter (RFC 2046
// section 4.1.2): us-ascii by default, and in practice utf-8, iso-8859-*,
// windows-125*, koi8-r, gb2312, big5, shift_jis, euc-kr and others. The
// conversion tables come from golang.org/x/net/html/charset, which knows
// the WHATWG encoding labels.

// UnknownCharsetError reports a charset that cannot be converted to UTF-8.
// It matches ErrUnknownCharset with [errors.Is].
type UnknownCharsetError struct {
	Charset string
}

// Error names the charset.
func (e *UnknownCharsetError) Error() string {
	return "mime: unknown charset " + quoteLimited(e.Charset)
}

// Is makes errors.Is(err, ErrUnknownCharset) true.
func (e *UnknownCharsetError) Is(target error) bool { return target == ErrUnknownCharset }

// charsetToUTF8 converts b from the named charset to a UTF-8 string. An
// empty name, "us-ascii" and "utf-8" need no conversion (invalid UTF-8 is
// kept as it is). An unknown name is an [*UnknownCharsetError].
func charsetToUTF8(name string, b []byte) (string, error) {
	if isUTF8Compatible(name) {
		return string(b), nil
	}
	enc, _ := charset.Lookup(strings.TrimSpace(name))
	if enc == nil {
		return "", &UnknownCharsetError{Charset: name}
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("mime: converting from %s: %w", quoteLimited(name), err)
	}
	return string(out), nil
}

// isUTF8Compatible reports charsets whose octets are already UTF-8 text.
func isUTF8Compatible(name string) bool {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "us-ascii", "ascii", "utf-8", "utf8", "ansi_x3.4-1968", "iso646-us", "csascii", "646", "us":
		return true
	}
	return false
}

// NewCharsetReader returns a reader that converts r from the named charset
// to UTF-8, streaming. us-ascii and utf-8 (and an empty name) return r
// itself. An unknown charset is an [*UnknownCharsetError].
func NewCharsetReader(name string, r io.Reader) (io.Reader, error) {
	if isUTF8Compatible(name) {
		return r, nil
	}
	enc, _ := charset.Lookup(strings.TrimSpace(name))
	if enc == nil {
		return nil, &UnknownCharsetError{Charset: name}
	}
	return enc.NewDecoder().Reader(r), nil
}

// Text returns the body of a text part decoded twice: transfer encoding
// removed, then converted from its charset ([Part.Charset]) to UTF-8. An
// unknown charset is an [*UnknownCharsetError]; [Part.Body] still gives the
// octets.
func (p *Part) Text() (io.Reader, error) {
	return NewCharsetReader(p.Charset(), p.Body())
}
