package imap

import "sort"

// Address is one address of an envelope (RFC 9051 section 7.5.2, address).
type Address struct {
	Name    string // display name, "" for NIL
	ADL     string // source route, always "" in practice
	Mailbox string // local part; a group start has the group name here and Host ""
	Host    string // domain
}

// Envelope is the ENVELOPE fetch item: the parsed header fields of a message
// (RFC 9051 section 7.5.2).
type Envelope struct {
	Date      string // the Date header as sent, "" for NIL
	Subject   string
	From      []Address
	Sender    []Address
	ReplyTo   []Address
	To        []Address
	Cc        []Address
	Bcc       []Address
	InReplyTo string
	MessageID string
}

// Value returns the envelope as a list in wire order.
func (e *Envelope) Value() Value {
	addrs := func(as []Address) Value {
		if len(as) == 0 {
			return Nil{}
		}
		l := make(Adjacent, len(as))
		for i, a := range as {
			l[i] = List{NString(a.Name), NString(a.ADL), NString(a.Mailbox), NString(a.Host)}
		}
		return List{l}
	}
	return List{NString(e.Date), NString(e.Subject), addrs(e.From), addrs(e.Sender), addrs(e.ReplyTo),
		addrs(e.To), addrs(e.Cc), addrs(e.Bcc), NString(e.InReplyTo), NString(e.MessageID)}
}

// ParseEnvelope parses an ENVELOPE value.
func ParseEnvelope(v Value) (*Envelope, error) {
	l, ok := v.(List)
	if !ok || len(l) != 10 {
		return nil, syntaxErr("bad envelope", nil)
	}
	e := &Envelope{}
	strs := []*string{&e.Date, &e.Subject, nil, nil, nil, nil, nil, nil, &e.InReplyTo, &e.MessageID}
	addrs := []*[]Address{nil, nil, &e.From, &e.Sender, &e.ReplyTo, &e.To, &e.Cc, &e.Bcc}
	for i, x := range l {
		if i < len(strs) && strs[i] != nil {
			s, ok := AsNString(x)
			if !ok {
				return nil, syntaxErr("bad envelope string", nil)
			}
			*strs[i] = s
			continue
		}
		if _, isNil := x.(Nil); isNil {
			continue
		}
		al, ok := x.(List)
		if !ok {
			return nil, syntaxErr("bad envelope address list", nil)
		}
		for _, a := range al {
			f, ok := a.(List)
			if !ok || len(f) != 4 {
				return nil, syntaxErr("bad address", nil)
			}
			var ad Address
			for j, p := range []*string{&ad.Name, &ad.ADL, &ad.Mailbox, &ad.Host} {
				if *p, ok = AsNString(f[j]); !ok {
					return nil, syntaxErr("bad address field", nil)
				}
			}
			*addrs[i] = append(*addrs[i], ad)
		}
	}
	return e, nil
}

// BodyStructure describes the MIME structure of a message or part, as the
// BODY and BODYSTRUCTURE fetch items carry it (RFC 9051 section 7.5.2). A
// multipart has Parts; a single part has the fields below Parts.
type BodyStructure struct {
	Type, Subtype string            // media type, e.g. "TEXT", "PLAIN"
	Params        map[string]string // Content-Type parameters (charset, boundary, name)

	Parts []*BodyStructure // the children of a multipart, in order (part 1 first)

	ID          string // Content-ID
	Description string // Content-Description
	Encoding    string // Content-Transfer-Encoding, e.g. "BASE64"
	Size        uint32 // octets of the encoded body
	Lines       uint32 // text lines, for TEXT/* and MESSAGE/RFC822

	// For MESSAGE/RFC822: the encapsulated message.
	Envelope *Envelope
	Body     *BodyStructure

	// Extension data, sent with BODYSTRUCTURE but not BODY.
	MD5               string
	Disposition       string // "inline" or "attachment", "" for none
	DispositionParams map[string]string
	Language          []string
	Location          string
}

// IsMultipart reports whether the part is a multipart.
func (b *BodyStructure) IsMultipart() bool { return len(b.Parts) > 0 }

