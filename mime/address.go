package mime

import (
	"strings"
)

// Address is one entry of an address list (RFC 5322 section 3.4): a
// mailbox ("Alice <alice@example.com>") or a group ("Team: a@x, b@y;").
type Address struct {
	// Name is the display name, with quoting removed and RFC 2047 encoded
	// words decoded; for a mailbox written as "addr (Comment)" it is the
	// comment. For a group it is the group's name.
	Name string
	// Addr is the addr-spec "local@domain", with the local part quoted only
	// when it is not a dot-atom. It is empty for a group.
	Addr string
	// Group is true for a group; its mailboxes are in Members.
	Group   bool
	Members []Address
}

// LocalPart returns the part of Addr before the last "@".
func (a Address) LocalPart() string {
	if i := strings.LastIndexByte(a.Addr, '@'); i >= 0 {
		return a.Addr[:i]
	}
	return a.Addr
}

// Domain returns the part of Addr after the last "@".
func (a Address) Domain() string {
	if i := strings.LastIndexByte(a.Addr, '@'); i >= 0 {
		return a.Addr[i+1:]
	}
	return ""
}

// String formats the address for a header field: "addr",
// "Name <addr>", or "Group: a, b;". Names with specials are quoted and
// non-ASCII names become encoded words.
func (a Address) String() string {
	var sb strings.Builder
	a.appendTo(&sb)
	return sb.String()
}

func (a Address) appendTo(sb *strings.Builder) {
	if a.Group {
		sb.WriteString(formatPhrase(a.Name))
		sb.WriteString(":")
		for i, m := range a.Members {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString(" ")
			m.appendTo(sb)
		}
		sb.WriteString(";")
		return
	}
	if a.Name == "" {
		sb.WriteString(a.Addr)
		return
	}
	sb.WriteString(formatPhrase(a.Name))
	sb.WriteString(" <")
	sb.WriteString(a.Addr)
	sb.WriteString(">")
}

// FormatAddressList formats a list for a To, Cc, From or Bcc field,
// entries separated by ", ".
func FormatAddressList(list []Address) string {
	var sb strings.Builder
	for i, a := range list {
		if i > 0 {
			sb.WriteString(", ")
		}
		a.appendTo(&sb)
	}
	return sb.String()
}

// Mailboxes returns the mailboxes of list with groups flattened.
func Mailboxes(list []Address) []Address {
	var out []Address
	for _, a := range list {
		if a.Group {
			out = append(out, a.Members...)
		} else {
			out = append(out, a)
		}
	}
	return out
}

// formatPhrase writes a display name as atoms, a quoted string, or
// encoded words.
func formatPhrase(name string) string {
	if needsEncoding(name) {
		return encodeWords(name)
	}
	words := strings.Fields(name)
	if strings.Join(words, " ") == name && name != "" {
		ok := true
		for i := 0; i < len(name) && ok; i++ {
			ok = name[i] == ' ' || isAtext(name[i])
		}
		if ok {
			return name
		}
	}
	return string(appendQuoted(nil, name))
}

// isAtext reports RFC 5322 atext (plus octets of UTF-8, RFC 6532).
func isAtext(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0 || c >= 0x80
}

func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '.' && !isAtext(s[i]) {
			return false
		}
	}
	return true
}

// maxAddresses bounds the entries of one parsed list (groups' members
// included), so a hostile field cannot make a huge slice.
const maxAddresses = 10000

// ParseAddress parses a single mailbox, "Name <local@domain>" or
// "local@domain".
func ParseAddress(s string) (Address, error) {
	p := addrParser{s: s}
	a, err := p.mailbox()
	if err != nil {
		return Address{}, err
	}
	p.skipCFWS()
	if p.i < len(p.s) {
		return Address{}, p.fail("unexpected text after address")
	}
	return a, nil
}

// ParseAddressList parses an address list such as a To field (RFC 5322
// section 3.4), accepting the obsolete forms of section 4.4: empty list
// elements, routes ("<@relay:user@host>"), phrases with dots, comments and
// folding anywhere. It is lenient: an entry that cannot be parsed is
// skipped, and the entries that could be are returned with the first error
// (a [*SyntaxError] wrapping ErrBadAddress).
func ParseAddressList(s string) ([]Address, error) {
	p := addrParser{s: s}
	var out []Address
	var firstErr error
	count := 0
	for {
		p.skipCFWS()
		if p.i >= len(p.s) {
			break
		}
		if p.s[p.i] == ',' {
			p.i++ // obs-addr-list: empty element
			continue
		}
		a, err := p.address()
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			p.recover()
			continue
		}
		count += 1 + len(a.Members)
		if count > maxAddresses {
			if firstErr == nil {
				firstErr = p.fail("too many addresses")
			}
			break
		}
		out = append(out, a)
		p.skipCFWS()
		if p.i < len(p.s) && p.s[p.i] != ',' {
			if firstErr == nil {
				firstErr = p.fail("expected ','")
			}
			p.recover()
		}
	}
	return out, firstErr
}

