package imap

import (
	"strconv"
)

// Value is one element of IMAP syntax as the [Reader] parses it and the
// writer functions emit it: an [Atom], a [String], a [List] or [Nil].
//
// Numbers, flags, sequence sets and fetch items such as
// BODY[1.2]<0.100> are atoms; the typed helpers ([ParseSeqSet],
// [ParseFetchItem], [ParseSearchKeys]) turn them into values.
type Value interface{ isValue() }

// Atom is a bare token (RFC 9051 section 4.1 atom, plus the bracket and
// angle-bracket parts of fetch items and the backslash of flags).
type Atom string

// String is a string sent in quoted or literal form (RFC 9051 sections
// 4.3.1-4.3.2). The writer picks the form from the content.
type String string

// List is a parenthesized list (RFC 9051 section 4.4).
type List []Value

// Nil is the special atom NIL (RFC 9051 section 4.5).
type Nil struct{}

// Adjacent is written as its elements side by side without separators or
// parentheses: the bodies of a multipart BODYSTRUCTURE and the addresses of
// an envelope field, "(...)(...)" in the grammar. The reader never returns
// it: it reads such elements into the enclosing List.
type Adjacent []Value

func (Atom) isValue()     {}
func (String) isValue()   {}
func (List) isValue()     {}
func (Nil) isValue()      {}
func (Adjacent) isValue() {}
func (literal) isValue()  {}

// literal is a string the client always sends as a literal (an APPENDed
// message). The reader returns it as a String.
type literal string

// Number parses the atom as an unsigned number (RFC 9051 number64).
func (a Atom) Number() (uint64, bool) {
	if len(a) == 0 || len(a) > 20 {
		return 0, false
	}
	for i := 0; i < len(a); i++ {
		if a[i] < '0' || a[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(string(a), 10, 64)
	return n, err == nil
}

// AsString returns the text of an atom or string (an IMAP astring), and
// false for lists and NIL.
func AsString(v Value) (string, bool) {
	switch v := v.(type) {
	case Atom:
		return string(v), true
	case String:
		return string(v), true
	}
	return "", false
}

// AsNString returns the text of an nstring: "" and true for NIL.
func AsNString(v Value) (string, bool) {
	if _, ok := v.(Nil); ok {
		return "", true
	}
	if s, ok := v.(String); ok {
		return string(s), true
	}
	if a, ok := v.(Atom); ok {
		return string(a), true
	}
	return "", false
}

// AsNumber returns the number of an atom such as 42.
func AsNumber(v Value) (uint64, bool) {
	a, ok := v.(Atom)
	if !ok {
		return 0, false
	}
	return a.Number()
}

// isAtomChar reports whether c may appear in an atom that this package
// writes (RFC 9051 ATOM-CHAR: any CHAR except atom-specials).
func isAtomChar(c byte) bool {
	if c <= ' ' || c >= 0x7f {
		return false
	}
	switch c {
	case '(', ')', '{', '%', '*', '"', '\\', ']':
		return false
	}
	return true
}

// isTokenChar reports whether c may appear in a token the reader accepts as
// an Atom: atom chars plus the list wildcards, the backslash of flags and
// brackets.
func isTokenChar(c byte) bool {
	if c <= ' ' || c >= 0x7f {
		return false
	}
	switch c {
	case '(', ')', '{', '"', ']':
		return false
	}
	return true
}

// validAtom reports whether s can be sent as an Atom token and read back as
// the same Atom.
func validAtom(s string) bool {
	if s == "" || equalFold(s, "NIL") {
		return false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '[':
			depth++
		case c == ']' && depth > 0:
			depth--
		case depth > 0:
			if c < ' ' || c >= 0x7f || c == '{' || c == '"' {
				return false
			}
		case !isTokenChar(c):
			return false
		}
	}
	return depth == 0 && s[0] != '~' && s[0] != '['
}
