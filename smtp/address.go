package smtp

import (
	"strings"
	"unicode/utf8"
)

// Paths and addresses, RFC 5321 section 4.1.2:
//
//	Reverse-path = Path / "<>"
//	Path         = "<" [ A-d-l ":" ] Mailbox ">"
//	Mailbox      = Local-part "@" ( Domain / address-literal )
//
// This package keeps an address as the string between the angle brackets,
// without the obsolete source route (which RFC 5321 section 4.1.2 says a
// receiver must accept and may ignore). The null reverse-path "<>" is "".

func isAtext(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c >= 0x80:
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// splitPath takes "<...>" off the front of s and returns what was inside and
// the rest of s. Quoted strings inside may contain ">".
func splitPath(v Verb, s string) (inner, rest string, err error) {
	if s == "" || s[0] != '<' {
		return "", "", addrErr(v, "expected <address>", s)
	}
	inQuote := false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case !inQuote && c == '>':
			return s[1:i], s[i+1:], nil
		}
	}
	return "", "", addrErr(v, "unterminated <address>", s)
}

// parseAddress checks a mailbox (the text inside the angle brackets) and
// returns it with any source route removed.
func parseAddress(v Verb, s string, lim Limits) (string, error) {
	if over(len(s)+2, lim.MaxPath) {
		return "", &SyntaxError{Verb: v, Code: 501, Enhanced: EnhancedCode{5, 1, 3}, Msg: "path too long", Input: s}
	}
	if strings.HasPrefix(s, "@") {
		// A-d-l: "@one,@two:" source route, ignored (RFC 5321 section 4.1.2, appendix C).
		colon := strings.IndexByte(s, ':')
		if colon < 0 {
			return "", addrErr(v, "bad source route", s)
		}
		for _, hop := range strings.Split(s[:colon], ",") {
			if len(hop) < 2 || hop[0] != '@' || !validDomain(hop[1:]) {
				return "", addrErr(v, "bad source route", s)
			}
		}
		s = s[colon+1:]
	}
	if !utf8.ValidString(s) {
		return "", addrErr(v, "address is not valid UTF-8", s)
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		if v == VerbRCPT && strings.EqualFold(s, "postmaster") {
			return s, nil // RFC 5321 section 4.1.1.3
		}
		return "", addrErr(v, "address has no domain", s)
	}
	local, domain := s[:at], s[at+1:]
	if local == "" {
		return "", addrErr(v, "empty local-part", s)
	}
	if over(len(local), lim.MaxLocalPart) {
		return "", addrErr(v, "local-part too long", s)
	}
	if over(len(domain), lim.MaxDomain) {
		return "", addrErr(v, "domain too long", s)
	}
	if !validLocalPart(local) {
		return "", addrErr(v, "bad local-part", s)
	}
	if !validDomain(domain) && !validAddressLiteral(domain) {
		return "", addrErr(v, "bad domain", s)
	}
	return s, nil
}

func validLocalPart(s string) bool {
	if s[0] == '"' {
		if len(s) < 2 || s[len(s)-1] != '"' {
			return false
		}
		q := s[1 : len(s)-1]
		for i := 0; i < len(q); i++ {
			c := q[i]
			switch {
			case c == '\\':
				i++
				if i >= len(q) || q[i] < ' ' || q[i] > '~' {
					return false
				}
			case c == '"' || c < ' ' || c == 0x7f:
				return false
			}
		}
		return true
	}
	for _, atom := range strings.Split(s, ".") {
		if atom == "" {
			return false
		}
		for i := 0; i < len(atom); i++ {
			if !isAtext(atom[i]) {
				return false
			}
		}
	}
	return true
}

// validDomain checks Domain = sub-domain *("." sub-domain), where a
// sub-domain is letters, digits and inner hyphens, or a UTF-8 U-label
// (RFC 6531 section 3.3).
func validDomain(s string) bool {
	if s == "" {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c >= 0x80) {
				return false
			}
		}
	}
	return true
}

// validAddressLiteral checks "[" ... "]" (RFC 5321 section 4.1.3): dcontent
// is printable ASCII other than "[", "]" and "\".
func validAddressLiteral(s string) bool {
	if len(s) < 3 || s[0] != '[' || s[len(s)-1] != ']' {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		c := s[i]
		if c < '!' || c > '~' || c == '[' || c == ']' || c == '\\' {
			return false
		}
	}
	return true
}

// Domain returns the domain part of addr ("" when there is none), as
// used to route mail.
func Domain(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	return addr[at+1:]
}

// LocalPart returns the local part of addr.
func LocalPart(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return addr
	}
	return addr[:at]
}
