package imap

import (
	"bytes"
)

// splitMessage returns the header block of a message (with the blank line
// that ends it, as RFC822.HEADER includes it) and the body.
func splitMessage(raw []byte) (header, body []byte) {
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		return raw[:i+4], raw[i+4:]
	}
	if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		return raw[:i+2], raw[i+2:]
	}
	if bytes.HasPrefix(raw, []byte("\r\n")) {
		return raw[:2], raw[2:]
	}
	return raw, nil
}

// containsFold reports whether s contains substr, ignoring case, as the
// SEARCH string keys match (RFC 9051 section 6.4.4).
func containsFold(s, substr []byte) bool {
	if len(substr) == 0 {
		return true
	}
	return bytes.Contains(bytes.ToLower(s), bytes.ToLower(substr))
}
