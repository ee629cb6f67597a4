package mime

import (
	"bytes"
	"io"
	"strings"
)

// Field is one header field (RFC 5322 section 2.2).
type Field struct {
	// Name is the field name as written, without the colon, e.g. "Subject".
	Name string

	// Value is the unfolded field body: line breaks removed (RFC 5322
	// section 2.2.3) and surrounding white space trimmed. Encoded words are
	// left as they are; see [Header.Text] and [DecodeHeader].
	Value string

	// Raw holds the field exactly as it was read, from the first octet of
	// the name to the line break ending its last line, folding included.
	// It is empty for fields added with [Header.Add] or [Header.Set]; such
	// fields are folded when written.
	Raw string
}

// Header is a header block: its fields in the order they appear. Several
// fields may share a name (Received, Comments). Name look-ups are
// case-insensitive. The zero value is an empty header.
type Header []Field

// Get returns the value of the first field called name, or "".
func (h Header) Get(name string) string {
	for i := range h {
		if strings.EqualFold(h[i].Name, name) {
			return h[i].Value
		}
	}
	return ""
}

// Has reports whether a field called name is present.
func (h Header) Has(name string) bool {
	for i := range h {
		if strings.EqualFold(h[i].Name, name) {
			return true
		}
	}
	return false
}

// Values returns the values of every field called name, in order.
func (h Header) Values(name string) []string {
	var vs []string
	for i := range h {
		if strings.EqualFold(h[i].Name, name) {
			vs = append(vs, h[i].Value)
		}
	}
	return vs
}

// Add appends a field. The value is validated and folded when the header is
// written ([Header.AppendTo]).
func (h *Header) Add(name, value string) {
	*h = append(*h, Field{Name: name, Value: value})
}

// Set replaces the first field called name with a new value (keeping its
// position) and removes any others of that name; if there is none, it adds
// one at the end.
func (h *Header) Set(name, value string) {
	out := (*h)[:0]
	set := false
	for _, f := range *h {
		if strings.EqualFold(f.Name, name) {
			if set {
				continue
			}
			f = Field{Name: name, Value: value}
			set = true
		}
		out = append(out, f)
	}
	if !set {
		out = append(out, Field{Name: name, Value: value})
	}
	*h = out
}

// Del removes every field called name.
func (h *Header) Del(name string) {
	out := (*h)[:0]
	for _, f := range *h {
		if !strings.EqualFold(f.Name, name) {
			out = append(out, f)
		}
	}
	clear((*h)[len(out):])
	*h = out
}

// Filter returns the fields whose names are in names (or, with exclude, the
// fields whose names are not), in their original order and with their raw
// bytes. It is what IMAP's BODY[HEADER.FIELDS (...)] and
// BODY[HEADER.FIELDS.NOT (...)] return (RFC 3501 section 6.4.5).
func (h Header) Filter(names []string, exclude bool) Header {
	var out Header
	for _, f := range h {
		in := false
		for _, n := range names {
			if strings.EqualFold(f.Name, n) {
				in = true
				break
			}
		}
		if in != exclude {
			out = append(out, f)
		}
	}
	return out
}

// AppendTo appends the header block to b: every field, then the blank line
// that ends the block. A field with Raw bytes is copied verbatim; any other
// field is checked and folded to lines of at most [RecommendedLineLength]
// octets where white space allows, never more than [MaxLineLength]. The error
// is ErrBadFieldName, ErrBadFieldValue or ErrLineTooLong, wrapped in a
// [*SyntaxError].
func (h Header) AppendTo(b []byte) ([]byte, error) {
	for _, f := range h {
		if f.Raw != "" {
			b = append(b, f.Raw...)
			continue
		}
		var err error
		if b, err = AppendField(b, f.Name, f.Value); err != nil {
			return b, err
		}
	}
	return append(b, "\r\n"...), nil
}

// WriteTo writes the header block, as [Header.AppendTo] formats it, to w.
func (h Header) WriteTo(w io.Writer) (int64, error) {
	b, err := h.AppendTo(nil)
	if err != nil {
		return 0, err
	}
	n, err := w.Write(b)
	return int64(n), err
}

// ValidFieldName reports whether name is a legal field name: one or more
// printable US-ASCII characters other than colon (RFC 5322 section 2.2).
func ValidFieldName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

