package sockets

import (
	"strings"
	"unicode"
)

// Upper returns s with every letter in upper case, using Unicode's full
// case mapping: unlike strings.ToUpper, letters whose capital is more than
// one character are expanded ("straße" becomes "STRASSE", the ligature "ﬁ"
// becomes "FI"), as Unicode's SpecialCasing.txt prescribes for every
// language.
func Upper(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if m, ok := specialUpper(r); ok {
			b.WriteString(m)
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// specialUpper holds the language-independent upper-case mappings of
// SpecialCasing.txt whose result is longer than one rune.
func specialUpper(r rune) (string, bool) {
	switch r {
	case 'ß':
		return "SS", true
	case 'ŉ':
		return "ʼN", true
	case 'ǰ':
		return "J̌", true
	case 'ΐ':
		return "Ϊ́", true
	case 'ΰ':
		return "Ϋ́", true
	case 'և':
		return "ԵՒ", true
	case 'ẖ':
		return "H̱", true
	case 'ẗ':
		return "T̈", true
	case 'ẘ':
		return "W̊", true
	case 'ẙ':
		return "Y̊", true
	case 'ẚ':
		return "Aʾ", true
	case 'ﬀ':
		return "FF", true
	case 'ﬁ':
		return "FI", true
	case 'ﬂ':
		return "FL", true
	case 'ﬃ':
		return "FFI", true
	case 'ﬄ':
		return "FFL", true
	case 'ﬅ', 'ﬆ':
		return "ST", true
	case 'ﬓ':
		return "ՄՆ", true
	case 'ﬔ':
		return "ՄԵ", true
	case 'ﬕ':
		return "ՄԻ", true
	case 'ﬖ':
		return "ՎՆ", true
	case 'ﬗ':
		return "ՄԽ", true
	}
	return "", false
}
