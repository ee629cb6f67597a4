package imap

import (
	"strconv"
	"strings"
	"time"
)

// Fetch item names of RFC 9051 section 6.4.5 and RFC 3516.
const (
	FetchFlags         = "FLAGS"
	FetchUID           = "UID"
	FetchInternalDate  = "INTERNALDATE"
	FetchRFC822Size    = "RFC822.SIZE"
	FetchEnvelope      = "ENVELOPE"
	FetchBody          = "BODY"          // with a Section: BODY[...]; without: the non-extensible structure
	FetchBodyStructure = "BODYSTRUCTURE" // structure with extension data
	FetchBinary        = "BINARY"        // BINARY[...] (RFC 3516)
	FetchBinarySize    = "BINARY.SIZE"   // BINARY.SIZE[...] (RFC 3516)
	FetchRFC822        = "RFC822"        // BODY[] (IMAP4rev1)
	FetchRFC822Header  = "RFC822.HEADER" // BODY.PEEK[HEADER] (IMAP4rev1)
	FetchRFC822Text    = "RFC822.TEXT"   // BODY[TEXT] (IMAP4rev1)
)

// Section names the part of a message that BODY[section] fetches (RFC 9051
// section 6.4.5): a part path such as 1.2, then optionally HEADER,
// HEADER.FIELDS (list), HEADER.FIELDS.NOT (list), TEXT or MIME.
type Section struct {
	Part      []int    // part numbers, outermost first; empty for the whole message
	Specifier string   // "", "HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT" or "MIME"
	Fields    []string // header field names for HEADER.FIELDS[.NOT]
}

// Partial is the <origin.count> suffix of a fetch item.
type Partial struct {
	Offset, Count uint32
}

// FetchItem is one item of a FETCH command, such as FLAGS or
// BODY.PEEK[1.2]<0.512>.
type FetchItem struct {
	Name    string   // one of the Fetch* names
	Section *Section // set for BODY[...], BINARY[...], BINARY.SIZE[...]
	Peek    bool     // BODY.PEEK / BINARY.PEEK: do not set \Seen
	Partial *Partial // the <offset.count> suffix, if any
}

// ParseFetchItems parses the fetch argument of FETCH: a macro (ALL, FAST,
// FULL), one item, or a list of items.
func ParseFetchItems(v Value) ([]FetchItem, error) {
	switch v := v.(type) {
	case Atom:
		switch upper(string(v)) {
		case "ALL":
			return []FetchItem{{Name: FetchFlags}, {Name: FetchInternalDate}, {Name: FetchRFC822Size}, {Name: FetchEnvelope}}, nil
		case "FAST":
			return []FetchItem{{Name: FetchFlags}, {Name: FetchInternalDate}, {Name: FetchRFC822Size}}, nil
		case "FULL":
			return []FetchItem{{Name: FetchFlags}, {Name: FetchInternalDate}, {Name: FetchRFC822Size}, {Name: FetchEnvelope}, {Name: FetchBody}}, nil
		}
		it, err := ParseFetchItem(string(v))
		if err != nil {
			return nil, err
		}
		return []FetchItem{it}, nil
	case List:
		items := make([]FetchItem, 0, len(v))
		for _, e := range v {
			a, ok := e.(Atom)
			if !ok {
				return nil, syntaxErr("expected fetch item", nil)
			}
			it, err := ParseFetchItem(string(a))
			if err != nil {
				return nil, err
			}
			items = append(items, it)
		}
		return items, nil
	}
	return nil, syntaxErr("expected fetch items", nil)
}

