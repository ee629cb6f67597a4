package mime

import (
	"bytes"
	"io"
	"strconv"
	"strings"
)

// IMAP names the pieces of a message with section specifications (RFC 3501
// section 6.4.5; RFC 9051 section 6.4.5):
//
//	""                 the whole message
//	"HEADER", "TEXT"   the message's header block, its body
//	"1", "2.1"         a part's body (still transfer-encoded)
//	"2.MIME"           part 2's own MIME header block
//	"2.HEADER", "2.TEXT"  header and body of the message inside the
//	                   message/rfc822 part 2
//	"HEADER.FIELDS (From To)", "1.HEADER.FIELDS.NOT (Received)"
//	                   chosen fields of a header block, then a blank line
//
// Part numbers count the parts of a multipart from 1. A part that is not a
// multipart has one part, numbered 1: itself (so "1" of a single-part
// message is its body). The parts of a message/rfc822 part are those of
// the message inside it.

// SectionPart returns the part that a list of part numbers names, as IMAP
// resolves "1.2.3": see the rules above. An empty path names the top-level
// message. A number that names no part is ErrBadSection.
func (m *Message) SectionPart(path []int) (*Part, error) {
	p := m.Part
	for i, n := range path {
		next := subPart(p, n)
		if next == nil {
			return nil, &SyntaxError{Err: ErrBadSection, Input: formatPath(path), Offset: i, Msg: "no such part"}
		}
		p = next
	}
	return p, nil
}

func subPart(p *Part, n int) *Part {
	if p.Message != nil {
		p = p.Message
		if !p.IsMultipart() || len(p.Parts) == 0 {
			if n == 1 {
				return p
			}
			return nil
		}
	}
	if p.IsMultipart() && len(p.Parts) > 0 {
		if n >= 1 && n <= len(p.Parts) {
			return p.Parts[n-1]
		}
		return nil
	}
	if n == 1 {
		return p
	}
	return nil
}

func formatPath(path []int) string {
	var sb strings.Builder
	for i, n := range path {
		if i > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(strconv.Itoa(n))
	}
	return sb.String()
}

// SectionSpec is a parsed IMAP section specification.
type SectionSpec struct {
	Path      []int    // part numbers; empty for the top-level message
	Specifier string   // "", "HEADER", "TEXT", "MIME", "HEADER.FIELDS" or "HEADER.FIELDS.NOT"
	Fields    []string // the field names of HEADER.FIELDS[.NOT]
}

// maxSectionPath bounds the part numbers in a section specification.
const maxSectionPath = 100

// ParseSection parses what IMAP puts between the brackets of BODY[...]:
// "", "1.2", "HEADER", "2.MIME", "HEADER.FIELDS (FROM TO)". Specifier
// names are case-insensitive and returned in upper case.
func ParseSection(s string) (SectionSpec, error) {
	var spec SectionSpec
	bad := func(off int, msg string) (SectionSpec, error) {
		return SectionSpec{}, &SyntaxError{Err: ErrBadSection, Input: s, Offset: off, Msg: msg}
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(s[i:j])
		if err != nil || n < 1 || s[i] == '0' {
			return bad(i, "bad part number")
		}
		if len(spec.Path) >= maxSectionPath {
			return bad(i, "too many part numbers")
		}
		spec.Path = append(spec.Path, n)
		i = j
		if i == len(s) {
			return spec, nil
		}
		if s[i] != '.' {
			return bad(i, "expected '.'")
		}
		i++
	}
	rest := s[i:]
	name, list, hasList := strings.Cut(rest, " ")
	name = strings.ToUpper(name)
	switch name {
	case "":
		if len(spec.Path) > 0 || rest != "" {
			return bad(i, "missing specifier")
		}
	case "HEADER", "TEXT":
	case "MIME":
		if len(spec.Path) == 0 {
			return bad(i, "MIME needs a part number")
		}
	case "HEADER.FIELDS", "HEADER.FIELDS.NOT":
		if !hasList {
			return bad(len(s), "missing field list")
		}
		list = strings.TrimSpace(list)
		if len(list) < 2 || list[0] != '(' || list[len(list)-1] != ')' {
			return bad(i+len(name)+1, "field list must be parenthesized")
		}
		for _, f := range strings.Fields(list[1 : len(list)-1]) {
			f = strings.Trim(f, `"`)
			if !ValidFieldName(f) {
				return bad(i, "bad field name")
			}
			spec.Fields = append(spec.Fields, f)
		}
		if len(spec.Fields) == 0 {
			return bad(i, "empty field list")
		}
		spec.Specifier = name
		return spec, nil
	default:
		return bad(i, "unknown specifier")
	}
	if hasList {
		return bad(i+len(name), "unexpected text after specifier")
	}
	spec.Specifier = name
	return spec, nil
}

// Section returns the octets that IMAP's BODY[spec] returns (RFC 3501
// section 6.4.5), where spec is in [ParseSection] form. Ranges of the
// message are read from the underlying [io.ReaderAt] on demand; the
// HEADER.FIELDS forms are built in memory from the parsed header. Partial
// fetches (<offset.count>) can use the reader's Seek or ReadAt.
func (m *Message) Section(spec string) (*io.SectionReader, error) {
	ss, err := ParseSection(spec)
	if err != nil {
		return nil, err
	}
	return m.SectionReader(ss)
}

// SectionReader is [Message.Section] for an already parsed specification.
func (m *Message) SectionReader(ss SectionSpec) (*io.SectionReader, error) {
	p, err := m.SectionPart(ss.Path)
	if err != nil {
		return nil, err
	}
	if ss.Specifier == "" {
		if len(ss.Path) == 0 {
			return m.Raw(), nil
		}
		return p.RawBody(), nil
	}
	if ss.Specifier == "MIME" {
		return p.RawHeader(), nil
	}
	// HEADER and TEXT forms refer to a message: the top level or the one
	// inside a message/rfc822 part.
	msg := p
	if len(ss.Path) > 0 {
		if p.Message == nil {
			return nil, &SyntaxError{Err: ErrBadSection, Input: formatPath(ss.Path), Msg: ss.Specifier + " of a part that is not message/rfc822"}
		}
		msg = p.Message
	}
	switch ss.Specifier {
	case "HEADER":
		return msg.RawHeader(), nil
	case "TEXT":
		return msg.RawBody(), nil
	}
	h := msg.Header.Filter(ss.Fields, ss.Specifier == "HEADER.FIELDS.NOT")
	b, err := h.AppendTo(nil)
	if err != nil {
		return nil, err
	}
	return io.NewSectionReader(bytes.NewReader(b), 0, int64(len(b))), nil
}

// Top returns the message's header block (blank line included) followed
// by the first n lines of its body, as stored: what POP3's TOP command
// sends (RFC 1939 section 7). A negative n is taken as 0.
func (m *Message) Top(n int) io.Reader {
	return io.MultiReader(m.RawHeader(), &lineLimitReader{r: m.RawBody(), left: max(n, 0)})
}

// lineLimitReader reads until left line breaks have passed.
type lineLimitReader struct {
	r    io.Reader
	left int
}

func (l *lineLimitReader) Read(p []byte) (int, error) {
	if l.left == 0 {
		return 0, io.EOF
	}
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] == '\n' {
			l.left--
			if l.left == 0 {
				return i + 1, nil
			}
		}
	}
	return n, err
}
