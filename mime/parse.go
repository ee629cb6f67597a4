package mime

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"strings"
)

// Parser parses messages into trees with configurable limits. The zero
// value uses the Default limits. A Parser is safe for concurrent use.
type Parser struct {
	// MaxHeaderBytes caps each header block; fields beyond it are dropped.
	// If zero, DefaultMaxHeaderBytes is used.
	MaxHeaderBytes int
	// MaxHeaderFields caps the fields kept per header block. If zero,
	// DefaultMaxHeaderFields is used.
	MaxHeaderFields int
	// MaxDepth caps nesting; deeper multiparts and message/rfc822 parts are
	// kept as leaves. If zero, DefaultMaxDepth is used.
	MaxDepth int
	// MaxTotalHeaderBytes caps the header octets kept for the whole tree;
	// once it is reached no further parts are added (as with MaxParts).
	// If zero, DefaultMaxTotalHeaderBytes is used.
	MaxTotalHeaderBytes int
	// MaxParts caps the number of parts in the tree; further parts are
	// left out of it (their bytes stay in the body of the multipart that
	// holds them). If zero, DefaultMaxParts is used.
	MaxParts int
}

// Message is a parsed message: the tree of its parts, rooted at the
// embedded top-level [Part], and the problems met while reading it.
// The top-level part spans the whole message, so Size gives its length.
// A Message is not modified after parsing: several goroutines may read
// it and its bodies at once, if the io.ReaderAt allows concurrent ReadAt
// calls (an *os.File and a *bytes.Reader do).
type Message struct {
	*Part

	// Problems lists the defects found, in the order met. The tree is
	// still the best reading of the message.
	Problems []*Problem

	size int64 // as given to Parse
}

// Parse parses the message held in the first size octets of r with the
// default limits. See [Parser.Parse].
func Parse(r io.ReaderAt, size int64) (*Message, error) {
	var p Parser
	return p.Parse(r, size)
}

// ParseBytes parses a message held in memory with the default limits. The
// tree refers to b, which must not be modified while it is in use.
func ParseBytes(b []byte) *Message {
	var p Parser
	m, _ := p.parse(bytes.NewReader(b), b, int64(len(b))) // no I/O errors from memory
	return m
}

// Parse reads the message in the first size octets of r in one pass and
// builds its tree. Only header blocks are kept in memory; bodies are read
// from r later, on demand, so r must stay usable while the tree is. Reading
// is lenient: malformed input yields the best tree it can, with the
// defects in [Message.Problems]. The error is non-nil only when r fails
// (io.ErrUnexpectedEOF if it holds fewer than size octets); the tree then
// covers what could be read.
func (ps *Parser) Parse(r io.ReaderAt, size int64) (*Message, error) {
	return ps.parse(r, nil, size)
}

// scanBufferSize is the line buffer used when reading from an io.ReaderAt;
// longer lines are read in pieces.
const scanBufferSize = 32 << 10

func (ps *Parser) parse(r io.ReaderAt, data []byte, size int64) (*Message, error) {
	st := &parseState{
		maxHeaderBytes:  orDefault(ps.MaxHeaderBytes, DefaultMaxHeaderBytes),
		maxHeaderFields: orDefault(ps.MaxHeaderFields, DefaultMaxHeaderFields),
		maxDepth:        orDefault(ps.MaxDepth, DefaultMaxDepth),
		maxParts:        orDefault(ps.MaxParts, DefaultMaxParts),
		maxTotalHeader:  orDefault(ps.MaxTotalHeaderBytes, DefaultMaxTotalHeaderBytes),
		r:               r,
	}
	st.sc.data = data
	st.hb.src = data
	st.hb.spans = st.spanBuf[:0]
	st.sc.size = size
	if data == nil {
		st.sc.br = bufio.NewReaderSize(io.NewSectionReader(r, 0, size), scanBufferSize)
	}
	root := &Part{r: r}
	st.nparts = 1
	st.parseEntity(root, nil, 0, false)
	m := &Message{Part: root, size: size}
	numberSections(root, "")
	for _, pr := range st.problems {
		pr.p.Section = pr.part.Section
		m.Problems = append(m.Problems, pr.p)
	}
	if st.sc.err != nil && st.sc.err != io.EOF {
		return m, st.sc.err
	}
	if st.sc.pos < size {
		return m, io.ErrUnexpectedEOF // r held fewer than size octets
	}
	return m, nil
}

