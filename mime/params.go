package mime

import (
	"slices"
	"strconv"
	"strings"
)

// Param is one parameter of a Content-Type or Content-Disposition field.
type Param struct {
	Name  string // lower case, without any RFC 2231 "*" or "*N" suffix
	Value string // decoded: continuations joined, charset converted to UTF-8
}

// MediaType is a parsed Content-Type field (RFC 2045 section 5.1):
// type/subtype and parameters, e.g. text/plain; charset=us-ascii.
type MediaType struct {
	Type    string  // lower case, e.g. "text"
	Subtype string  // lower case, e.g. "plain"
	Params  []Param // in the order they appeared; names unique
}

// Param returns the value of the named parameter (case-insensitive), or "".
func (m MediaType) Param(name string) string { return paramValue(m.Params, name) }

// String formats the media type as a Content-Type field value. Values are
// quoted where needed; non-ASCII values use RFC 2231 encoding.
func (m MediaType) String() string {
	b := make([]byte, 0, 64)
	b = append(b, m.Type...)
	b = append(b, '/')
	b = append(b, m.Subtype...)
	return string(AppendParams(b, m.Params))
}

// Disposition is a parsed Content-Disposition field (RFC 2183).
type Disposition struct {
	Type   string  // lower case: "inline" or "attachment" (or an extension)
	Params []Param // filename, size, creation-date, ...
}

// Param returns the value of the named parameter (case-insensitive), or "".
func (d Disposition) Param(name string) string { return paramValue(d.Params, name) }

// String formats the disposition as a Content-Disposition field value.
func (d Disposition) String() string {
	return string(AppendParams([]byte(d.Type), d.Params))
}

func paramValue(ps []Param, name string) string {
	for _, p := range ps {
		if strings.EqualFold(p.Name, name) {
			return p.Value
		}
	}
	return ""
}

// ParseMediaType parses a Content-Type field value. Comments and white
// space are skipped, RFC 2231 continuations and charsets are decoded, and a
// value that is a whole RFC 2047 encoded word (a common violation) is decoded
// too. Parsing is lenient: on malformed input it returns what it could read
// with a [*SyntaxError] wrapping ErrBadContentType or ErrBadParameter.
func ParseMediaType(v string) (MediaType, error) {
	var m MediaType
	p := paramParser{s: v}
	p.skipCFWS()
	typ := p.token()
	p.skipCFWS()
	if typ == "" || !p.consume('/') {
		return m, p.errorf(ErrBadContentType, "expected type/subtype")
	}
	p.skipCFWS()
	sub := p.token()
	if sub == "" {
		return m, p.errorf(ErrBadContentType, "expected subtype")
	}
	m.Type, m.Subtype = strings.ToLower(typ), strings.ToLower(sub)
	var err error
	m.Params, err = p.params()
	return m, err
}

// ParseDisposition parses a Content-Disposition field value (RFC 2183),
// with the same leniency as [ParseMediaType].
func ParseDisposition(v string) (Disposition, error) {
	var d Disposition
	p := paramParser{s: v}
	p.skipCFWS()
	typ := p.token()
	if typ == "" {
		return d, p.errorf(ErrBadParameter, "expected disposition type")
	}
	d.Type = strings.ToLower(typ)
	var err error
	d.Params, err = p.params()
	return d, err
}

// paramParser walks a structured field body. It never fails hard: errors
// are recorded and parsing resumes at the next semicolon.
type paramParser struct {
	s   string
	i   int
	err error
}

func (p *paramParser) errorf(sentinel error, msg string) error {
	if p.err == nil {
		p.err = &SyntaxError{Err: sentinel, Input: p.s, Offset: p.i, Msg: msg}
	}
	return p.err
}

func (p *paramParser) consume(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// skipCFWS skips folding white space and (nested) comments.
func (p *paramParser) skipCFWS() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		case '(':
			depth := 0
			for p.i < len(p.s) {
				c := p.s[p.i]
				p.i++
				if c == '\\' {
					p.i++
				} else if c == '(' {
					depth++
				} else if c == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			p.i = min(p.i, len(p.s))
		default:
			return
		}
	}
}

// isTSpecial reports RFC 2045 tspecials.
func isTSpecial(c byte) bool { return strings.IndexByte(`()<>@,;:\"/[]?=`, c) >= 0 }

func isTokenChar(c byte) bool { return c > 32 && c < 127 && !isTSpecial(c) }

func (p *paramParser) token() string {
	start := p.i
	for p.i < len(p.s) && isTokenChar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// quoted reads a quoted-string starting at the opening quote. An
// unterminated string runs to the end of the input.
func (p *paramParser) quoted() string {
	p.i++ // opening quote
	var sb strings.Builder
	start := p.i
	simple := true
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch c {
		case '"':
			p.i++
			if simple {
				return p.s[start : p.i-1]
			}
			return sb.String()
		case '\\':
			if simple {
				sb.WriteString(p.s[start:p.i])
				simple = false
			}
			p.i++
			if p.i < len(p.s) {
				sb.WriteByte(p.s[p.i])
				p.i++
			}
			continue
		case '\r', '\n':
			// Folding inside a quoted string: drop the line break.
			if simple {
				sb.WriteString(p.s[start:p.i])
				simple = false
			}
			p.i++
			continue
		}
		if !simple {
			sb.WriteByte(c)
		}
		p.i++
	}
	p.errorf(ErrBadParameter, "unterminated quoted string")
	if simple {
		return p.s[start:]
	}
	return sb.String()
}

