package dns

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"path"
	"strings"
)

// Limits of the zone-file parser.
const (
	// MaxZoneEntryLen bounds one logical entry (a record, across parentheses), in octets.
	MaxZoneEntryLen = 64 << 10
	// MaxIncludeDepth bounds nested $INCLUDE directives.
	MaxIncludeDepth = 8
)

type token struct {
	s      string
	quoted bool
}

// lexer splits master-file text into entries of tokens (RFC 1035 section 5.1):
// parentheses join lines, ';' starts a comment, '"' quotes, '\' escapes.
type lexer struct {
	r    *bufio.Reader
	line int // current line, 1-based
}

func newLexer(r io.Reader) *lexer {
	return &lexer{r: bufio.NewReader(r), line: 1}
}

// entry returns the tokens of the next non-empty entry, whether it began with
// blank space (the owner is the previous one), and the line it started on.
func (l *lexer) entry() (toks []token, blankOwner bool, line int, err error) {
	var cur []byte
	inTok, inQuote, lineStart := false, false, true
	depth, size := 0, 0
	line = l.line
	flush := func(quoted bool) {
		if inTok || quoted {
			toks = append(toks, token{s: string(cur), quoted: quoted})
		}
		cur, inTok = cur[:0], false
	}
	for {
		c, rerr := l.r.ReadByte()
		if rerr != nil {
			if inQuote {
				return nil, false, line, errNewlineInQuote
			}
			if depth > 0 {
				return nil, false, line, errUnbalanced
			}
			flush(false)
			if len(toks) > 0 {
				return toks, blankOwner, line, nil
			}
			if rerr == io.EOF {
				return nil, false, line, io.EOF
			}
			return nil, false, line, rerr
		}
		size++
		if size > MaxZoneEntryLen {
			return nil, false, line, errEntryTooLong
		}
		if lineStart && depth == 0 && len(toks) == 0 {
			blankOwner = c == ' ' || c == '\t'
			line = l.line
		}
		lineStart = false
		if inQuote {
			switch c {
			case '\\':
				n, err := l.r.ReadByte()
				if err != nil {
					return nil, false, line, errNewlineInQuote
				}
				cur = append(cur, c, n)
			case '"':
				inQuote = false
				flush(true)
			case '\n':
				return nil, false, line, errNewlineInQuote
			default:
				cur = append(cur, c)
			}
			continue
		}
		switch c {
		case ';':
			for {
				c, rerr = l.r.ReadByte()
				if rerr != nil || c == '\n' {
					break
				}
			}
			if rerr != nil {
				continue
			}
			fallthrough
		case '\n':
			flush(false)
			l.line++
			lineStart = true
			if depth == 0 && len(toks) > 0 {
				return toks, blankOwner, line, nil
			}
		case ' ', '\t', '\r':
			flush(false)
		case '"':
			flush(false)
			inQuote = true
		case '(':
			flush(false)
			depth++
		case ')':
			flush(false)
			depth--
			if depth < 0 {
				return nil, false, line, errUnbalanced
			}
		case '\\':
			n, err := l.r.ReadByte()
			if err != nil {
				return nil, false, line, ErrSyntax
			}
			if n == '\n' {
				l.line++
			}
			cur = append(cur, c, n)
			inTok = true
		default:
			cur = append(cur, c)
			inTok = true
		}
	}
}

// tokenizeLine splits one entry of text into tokens.
func tokenizeLine(s string) ([]token, error) {
	l := newLexer(strings.NewReader(s))
	toks, _, _, err := l.entry()
	if err == io.EOF {
		err = nil
	}
	return toks, err
}

// ZoneParser reads resource records from an RFC 1035 master file (section 5).
// It understands $ORIGIN, $TTL (RFC 2308), $INCLUDE (only when [ZoneParser.Include]
// is set), parentheses, relative names, "@", comments, escapes, and a blank
// owner meaning "the previous owner". Use it like bufio.Scanner:
//
//	zp := dns.NewZoneParser(f, dns.MustName("example.com."), "example.com.zone")
//	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
//		...
//	}
//	if err := zp.Err(); err != nil { ... } // a *ParseError naming the line
type ZoneParser struct {
	// DefaultTTL is used for records before any $TTL directive or explicit TTL.
	DefaultTTL uint32
	// Include, when non-nil, enables $INCLUDE; file names are resolved in it,
	// relative to the directory of the including file. It is nil by default
	// because $INCLUDE of an untrusted zone could read any file (for example
	// /etc/passwd) into the records it serves.
	Include fs.FS

	stack     []*zoneInput
	prevOwner Name
	hasOwner  bool
	ttl       uint32 // $TTL in force
	hasTTL    bool
	lastTTL   uint32
	hasLast   bool
	class     Class
	err       error
}

type zoneInput struct {
	lex    *lexer
	file   string
	origin Name
	closer io.Closer
}

// NewZoneParser returns a parser of r. Relative names are completed with
// origin until a $ORIGIN changes it; file names the input in errors.
func NewZoneParser(r io.Reader, origin Name, file string) *ZoneParser {
	return &ZoneParser{
		stack: []*zoneInput{{lex: newLexer(r), file: file, origin: origin}},
		class: ClassINET,
	}
}

// Err returns the first error met, or nil at a clean end of input.
func (zp *ZoneParser) Err() error { return zp.err }

func (zp *ZoneParser) fail(in *zoneInput, line int, tok string, err error) (RR, bool) {
	var pe *ParseError
	if errors.As(err, &pe) {
		pe.File, pe.Line = in.file, line
		if pe.Token == "" {
			pe.Token = tok
		}
		zp.err = pe
	} else {
		zp.err = &ParseError{File: in.file, Line: line, Token: tok, Err: err}
	}
	zp.closeAll()
	return RR{}, false
}