func orDefault(v, d int) int {
	if v <= 0 {
		return d
	}
	return v
}

// lineScanner yields the lines of the message with their offsets.
type lineScanner struct {
	data []byte        // whole message, when parsing from memory
	br   *bufio.Reader // otherwise
	size int64
	pos  int64 // offset of the next unread octet

	line    []byte // current line, line break included (or a piece of a long line)
	off     int64  // offset of line
	atStart bool   // line starts a line (it is not the rest of a long one)
	prevEOL int64  // length of the line break ending the line before this one
	// prevEmpty: the line before this one was empty (just a line break)
	prevEmpty bool
	lines     int64 // line starts seen, the current one included
	unread    bool
	err       error

	curEOL int64 // line break length of the current line (0 for a piece)
	ended  bool  // the current line ended with a line break
}

// next advances to the next line; false at the end of the message.
func (sc *lineScanner) next() bool {
	if sc.unread {
		sc.unread = false
		return true
	}
	if sc.pos >= sc.size || sc.err != nil {
		return false
	}
	wasEnded := sc.ended || sc.line == nil
	if sc.line != nil {
		sc.prevEOL = sc.curEOL
		sc.prevEmpty = sc.atStart && int64(len(sc.line)) == sc.curEOL && sc.curEOL > 0
	}
	var line []byte
	if sc.data != nil {
		rest := sc.data[sc.pos:]
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line = rest[:i+1]
		} else {
			line = rest
		}
	} else {
		var err error
		line, err = sc.br.ReadSlice('\n')
		if err != nil && err != bufio.ErrBufferFull {
			if err != io.EOF {
				sc.err = err
			}
			if len(line) == 0 {
				sc.err = err
				return false
			}
		}
	}
	sc.line = line
	sc.off = sc.pos
	sc.pos += int64(len(line))
	sc.atStart = wasEnded
	if sc.atStart {
		sc.lines++
	}
	sc.ended = len(line) > 0 && line[len(line)-1] == '\n'
	sc.curEOL = 0
	if sc.ended {
		sc.curEOL = 1
		if len(line) > 1 && line[len(line)-2] == '\r' {
			sc.curEOL = 2
		}
	}
	return true
}

func (sc *lineScanner) back() { sc.unread = true }

// delim describes the delimiter line that ended an entity.
type delim struct {
	level   int   // index of its boundary in the stack
	close   bool  // "--boundary--"
	off     int64 // offset of the delimiter line
	prevEOL int64 // line break before it, which belongs to it
	lines   int64 // scanner line count at the delimiter line
	// prevEmpty: the line before it is empty, so it starts where the body
	// ends and is not one of the body's lines
	prevEmpty bool
}

// bodyEnd returns where a body starting at start ends, given the delimiter.
func (d *delim) bodyEnd(start int64) int64 {
	return max(start, d.off-d.prevEOL)
}

type problemAt struct {
	part *Part
	p    *Problem
}

type parseState struct {
	maxHeaderBytes, maxHeaderFields, maxDepth, maxParts int

	r       io.ReaderAt
	sc      lineScanner
	hb      headerBuilder
	spanBuf [32]span // initial room for hb.spans
	nparts  int
	// headerTotal counts the header octets kept in the tree.
	headerTotal    int
	maxTotalHeader int
	problems       []problemAt
	tooMany        bool
}

func (st *parseState) problem(p *Part, off int64, err error) {
	st.problems = append(st.problems, problemAt{p, &Problem{Offset: off, Err: err}})
}

