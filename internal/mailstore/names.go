package mailstore

import (
	"strings"
	"unicode/utf8"
)

// Inbox is the name of the folder every user has; it cannot be deleted. Any
// spelling of it ("inbox", "Inbox") means the same folder (RFC 9051, 5.1).
const Inbox = "INBOX"

// Separator is the hierarchy delimiter in folder names: "Work/2026" is the
// folder "2026" inside "Work" (RFC 9051, 5.1.1).
const Separator = "/"

// MaxNameBytes limits user and folder names, in bytes of UTF-8.
const MaxNameBytes = 200

// maxEncodedName keeps an encoded name within a file system's NAME_MAX (255)
// with room for the ".creating"/".deleting" suffixes.
const maxEncodedName = 240

// CanonicalFolder returns name with any case variant of INBOX replaced by
// [Inbox], so that callers can compare folder names.
func CanonicalFolder(name string) string {
	if strings.EqualFold(name, Inbox) {
		return Inbox
	}
	return name
}

// checkUser validates a user name.
func checkUser(name string) error {
	if err := checkChars(name); err != nil {
		return err
	}
	return nil
}

// checkFolder validates a folder name: UTF-8, no control characters, no
// empty hierarchy levels.
func checkFolder(name string) error {
	if err := checkChars(name); err != nil {
		return err
	}
	if strings.HasPrefix(name, Separator) || strings.HasSuffix(name, Separator) ||
		strings.Contains(name, Separator+Separator) {
		return &NameError{Name: name, Reason: "empty hierarchy level"}
	}
	return nil
}

func checkChars(name string) error {
	switch {
	case name == "":
		return &NameError{Name: name, Reason: "empty"}
	case len(name) > MaxNameBytes:
		return &NameError{Name: name, Reason: "longer than MaxNameBytes"}
	case !utf8.ValidString(name):
		return &NameError{Name: name, Reason: "not UTF-8"}
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return &NameError{Name: name, Reason: "control character"}
		}
	}
	if len(encodeName(name)) > maxEncodedName {
		return &NameError{Name: name, Reason: "too long once encoded for the file system"}
	}
	return nil
}

// encodeName turns a user or folder name into one safe directory name: bytes
// other than ASCII letters, digits, '-', '_', '+', ',', '@' and '=' become
// %XX. So "." and ".." cannot appear, '/' cannot climb out of the store, and
// a '.' suffix never collides with a name.
func encodeName(name string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '+' || c == ',' || c == '@' || c == '=' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// decodeName reverses encodeName; ok is false for a name encodeName could
// not have produced.
func decodeName(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			if encodeName(string(c)) != string(c) {
				return "", false
			}
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return "", false
		}
		b.WriteByte(hi<<4 | lo)
		i += 2
	}
	out := b.String()
	if encodeName(out) != s {
		return "", false
	}
	return out, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
