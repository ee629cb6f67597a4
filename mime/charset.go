package mime

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"
)

// charsetToUTF8 converts b from the named charset to a UTF-8 string. An
// empty name, "us-ascii" and "utf-8" need no conversion (invalid UTF-8 is
// kept as it is). An unknown name is ErrUnknownCharset.
func charsetToUTF8(name string, b []byte) (string, error) {
	if isUTF8Compatible(name) {
		return string(b), nil
	}
	enc, _ := charset.Lookup(name)
	if enc == nil {
		return "", fmt.Errorf("%w: %s", ErrUnknownCharset, quoteLimited(name))
	}
	out, _, err := transform.Bytes(enc.NewDecoder(), b)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// isUTF8Compatible reports charsets whose bytes are already UTF-8 text.
func isUTF8Compatible(name string) bool {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "us-ascii", "ascii", "utf-8", "utf8", "ansi_x3.4-1968", "iso646-us", "csascii", "646", "us":
		return true
	}
	return false
}

var _ = bytes.MinRead
var _ = utf8.RuneError
var _ io.Reader