// matchDelimiter checks the current line against the boundary stack,
// innermost first.
func (st *parseState) matchDelimiter(stack []string) *delim {
	sc := &st.sc
	line := sc.line
	if !sc.atStart || len(line) < 3 || line[0] != '-' || line[1] != '-' {
		return nil
	}
	for i := len(stack) - 1; i >= 0; i-- {
		b := stack[i]
		rest := line[2:]
		if len(rest) < len(b) || string(rest[:len(b)]) != b {
			continue
		}
		rest = rest[len(b):]
		close := false
		if len(rest) >= 2 && rest[0] == '-' && rest[1] == '-' {
			close = true
			rest = rest[2:]
		}
		// Only transport padding may follow (RFC 2046 section 5.1.1).
		if len(bytes.TrimRight(rest, " \t\r\n")) != 0 {
			continue
		}
		if !sc.ended && sc.pos < sc.size {
			continue // a delimiter line is short; this is a long line
		}
		return &delim{level: i, close: close, off: sc.off, prevEOL: sc.prevEOL, lines: sc.lines, prevEmpty: sc.prevEmpty}
	}
	return nil
}

// parseEntity reads one entity (header and body) at the scanner position.
// It returns the delimiter line that ended it, or nil at the end of the
// message. inDigest selects the multipart/digest default type.
func (st *parseState) parseEntity(p *Part, stack []string, depth int, inDigest bool) *delim {
	sc := &st.sc
	p.r = st.r
	p.Depth = depth
	p.Offset = sc.pos
	if sc.unread {
		p.Offset = sc.off
	}

	// Header block.
	st.hb.reset(st.maxHeaderBytes, st.maxHeaderFields)
	var end *delim
	headerEnded := false
	bodyLines := int64(0) // scanner line count before the first body line
	for sc.next() {
		if d := st.matchDelimiter(stack); d != nil {
			end = d
			p.HeaderSize = sc.off - p.Offset
			bodyLines = sc.lines - 1
			if st.hb.size > 0 {
				st.problem(p, sc.off, ErrNoHeaderEnd)
			}
			break
		}
		if depth == 0 && sc.off == 0 && bytes.HasPrefix(sc.line, []byte("From ")) {
			// The "From " separator line of an mbox file, which many saved
			// .eml files still start with: not a field, skipped.
			st.problem(p, 0, ErrMboxFromLine)
			continue
		}
		kind := st.hb.addLine(sc.line, int(sc.off), sc.atStart)
		if kind == lineEnd {
			headerEnded = true
			p.HeaderSize = sc.pos - p.Offset
			bodyLines = sc.lines
			break
		}
		if kind == lineNotHeader {
			p.HeaderSize = sc.off - p.Offset
			bodyLines = sc.lines - 1
			if st.hb.size > 0 || depth == 0 {
				st.problem(p, sc.off, ErrMalformedHeader)
			} else {
				st.problem(p, sc.off, ErrNoHeaderEnd)
			}
			sc.back()
			headerEnded = true
			break
		}
	}
	if end == nil && !headerEnded {
		// End of message inside the header.
		p.HeaderSize = sc.pos - p.Offset
		bodyLines = sc.lines
		if st.hb.size > 0 {
			st.problem(p, sc.pos, ErrNoHeaderEnd)
		}
	}
	if st.hb.err != nil {
		st.problem(p, p.Offset, st.hb.err)
	}
	p.Header = st.hb.finish()
	for _, f := range p.Header {
		st.headerTotal += len(f.Raw)
	}
	p.BodyOffset = p.Offset + p.HeaderSize
	st.describe(p, inDigest)

	if end != nil {
		p.BodySize = 0
		return end
	}

	// Body.
	switch {
	case p.Type == "multipart":
		end = st.parseMultipart(p, stack, depth)
	case p.Type == "message" && (p.Subtype == "rfc822" || p.Subtype == "global"):
		end = st.parseEncapsulated(p, stack, depth)
	default:
		end = st.skipBody(stack)
	}
	st.finishBody(p, end, bodyLines)
	// A nested entity may have taken the line break that belongs to the
	// delimiter ending both (as its blank line): keep it inside p.
	if last := p.lastChild(); last != nil {
		if e := last.Offset + last.Size(); e > p.BodyOffset+p.BodySize {
			p.BodySize = e - p.BodyOffset
		}
	}
	return end
}