// Walk calls fn for each part in depth-first order with its IMAP part
// number ("1", "2.1"); the whole message is "" (RFC 9051 section 6.4.5).
func (b *BodyStructure) Walk(fn func(part string, p *BodyStructure) bool) {
	b.walk("", fn)
}

func (b *BodyStructure) walk(path string, fn func(string, *BodyStructure) bool) bool {
	if !fn(path, b) {
		return false
	}
	prefix := path
	if prefix != "" {
		prefix += "."
	}
	children := b.Parts
	if b.Body != nil && len(b.Body.Parts) > 0 {
		children = b.Body.Parts // parts of an encapsulated multipart number from it
	} else if b.Body != nil {
		children = []*BodyStructure{b.Body}
	}
	for i, c := range children {
		if !c.walk(prefix+itoa(i+1), fn) {
			return false
		}
	}
	return true
}

func itoa(n int) string { return string(Number(n)) }

func paramsValue(m map[string]string) Value {
	if len(m) == 0 {
		return Nil{}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	l := make(List, 0, 2*len(keys))
	for _, k := range keys {
		l = append(l, String(k), String(m[k]))
	}
	return l
}

func parseParams(v Value) (map[string]string, error) {
	if _, ok := v.(Nil); ok {
		return nil, nil
	}
	l, ok := v.(List)
	if !ok || len(l)%2 != 0 {
		return nil, syntaxErr("bad body parameters", nil)
	}
	m := make(map[string]string, len(l)/2)
	for i := 0; i < len(l); i += 2 {
		k, ok1 := AsString(l[i])
		val, ok2 := AsString(l[i+1])
		if !ok1 || !ok2 {
			return nil, syntaxErr("bad body parameter", nil)
		}
		m[upper(k)] = val
	}
	return m, nil
}

// Value returns the structure as a list; extended selects BODYSTRUCTURE
// (with extension data) over BODY.
func (b *BodyStructure) Value(extended bool) Value {
	if b.IsMultipart() {
		parts := Adjacent{}
		for _, p := range b.Parts {
			parts = append(parts, p.Value(extended))
		}
		l := List{parts, String(b.Subtype)}
		if extended {
			l = append(l, paramsValue(b.Params), b.dispositionValue(), b.languageValue(), NString(b.Location))
		}
		return l
	}
	l := List{String(b.Type), String(b.Subtype), paramsValue(b.Params), NString(b.ID),
		NString(b.Description), String(orDefault(b.Encoding, "7BIT")), Number(b.Size)}
	switch {
	case equalFold(b.Type, "MESSAGE") && (equalFold(b.Subtype, "RFC822") || equalFold(b.Subtype, "GLOBAL")) && b.Envelope != nil && b.Body != nil:
		l = append(l, b.Envelope.Value(), b.Body.Value(extended), Number(b.Lines))
	case equalFold(b.Type, "TEXT"):
		l = append(l, Number(b.Lines))
	}
	if extended {
		l = append(l, NString(b.MD5), b.dispositionValue(), b.languageValue(), NString(b.Location))
	}
	return l
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func (b *BodyStructure) dispositionValue() Value {
	if b.Disposition == "" {
		return Nil{}
	}
	return List{String(b.Disposition), paramsValue(b.DispositionParams)}
}

func (b *BodyStructure) languageValue() Value {
	if len(b.Language) == 0 {
		return Nil{}
	}
	l := make(List, len(b.Language))
	for i, s := range b.Language {
		l[i] = String(s)
	}
	return l
}

// ParseBodyStructure parses a BODY or BODYSTRUCTURE value.
func ParseBodyStructure(v Value) (*BodyStructure, error) {
	l, ok := v.(List)
	if !ok || len(l) == 0 {
		return nil, syntaxErr("bad body structure", nil)
	}
	b := &BodyStructure{}
	if _, multi := l[0].(List); multi {
		i := 0
		for ; i < len(l); i++ {
			if _, ok := l[i].(List); !ok {
				break
			}
			p, err := ParseBodyStructure(l[i])
			if err != nil {
				return nil, err
			}
			b.Parts = append(b.Parts, p)
		}
		if i >= len(l) {
			return nil, syntaxErr("multipart without subtype", nil)
		}
		b.Type = "MULTIPART"
		if b.Subtype, ok = AsString(l[i]); !ok {
			return nil, syntaxErr("bad multipart subtype", nil)
		}
		return b, b.parseExt(l[i+1:], true)
	}
	if len(l) < 7 {
		return nil, syntaxErr("short body structure", nil)
	}
	var err error
	fields := []*string{&b.Type, &b.Subtype, nil, &b.ID, &b.Description, &b.Encoding}
	for i, p := range fields {
		if p == nil {
			continue
		}
		if *p, ok = AsNString(l[i]); !ok {
			return nil, syntaxErr("bad body field", nil)
		}
	}
	if b.Params, err = parseParams(l[2]); err != nil {
		return nil, err
	}
	n, ok := AsNumber(l[6])
	if !ok || n > 0xffffffff {
		return nil, syntaxErr("bad body size", nil)
	}
	b.Size = uint32(n)
	rest := l[7:]
	switch {
	case equalFold(b.Type, "MESSAGE") && (equalFold(b.Subtype, "RFC822") || equalFold(b.Subtype, "GLOBAL")) && len(rest) >= 3:
		if b.Envelope, err = ParseEnvelope(rest[0]); err != nil {
			return nil, err
		}
		if b.Body, err = ParseBodyStructure(rest[1]); err != nil {
			return nil, err
		}
		n, ok := AsNumber(rest[2])
		if !ok || n > 0xffffffff {
			return nil, syntaxErr("bad body lines", nil)
		}
		b.Lines = uint32(n)
		rest = rest[3:]
	case equalFold(b.Type, "TEXT"):
		if len(rest) == 0 {
			return nil, syntaxErr("text part without lines", nil)
		}
		n, ok := AsNumber(rest[0])
		if !ok || n > 0xffffffff {
			return nil, syntaxErr("bad body lines", nil)
		}
		b.Lines = uint32(n)
		rest = rest[1:]
	}
	return b, b.parseExt(rest, false)
}

// parseExt reads the extension data: for a multipart params, disposition,
// language, location; for a single part md5, disposition, language,
// location. Missing trailing fields are fine; extra ones are ignored
// (RFC 9051 section 7.5.2 allows future extensions).
func (b *BodyStructure) parseExt(l List, multi bool) error {
	var err error
	if len(l) == 0 {
		return nil
	}
	if multi {
		if b.Params, err = parseParams(l[0]); err != nil {
			return err
		}
	} else {
		var ok bool
		if b.MD5, ok = AsNString(l[0]); !ok {
			return syntaxErr("bad body MD5", nil)
		}
	}
	l = l[1:]
	if len(l) == 0 {
		return nil
	}
	switch d := l[0].(type) {
	case Nil:
	case List:
		if len(d) != 2 {
			return syntaxErr("bad disposition", nil)
		}
		var ok bool
		if b.Disposition, ok = AsString(d[0]); !ok {
			return syntaxErr("bad disposition", nil)
		}
		if b.DispositionParams, err = parseParams(d[1]); err != nil {
			return err
		}
	default:
		return syntaxErr("bad disposition", nil)
	}
	l = l[1:]
	if len(l) == 0 {
		return nil
	}
	switch lang := l[0].(type) {
	case Nil:
	case List:
		for _, x := range lang {
			s, ok := AsString(x)
			if !ok {
				return syntaxErr("bad language", nil)
			}
			b.Language = append(b.Language, s)
		}
	default:
		s, ok := AsString(lang)
		if !ok {
			return syntaxErr("bad language", nil)
		}
		b.Language = []string{s}
	}
	l = l[1:]
	if len(l) == 0 {
		return nil
	}
	var ok bool
	if b.Location, ok = AsNString(l[0]); !ok {
		return syntaxErr("bad location", nil)
	}
	return nil
}
