package http1

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unsafe"
)

// Default limits (see [Limits]). Servers answer a request that exceeds
// them with the status of the error, then close the connection.
const (
	DefaultMaxRequestLine  = 8 << 10  // bytes of the request or status line, with CRLF; more gives 414
	DefaultMaxHeaderBytes  = 32 << 10 // bytes of the header (or trailer) section, with CRLFs; more gives 431
	DefaultMaxHeaderFields = 128      // header (or trailer) field lines; more gives 431
	DefaultMaxChunkLine    = 1 << 10  // bytes of a chunk-size line with its extensions and CRLF; more gives 400
)

// Limits bounds what a [Reader] buffers for one message head. The zero
// value means the defaults. Every limit is checked while reading, before
// the bytes are kept.
type Limits struct {
	// MaxRequestLine caps the request line (or a response's status line),
	// counting its CRLF. If zero, DefaultMaxRequestLine is used.
	// Exceeding it is ErrRequestLineTooLong (414).
	MaxRequestLine int

	// MaxHeaderBytes caps the header section after the start line, every
	// field line and the final empty line with their CRLFs; the same cap
	// applies to a chunked body's trailer section. If zero,
	// DefaultMaxHeaderBytes is used. Exceeding it is ErrHeaderTooLarge (431).
	MaxHeaderBytes int

	// MaxHeaderFields caps the number of field lines. If zero,
	// DefaultMaxHeaderFields is used. Exceeding it is ErrTooManyFields (431).
	MaxHeaderFields int

	// MaxChunkLine caps a chunk-size line with its chunk extensions and
	// CRLF. If zero, DefaultMaxChunkLine is used. Exceeding it is
	// ErrChunkLineTooLong (400).
	MaxChunkLine int
}

func (l Limits) maxRequestLine() int  { return orDefault(l.MaxRequestLine, DefaultMaxRequestLine) }
func (l Limits) maxHeaderBytes() int  { return orDefault(l.MaxHeaderBytes, DefaultMaxHeaderBytes) }
func (l Limits) maxHeaderFields() int { return orDefault(l.MaxHeaderFields, DefaultMaxHeaderFields) }
func (l Limits) maxChunkLine() int    { return orDefault(l.MaxChunkLine, DefaultMaxChunkLine) }

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// Reader reads HTTP/1 messages from a byte stream: the framing layer over
// the pure [ParseRequestHead] and [ParseResponseHead]. It reads each head
// line by line under [Limits], then hands the whole head to the parser, and
// gives the message a Body that reads exactly the content (Content-Length,
// chunked, or until EOF) and no further, so the next message on a
// persistent connection starts where the body ends.
//
// A Reader is not safe for concurrent use. Reading the next message before
// the previous body is finished is an error in the body's framing that the
// caller must avoid (servers and clients drain bodies first).
type Reader struct {
	Limits Limits
	br     *bufio.Reader
}

// NewReader returns a Reader over r, using r itself when it is a
// *bufio.Reader.
func NewReader(r io.Reader) *Reader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	return &Reader{br: br}
}

// Reset makes the Reader read from r, keeping its buffer.
func (r *Reader) Reset(rd io.Reader) { r.br.Reset(rd) }

// Buffered returns how many bytes are buffered beyond what was read.
func (r *Reader) Buffered() int { return r.br.Buffered() }

// BufReader returns the underlying buffered reader (to hand the
// connection to another protocol after an Upgrade or CONNECT).
func (r *Reader) BufReader() *bufio.Reader { return r.br }

// ReadRequest reads the next request head into req, which it resets and
// reuses (its strings from a previous read become invalid), and sets
// req.Body to a reader of the content ([NoBody] when there is none). At a
// clean end of stream, before any byte of a request, it returns io.EOF.
//
// Reading into the same Request again does not allocate in the steady
// state: the head is copied into storage that req keeps.
func (r *Reader) ReadRequest(req *Request) error {
	req.Reset()
	head, err := r.readHead(req.arena[:0], true)
	req.arena = head
	if err != nil {
		return err
	}
	if cap(req.Header.fields) == 0 {
		// One allocation of the right size for a fresh Request.
		req.Header.fields = make([]Field, 0, min(bytes.Count(head, newline), r.Limits.maxHeaderFields()))
	}
	if err := ParseRequestHead(head, req, r.Limits); err != nil {
		return err
	}
	switch {
	case req.Chunked:
		req.body.reset(r, modeChunked, 0, &req.Trailer)
		req.Body = &req.body
	case req.ContentLength > 0:
		req.body.reset(r, modeFixed, req.ContentLength, nil)
		req.Body = &req.body
	default:
		req.Body = NoBody
	}
	return nil
}