// lastChild returns the encapsulated message or the last part, if any.
func (p *Part) lastChild() *Part {
	if p.Message != nil {
		return p.Message
	}
	if n := len(p.Parts); n > 0 {
		return p.Parts[n-1]
	}
	return nil
}

// finishBody sets the body size and line count from the ending delimiter.
func (st *parseState) finishBody(p *Part, end *delim, bodyLines int64) {
	if end == nil {
		p.BodySize = st.sc.pos - p.BodyOffset
		p.Lines = st.sc.lines - bodyLines
		return
	}
	p.BodySize = end.bodyEnd(p.BodyOffset) - p.BodyOffset
	p.Lines = end.lines - 1 - bodyLines
	if end.prevEmpty {
		p.Lines--
	}
	if p.BodySize == 0 || p.Lines < 0 {
		p.Lines = 0
	}
}

// skipBody scans to the next delimiter of the stack.
func (st *parseState) skipBody(stack []string) *delim {
	for st.sc.next() {
		if d := st.matchDelimiter(stack); d != nil {
			return d
		}
	}
	return nil
}

func (st *parseState) parseMultipart(p *Part, stack []string, depth int) *delim {
	sc := &st.sc
	boundary := p.Param("boundary")
	switch {
	case boundary == "":
		st.problem(p, p.Offset, ErrNoBoundary)
		return st.skipBody(stack)
	case !p.Encoding.Identity():
		st.problem(p, p.Offset, ErrEncodedContainer)
		return st.skipBody(stack)
	case depth >= st.maxDepth:
		st.problem(p, p.BodyOffset, ErrTooDeep)
		return st.skipBody(stack)
	}
	own := len(stack)
	inner := append(stack[:len(stack):len(stack)], boundary)

	// Preamble: up to the first delimiter line.
	var d *delim
	for sc.next() {
		if d = st.matchDelimiter(inner); d != nil {
			break
		}
	}
	if d == nil || d.level != own {
		st.problem(p, p.BodyOffset, ErrNoDelimiter)
		p.Preamble = Span{p.BodyOffset, 0}
		if d != nil {
			p.Preamble.Size = d.bodyEnd(p.BodyOffset) - p.BodyOffset
		} else {
			p.Preamble.Size = sc.pos - p.BodyOffset
		}
		p.Epilogue = Span{p.Preamble.End(), 0}
		return d
	}
	p.Preamble = Span{p.BodyOffset, d.bodyEnd(p.BodyOffset) - p.BodyOffset}
	digest := p.Subtype == "digest"
	for d != nil && d.level == own && !d.close {
		if err := st.full(); err != nil {
			if !st.tooMany {
				st.problem(p, sc.pos, err)
				st.tooMany = true
			}
			// Further parts stay in the multipart's body, out of the tree.
			d = st.skipToOwnClose(inner, own)
			break
		}
		st.nparts++
		child := &Part{Parent: p}
		p.Parts = append(p.Parts, child)
		d = st.parseEntity(child, inner, depth+1, digest)
	}
	switch {
	case d == nil:
		st.problem(p, sc.pos, ErrNoCloseDelimiter)
		p.Epilogue = Span{sc.pos, 0}
		return nil
	case d.level != own:
		st.problem(p, d.off, ErrNoCloseDelimiter)
		p.Epilogue = Span{d.bodyEnd(p.BodyOffset), 0}
		if last := p.lastChild(); last != nil {
			p.Epilogue.Offset = max(p.Epilogue.Offset, last.Offset+last.Size())
		}
		return d
	}
	// Epilogue: from after the close delimiter line to the end.
	start := sc.pos
	end := st.skipBody(stack)
	if end == nil {
		p.Epilogue = Span{start, sc.pos - start}
	} else {
		p.Epilogue = Span{start, end.bodyEnd(start) - start}
	}
	return end
}