type addrParser struct {
	s       string
	i       int
	comment string // the last comment skipped
}

func (p *addrParser) fail(msg string) error {
	return &SyntaxError{Err: ErrBadAddress, Input: p.s, Offset: p.i, Msg: msg}
}

// recover skips to just after the next top-level comma.
func (p *addrParser) recover() {
	inQuote, depth, angle := false, 0, false
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch {
		case c == '\\':
			p.i++
		case inQuote:
			if c == '"' {
				inQuote = false
			}
		case c == '"':
			inQuote = true
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case depth > 0:
		case c == '<':
			angle = true
		case c == '>':
			angle = false
		case c == ',' && !angle:
			return
		}
	}
	p.i = min(p.i, len(p.s))
}

// skipCFWS skips white space and comments, remembering the last comment.
func (p *addrParser) skipCFWS() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		case '(':
			p.i++
			start := p.i
			depth := 1
			for p.i < len(p.s) && depth > 0 {
				switch p.s[p.i] {
				case '\\':
					p.i++
				case '(':
					depth++
				case ')':
					depth--
				}
				p.i++
			}
			p.i = min(p.i, len(p.s))
			end := p.i
			if depth == 0 {
				end--
			}
			p.comment = unescapeQuoted(p.s[start:end])
		default:
			return
		}
	}
}