// ReadResponse reads the next response head into resp and sets resp.Body
// to a reader of its content; method is the request's method, which
// decides whether a body exists (HEAD never has one). Interim 1xx
// responses are returned like any other: the caller loops past them.
func (r *Reader) ReadResponse(resp *Response, method Method) error {
	arena, fields, tfields := resp.arena[:0], resp.Header.fields, resp.Trailer.fields
	*resp = Response{arena: arena}
	resp.Header.fields, resp.Trailer.fields = fields, tfields
	resp.Header.Reset()
	resp.Trailer.Reset()
	head, err := r.readHead(arena, false)
	resp.arena = head
	if err != nil {
		return err
	}
	if cap(resp.Header.fields) == 0 {
		resp.Header.fields = make([]Field, 0, min(bytes.Count(head, newline), r.Limits.maxHeaderFields()))
	}
	if err := ParseResponseHead(head, resp, r.Limits); err != nil {
		return err
	}
	switch {
	case !HasBody(method, resp.Status):
		resp.Body = NoBody
		if resp.Status.Informational() {
			break
		}
		resp.ContentLength = 0
		resp.Chunked = false
		if resp.Version.AtLeast(1, 1) {
			resp.Close = resp.Header.HasToken("Connection", "close")
		} else {
			resp.Close = !resp.Header.HasToken("Connection", "keep-alive") || resp.Header.HasToken("Connection", "close")
		}
	case resp.Chunked:
		resp.body.reset(r, modeChunked, 0, &resp.Trailer)
		resp.Body = &resp.body
	case resp.ContentLength > 0:
		resp.body.reset(r, modeFixed, resp.ContentLength, nil)
		resp.Body = &resp.body
	case resp.ContentLength == 0:
		resp.Body = NoBody
	default:
		resp.body.reset(r, modeUntilEOF, 0, nil)
		resp.Body = &resp.body
	}
	return nil
}

// readHead appends one message head to dst: the start line (skipping
// empty lines before a request line) and every field line up to the empty
// line, each checked against its limit before it is kept.
func (r *Reader) readHead(dst []byte, request bool) ([]byte, error) {
	lim := r.Limits
	if head, ok, err := r.fastHead(dst, lim); ok || err != nil {
		return head, err
	}
	var err error
	for skipped := 0; ; skipped++ {
		dst, err = r.readLine(dst[:0], lim.maxRequestLine(), ErrRequestLineTooLong)
		if err != nil {
			if err == io.EOF && len(dst) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return dst, err
		}
		if !request || skipped >= maxLeadingEmptyLines || string(dst) != "\r\n" {
			break
		}
	}
	budget := lim.maxHeaderBytes()
	for {
		start := len(dst)
		dst, err = r.readLine(dst, budget, ErrHeaderTooLarge)
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return dst, err
		}
		line := dst[start:]
		budget -= len(line)
		if len(line) <= 2 && (line[0] == '\n' || line[0] == '\r') {
			return dst, nil
		}
	}
}

// fastHead takes a whole head at once when the buffer already holds it
// within the limits, which is the common case: one search for the empty
// line instead of a search per line. Otherwise readHead goes line by line.
func (r *Reader) fastHead(dst []byte, lim Limits) ([]byte, bool, error) {
	if r.br.Buffered() == 0 {
		if _, err := r.br.Peek(1); err != nil {
			return dst, false, err // io.EOF here is a clean end
		}
	}
	buf, _ := r.br.Peek(r.br.Buffered())
	if len(buf) == 0 || buf[0] == '\r' || buf[0] == '\n' {
		return dst, false, nil
	}
	end := bytes.Index(buf, headEnd)
	if end < 0 {
		return dst, false, nil
	}
	end += len(headEnd)
	first := bytes.IndexByte(buf, '\n') + 1
	if first > lim.maxRequestLine() || end-first > lim.maxHeaderBytes() {
		return dst, false, nil // the slow path reports which limit
	}
	dst = append(dst, buf[:end]...)
	r.br.Discard(end)
	return dst, true, nil
}

