package http1

import (
	"iter"
	"strings"
)

// Field is one header field: a name and its value, as in "Host: example.org"
// (RFC 9110, section 5). The name keeps the spelling it was given; names
// compare case-insensitively.
type Field struct {
	Name  string
	Value string
}

// Header is an ordered list of header fields (RFC 9110, section 5.3). A name
// may appear more than once, names compare case-insensitively, and the order
// in which fields were added is the order in which they are written.
//
// The zero value is an empty header ready to use. A Header is not safe for
// concurrent use.
type Header struct {
	fields []Field
}

// Len returns the number of fields (not of distinct names).
func (h *Header) Len() int { return len(h.fields) }

// Fields returns the fields in order. The slice is the header's own storage:
// read it, do not keep it across calls that change h.
func (h *Header) Fields() []Field { return h.fields }

// All iterates over the fields in order, as name and value.
func (h *Header) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, f := range h.fields {
			if !yield(f.Name, f.Value) {
				return
			}
		}
	}
}

// Add appends a field. It does not validate name or value: writing a header
// does (see [ValidFieldName] and [ValidFieldValue]).
func (h *Header) Add(name, value string) {
	h.fields = append(h.fields, Field{name, value})
}

// Set replaces every field called name by one field with value, kept at the
// position of the first one (or appended when there was none).
func (h *Header) Set(name, value string) {
	for i := range h.fields {
		if equalFold(h.fields[i].Name, name) {
			h.fields[i].Value = value
			h.delFrom(name, i+1)
			return
		}
	}
	h.Add(name, value)
}

// Get returns the value of the first field called name, or "".
func (h *Header) Get(name string) string {
	for i := range h.fields {
		if equalFold(h.fields[i].Name, name) {
			return h.fields[i].Value
		}
	}
	return ""
}

// Lookup is like Get and also reports whether the field is present.
func (h *Header) Lookup(name string) (string, bool) {
	for i := range h.fields {
		if equalFold(h.fields[i].Name, name) {
			return h.fields[i].Value, true
		}
	}
	return "", false
}

// Has reports whether a field called name is present.
func (h *Header) Has(name string) bool {
	_, ok := h.Lookup(name)
	return ok
}

// Values returns the values of every field called name, in order.
func (h *Header) Values(name string) []string {
	var vs []string
	for i := range h.fields {
		if equalFold(h.fields[i].Name, name) {
			vs = append(vs, h.fields[i].Value)
		}
	}
	return vs
}

// Del removes every field called name.
func (h *Header) Del(name string) { h.delFrom(name, 0) }

func (h *Header) delFrom(name string, from int) {
	out := h.fields[:from]
	for _, f := range h.fields[from:] {
		if !equalFold(f.Name, name) {
			out = append(out, f)
		}
	}
	clear(h.fields[len(out):])
	h.fields = out
}

// Reset removes every field, keeping the storage for reuse.
func (h *Header) Reset() {
	clear(h.fields)
	h.fields = h.fields[:0]
}

// Clone returns a copy that shares no storage with h (the strings are
// copied too, so the clone outlives a reused [Request]).
func (h *Header) Clone() Header {
	if len(h.fields) == 0 {
		return Header{}
	}
	fs := make([]Field, len(h.fields))
	for i, f := range h.fields {
		fs[i] = Field{strings.Clone(f.Name), strings.Clone(f.Value)}
	}
	return Header{fields: fs}
}

// HasToken reports whether some field called name holds token in its
// comma-separated list, compared case-insensitively, as for
// "Connection: keep-alive, Upgrade" (RFC 9110, section 5.6.1).
func (h *Header) HasToken(name, token string) bool {
	for i := range h.fields {
		if equalFold(h.fields[i].Name, name) && listHasToken(h.fields[i].Value, token) {
			return true
		}
	}
	return false
}

// listHasToken reports whether the comma-separated list v contains token.
func listHasToken(v, token string) bool {
	for len(v) > 0 {
		var elem string
		if i := strings.IndexByte(v, ','); i >= 0 {
			elem, v = v[:i], v[i+1:]
		} else {
			elem, v = v, ""
		}
		if i := strings.IndexByte(elem, ';'); i >= 0 {
			elem = elem[:i]
		}
		if equalFold(trimOWS(elem), token) {
			return true
		}
	}
	return false
}

// appendTo writes the fields as "Name: value\r\n" lines.
func (h *Header) appendTo(b []byte) []byte {
	for _, f := range h.fields {
		b = append(b, f.Name...)
		b = append(b, ": "...)
		b = append(b, f.Value...)
		b = append(b, "\r\n"...)
	}
	return b
}

// validate checks every field for a token name and a value without CR, LF
// or NUL, so that writing can never inject a header line.
func (h *Header) validate() error {
	for _, f := range h.fields {
		if !ValidFieldName(f.Name) {
			return &SyntaxError{Err: ErrBadFieldName, Text: f.Name}
		}
		if !ValidFieldValue(f.Value) {
			return &SyntaxError{Err: ErrBadFieldValue, Text: f.Value}
		}
	}
	return nil
}

// ValidFieldName reports whether s is a token (RFC 9110, section 5.1).
func ValidFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

// ValidFieldValue reports whether s may be sent as a field value: visible
// characters, spaces and tabs, and octets 0x80-0xFF (obs-text), with no
// leading or trailing whitespace and no CR, LF or NUL (RFC 9110, section 5.5).
func ValidFieldValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isFieldValueChar(s[i]) {
			return false
		}
	}
	return len(s) == 0 || !isOWS(s[0]) && !isOWS(s[len(s)-1])
}

// equalFold compares two ASCII strings case-insensitively without
// allocating (header names are ASCII tokens).
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func isOWS(c byte) bool { return c == ' ' || c == '\t' }

func trimOWS(s string) string {
	for len(s) > 0 && isOWS(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isOWS(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// tokenTable marks tchar (RFC 9110, section 5.6.2).
var tokenTable = [256]bool{
	'!': true, '#': true, '$': true, '%': true, '&': true, '\'': true, '*': true,
	'+': true, '-': true, '.': true, '^': true, '_': true, '`': true, '|': true, '~': true,
	'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true, '8': true, '9': true,
	'A': true, 'B': true, 'C': true, 'D': true, 'E': true, 'F': true, 'G': true, 'H': true, 'I': true,
	'J': true, 'K': true, 'L': true, 'M': true, 'N': true, 'O': true, 'P': true, 'Q': true, 'R': true,
	'S': true, 'T': true, 'U': true, 'V': true, 'W': true, 'X': true, 'Y': true, 'Z': true,
	'a': true, 'b': true, 'c': true, 'd': true, 'e': true, 'f': true, 'g': true, 'h': true, 'i': true,
	'j': true, 'k': true, 'l': true, 'm': true, 'n': true, 'o': true, 'p': true, 'q': true, 'r': true,
	's': true, 't': true, 'u': true, 'v': true, 'w': true, 'x': true, 'y': true, 'z': true,
}

func isTokenChar(c byte) bool { return tokenTable[c] }

// isFieldValueChar accepts field-vchar, SP and HTAB (RFC 9110, section 5.5).
func isFieldValueChar(c byte) bool { return c == '\t' || c >= ' ' && c != 0x7f }