// AppendField appends one field "Name: value" CRLF to b, folding the value
// at white space so lines stay within [RecommendedLineLength] octets when
// possible. The value must not contain CR, LF or NUL; a word too long to fit
// in [MaxLineLength] octets is ErrLineTooLong.
func AppendField(b []byte, name, value string) ([]byte, error) {
	if !ValidFieldName(name) {
		return b, &SyntaxError{Err: ErrBadFieldName, Input: name, Msg: "not a field name"}
	}
	if i := strings.IndexAny(value, "\r\n\x00"); i >= 0 {
		return b, &SyntaxError{Err: ErrBadFieldValue, Input: value, Offset: i, Msg: "control character in value"}
	}
	value = strings.TrimSpace(value)
	b = append(b, name...)
	b = append(b, ':')
	lineLen := len(name) + 1
	// Words keep their leading white space: a fold goes just before it.
	first := true
	for value != "" {
		// Next word: leading white space plus non-space run.
		i := 0
		if !first {
			for i < len(value) && (value[i] == ' ' || value[i] == '\t') {
				i++
			}
		}
		for i < len(value) && value[i] != ' ' && value[i] != '\t' {
			i++
		}
		word := value[:i]
		value = value[i:]
		if first {
			word = " " + word
			first = false
		}
		if lineLen+len(word) > RecommendedLineLength && lineLen > len(name)+1 {
			b = append(b, "\r\n"...)
			lineLen = 0
		}
		if lineLen+len(word) > MaxLineLength {
			return b, &SyntaxError{Err: ErrLineTooLong, Input: word, Msg: "word longer than a line"}
		}
		b = append(b, word...)
		lineLen += len(word)
	}
	return append(b, "\r\n"...), nil
}

// Unfold removes the line breaks of a folded field body (RFC 5322 section
// 2.2.3) and trims the surrounding white space.
func Unfold(s string) string {
	s = strings.TrimRight(s, " \t\r\n")
	if strings.IndexByte(s, '\n') < 0 && strings.IndexByte(s, '\r') < 0 {
		return strings.TrimLeft(s, " \t")
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\r' && c != '\n' {
			sb.WriteByte(c)
		}
	}
	return strings.Trim(sb.String(), " \t")
}

// ParseHeader parses the header block at the start of b: fields up to and
// including the blank line that ends it. It returns the fields and the
// number of bytes the block took, blank line included. Bare LF line breaks
// are accepted. A header with no blank line ends at the end of b, or at the
// first line that is not a field, and err is ErrNoHeaderEnd or
// ErrMalformedHeader (wrapped); the fields read so far are returned with it.
// Limits are [DefaultMaxHeaderBytes] and [DefaultMaxHeaderFields].
func ParseHeader(b []byte) (Header, int, error) {
	var hb headerBuilder
	hb.reset(DefaultMaxHeaderBytes, DefaultMaxHeaderFields)
	hb.src = b
	n := 0
	done := false
	for n < len(b) && !done {
		line := b[n:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i+1]
		}
		switch hb.addLine(line, n, true) {
		case lineField:
			n += len(line)
		case lineEnd:
			n += len(line)
			done = true
		case lineNotHeader:
			done = true
		}
	}
	h := hb.finish()
	switch {
	case hb.err != nil:
		return h, n, &SyntaxError{Err: hb.err, Input: string(b[:min(n, errorLimit)]), Offset: n, Msg: "header block"}
	case hb.state == lineNotHeader:
		return h, n, &SyntaxError{Err: ErrMalformedHeader, Input: string(b[n:min(len(b), n+errorLimit)]), Offset: n, Msg: "line is not a field"}
	case hb.state != lineEnd:
		return h, n, &SyntaxError{Err: ErrNoHeaderEnd, Input: string(b[:min(n, errorLimit)]), Offset: n, Msg: "header block"}
	}
	return h, n, nil
}

// lineKind is what headerBuilder.addLine made of a line.
type lineKind int

const (
	lineField     lineKind = iota // part of a field
	lineEnd                       // the blank line ending the block
	lineNotHeader                 // not a header line: the block ended before it
)