var (
	headEnd = []byte("\r\n\r\n")
	newline = []byte("\n")
)

// readLine appends one line with its line end to dst, failing with tooLong
// once more than limit bytes would be kept. At a clean EOF it returns
// io.EOF (with dst unchanged when nothing was read).
func (r *Reader) readLine(dst []byte, limit int, tooLong error) ([]byte, error) {
	n := 0
	for {
		frag, err := r.br.ReadSlice('\n')
		n += len(frag)
		if n > limit {
			return dst, tooLong
		}
		dst = append(dst, frag...)
		switch {
		case err == nil:
			return dst, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && n > 0:
			return dst, io.ErrUnexpectedEOF
		default:
			return dst, err
		}
	}
}

// unsafeString returns a string that shares b's memory. The head parsers
// use it so that parsing does not allocate; the contract (see [Request]) is
// that the bytes are not changed while the strings are in use.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// NoBody is an empty body: Read returns io.EOF, Close does nothing.
var NoBody = noBody{}

type noBody struct{}

func (noBody) Read([]byte) (int, error) { return 0, io.EOF }
func (noBody) Close() error             { return nil }

// Body delimitations (RFC 9112, section 6.3).
const (
	modeFixed    = iota + 1 // Content-Length
	modeChunked             // chunked transfer coding
	modeUntilEOF            // the connection's end (responses only)
)

// bodyReader reads one message's content from a Reader, and no further.
type bodyReader struct {
	r         *Reader
	mode      int
	remaining int64   // fixed: bytes left; chunked: bytes left in the current chunk
	inChunk   bool    // chunked: inside a chunk's data
	trailer   *Header // chunked: where the trailer fields go
	scratch   []byte  // chunked: the chunk-size line and trailer bytes
	err       error   // sticky: io.EOF once the content ended
	closed    bool
}

func (b *bodyReader) reset(r *Reader, mode int, n int64, trailer *Header) {
	scratch := b.scratch[:0]
	*b = bodyReader{r: r, mode: mode, remaining: n, trailer: trailer, scratch: scratch}
}

// Read reads content bytes.
func (b *bodyReader) Read(p []byte) (int, error) {
	if b.closed {
		return 0, ErrBodyClosed
	}
	if b.err != nil {
		return 0, b.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	var n int
	switch b.mode {
	case modeFixed:
		if int64(len(p)) > b.remaining {
			p = p[:b.remaining]
		}
		n, b.err = b.r.br.Read(p)
		b.remaining -= int64(n)
		if b.remaining == 0 {
			b.err = io.EOF
		} else if b.err == io.EOF {
			b.err = io.ErrUnexpectedEOF
		}
	case modeChunked:
		n, b.err = b.readChunked(p)
	default:
		n, b.err = b.r.br.Read(p)
	}
	if n > 0 && b.err == io.EOF && b.mode != modeUntilEOF {
		return n, nil // report EOF on the next call, after the data
	}
	return n, b.err
}

// Close stops reading; later Reads fail with ErrBodyClosed. It does not
// read the rest of the content: [bodyReader.discard] does.
func (b *bodyReader) Close() error {
	b.closed = true
	return nil
}

// discard reads and drops up to max bytes of what remains, reporting
// whether the content ended (so the connection can carry another message).
func (b *bodyReader) discard(max int64) bool {
	if b.err == io.EOF {
		return true
	}
	if b.mode == 0 {
		return true // no content was framed
	}
	if b.err != nil || b.mode == modeUntilEOF {
		return false
	}
	closed := b.closed
	b.closed = false
	defer func() { b.closed = closed }()
	var buf [512]byte
	for max > 0 {
		n, err := b.Read(buf[:min(int64(len(buf)), max)])
		max -= int64(n)
		if err == io.EOF || b.err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
	return b.err == io.EOF
}

// done reports whether the content was read to its end.
func (b *bodyReader) done() bool { return b.err == io.EOF }