// ParseFetchItem parses one fetch item such as "BODY.PEEK[HEADER.FIELDS
// (FROM TO)]<0.100>".
func ParseFetchItem(s string) (FetchItem, error) {
	name, rest, hasSection := strings.Cut(s, "[")
	it := FetchItem{Name: upper(name)}
	if !hasSection {
		switch it.Name {
		case FetchFlags, FetchUID, FetchInternalDate, FetchRFC822Size, FetchEnvelope,
			FetchBody, FetchBodyStructure, FetchRFC822, FetchRFC822Header, FetchRFC822Text:
			return it, nil
		}
		return it, syntaxErr("unknown fetch item", []byte(s))
	}
	switch it.Name {
	case "BODY.PEEK":
		it.Name, it.Peek = FetchBody, true
	case "BINARY.PEEK":
		it.Name, it.Peek = FetchBinary, true
	case FetchBody, FetchBinary, FetchBinarySize:
	default:
		return it, syntaxErr("unknown fetch item", []byte(s))
	}
	end := strings.LastIndexByte(rest, ']')
	if end < 0 {
		return it, syntaxErr("missing ]", []byte(s))
	}
	sec, err := ParseSection(rest[:end])
	if err != nil {
		return it, err
	}
	if it.Name != FetchBody && (sec.Specifier != "") {
		return it, syntaxErr("BINARY takes part numbers only", []byte(s))
	}
	it.Section = &sec
	if tail := rest[end+1:]; tail != "" {
		if it.Name == FetchBinarySize || tail[0] != '<' || tail[len(tail)-1] != '>' {
			return it, syntaxErr("bad partial", []byte(s))
		}
		off, cnt, ok := strings.Cut(tail[1:len(tail)-1], ".")
		o, err1 := strconv.ParseUint(off, 10, 32)
		c, err2 := strconv.ParseUint(cnt, 10, 32)
		if !ok || err1 != nil || err2 != nil || c == 0 {
			return it, syntaxErr("bad partial", []byte(s))
		}
		it.Partial = &Partial{Offset: uint32(o), Count: uint32(c)}
	}
	return it, nil
}

// ParseSection parses the text between the brackets of BODY[...].
func ParseSection(s string) (Section, error) {
	var sec Section
	for s != "" {
		i := strings.IndexByte(s, '.')
		head := s
		if i >= 0 {
			head = s[:i]
		}
		n, err := strconv.Atoi(head)
		if err != nil || head == "" || head[0] < '1' || head[0] > '9' {
			break
		}
		sec.Part = append(sec.Part, n)
		if i < 0 {
			s = ""
		} else {
			s = s[i+1:]
			if s == "" {
				return sec, syntaxErr("bad section", nil)
			}
		}
	}
	if s == "" {
		return sec, nil
	}
	spec, fields, hasFields := strings.Cut(s, " ")
	sec.Specifier = upper(spec)
	switch sec.Specifier {
	case "HEADER", "TEXT":
	case "MIME":
		if len(sec.Part) == 0 {
			return sec, syntaxErr("MIME needs a part number", []byte(s))
		}
	case "HEADER.FIELDS", "HEADER.FIELDS.NOT":
		if !hasFields || len(fields) < 2 || fields[0] != '(' || fields[len(fields)-1] != ')' {
			return sec, syntaxErr("expected header field list", []byte(s))
		}
		for _, f := range strings.Fields(fields[1 : len(fields)-1]) {
			f = strings.Trim(f, `"`)
			if f == "" {
				continue
			}
			sec.Fields = append(sec.Fields, upper(f))
		}
		if len(sec.Fields) == 0 {
			return sec, syntaxErr("empty header field list", []byte(s))
		}
		return sec, nil
	default:
		return sec, syntaxErr("bad section", []byte(s))
	}
	if hasFields {
		return sec, syntaxErr("bad section", []byte(s))
	}
	return sec, nil
}

// String formats the section as it goes between the brackets.
func (s Section) String() string {
	var b []byte
	for i, p := range s.Part {
		if i > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendInt(b, int64(p), 10)
	}
	if s.Specifier != "" {
		if len(b) > 0 {
			b = append(b, '.')
		}
		b = append(b, s.Specifier...)
	}
	if len(s.Fields) > 0 {
		b = append(b, " ("...)
		for i, f := range s.Fields {
			if i > 0 {
				b = append(b, ' ')
			}
			b = append(b, f...)
		}
		b = append(b, ')')
	}
	return string(b)
}

// String formats the item as a client sends it.
func (it FetchItem) String() string {
	name := it.Name
	if it.Peek {
		name += ".PEEK"
	}
	if it.Section == nil {
		return name
	}
	s := name + "[" + it.Section.String() + "]"
	if it.Partial != nil {
		s += "<" + strconv.FormatUint(uint64(it.Partial.Offset), 10) + "." + strconv.FormatUint(uint64(it.Partial.Count), 10) + ">"
	}
	return s
}

