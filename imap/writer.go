package imap

import "strconv"

// stringForm is how a string goes on the wire.
type stringForm int

const (
	formAtom stringForm = iota
	formQuoted
	formLiteral
	formLiteral8 // ~{n}: the string holds NUL (RFC 3516 section 4.2)
)

// chooseForm picks the shortest form that carries s intact: an atom when
// allowed and possible, a quoted string for short text without CR, LF, NUL
// or 8-bit octets, otherwise a literal.
func chooseForm(s string, atomOK bool) stringForm {
	if atomOK && validAtom(s) {
		for i := 0; i < len(s); i++ {
			if !isAtomChar(s[i]) {
				goto notAtom
			}
		}
		return formAtom
	}
notAtom:
	if len(s) > DefaultMaxQuotedLength {
		for i := 0; i < len(s); i++ {
			if s[i] == 0 {
				return formLiteral8
			}
		}
		return formLiteral
	}
	form := formQuoted
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == 0:
			return formLiteral8
		case c == '\r' || c == '\n' || c >= 0x80:
			form = formLiteral
		}
	}
	return form
}

// AppendQuoted appends s as a quoted string; s must not hold CR, LF or NUL.
func AppendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// AppendLiteral appends s as a literal. With nonSync it writes the LITERAL+
// form {n+}; a server always writes {n}.
func AppendLiteral(b []byte, s string, nonSync bool) []byte {
	b = append(b, '{')
	b = strconv.AppendInt(b, int64(len(s)), 10)
	if nonSync {
		b = append(b, '+')
	}
	b = append(b, "}\r\n"...)
	return append(b, s...)
}

// AppendString appends s as a quoted string or a literal, whichever carries
// it (an nstring or string in the grammar).
func AppendString(b []byte, s string) []byte {
	return appendStringForm(b, s, chooseForm(s, false))
}

// AppendAString appends s as an atom when it is one, otherwise as
// AppendString does (an astring in the grammar).
func AppendAString(b []byte, s string) []byte {
	return appendStringForm(b, s, chooseForm(s, true))
}

func appendStringForm(b []byte, s string, f stringForm) []byte {
	switch f {
	case formAtom:
		return append(b, s...)
	case formQuoted:
		return AppendQuoted(b, s)
	case formLiteral8:
		b = append(b, '~')
	}
	return AppendLiteral(b, s, false)
}

// AppendValue appends v in wire form. Atoms are written as they are (the
// caller guarantees they are valid); strings take the form chooseForm gives.
func AppendValue(b []byte, v Value) []byte {
	switch v := v.(type) {
	case Atom:
		return append(b, v...)
	case String:
		return AppendString(b, string(v))
	case Nil:
		return append(b, "NIL"...)
	case List:
		b = append(b, '(')
		for i, e := range v {
			if i > 0 {
				b = append(b, ' ')
			}
			b = AppendValue(b, e)
		}
		return append(b, ')')
	case literal:
		return AppendLiteral(b, string(v), false)
	case Adjacent:
		for _, e := range v {
			b = AppendValue(b, e)
		}
		return b
	case nil:
		return append(b, "NIL"...)
	}
	return b
}

// AppendValues appends vs separated by spaces.
func AppendValues(b []byte, vs []Value) []byte {
	for i, v := range vs {
		if i > 0 {
			b = append(b, ' ')
		}
		b = AppendValue(b, v)
	}
	return b
}

// NString returns s as a String, or Nil when s is empty.
func NString(s string) Value {
	if s == "" {
		return Nil{}
	}
	return String(s)
}

// Number returns n as an Atom.
func Number[T ~uint32 | ~uint64 | ~int | ~int64](n T) Atom {
	return Atom(strconv.FormatUint(uint64(n), 10))
}