// rawParam is a parameter before RFC 2231 assembly.
type rawParam struct {
	name     string // lower case, suffix removed
	section  int    // -1 without a *N section
	extended bool   // value is charset'lang'%XX-encoded
	value    string
}

func (p *paramParser) params() ([]Param, error) {
	var rawBuf [8]rawParam
	raws := rawBuf[:0]
	for {
		p.skipCFWS()
		if p.i >= len(p.s) {
			break
		}
		if !p.consume(';') {
			p.errorf(ErrBadParameter, "expected ';'")
			if j := strings.IndexByte(p.s[p.i:], ';'); j >= 0 {
				p.i += j + 1
			} else {
				break
			}
		}
		p.skipCFWS()
		if p.i >= len(p.s) {
			break // trailing semicolon: harmless and common
		}
		name := p.token()
		p.skipCFWS()
		if name == "" || !p.consume('=') {
			p.errorf(ErrBadParameter, "expected name=value")
			p.skipTo(';')
			continue
		}
		p.skipCFWS()
		var value string
		if p.i < len(p.s) && p.s[p.i] == '"' {
			value = p.quoted()
		} else {
			start := p.i
			value = p.token()
			if p.i < len(p.s) && p.s[p.i] != ';' && !isWSP(p.s[p.i]) && p.s[p.i] != '(' {
				// Unquoted value with specials ("name=a/b@c"): take it up
				// to the next semicolon, as most readers do.
				p.errorf(ErrBadParameter, "special character in unquoted value")
				p.skipTo(';')
				value = strings.TrimRight(p.s[start:p.i], " \t\r\n")
			}
		}
		rp, ok := splitParamName(strings.ToLower(name), value)
		if !ok {
			p.errorf(ErrBadParameter, "bad RFC 2231 parameter name")
			continue
		}
		raws = append(raws, rp)
	}
	return assembleParams(raws), p.err
}

func (p *paramParser) skipTo(c byte) {
	if j := strings.IndexByte(p.s[p.i:], c); j >= 0 {
		p.i += j
	} else {
		p.i = len(p.s)
	}
}

func isWSP(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// splitParamName recognises the RFC 2231 forms name*, name*N and name*N*.
// Any other name with a "*" is rejected.
func splitParamName(name, value string) (rawParam, bool) {
	rp := rawParam{name: name, section: -1, value: value}
	star := strings.IndexByte(name, '*')
	if star < 0 {
		return rp, true
	}
	base, rest := name[:star], name[star+1:]
	if base == "" {
		return rp, false
	}
	if rest == "" {
		rp.name, rp.extended = base, true
		return rp, true
	}
	ext := strings.HasSuffix(rest, "*")
	num := strings.TrimSuffix(rest, "*")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > maxParamSections || num[0] == '+' || len(num) > 1 && num[0] == '0' {
		return rp, false
	}
	rp.name, rp.section, rp.extended = base, n, ext
	return rp, true
}

// maxParamSections bounds RFC 2231 continuation numbers.
const maxParamSections = 999

// assembleParams joins RFC 2231 continuations and decodes charsets. The
// first occurrence of a name fixes its position; an extended or continued
// form wins over a plain one of the same name (RFC 2231 section 4).
func assembleParams(raws []rawParam) []Param {
	if len(raws) == 0 {
		return nil
	}
	out := make([]Param, 0, len(raws))
	has2231 := false
	for _, r := range raws {
		if r.section >= 0 || r.extended {
			has2231 = true
			break
		}
	}
	if !has2231 {
		for _, r := range raws {
			if paramIndex(out, r.name) >= 0 {
				continue // duplicate: first one wins
			}
			out = append(out, Param{Name: r.name, Value: decodeParamWord(r.value)})
		}
		return out
	}
	seen := map[string]bool{}
	for _, r := range raws {
		if seen[r.name] {
			continue
		}
		seen[r.name] = true
		out = append(out, Param{Name: r.name, Value: assembleOne(raws, r.name)})
	}
	return out
}

func paramIndex(ps []Param, name string) int {
	for i, p := range ps {
		if p.Name == name {
			return i
		}
	}
	return -1
}

// assembleOne builds the value of one parameter from its raw pieces.
func assembleOne(raws []rawParam, name string) string {
	var plain *rawParam
	var single *rawParam // name* (extended, no section)
	var sections []rawParam
	for i := range raws {
		r := &raws[i]
		if r.name != name {
			continue
		}
		switch {
		case r.section >= 0:
			sections = append(sections, *r)
		case r.extended:
			if single == nil {
				single = r
			}
		default:
			if plain == nil {
				plain = r
			}
		}
	}
	if single != nil {
		if v, ok := decode2231(single.value, true, ""); ok {
			return v
		}
	}
	if len(sections) > 0 {
		slices.SortStableFunc(sections, func(a, b rawParam) int { return a.section - b.section })
		var buf []byte
		charset := ""
		next := 0
		for i, s := range sections {
			if s.section != next {
				break // a gap or duplicate ends the value
			}
			next++
			if !s.extended {
				buf = append(buf, s.value...)
				continue
			}
			v := s.value
			if i == 0 {
				// The first section carries charset'language'.
				if q := strings.IndexByte(v, '\''); q >= 0 {
					if q2 := strings.IndexByte(v[q+1:], '\''); q2 >= 0 {
						charset = v[:q]
						v = v[q+1+q2+1:]
					}
				}
			}
			buf = appendPercentDecoded(buf, v)
		}
		if s, err := charsetToUTF8(charset, buf); err == nil {
			return s
		}
		return string(buf)
	}
	if plain != nil {
		return decodeParamWord(plain.value)
	}
	return ""
}

// decode2231 decodes charset'language'%XX-value.
func decode2231(v string, hasCharset bool, charset string) (string, bool) {
	if hasCharset {
		q := strings.IndexByte(v, '\'')
		if q < 0 {
			return v, true
		}
		q2 := strings.IndexByte(v[q+1:], '\'')
		if q2 < 0 {
			return v, true
		}
		charset = v[:q]
		v = v[q+1+q2+1:]
	}
	buf := appendPercentDecoded(nil, v)
	s, err := charsetToUTF8(charset, buf)
	if err != nil {
		return string(buf), true
	}
	return s, true
}

func appendPercentDecoded(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) {
			if h, ok := unhex2(s[i+1], s[i+2]); ok {
				b = append(b, h)
				i += 2
				continue
			}
		}
		b = append(b, c)
	}
	return b
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func unhex2(a, b byte) (byte, bool) {
	x, ok1 := unhex(a)
	y, ok2 := unhex(b)
	return x<<4 | y, ok1 && ok2
}

