package imap

import (
	"bufio"
	"errors"
	"io"
	"strconv"
)

// Reader reads IMAP commands and responses from a stream, token by token.
//
// It holds at most one line (MaxLineLength) and one literal (MaxLiteralSize)
// in memory at a time; a larger literal is refused from its announced size,
// before a single octet of it is read. A Reader is not safe for concurrent
// use.
type Reader struct {
	r *bufio.Reader

	// MaxLineLength caps the octets of one line, literals excluded, CRLF
	// included. If zero, DefaultMaxLineLength is used.
	MaxLineLength int
	// MaxLiteralSize caps one literal. If zero, DefaultMaxLiteralSize is used.
	MaxLiteralSize int64
	// MaxCommandSize caps one whole command or response, literals included.
	// If zero, DefaultMaxCommandSize is used.
	MaxCommandSize int64
	// MaxDepth caps list nesting. If zero, DefaultMaxDepth is used.
	MaxDepth int

	// Continue, if set, is called when a synchronizing literal {n} has been
	// announced and accepted by the limits, before its octets are read. A
	// server uses it to send the "+" continuation request (RFC 9051
	// section 7.5). An error aborts the read.
	Continue func(size int64) error

	lineLen int     // octets of the current line so far
	total   int64   // octets of the current command so far
	stack   []Value // elements of the lists being read
}

// NewReader returns a Reader with default limits that reads from r.
func NewReader(r io.Reader) *Reader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	return &Reader{r: br}
}

func (r *Reader) maxLine() int {
	if r.MaxLineLength > 0 {
		return r.MaxLineLength
	}
	return DefaultMaxLineLength
}

func (r *Reader) maxLiteral() int64 {
	if r.MaxLiteralSize > 0 {
		return r.MaxLiteralSize
	}
	return DefaultMaxLiteralSize
}

func (r *Reader) maxCommand() int64 {
	if r.MaxCommandSize > 0 {
		return r.MaxCommandSize
	}
	return DefaultMaxCommandSize
}

func (r *Reader) maxDepth() int {
	if r.MaxDepth > 0 {
		return r.MaxDepth
	}
	return DefaultMaxDepth
}

// Buffered returns the number of octets read from the stream but not yet
// consumed.
func (r *Reader) Buffered() int { return r.r.Buffered() }

// BufioReader returns the buffered reader underneath, for a caller that
// switches protocols (STARTTLS) and must check nothing is buffered.
func (r *Reader) BufioReader() *bufio.Reader { return r.r }

// Reset forgets the line and command counters; call it before each command
// or response.
func (r *Reader) Reset() {
	r.lineLen = 0
	r.total = 0
}

func (r *Reader) count(n int) error {
	r.lineLen += n
	r.total += int64(n)
	if r.lineLen > r.maxLine() {
		return ErrLineTooLong
	}
	if r.total > r.maxCommand() {
		return ErrCommandTooLarge
	}
	return nil
}

