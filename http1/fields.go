package http1

import (
	"bytes"
	"encoding/binary"
	"strings"
)

// The header section (RFC 9112, section 5), shared by requests, responses
// and chunked trailers: field lines are parsed in one pass, and the fields
// that decide the message's framing are noted on the way.

// framing collects what the fields say about the message's framing while
// they are parsed, so the header is scanned once.
type framing struct {
	contentLength int64 // -1: no Content-Length field
	chunked       bool
	teSeen        bool
	teBad         bool // a coding other than one "chunked"
	hosts         int
	host          string
	connClose     bool
	keepAlive     bool
}

// parseFields parses header field lines up to and including the empty
// line that ends the section (RFC 9112, section 5). Each line is scanned
// once, byte by byte: name octets must be tchar, value octets field-vchar,
// SP, HTAB or obs-text, and the line must end in CRLF.
func parseFields(b []byte, h *Header, lim Limits, fr *framing) error {
	fr.contentLength = -1
	maxFields := lim.maxHeaderFields()
	i := 0
	for {
		if i >= len(b) {
			return syntaxErr(ErrBadFieldName, nil) // no empty line
		}
		switch b[i] {
		case '\r':
			if i+1 < len(b) && b[i+1] == '\n' {
				return nil
			}
			return syntaxErr(ErrBareLF, b[i:])
		case '\n':
			return syntaxErr(ErrBareLF, b[i:])
		case ' ', '\t':
			return syntaxErr(ErrObsFold, b[i:])
		}
		if h.Len() >= maxFields {
			return ErrTooManyFields
		}
		start := i
		for i < len(b) && tokenTable[b[i]] {
			i++
		}
		if i == start || i >= len(b) || b[i] != ':' {
			return syntaxErr(ErrBadFieldName, lineAt(b, start))
		}
		name := b[start:i]
		i++
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
		vstart := i
		nl := bytes.IndexByte(b[i:], '\n')
		if nl < 0 {
			return syntaxErr(ErrBadFieldValue, lineAt(b, start))
		}
		i += nl // at the LF
		if i == vstart || b[i-1] != '\r' {
			return syntaxErr(ErrBareLF, lineAt(b, start))
		}
		vend := i - 1
		if !validValueBytes(b[vstart:vend]) {
			return syntaxErr(ErrBadFieldValue, lineAt(b, start))
		}
		for vend > vstart && (b[vend-1] == ' ' || b[vend-1] == '\t') {
			vend--
		}
		i++
		f := Field{Name: unsafeString(name), Value: unsafeString(b[vstart:vend])}
		h.fields = append(h.fields, f)
		if err := fr.note(f); err != nil {
			return err
		}
	}
}

// validValueBytes reports whether every octet of v may appear in a field
// value (see valueTable). It tests eight octets at a time for a control
// character or DEL, and looks at single octets only in a word that has
// one (a tab is allowed).
func validValueBytes(v []byte) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	for len(v) >= 8 {
		x := binary.LittleEndian.Uint64(v)
		less := (x - lo*0x20) & ^x & hi // some octet < 0x20
		y := x ^ (lo * 0x7f)
		del := (y - lo) & ^y & hi // some octet == 0x7f
		if less|del != 0 {
			for _, c := range v[:8] {
				if !valueTable[c] {
					return false
				}
			}
		}
		v = v[8:]
	}
	for _, c := range v {
		if !valueTable[c] {
			return false
		}
	}
	return true
}

// lineAt returns the line of b that starts at i, for error messages.
func lineAt(b []byte, i int) []byte {
	b = b[i:]
	if j := bytes.IndexByte(b, '\n'); j >= 0 {
		return b[:j+1]
	}
	return b
}

// valueTable marks the octets allowed inside a field value: HTAB, SP,
// VCHAR and obs-text (RFC 9110, section 5.5).
var valueTable = func() (t [256]bool) {
	for c := range t {
		t[c] = isFieldValueChar(byte(c))
	}
	return t
}()

// note records a framing-relevant field.
func (fr *framing) note(f Field) error {
	switch len(f.Name) {
	case 4:
		if equalFold(f.Name, "Host") {
			fr.hosts++
			fr.host = f.Value
		}
	case 10:
		if equalFold(f.Name, "Connection") {
			if listHasToken(f.Value, "close") {
				fr.connClose = true
			}
			if listHasToken(f.Value, "keep-alive") {
				fr.keepAlive = true
			}
		}
	case 14:
		if equalFold(f.Name, "Content-Length") {
			n, ok := parseContentLength(f.Value)
			if !ok || fr.contentLength >= 0 && fr.contentLength != n {
				return &SyntaxError{Err: ErrBadContentLength, Text: f.Value}
			}
			fr.contentLength = n
		}
	case 17:
		if equalFold(f.Name, "Transfer-Encoding") {
			fr.noteTE(f.Value)
		}
	}
	return nil
}

// noteTE accepts exactly one "chunked" coding over all Transfer-Encoding
// fields; anything else marks the framing as unsupported.
func (fr *framing) noteTE(v string) {
	for len(v) > 0 {
		var elem string
		if i := strings.IndexByte(v, ','); i >= 0 {
			elem, v = v[:i], v[i+1:]
		} else {
			elem, v = v, ""
		}
		elem = trimOWS(elem)
		if elem == "" {
			continue
		}
		if equalFold(elem, "chunked") && !fr.chunked && !fr.teSeen {
			fr.chunked = true
		} else {
			fr.teBad = true
		}
		fr.teSeen = true
	}
	if !fr.teSeen {
		fr.teSeen, fr.teBad = true, true // an empty Transfer-Encoding
	}
}

// maxContentLengthDigits bounds Content-Length so it fits an int64.
const maxContentLengthDigits = 18

// parseContentLength parses 1*DIGIT, or a list of identical values
// ("5, 5"), as RFC 9110, section 8.6 allows a recipient to.
func parseContentLength(v string) (int64, bool) {
	n := int64(-1)
	for len(v) > 0 {
		var elem string
		if i := strings.IndexByte(v, ','); i >= 0 {
			elem, v = v[:i], v[i+1:]
			if v == "" {
				return 0, false
			}
		} else {
			elem, v = v, ""
		}
		elem = trimOWS(elem)
		if elem == "" || len(elem) > maxContentLengthDigits {
			return 0, false
		}
		var m int64
		for i := 0; i < len(elem); i++ {
			if !isDigit(elem[i]) {
				return 0, false
			}
			m = m*10 + int64(elem[i]-'0')
		}
		if n >= 0 && m != n {
			return 0, false
		}
		n = m
	}
	return n, n >= 0
}