// full reports whether the tree may not grow: too many parts, or too many
// header octets kept in all.
func (st *parseState) full() error {
	switch {
	case st.nparts >= st.maxParts:
		return ErrTooManyParts
	case st.headerTotal >= st.maxTotalHeader:
		return ErrTotalHeaderTooLarge
	}
	return nil
}

// skipToOwnClose skips lines until the multipart's close delimiter or an
// outer delimiter.
func (st *parseState) skipToOwnClose(inner []string, own int) *delim {
	for st.sc.next() {
		if d := st.matchDelimiter(inner); d != nil && (d.close || d.level != own) {
			return d
		}
	}
	return nil
}

func (st *parseState) parseEncapsulated(p *Part, stack []string, depth int) *delim {
	switch {
	case !p.Encoding.Identity():
		st.problem(p, p.Offset, ErrEncodedContainer)
		return st.skipBody(stack)
	case depth >= st.maxDepth:
		st.problem(p, p.BodyOffset, ErrTooDeep)
		return st.skipBody(stack)
	case st.full() != nil:
		if !st.tooMany {
			st.problem(p, p.BodyOffset, st.full())
			st.tooMany = true
		}
		return st.skipBody(stack)
	}
	st.nparts++
	inner := &Part{Parent: p}
	p.Message = inner
	return st.parseEntity(inner, stack, depth+1, false)
}

// describe fills the BODYSTRUCTURE description from the header.
func (st *parseState) describe(p *Part, inDigest bool) {
	h := p.Header
	p.Type, p.Subtype = "text", "plain"
	if inDigest {
		p.Type, p.Subtype = "message", "rfc822"
	}
	if v := h.Get("Content-Type"); v != "" || h.Has("Content-Type") {
		mt, err := ParseMediaType(v)
		if mt.Type != "" {
			p.Type, p.Subtype, p.Params = mt.Type, mt.Subtype, mt.Params
		}
		if err != nil {
			st.problem(p, p.Offset, err)
			if mt.Type == "" {
				// RFC 2045 section 5.2: an invalid Content-Type means
				// text/plain; charset=us-ascii.
				p.Type, p.Subtype = "text", "plain"
			}
		}
	}
	p.Encoding = SevenBit
	if h.Has("Content-Transfer-Encoding") {
		e, err := ParseEncoding(h.Get("Content-Transfer-Encoding"))
		p.Encoding = e
		if err != nil {
			st.problem(p, p.Offset, err)
		}
	}
	p.ID = h.Get("Content-ID")
	p.Description = h.Get("Content-Description")
	p.MD5 = h.Get("Content-MD5")
	p.Location = h.Get("Content-Location")
	if v := h.Get("Content-Disposition"); v != "" {
		d, err := ParseDisposition(v)
		p.Disposition, p.DispositionParams = d.Type, d.Params
		if err != nil {
			st.problem(p, p.Offset, err)
		}
	}
	if v := h.Get("Content-Language"); v != "" {
		for _, tag := range strings.Split(v, ",") {
			pp := paramParser{s: tag}
			pp.skipCFWS()
			start := pp.i
			for pp.i < len(pp.s) && (isTokenChar(pp.s[pp.i])) {
				pp.i++
			}
			if t := pp.s[start:pp.i]; t != "" {
				p.Language = append(p.Language, t)
			}
		}
	}
}

// numberSections assigns IMAP section numbers below p.
func numberSections(p *Part, sec string) {
	p.Section = sec
	if p.Message != nil {
		numberSections(p.Message, sec)
		return
	}
	for i, c := range p.Parts {
		numberSections(c, joinSection(sec, i+1))
	}
}

func joinSection(sec string, n int) string {
	if sec == "" {
		return strconv.Itoa(n)
	}
	return sec + "." + strconv.Itoa(n)
}
