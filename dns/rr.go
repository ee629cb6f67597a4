package dns

import (
	"strconv"
	"strings"
)

// RR is a resource record (RFC 1035 section 3.2.1): an owner name, a class, a
// time to live, and typed data whose [RData.Type] is the record's type.
type RR struct {
	Name  Name
	Class Class
	TTL   uint32 // seconds a cache may keep the record (RFC 1035 3.2.1, RFC 2181 8)
	Data  RData
}

// Type returns the record's type, taken from its data (0 when Data is nil).
func (r *RR) Type() Type {
	if r.Data == nil {
		return 0
	}
	return r.Data.Type()
}

// String formats the record as one line of dig output or a zone file:
// "www.example.com.\t300\tIN\tA\t192.0.2.1".
func (r RR) String() string { return string(r.AppendText(nil)) }

// AppendText appends the presentation form of r to b.
func (r *RR) AppendText(b []byte) []byte {
	if o, ok := r.Data.(*OPT); ok {
		return o.appendPseudo(b)
	}
	start := len(b)
	b = r.Name.AppendText(b)
	b = appendPad(b, len(b)-start)
	b = strconv.AppendUint(b, uint64(r.TTL), 10)
	b = append(b, '\t')
	b = append(b, r.Class.String()...)
	b = append(b, '\t')
	if r.Data == nil {
		return b
	}
	b = append(b, r.Data.Type().String()...)
	b = append(b, '\t')
	return r.Data.appendText(b)
}

// RData is the typed data of a record. The implementations in this package are
// [*A], [*NS], [*CNAME], [*SOA], [*PTR], [*MX], [*TXT], [*AAAA], [*SRV], [*CAA],
// [*OPT], [*TSIG] and, for every other type, [*Unknown].
type RData interface {
	// Type returns the record type this data belongs to.
	Type() Type
	// String returns the data in presentation form, the part of a zone file
	// line after the type.
	String() string

	appendText(b []byte) []byte
	pack(p *packer) error
	unpack(msg []byte, off, end int) error
	parse(p *rdataParser) error
}

// knownType reports whether t has typed data in this package.
func knownType(t Type) bool {
	switch t {
	case TypeA, TypeNS, TypeCNAME, TypeSOA, TypePTR, TypeMX, TypeTXT, TypeAAAA, TypeSRV, TypeCAA, TypeOPT, TypeTSIG:
		return true
	}
	return false
}

// newRData returns empty data for type t: typed where known, else *Unknown.
func newRData(t Type) RData {
	switch t {
	case TypeA:
		return &A{}
	case TypeNS:
		return &NS{}
	case TypeCNAME:
		return &CNAME{}
	case TypeSOA:
		return &SOA{}
	case TypePTR:
		return &PTR{}
	case TypeMX:
		return &MX{}
	case TypeTXT:
		return &TXT{}
	case TypeAAAA:
		return &AAAA{}
	case TypeSRV:
		return &SRV{}
	case TypeCAA:
		return &CAA{}
	case TypeOPT:
		return &OPT{}
	case TypeTSIG:
		return &TSIG{}
	}
	return &Unknown{T: t}
}

// DefaultTTL is the TTL given to a record parsed from text without one and
// without a $TTL directive in force.
const DefaultTTL = 3600

// ParseRR parses one record in presentation form, as dig prints it or as a
// line of a zone file: "owner [TTL] [class] type data". A relative owner or
// data name is taken relative to the root. The RFC 3597 generic form
// ("TYPE65280 \# 2 abcd") is accepted for every type.
func ParseRR(s string) (RR, error) {
	zp := NewZoneParser(strings.NewReader(s), Root, "")
	zp.DefaultTTL = DefaultTTL
	rr, ok := zp.Next()
	if !ok {
		if err := zp.Err(); err != nil {
			return RR{}, err
		}
		return RR{}, &ParseError{Err: ErrSyntax, Token: s}
	}
	if _, ok := zp.Next(); ok {
		return RR{}, &ParseError{Err: ErrSyntax, Token: s, Line: 2}
	}
	return rr, zp.Err()
}

// ParseRData parses the data part of a record of type t ("10 mail.example.com.").
func ParseRData(t Type, s string, origin Name) (RData, error) {
	toks, err := tokenizeLine(s)
	if err != nil {
		return nil, err
	}
	p := &rdataParser{toks: toks, origin: origin}
	return p.rdata(t)
}

// rdataParser hands out the tokens of a record's data to RData.parse.
type rdataParser struct {
	toks   []token
	i      int
	origin Name
}