func unescapeQuoted(s string) string {
	if !strings.ContainsAny(s, "\\\r\n") {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			c = s[i]
		} else if c == '\r' || c == '\n' {
			continue
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

// word is one phrase element.
type word struct {
	text   string
	quoted bool
}

// words reads atoms (dots allowed, obs-phrase) and quoted strings.
func (p *addrParser) words() ([]word, error) {
	var ws []word
	for {
		p.skipCFWS()
		if p.i >= len(p.s) {
			return ws, nil
		}
		c := p.s[p.i]
		switch {
		case c == '"':
			start := p.i
			p.i++
			var sb strings.Builder
			closed := false
			for p.i < len(p.s) {
				c := p.s[p.i]
				p.i++
				if c == '\\' && p.i < len(p.s) {
					sb.WriteByte(p.s[p.i])
					p.i++
					continue
				}
				if c == '"' {
					closed = true
					break
				}
				if c == '\r' || c == '\n' {
					continue
				}
				sb.WriteByte(c)
			}
			if !closed {
				p.i = start
				return ws, p.fail("unterminated quoted string")
			}
			ws = append(ws, word{sb.String(), true})
		case isAtext(c) || c == '.':
			start := p.i
			for p.i < len(p.s) && (isAtext(p.s[p.i]) || p.s[p.i] == '.') {
				p.i++
			}
			ws = append(ws, word{p.s[start:p.i], false})
		default:
			return ws, nil
		}
	}
}

// phrase joins words into a display name, decoding encoded words.
func phrase(ws []word) string {
	var sb strings.Builder
	for i, w := range ws {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(w.text)
	}
	s := sb.String()
	if strings.Contains(s, "=?") {
		if d, err := DecodeHeader(s); err == nil {
			return d
		}
	}
	return s
}

// address parses a mailbox or a group.
func (p *addrParser) address() (Address, error) {
	start := p.i
	ws, err := p.words()
	if err != nil {
		return Address{}, err
	}
	p.skipCFWS()
	if p.i < len(p.s) && p.s[p.i] == ':' && len(ws) > 0 {
		p.i++
		g := Address{Name: phrase(ws), Group: true}
		for {
			p.skipCFWS()
			if p.i >= len(p.s) {
				return g, nil // missing ';' is tolerated
			}
			switch p.s[p.i] {
			case ';':
				p.i++
				return g, nil
			case ',':
				p.i++
				continue
			}
			m, err := p.mailbox()
			if err != nil {
				return g, err
			}
			if len(g.Members) >= maxAddresses {
				return g, p.fail("too many addresses")
			}
			g.Members = append(g.Members, m)
		}
	}
	p.i = start
	return p.mailbox()
}

// mailbox parses name-addr or addr-spec.
func (p *addrParser) mailbox() (Address, error) {
	p.comment = ""
	start := p.i
	ws, err := p.words()
	if err != nil {
		return Address{}, err
	}
	p.skipCFWS()
	if p.i < len(p.s) && p.s[p.i] == '<' {
		p.i++
		p.skipCFWS()
		// obs-route: "@a,@b:" before the addr-spec.
		if p.i < len(p.s) && p.s[p.i] == '@' {
			j := strings.IndexByte(p.s[p.i:], ':')
			if j < 0 {
				return Address{}, p.fail("bad route")
			}
			p.i += j + 1
		}
		addr, err := p.addrSpec()
		if err != nil {
			return Address{}, err
		}
		p.skipCFWS()
		if p.i >= len(p.s) || p.s[p.i] != '>' {
			return Address{}, p.fail("expected '>'")
		}
		p.i++
		return Address{Name: phrase(ws), Addr: addr}, nil
	}
	// addr-spec alone; a trailing comment is the old way to give a name.
	p.i = start
	p.comment = ""
	addr, err := p.addrSpec()
	if err != nil {
		return Address{}, err
	}
	p.comment = ""
	save := p.i
	p.skipCFWS()
	name := strings.TrimSpace(p.comment)
	if name == "" {
		p.i = save
	} else if strings.Contains(name, "=?") {
		if d, err := DecodeHeader(name); err == nil {
			name = d
		}
	}
	return Address{Name: name, Addr: addr}, nil
}

// addrSpec parses local-part "@" domain, returning it in canonical form.
func (p *addrParser) addrSpec() (string, error) {
	p.skipCFWS()
	// Local part: dot-atom, quoted string, or obs-local-part.
	var local strings.Builder
	quoted := false
	for {
		p.skipCFWS()
		if p.i >= len(p.s) {
			return "", p.fail("missing '@'")
		}
		c := p.s[p.i]
		switch {
		case c == '"':
			ws, err := p.words()
			if err != nil {
				return "", err
			}
			if len(ws) == 0 || !ws[0].quoted {
				return "", p.fail("bad local part")
			}
			local.WriteString(ws[0].text)
			quoted = true
			// words may have consumed further atoms: put them back.
			for _, w := range ws[1:] {
				local.WriteString(w.text)
			}
		case isAtext(c) || c == '.':
			start := p.i
			for p.i < len(p.s) && (isAtext(p.s[p.i]) || p.s[p.i] == '.') {
				p.i++
			}
			local.WriteString(p.s[start:p.i])
		default:
			return "", p.fail("bad local part")
		}
		p.skipCFWS()
		if p.i < len(p.s) && p.s[p.i] == '@' {
			break
		}
		// obs-local-part: words joined by dots, with CFWS around them.
		if p.i < len(p.s) && (p.s[p.i] == '.' || strings.HasSuffix(local.String(), ".") && (p.s[p.i] == '"' || isAtext(p.s[p.i]))) {
			continue
		}
		return "", p.fail("missing '@'")
	}
	p.i++ // '@'
	p.skipCFWS()
	if p.i >= len(p.s) {
		return "", p.fail("missing domain")
	}
	var domain string
	if p.s[p.i] == '[' {
		j := strings.IndexByte(p.s[p.i:], ']')
		if j < 0 {
			return "", p.fail("unterminated domain literal")
		}
		domain = p.s[p.i : p.i+j+1]
		p.i += j + 1
	} else {
		start := p.i
		for p.i < len(p.s) && (isAtext(p.s[p.i]) || p.s[p.i] == '.' || p.s[p.i] == ' ' && p.nextIsDot()) {
			p.i++
		}
		domain = strings.ReplaceAll(p.s[start:p.i], " ", "")
		if !isDotAtom(domain) {
			return "", p.fail("bad domain")
		}
	}
	lp := local.String()
	if lp == "" && !quoted {
		return "", p.fail("empty local part")
	}
	if !isDotAtom(lp) {
		lp = string(appendQuoted(nil, lp))
	}
	return lp + "@" + domain, nil
}

// nextIsDot reports whether white space at p.i leads to a '.' (obs-domain
// allows CFWS around dots).
func (p *addrParser) nextIsDot() bool {
	j := p.i
	for j < len(p.s) && p.s[j] == ' ' {
		j++
	}
	return j < len(p.s) && p.s[j] == '.' || j > 0 && p.s[p.i-1] == '.'
}
