package imap

import (
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// IMAP4rev1 mailbox names travel in modified UTF-7 (RFC 3501 section
// 5.1.3): printable US-ASCII stands for itself, "&" is written "&-", and any
// other run of characters is written as "&", the modified BASE64 of its
// UTF-16 code units, and "-". Modified BASE64 is RFC 2045's with "," for
// "/" and no padding. IMAP4rev2 (RFC 9051) and UTF8=ACCEPT (RFC 6855) use
// UTF-8 instead.

// mutf7Base64 is the modified BASE64 alphabet of RFC 3501 section 5.1.3.
// Strict decoding refuses nonzero bits left over at the end.
var mutf7Base64 = base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,").WithPadding(base64.NoPadding).Strict()

// MailboxNameError reports a mailbox name that cannot be converted: input
// to DecodeMailboxName that is not valid modified UTF-7, or input to
// EncodeMailboxName that is not valid UTF-8.
type MailboxNameError struct {
	Name   string // the name as given
	Offset int    // octet offset of the problem in Name
	Reason string
}

func (e *MailboxNameError) Error() string {
	return "imap: mailbox name " + strconv.Quote(e.Name) + ": " + e.Reason + " at offset " + strconv.Itoa(e.Offset)
}

// mutf7Direct reports whether c stands for itself in modified UTF-7.
func mutf7Direct(c rune) bool { return c >= 0x20 && c <= 0x7e }

// notModifiedBase64 reports whether r is outside the modified BASE64
// alphabet.
func notModifiedBase64(r rune) bool {
	return !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '+' || r == ',')
}

// EncodeMailboxName converts a UTF-8 mailbox name to modified UTF-7
// (RFC 3501 section 5.1.3): "日本語" becomes "&ZeVnLIqe-" and "&" becomes
// "&-". Invalid UTF-8 gives a *MailboxNameError.
func EncodeMailboxName(name string) (string, error) {
	var b strings.Builder
	b.Grow(len(name))
	for i := 0; i < len(name); {
		if c := name[i]; mutf7Direct(rune(c)) {
			b.WriteByte(c)
			if c == '&' {
				b.WriteByte('-')
			}
			i++
			continue
		}
		// A run of characters to encode, as big-endian UTF-16.
		var units []byte
		for i < len(name) && !mutf7Direct(rune(name[i])) {
			r, n := utf8.DecodeRuneInString(name[i:])
			if r == utf8.RuneError && n <= 1 {
				return "", &MailboxNameError{Name: name, Offset: i, Reason: "invalid UTF-8"}
			}
			for _, u := range utf16.AppendRune(nil, r) {
				units = append(units, byte(u>>8), byte(u))
			}
			i += n
		}
		b.WriteByte('&')
		b.WriteString(mutf7Base64.EncodeToString(units))
		b.WriteByte('-')
	}
	return b.String(), nil
}

// DecodeMailboxName converts a modified UTF-7 mailbox name to UTF-8. It
// accepts only the one form EncodeMailboxName produces, so a name has one
// spelling: octets outside printable US-ASCII, an unterminated or badly
// encoded shift, printable US-ASCII inside a shift, two shifts in a row
// and unpaired surrogates give a *MailboxNameError.
func DecodeMailboxName(s string) (string, error) {
	fail := func(off int, reason string) (string, error) {
		return "", &MailboxNameError{Name: s, Offset: off, Reason: reason}
	}
	var b strings.Builder
	b.Grow(len(s))
	shiftEnd := -1 // offset just past the last encoded run
	for i := 0; i < len(s); {
		c := s[i]
		if !mutf7Direct(rune(c)) {
			return fail(i, "octet outside printable US-ASCII")
		}
		if c != '&' {
			b.WriteByte(c)
			i++
			continue
		}
		n := strings.IndexByte(s[i+1:], '-')
		if n < 0 {
			return fail(i, "unterminated shift")
		}
		enc := s[i+1 : i+1+n]
		if enc == "" {
			b.WriteByte('&')
			i += 2
			continue
		}
		if i == shiftEnd {
			return fail(i, "two shifts in a row")
		}
		// The decoder skips CR and LF; the alphabet check refuses them.
		raw, err := mutf7Base64.DecodeString(enc)
		if err != nil || len(raw)%2 != 0 || strings.ContainsFunc(enc, notModifiedBase64) {
			return fail(i, "bad modified BASE64")
		}
		units := make([]uint16, len(raw)/2)
		for k := range units {
			units[k] = uint16(raw[2*k])<<8 | uint16(raw[2*k+1])
		}
		for k := 0; k < len(units); k++ {
			r := rune(units[k])
			switch {
			case utf16.IsSurrogate(r):
				if k+1 == len(units) {
					return fail(i, "unpaired surrogate")
				}
				r = utf16.DecodeRune(r, rune(units[k+1]))
				if r == utf8.RuneError {
					return fail(i, "unpaired surrogate")
				}
				k++
			case mutf7Direct(r):
				return fail(i, "printable US-ASCII in a shift")
			}
			b.WriteRune(r)
		}
		i += n + 2
		shiftEnd = i
	}
	return b.String(), nil
}