// headerBuilder collects a header block line by line with bounded memory.
// Fields are kept as offsets and turned into strings once, in finish. When
// the message is in memory (src is set) the offsets point into it;
// otherwise lines are copied into buf. Either way the stored fields are
// contiguous: storing stops for good at the first limit.
type headerBuilder struct {
	maxBytes, maxFields int
	src                 []byte // the whole input, when in memory
	buf                 []byte // raw bytes of the stored fields, when not
	spans               []span // per field: [start, end) in buf; colon position
	size                int    // octets seen, stored or not
	storing             bool   // false once a limit was hit
	inField             bool   // a field is open (continuation lines allowed)
	err                 error  // first limit hit
	state               lineKind
}

type span struct{ start, colon, end int }

func (hb *headerBuilder) reset(maxBytes, maxFields int) {
	hb.maxBytes, hb.maxFields = maxBytes, maxFields
	hb.buf = hb.buf[:0]
	hb.spans = hb.spans[:0]
	hb.size = 0
	hb.storing = true
	hb.inField = false
	hb.err = nil
	hb.state = lineField
}

// addLine feeds one line (with its line break, or a fragment of a long line
// when atStart is false) and says what it was.
func (hb *headerBuilder) addLine(line []byte, off int, atStart bool) lineKind {
	if !atStart {
		// Fragment of an over-long line: it belongs to the current field.
		hb.store(line, off, false)
		return lineField
	}
	if len(line) == 1 && line[0] == '\n' || len(line) == 2 && line[0] == '\r' && line[1] == '\n' {
		hb.size += len(line)
		hb.state = lineEnd
		return lineEnd
	}
	if line[0] == ' ' || line[0] == '\t' {
		if !hb.inField {
			hb.state = lineNotHeader
			return lineNotHeader
		}
		hb.store(line, off, false)
		return lineField
	}
	colon := fieldColon(line)
	if colon < 0 {
		hb.state = lineNotHeader
		return lineNotHeader
	}
	hb.inField = true
	if hb.storing && len(hb.spans) >= hb.maxFields {
		hb.storing = false
		hb.err = ErrTooManyFields
	}
	hb.store(line, off, true)
	if hb.storing {
		hb.spans[len(hb.spans)-1].colon = hb.spans[len(hb.spans)-1].start + colon
	}
	return lineField
}

func (hb *headerBuilder) store(line []byte, off int, newField bool) {
	hb.size += len(line)
	if !hb.storing {
		return
	}
	if hb.size > hb.maxBytes {
		hb.storing = false
		hb.err = ErrHeaderTooLarge
		if !newField && len(hb.spans) > 0 {
			// Drop the partial field rather than keep half of it.
			if hb.src == nil {
				hb.buf = hb.buf[:hb.spans[len(hb.spans)-1].start]
			}
			hb.spans = hb.spans[:len(hb.spans)-1]
		}
		return
	}
	if hb.src == nil {
		off = len(hb.buf)
		hb.buf = append(hb.buf, line...)
	}
	if newField {
		hb.spans = append(hb.spans, span{start: off})
	}
	hb.spans[len(hb.spans)-1].end = off + len(line)
}

// fieldColon returns the position of the colon ending a field name at the
// start of line, or -1. White space between name and colon (obs-optional,
// RFC 5322 section 4.5.8) is accepted.
func fieldColon(line []byte) int {
	i := 0
	for i < len(line) {
		c := line[i]
		if c == ':' {
			break
		}
		if c < 33 || c > 126 {
			break
		}
		i++
	}
	if i == 0 {
		return -1
	}
	j := i
	for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
		j++
	}
	if j < len(line) && line[j] == ':' {
		return j
	}
	return -1
}

func (hb *headerBuilder) finish() Header {
	if len(hb.spans) == 0 {
		return nil
	}
	base := hb.spans[0].start
	var s string
	if hb.src != nil {
		s = string(hb.src[base:hb.spans[len(hb.spans)-1].end])
	} else {
		s = string(hb.buf)
		base = 0
	}
	h := make(Header, len(hb.spans))
	for i, sp := range hb.spans {
		sp.start, sp.colon, sp.end = sp.start-base, sp.colon-base, sp.end-base
		raw := s[sp.start:sp.end]
		h[i] = Field{
			Name:  strings.TrimRight(s[sp.start:sp.colon], " \t"),
			Value: Unfold(s[sp.colon+1 : sp.end]),
			Raw:   raw,
		}
	}
	return h
}
