package mime

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// Encoded words (RFC 2047) carry non-ASCII text in header fields:
//
//	Subject: =?utf-8?q?caf=C3=A9?= and =?iso-8859-1?b?Y2Fm6Q==?=
//
// "q" is a quoted-printable variant where "_" stands for a space; "b" is
// base64. White space between two adjacent encoded words is not part of the
// text (RFC 2047 section 6.2).

// maxEncodedWordInput is the longest encoded word read. RFC 2047 allows
// 75 octets, but some mailers write longer ones (file names, mostly).
const maxEncodedWordInput = 1024

// maxEncodedWordLength is the longest encoded word written, "=?" to "?="
// included (RFC 2047 section 2).
const maxEncodedWordLength = 75

// DecodeHeader decodes every RFC 2047 encoded word in s and returns UTF-8
// text. Malformed words are left as they are. A word in a charset that
// cannot be converted is left as it is too, and the error wraps
// ErrUnknownCharset; the returned text is still the best reading.
func DecodeHeader(s string) (string, error) {
	if !strings.Contains(s, "=?") {
		return s, nil
	}
	var sb strings.Builder
	var firstErr error
	// Pending bytes of adjacent words in the same charset are joined before
	// conversion, since mailers split multi-byte characters across words.
	var pend []byte
	pendCharset := ""
	flush := func() {
		if pendCharset == "" {
			return
		}
		text, err := charsetToUTF8(pendCharset, pend)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			text = string(pend)
		}
		sb.WriteString(text)
		pend, pendCharset = pend[:0], ""
	}
	i := 0
	afterWord := false
	for i < len(s) {
		j := strings.Index(s[i:], "=?")
		if j < 0 {
			flush()
			sb.WriteString(s[i:])
			break
		}
		gap := s[i : i+j]
		cs, raw, n, ok := decodeWord(s[i+j:])
		if !ok {
			flush()
			sb.WriteString(s[i : i+j+2])
			i += j + 2
			afterWord = false
			continue
		}
		if _, known := charsetKnown(cs); !known {
			flush()
			sb.WriteString(gap)
			sb.WriteString(s[i+j : i+j+n])
			if firstErr == nil {
				firstErr = &UnknownCharsetError{Charset: cs}
			}
			i += j + n
			afterWord = false
			continue
		}
		if !(afterWord && isAllWSP(gap)) {
			flush()
			sb.WriteString(gap)
		}
		if pendCharset != "" && !strings.EqualFold(pendCharset, cs) {
			flush()
		}
		pendCharset = cs
		pend = append(pend, raw...)
		i += j + n
		afterWord = true
	}
	flush()
	return sb.String(), firstErr
}

// charsetKnown reports whether the charset can be converted to UTF-8.
func charsetKnown(cs string) (string, bool) {
	if isUTF8Compatible(cs) {
		return cs, true
	}
	_, err := charsetToUTF8(cs, nil)
	return cs, err == nil
}

func isAllWSP(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isWSP(s[i]) {
			return false
		}
	}
	return true
}

// decodeWord decodes the encoded word at the start of s ("=?...?=") and
// returns its charset, its octets and its length in s.
func decodeWord(s string) (charset string, raw []byte, n int, ok bool) {
	// Bound the search, so that text full of "=?" costs linear time.
	if len(s) > maxEncodedWordInput {
		s = s[:maxEncodedWordInput]
	}
	q := strings.IndexByte(s[2:], '?')
	if q <= 0 {
		return
	}
	charset = s[2 : 2+q]
	if star := strings.IndexByte(charset, '*'); star >= 0 {
		charset = charset[:star] // RFC 2231 section 5 language suffix
	}
	rest := s[2+q+1:]
	if len(rest) < 2 || rest[1] != '?' || charset == "" || strings.ContainsAny(charset, " \t\r\n") {
		return
	}
	encChar := rest[0]
	rest = rest[2:]
	end := strings.Index(rest, "?=")
	if end < 0 {
		return
	}
	text := rest[:end]
	n = 2 + q + 1 + 2 + end + 2
	switch encChar {
	case 'b', 'B':
		raw, ok = decodeBase64Word(text)
	case 'q', 'Q':
		raw, ok = decodeQWord(text)
	}
	return charset, raw, n, ok
}