func (p *rdataParser) rdata(t Type) (RData, error) {
	if t == TypeOPT {
		return nil, &ParseError{Err: ErrSyntax, Token: "OPT"}
	}
	if p.i < len(p.toks) && !p.toks[p.i].quoted && p.toks[p.i].s == `\#` {
		p.i++
		u := &Unknown{T: t}
		if err := u.parseGeneric(p); err != nil {
			return nil, err
		}
		if !knownType(t) || len(u.Data) == 0 {
			return u, nil
		}
		d := newRData(t)
		if err := d.unpack(u.Data, 0, len(u.Data)); err != nil {
			return nil, &ParseError{Err: err, Token: `\#`}
		}
		return d, nil
	}
	d := newRData(t)
	if _, ok := d.(*Unknown); ok {
		return nil, &ParseError{Err: ErrSyntax, Token: t.String() + ` needs the \# form`}
	}
	if err := d.parse(p); err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, p.errAt(p.toks[p.i].s, ErrSyntax)
	}
	return d, nil
}

func (p *rdataParser) errAt(tok string, err error) error {
	return &ParseError{Token: tok, Err: err}
}

func (p *rdataParser) next() (token, error) {
	if p.i >= len(p.toks) {
		return token{}, p.errAt("", errMissingField)
	}
	t := p.toks[p.i]
	p.i++
	return t, nil
}

func (p *rdataParser) more() bool { return p.i < len(p.toks) }

func (p *rdataParser) word() (string, error) {
	t, err := p.next()
	if err != nil {
		return "", err
	}
	if t.quoted {
		return "", p.errAt(t.s, ErrSyntax)
	}
	return t.s, nil
}

func (p *rdataParser) name() (Name, error) {
	s, err := p.word()
	if err != nil {
		return Root, err
	}
	if s == "@" {
		return p.origin, nil
	}
	n, err := parseName(s, p.origin)
	if err != nil {
		return Root, p.errAt(s, err)
	}
	return n, nil
}

func (p *rdataParser) uint(bits int) (uint64, error) {
	s, err := p.word()
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(s, 10, bits)
	if err != nil {
		return 0, p.errAt(s, ErrSyntax)
	}
	return v, nil
}

func (p *rdataParser) u8() (uint8, error)   { v, err := p.uint(8); return uint8(v), err }
func (p *rdataParser) u16() (uint16, error) { v, err := p.uint(16); return uint16(v), err }

// ttl reads a 32-bit number that may use BIND's units (1h30m, 2d, 1w).
func (p *rdataParser) ttl() (uint32, error) {
	s, err := p.word()
	if err != nil {
		return 0, err
	}
	v, ok := parseTTL(s)
	if !ok {
		return 0, p.errAt(s, ErrSyntax)
	}
	return v, nil
}

// parseTTL parses "3600" or BIND's unit form "1h30m" (units s m h d w).
func parseTTL(s string) (uint32, bool) {
	if s == "" {
		return 0, false
	}
	var total, cur uint64
	digits := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isDigit(c) {
			cur = cur*10 + uint64(c-'0')
			digits = true
			if cur > 1<<32 {
				return 0, false
			}
			continue
		}
		if !digits {
			return 0, false
		}
		var mul uint64
		switch lower(c) {
		case 's':
			mul = 1
		case 'm':
			mul = 60
		case 'h':
			mul = 3600
		case 'd':
			mul = 86400
		case 'w':
			mul = 604800
		default:
			return 0, false
		}
		total += cur * mul
		cur, digits = 0, false
	}
	if digits {
		if total != 0 { // "1h30": a bare number after a unit
			return 0, false
		}
		total = cur
	}
	if total > 0xFFFFFFFF {
		return 0, false
	}
	return uint32(total), true
}

// charString reads one character-string: a quoted or bare token with escapes decoded.
func (p *rdataParser) charString() (string, error) {
	t, err := p.next()
	if err != nil {
		return "", err
	}
	s, err := unescapeString(t.s)
	if err != nil {
		return "", p.errAt(t.s, err)
	}
	if len(s) > 255 {
		return "", p.errAt(t.s, errStringTooLong)
	}
	return s, nil
}

// unescapeString decodes \X and \DDD escapes (RFC 1035 section 5.1).
func unescapeString(s string) (string, error) {
	if strings.IndexByte(s, '\\') < 0 {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		if i+1 >= len(s) {
			return "", ErrSyntax
		}
		if isDigit(s[i+1]) {
			if i+3 >= len(s) || !isDigit(s[i+2]) || !isDigit(s[i+3]) {
				return "", ErrSyntax
			}
			v := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
			if v > 255 {
				return "", ErrSyntax
			}
			b = append(b, byte(v))
			i += 3
			continue
		}
		b = append(b, s[i+1])
		i++
	}
	return string(b), nil
}

// appendCharString writes s as a quoted character-string, escaping as dig does.
func appendCharString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		b = appendEscaped(b, s[i], false)
	}
	return append(b, '"')
}

// appendPad appends the tabs dig puts after an owner name of width n, so
// that the next column starts at 24 or at the next tab stop.
func appendPad(b []byte, n int) []byte {
	b = append(b, '\t')
	for n += 8 - n%8; n < 24; n += 8 {
		b = append(b, '\t')
	}
	return b
}