// decodeParamWord decodes a parameter value that is an RFC 2047 encoded
// word (not allowed by RFC 2047 section 5, but sent by many mailers).
func decodeParamWord(v string) string {
	if strings.HasPrefix(v, "=?") && strings.HasSuffix(v, "?=") {
		if d, err := DecodeHeader(v); err == nil {
			return d
		}
	}
	return v
}

// AppendParams appends "; name=value" for each parameter. Values that are
// tokens are written bare, other ASCII values are quoted, and values with
// non-ASCII characters (or too long for one line) use RFC 2231 UTF-8
// encoding, split into numbered sections when long.
func AppendParams(b []byte, params []Param) []byte {
	for _, p := range params {
		b = append(b, "; "...)
		b = appendParam(b, p)
	}
	return b
}

// maxParamChunk is the longest RFC 2231 section value written, so that
// a section fits a folded line.
const maxParamChunk = 60

func appendParam(b []byte, p Param) []byte {
	name := strings.ToLower(p.Name)
	ascii := true
	for i := 0; i < len(p.Value); i++ {
		if c := p.Value[i]; c >= 0x80 || c < 0x20 && c != '\t' || c == 0x7f {
			ascii = false
			break
		}
	}
	// A value that looks like an encoded word would be decoded on reading
	// (see decodeParamWord), so it goes in RFC 2231 form.
	looksEncoded := strings.HasPrefix(p.Value, "=?") && strings.HasSuffix(p.Value, "?=")
	if ascii && !looksEncoded && len(p.Value) <= MaxLineLength-len(name)-10 {
		b = append(b, name...)
		b = append(b, '=')
		if p.Value != "" && isToken(p.Value) {
			return append(b, p.Value...)
		}
		return appendQuoted(b, p.Value)
	}
	// RFC 2231: name*=utf-8''%XX..., or name*0*=utf-8''...; name*1*=...
	enc := percentEncode(p.Value)
	if len(enc) <= maxParamChunk {
		b = append(b, name...)
		b = append(b, "*=utf-8''"...)
		return append(b, enc...)
	}
	for n := 0; enc != ""; n++ {
		cut := min(len(enc), maxParamChunk)
		// Never split a %XX triple.
		if i := strings.LastIndexByte(enc[:cut], '%'); i >= 0 && i > cut-3 && cut < len(enc) {
			cut = i
		}
		if n > 0 {
			b = append(b, "; "...)
		}
		b = append(b, name...)
		b = append(b, '*')
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, "*="...)
		if n == 0 {
			b = append(b, "utf-8''"...)
		}
		b = append(b, enc[:cut]...)
		enc = enc[cut:]
	}
	return b
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// percentEncode encodes everything but RFC 2231 attribute-chars.
func percentEncode(s string) string {
	const hexdig = "0123456789ABCDEF"
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isTokenChar(c) && c != '*' && c != '\'' && c != '%' {
			sb.WriteByte(c)
			continue
		}
		sb.WriteByte('%')
		sb.WriteByte(hexdig[c>>4])
		sb.WriteByte(hexdig[c&15])
	}
	return sb.String()
}