func decodeBase64Word(text string) ([]byte, bool) {
	if b, err := base64.StdEncoding.DecodeString(text); err == nil {
		return b, true
	}
	// Missing padding is a common defect.
	if b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(text, "=")); err == nil {
		return b, true
	}
	return nil, false
}

func decodeQWord(text string) ([]byte, bool) {
	b := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '_':
			b = append(b, ' ')
		case '=':
			if i+2 >= len(text) {
				return nil, false
			}
			h, ok := unhex2(text[i+1], text[i+2])
			if !ok {
				return nil, false
			}
			b = append(b, h)
			i += 2
		default:
			b = append(b, c)
		}
	}
	return b, true
}

// Text returns the value of the first field called name with encoded words
// decoded (unknown charsets are left encoded).
func (h Header) Text(name string) string {
	s, _ := DecodeHeader(h.Get(name))
	return s
}

// EncodeHeader returns s ready for an unstructured header field such as
// Subject: unchanged if it is printable ASCII that cannot be mistaken for
// an encoded word, otherwise as UTF-8 encoded words of at most 75 octets,
// separated by spaces so the field can be folded between them. It picks Q
// for mostly-ASCII text and B otherwise.
func EncodeHeader(s string) string {
	if !needsEncoding(s) {
		return s
	}
	return encodeWords(s)
}

// EncodePhrase formats a display name for an address field (RFC 5322
// section 3.2.5): as it is when it is made of atoms, as a quoted string when
// it holds specials such as "," or ".", and as encoded words when it is not
// ASCII.
func EncodePhrase(s string) string { return formatPhrase(s) }

func needsEncoding(s string) bool {
	if strings.Contains(s, "=?") {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x7f || c < 0x20 && c != '\t' {
			return true
		}
	}
	return false
}

// qSafe reports characters a Q word may hold literally in any header
// context (RFC 2047 section 5, rule 3, the strictest).
func qSafe(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '!' || c == '*' || c == '+' || c == '-' || c == '/'
}

func encodeWords(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	safe := 0
	for i := 0; i < len(s); i++ {
		if qSafe(s[i]) || s[i] == ' ' {
			safe++
		}
	}
	useQ := safe*2 >= len(s) // mostly ASCII: Q keeps it readable
	const prefixQ, prefixB, suffix = "=?utf-8?q?", "=?utf-8?b?", "?="
	room := maxEncodedWordLength - len(prefixQ) - len(suffix)
	var sb strings.Builder
	const hexdig = "0123456789ABCDEF"
	for s != "" {
		// Take as many whole characters as fit in one word.
		n, size := 0, 0
		for n < len(s) {
			_, w := utf8.DecodeRuneInString(s[n:])
			cost := 0
			if useQ {
				for k := n; k < n+w; k++ {
					if qSafe(s[k]) || s[k] == ' ' {
						cost++
					} else {
						cost += 3
					}
				}
			} else {
				cost = base64.StdEncoding.EncodedLen(n+w) - size
			}
			if size+cost > room {
				break
			}
			size += cost
			n += w
		}
		if n == 0 {
			n = 1
		}
		chunk := s[:n]
		s = s[n:]
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		if useQ {
			sb.WriteString(prefixQ)
			for k := 0; k < len(chunk); k++ {
				c := chunk[k]
				switch {
				case c == ' ':
					sb.WriteByte('_')
				case qSafe(c):
					sb.WriteByte(c)
				default:
					sb.WriteByte('=')
					sb.WriteByte(hexdig[c>>4])
					sb.WriteByte(hexdig[c&15])
				}
			}
		} else {
			sb.WriteString(prefixB)
			sb.WriteString(base64.StdEncoding.EncodeToString([]byte(chunk)))
		}
		sb.WriteString(suffix)
	}
	return sb.String()
}