// ResponseKey is the name of the item in the FETCH response: PEEK dropped
// and only the origin of a partial kept ("BODY[1]<0>"), as RFC 9051 section
// 7.5.2 says.
func (it FetchItem) ResponseKey() string {
	if it.Section == nil {
		return it.Name
	}
	s := it.Name + "[" + it.Section.String() + "]"
	if it.Partial != nil {
		s += "<" + strconv.FormatUint(uint64(it.Partial.Offset), 10) + ">"
	}
	return s
}

// FetchData is the data of one "* n FETCH (...)" response.
type FetchData struct {
	Seq           uint32
	UID           uint32
	Flags         []Flag
	HasFlags      bool // FLAGS was present (possibly empty)
	InternalDate  time.Time
	Size          int64 // RFC822.SIZE
	Envelope      *Envelope
	BodyStructure *BodyStructure
	// Sections holds body sections keyed by their response key, such as
	// "BODY[1]" or "BINARY[2]<0>". A NIL section is an empty, non-nil slice.
	Sections map[string][]byte
	// BinarySizes holds BINARY.SIZE results keyed by "BINARY.SIZE[n]".
	BinarySizes map[string]int64
}

// Section returns the data of a fetched section by its key, e.g. "BODY[1]".
func (d *FetchData) Section(key string) []byte { return d.Sections[key] }

// ParseFetchData parses the arguments of "* seq FETCH" into FetchData.
func ParseFetchData(seq uint32, args []Value) (*FetchData, error) {
	if len(args) != 1 {
		return nil, syntaxErr("FETCH response needs one list", nil)
	}
	list, ok := args[0].(List)
	if !ok || len(list)%2 != 0 {
		return nil, syntaxErr("FETCH response needs key value pairs", nil)
	}
	d := &FetchData{Seq: seq}
	for i := 0; i < len(list); i += 2 {
		k, ok := list[i].(Atom)
		if !ok {
			return nil, syntaxErr("expected fetch key", nil)
		}
		key := upper(string(k))
		v := list[i+1]
		switch {
		case key == FetchUID:
			n, ok := AsNumber(v)
			if !ok || n > 0xffffffff {
				return nil, syntaxErr("bad UID", nil)
			}
			d.UID = uint32(n)
		case key == FetchFlags:
			l, ok := v.(List)
			if !ok {
				return nil, syntaxErr("bad FLAGS", nil)
			}
			d.HasFlags = true
			d.Flags = []Flag{}
			for _, f := range l {
				a, ok := f.(Atom)
				if !ok {
					return nil, syntaxErr("bad flag", nil)
				}
				d.Flags = append(d.Flags, canonicalFlag(string(a)))
			}
		case key == FetchInternalDate:
			s, ok := v.(String)
			if !ok {
				return nil, syntaxErr("bad INTERNALDATE", nil)
			}
			t, err := ParseDateTime(string(s))
			if err != nil {
				return nil, err
			}
			d.InternalDate = t
		case key == FetchRFC822Size:
			n, ok := AsNumber(v)
			if !ok {
				return nil, syntaxErr("bad RFC822.SIZE", nil)
			}
			d.Size = int64(n)
		case key == FetchEnvelope:
			env, err := ParseEnvelope(v)
			if err != nil {
				return nil, err
			}
			d.Envelope = env
		case key == FetchBody || key == FetchBodyStructure:
			bs, err := ParseBodyStructure(v)
			if err != nil {
				return nil, err
			}
			d.BodyStructure = bs
		case strings.HasPrefix(key, "BINARY.SIZE["):
			n, ok := AsNumber(v)
			if !ok {
				return nil, syntaxErr("bad BINARY.SIZE", nil)
			}
			if d.BinarySizes == nil {
				d.BinarySizes = map[string]int64{}
			}
			d.BinarySizes[key] = int64(n)
		case strings.HasPrefix(key, "BODY[") || strings.HasPrefix(key, "BINARY[") ||
			key == FetchRFC822 || key == FetchRFC822Header || key == FetchRFC822Text:
			s, ok := AsNString(v)
			if !ok {
				return nil, syntaxErr("bad section data", nil)
			}
			if d.Sections == nil {
				d.Sections = map[string][]byte{}
			}
			d.Sections[string(k)] = []byte(s)
		}
		// Unknown items are skipped: servers may send extensions.
	}
	return d, nil
}