func (zp *ZoneParser) closeAll() {
	for _, in := range zp.stack {
		if in.closer != nil {
			in.closer.Close()
		}
	}
	zp.stack = nil
}

// Next returns the next record; ok is false at the end of input or on error (see Err).
func (zp *ZoneParser) Next() (rr RR, ok bool) {
	for len(zp.stack) > 0 {
		in := zp.stack[len(zp.stack)-1]
		toks, blank, line, err := in.lex.entry()
		if err == io.EOF {
			if in.closer != nil {
				in.closer.Close()
			}
			zp.stack = zp.stack[:len(zp.stack)-1]
			continue
		}
		if err != nil {
			return zp.fail(in, line, "", err)
		}
		if !blank && !toks[0].quoted && strings.HasPrefix(toks[0].s, "$") {
			if err := zp.directive(in, toks); err != nil {
				return zp.fail(in, line, toks[0].s, err)
			}
			continue
		}
		rr, err := zp.record(in, toks, blank)
		if err != nil {
			return zp.fail(in, line, "", err)
		}
		return rr, true
	}
	return RR{}, false
}

func (zp *ZoneParser) directive(in *zoneInput, toks []token) error {
	switch strings.ToUpper(toks[0].s) {
	case "$ORIGIN":
		if len(toks) != 2 {
			return errBadDirective
		}
		n, err := parseName(toks[1].s, in.origin)
		if err != nil {
			return err
		}
		in.origin = n
	case "$TTL":
		if len(toks) != 2 {
			return errBadDirective
		}
		v, ok := parseTTL(toks[1].s)
		if !ok {
			return &ParseError{Token: toks[1].s, Err: ErrSyntax}
		}
		zp.ttl, zp.hasTTL = v, true
	case "$INCLUDE":
		if zp.Include == nil {
			return errIncludeOff
		}
		if len(toks) < 2 || len(toks) > 3 {
			return errBadDirective
		}
		if len(zp.stack) > MaxIncludeDepth {
			return errIncludeDepth
		}
		origin := in.origin
		if len(toks) == 3 {
			n, err := parseName(toks[2].s, in.origin)
			if err != nil {
				return err
			}
			origin = n
		}
		name := toks[1].s
		if !path.IsAbs(name) && in.file != "" {
			name = path.Join(path.Dir(in.file), name)
		}
		name = strings.TrimPrefix(path.Clean(name), "/")
		f, err := zp.Include.Open(name)
		if err != nil {
			return err
		}
		zp.stack = append(zp.stack, &zoneInput{lex: newLexer(f), file: name, origin: origin, closer: f})
	default:
		return errBadDirective
	}
	return nil
}

func (zp *ZoneParser) record(in *zoneInput, toks []token, blank bool) (RR, error) {
	var rr RR
	if blank {
		if !zp.hasOwner {
			return rr, errNoOwner
		}
		rr.Name = zp.prevOwner
	} else {
		t := toks[0]
		toks = toks[1:]
		if t.quoted {
			return rr, &ParseError{Token: t.s, Err: ErrSyntax}
		}
		if t.s == "@" {
			rr.Name = in.origin
		} else {
			n, err := parseName(t.s, in.origin)
			if err != nil {
				return rr, &ParseError{Token: t.s, Err: err}
			}
			rr.Name = n
		}
		zp.prevOwner, zp.hasOwner = rr.Name, true
	}
	var (
		typ              Type
		haveTTL, haveCls bool
	)
	class := zp.class
	for {
		if len(toks) == 0 {
			return rr, errMissingField
		}
		t := toks[0]
		toks = toks[1:]
		if t.quoted {
			return rr, &ParseError{Token: t.s, Err: ErrSyntax}
		}
		if c, ok := ParseClass(t.s); ok && !haveCls {
			class, haveCls = c, true
			continue
		}
		if len(t.s) > 0 && isDigit(t.s[0]) && !haveTTL {
			v, ok := parseTTL(t.s)
			if !ok {
				return rr, &ParseError{Token: t.s, Err: ErrSyntax}
			}
			rr.TTL, haveTTL = v, true
			continue
		}
		ty, ok := ParseType(t.s)
		if !ok {
			return rr, &ParseError{Token: t.s, Err: errUnknownType}
		}
		typ = ty
		break
	}
	switch {
	case haveTTL:
		zp.lastTTL, zp.hasLast = rr.TTL, true
	case zp.hasTTL:
		rr.TTL = zp.ttl
	case zp.hasLast:
		rr.TTL = zp.lastTTL
	default:
		rr.TTL = zp.DefaultTTL
	}
	rr.Class = class
	zp.class = class
	p := &rdataParser{toks: toks, origin: in.origin}
	d, err := p.rdata(typ)
	if err != nil {
		return rr, err
	}
	rr.Data = d
	return rr, nil
}

// ParseZone reads every record of a master file (see [ZoneParser]).
func ParseZone(r io.Reader, origin Name, file string) ([]RR, error) {
	zp := NewZoneParser(r, origin, file)
	zp.DefaultTTL = DefaultTTL
	var rrs []RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	return rrs, zp.Err()
}

// WriteZone writes rrs as a master file that ParseZone reads back to the same
// records: a $ORIGIN line, then one record per line with absolute names.
func WriteZone(w io.Writer, origin Name, rrs []RR) error {
	bw := bufio.NewWriter(w)
	b := append([]byte("$ORIGIN "), origin.AppendText(nil)...)
	b = append(b, '\n')
	for i := range rrs {
		if _, ok := rrs[i].Data.(*OPT); ok {
			continue
		}
		b = rrs[i].AppendText(b)
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
		b = b[:0]
	}
	if _, err := bw.Write(b); err != nil {
		return err
	}
	return bw.Flush()
}
