package smtp

import "strings"

// xtext (RFC 3461 section 4) carries arbitrary ASCII in ESMTP parameter
// values: "+" followed by two upper-case hex digits encodes any octet, and
// the printable characters other than "+" and "=" stand for themselves.
//
//	xtext = *( xchar / hexchar )
//	xchar = any ASCII CHAR between "!" (33) and "~" (126), except "+" and "="

const upperHex = "0123456789ABCDEF"

// EncodeXtext encodes s as xtext.
func EncodeXtext(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '!' && c <= '~' && c != '+' && c != '=' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('+')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
	return b.String()
}

// DecodeXtext decodes xtext; ok is false for malformed input.
func DecodeXtext(s string) (string, bool) {
	if strings.IndexByte(s, '+') < 0 {
		for i := 0; i < len(s); i++ {
			if s[i] < '!' || s[i] > '~' || s[i] == '=' {
				return "", false
			}
		}
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			if i+2 >= len(s) {
				return "", false
			}
			h, l := unhex(s[i+1]), unhex(s[i+2])
			if h < 0 || l < 0 {
				return "", false
			}
			b.WriteByte(byte(h<<4 | l))
			i += 2
		case c < '!' || c > '~' || c == '=':
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// unhex accepts upper-case hex only, as RFC 3461 requires.
func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