func (r *Reader) peek() (byte, error) {
	b, err := r.r.Peek(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func (r *Reader) readByte() (byte, error) {
	c, err := r.r.ReadByte()
	if err != nil {
		return 0, err
	}
	if err := r.count(1); err != nil {
		return 0, err
	}
	return c, nil
}

func (r *Reader) near() []byte {
	b, _ := r.r.Peek(min(r.r.Buffered(), errorLimit))
	return b
}

// Expect consumes the byte c or returns a syntax error.
func (r *Reader) Expect(c byte, what string) error {
	got, err := r.peek()
	if err != nil {
		return unexpectedEOF(err)
	}
	if got != c {
		return syntaxErr("expected "+what, r.near())
	}
	_, err = r.readByte()
	return err
}

// SP consumes one space.
func (r *Reader) SP() error { return r.Expect(' ', "SP") }

// CRLF consumes the end of a line.
func (r *Reader) CRLF() error {
	c, err := r.peek()
	if err != nil {
		return unexpectedEOF(err)
	}
	if c == '\r' {
		r.readByte()
		c, err = r.peek()
		if err != nil {
			return unexpectedEOF(err)
		}
	}
	if c != '\n' {
		return syntaxErr("expected CRLF", r.near())
	}
	_, err = r.readByte()
	r.lineLen = 0
	return err
}

// AtEOL reports whether the next bytes end the line.
func (r *Reader) AtEOL() bool {
	c, err := r.peek()
	return err != nil || c == '\r' || c == '\n'
}

// MidLine reports whether part of a line has been consumed: after an error
// with MidLine true the caller should DiscardLine before reading on.
func (r *Reader) MidLine() bool { return r.lineLen > 0 }

// Peek returns the next byte without consuming it.
func (r *Reader) Peek() (byte, error) { return r.peek() }

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// DiscardLine skips the rest of the current line, without buffering it, so a
// server can answer BAD to a broken command and read the next one.
func (r *Reader) DiscardLine() error {
	for {
		c, err := r.r.ReadByte()
		if err != nil {
			return err
		}
		if c == '\n' {
			r.lineLen = 0
			return nil
		}
	}
}

// Token reads an atom-like token: RFC 9051 atom chars plus '\', '%', '*' and
// bracketed sections ("BODY[HEADER.FIELDS (FROM)]<0.10>"). It stops before
// SP, parentheses, CRLF and an unbalanced ']'.
func (r *Reader) Token() (string, error) {
	// Fast path: a token without brackets that ends inside the buffer.
	if run := r.plainRun(func(c byte) bool { return isTokenChar(c) && c != '[' }); run > 0 && run < r.r.Buffered() {
		if next, _ := r.r.Peek(run + 1); next[run] != '[' {
			if err := r.count(run); err != nil {
				return "", err
			}
			s := string(next[:run])
			r.r.Discard(run)
			return s, nil
		}
	}
	var buf []byte
	depth := 0
	for {
		c, err := r.peek()
		if err != nil {
			if len(buf) > 0 && err == io.EOF {
				break
			}
			return "", unexpectedEOF(err)
		}
		if depth > 0 {
			if c == '\r' || c == '\n' {
				return "", syntaxErr("unterminated [", buf)
			}
			if c == '[' {
				depth++
			} else if c == ']' {
				depth--
			}
		} else if c == '[' {
			depth++
		} else if !isTokenChar(c) {
			break
		}
		if _, err := r.readByte(); err != nil {
			return "", err
		}
		buf = append(buf, c)
	}
	if len(buf) == 0 {
		return "", syntaxErr("expected atom", r.near())
	}
	return string(buf), nil
}

// Atom reads a token that must not contain brackets or wildcards.
func (r *Reader) Atom() (string, error) {
	var buf []byte
	for {
		c, err := r.peek()
		if err != nil {
			if len(buf) > 0 && err == io.EOF {
				break
			}
			return "", unexpectedEOF(err)
		}
		if !isAtomChar(c) || c == '[' {
			break
		}
		if _, err := r.readByte(); err != nil {
			return "", err
		}
		buf = append(buf, c)
	}
	if len(buf) == 0 {
		return "", syntaxErr("expected atom", r.near())
	}
	return string(buf), nil
}

// Number reads a number (RFC 9051 number64).
func (r *Reader) Number() (uint64, error) {
	s, err := r.Atom()
	if err != nil {
		return 0, err
	}
	n, ok := Atom(s).Number()
	if !ok {
		return 0, syntaxErr("expected number", []byte(s))
	}
	return n, nil
}

// Text reads the rest of the line (resp-text), leaving the CRLF.
func (r *Reader) Text() (string, error) {
	var buf []byte
	for {
		c, err := r.peek()
		if err != nil {
			if err == io.EOF {
				break
			}
			return "", err
		}
		if c == '\r' || c == '\n' {
			break
		}
		if _, err := r.readByte(); err != nil {
			return "", err
		}
		buf = append(buf, c)
	}
	return string(buf), nil
}

// Value reads one value: a list, a quoted string, a literal, NIL or a token.
func (r *Reader) Value() (Value, error) {
	return r.value(0)
}

func (r *Reader) value(depth int) (Value, error) {
	c, err := r.peek()
	if err != nil {
		return nil, unexpectedEOF(err)
	}
	switch c {
	case '(':
		if depth >= r.maxDepth() {
			return nil, ErrTooDeep
		}
		r.readByte()
		// The elements collect on a stack shared by all nesting levels,
		// so each list is allocated once, at its final size.
		mark := len(r.stack)
		defer func() {
			clear(r.stack[mark:]) // do not keep old literals alive
			r.stack = r.stack[:mark]
		}()
		for {
			c, err := r.peek()
			if err != nil {
				return nil, unexpectedEOF(err)
			}
			if c == ')' {
				r.readByte()
				list := make(List, len(r.stack)-mark)
				copy(list, r.stack[mark:])
				return list, nil
			}
			if len(r.stack) > mark {
				// body-type-mpart and address lists put their
				// elements side by side: "(...)(...)".
				_, prevList := r.stack[len(r.stack)-1].(List)
				if !(prevList && c == '(') {
					if err := r.SP(); err != nil {
						return nil, err
					}
				}
			}
			v, err := r.value(depth + 1)
			if err != nil {
				return nil, err
			}
			r.stack = append(r.stack, v)
		}
	case '"':
		s, err := r.quoted()
		return String(s), err
	case '{':
		b, err := r.literal()
		return String(b), err
	case '~':
		b, _ := r.r.Peek(2)
		if len(b) == 2 && b[1] == '{' {
			r.readByte()
			b, err := r.literal()
			return String(b), err
		}
	}
	s, err := r.Token()
	if err != nil {
		return nil, err
	}
	if equalFold(s, "NIL") {
		return Nil{}, nil
	}
	return Atom(s), nil
}

// String reads an astring: an atom, a quoted string or a literal.
func (r *Reader) String() (string, error) {
	c, err := r.peek()
	if err != nil {
		return "", unexpectedEOF(err)
	}
	switch c {
	case '"':
		return r.quoted()
	case '{':
		b, err := r.literal()
		return string(b), err
	}
	return r.Token()
}

func (r *Reader) quoted() (string, error) {
	if err := r.Expect('"', `'"'`); err != nil {
		return "", err
	}
	var buf []byte
	// Fastest path: the whole string is buffered and has no escapes.
	if run := r.plainRun(isQuotedPlain); run < r.r.Buffered() {
		if b, _ := r.r.Peek(run + 1); b[run] == '"' {
			if err := r.count(run + 1); err != nil {
				return "", err
			}
			s := string(b[:run])
			r.r.Discard(run + 1)
			return s, nil
		}
	}
	for {
		// Fast path: copy the run of plain octets already buffered.
		if run := r.plainRun(isQuotedPlain); run > 0 {
			b, _ := r.r.Peek(run)
			buf = append(buf, b...)
			r.r.Discard(run)
			if err := r.count(run); err != nil {
				return "", err
			}
			continue
		}
		if c, err := r.peek(); err == nil && (c == '\r' || c == '\n') {
			// Leave the line end for DiscardLine.
			return "", syntaxErr("CR or LF in quoted string", buf)
		}
		c, err := r.readByte()
		if err != nil {
			return "", unexpectedEOF(err)
		}
		switch c {
		case '"':
			return string(buf), nil
		case '\\':
			c, err = r.readByte()
			if err != nil {
				return "", unexpectedEOF(err)
			}
			if c != '"' && c != '\\' {
				return "", syntaxErr(`bad escape in quoted string`, append(buf, '\\', c))
			}
		case '\r', '\n', 0:
			return "", syntaxErr("CR, LF or NUL in quoted string", buf)
		}
		buf = append(buf, c)
	}
}

func isQuotedPlain(c byte) bool {
	return c != '"' && c != '\\' && c != '\r' && c != '\n' && c != 0
}

// plainRun returns how many of the buffered octets satisfy plain, without
// reading from the stream.
func (r *Reader) plainRun(plain func(byte) bool) int {
	b, _ := r.r.Peek(r.r.Buffered())
	for i, c := range b {
		if !plain(c) {
			return i
		}
	}
	return len(b)
}

// literal reads "{n}" or "{n+}" CRLF and n octets. The opening '~' of a
// literal8 has been consumed by the caller.
func (r *Reader) literal() ([]byte, error) {
	if err := r.Expect('{', "'{'"); err != nil {
		return nil, err
	}
	var digits []byte
	sync := true
	for {
		c, err := r.readByte()
		if err != nil {
			return nil, unexpectedEOF(err)
		}
		if c >= '0' && c <= '9' && len(digits) < 20 {
			digits = append(digits, c)
			continue
		}
		if c == '+' || c == '-' {
			// {n+} is LITERAL+; {n-} is not in the grammar but some
			// writers of LITERAL- use '+' only, so '-' is refused.
			if c == '-' {
				return nil, syntaxErr("bad literal", digits)
			}
			sync = false
			c, err = r.readByte()
			if err != nil {
				return nil, unexpectedEOF(err)
			}
		}
		if c != '}' || len(digits) == 0 {
			return nil, syntaxErr("bad literal", append(digits, c))
		}
		break
	}
	n, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil {
		return nil, syntaxErr("bad literal size", digits)
	}
	if err := r.CRLF(); err != nil {
		return nil, err
	}
	if n > r.maxLiteral() {
		return nil, &LiteralTooLargeError{Size: n, Limit: r.maxLiteral(), Sync: sync}
	}
	if r.total+n > r.maxCommand() {
		return nil, ErrCommandTooLarge
	}
	if sync && r.Continue != nil {
		if err := r.Continue(n); err != nil {
			return nil, err
		}
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r.r, buf); err != nil {
		return nil, unexpectedEOF(err)
	}
	r.total += n
	r.lineLen = 0
	return buf, nil
}

// Values reads space-separated values up to the end of the line and
// consumes the CRLF.
func (r *Reader) Values() ([]Value, error) {
	var vals []Value
	for !r.AtEOL() {
		if len(vals) > 0 {
			if err := r.SP(); err != nil {
				return nil, err
			}
			if r.AtEOL() { // tolerate a trailing space
				break
			}
		}
		v, err := r.Value()
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
	}
	return vals, r.CRLF()
}

// IsLimit reports whether err is one of the reader's limit errors, after
// which the rest of the input line cannot be trusted.
func IsLimit(err error) bool {
	return errors.Is(err, ErrLineTooLong) || errors.Is(err, ErrLiteralTooLarge) ||
		errors.Is(err, ErrCommandTooLarge) || errors.Is(err, ErrTooDeep)
}
