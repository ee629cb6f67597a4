package http1

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"runtime/debug"
	"time"

	"github.com/applayer/applayer/sockets"
)

// errHeaderTimeout is returned by a read that hit ReadHeaderTimeout.
var errHeaderTimeout = errors.New("http1: timeout reading the request head")

// conn is the server side of one connection.
type conn struct {
	srv    *Server
	sc     *sockets.Conn
	rd     *Reader
	bw     *bufio.Writer
	remote string
	tls    *tls.ConnectionState
	scheme string

	headerDeadline time.Time // while reading a head: when ReadHeaderTimeout ends

	resp     response // reused for every request: handlers must not keep w
	date     [29]byte // cached Date value
	dateUnix int64

	hijacked   bool
	hijackDone chan struct{}

	// linger is set when the connection closes with client data possibly
	// unread (a bad request, an unread body): closing at once could make
	// the kernel reset the connection and destroy the response in flight.
	linger bool
}

// Lingering close: after a half-close, read and drop what the client still
// sends for at most this long and this much, so that our last response
// is not lost to a TCP reset.
const (
	lingerTimeout  = 500 * time.Millisecond
	maxLingerBytes = 256 << 10
)

// connReader applies the header deadline on top of sockets' per-read
// timeout, by setting the per-read timeout to the time left. It also
// sends pending responses before it blocks: responses to pipelined
// requests are batched only while the next request is already buffered,
// never held back while the server waits for the client.
type connReader struct{ c *conn }

func (r connReader) Read(p []byte) (int, error) {
	c := r.c
	if c.bw.Buffered() > 0 {
		if err := c.bw.Flush(); err != nil {
			return 0, err
		}
	}
	if !c.headerDeadline.IsZero() {
		d := time.Until(c.headerDeadline)
		if d <= 0 {
			return 0, errHeaderTimeout
		}
		c.sc.SetReadTimeout(d)
	}
	return c.sc.Read(p)
}

// serveConn is the sockets.Handler: it runs one connection.
func (s *Server) serveConn(ctx context.Context, sc *sockets.Conn) {
	c := &conn{srv: s, sc: sc, remote: sc.RemoteAddr().String(), scheme: "http"}
	if tc, ok := sc.NetConn().(*tls.Conn); ok {
		hctx, cancel := context.WithTimeout(ctx, DefaultTLSHandshakeTimeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			s.logger().Debug("http1: TLS handshake failed", "remote", c.remote, "err", err)
			return
		}
		st := tc.ConnectionState()
		c.tls, c.scheme = &st, "https"
	}
	c.rd = NewReader(bufio.NewReaderSize(connReader{c}, 4<<10))
	c.rd.Limits = s.Limits
	c.bw = bufio.NewWriterSize(sc, 4<<10)
	c.serve(ctx)
	if c.linger && !c.hijacked {
		c.lingerClose()
	}
	if c.hijacked {
		select {
		case <-c.hijackDone:
		case <-ctx.Done():
		}
	}
}

// serve reads and answers requests until the connection should close.
func (c *conn) serve(ctx context.Context) {
	s := c.srv
	for {
		if c.rd.Buffered() == 0 {
			// Nothing of a next request yet: send what is pending and wait
			// as an idle connection that Shutdown may interrupt.
			if c.bw.Flush() != nil {
				return
			}
			if ctx.Err() != nil {
				return
			}
			c.sc.SetReadTimeout(s.idleTimeout())
			c.sc.SetIdle()
			if _, err := c.rd.br.Peek(1); err != nil {
				return
			}
		}
		if d := s.readHeaderTimeout(); d > 0 {
			c.headerDeadline = time.Now().Add(d)
		}
		req := new(Request)
		err := c.rd.ReadRequest(req)
		c.headerDeadline = time.Time{}
		c.sc.SetReadTimeout(s.ReadTimeout)
		if err != nil {
			c.readFailed(err)
			return
		}
		req.RemoteAddr, req.TLS, req.ctx = c.remote, c.tls, ctx
		if req.Scheme == "" {
			req.Scheme = c.scheme
		}
		if !c.handle(req) || ctx.Err() != nil || c.sc.Closing() {
			c.bw.Flush()
			return
		}
	}
}

// lingerClose sends what is pending, half-closes, and drains the input
// for a bounded time (see lingerTimeout).
func (c *conn) lingerClose() {
	if c.bw.Flush() != nil {
		return
	}
	if cw, ok := c.sc.NetConn().(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	deadline := time.Now().Add(lingerTimeout)
	var buf [4 << 10]byte
	for n := 0; n < maxLingerBytes; {
		d := time.Until(deadline)
		if d <= 0 {
			return
		}
		c.sc.SetReadTimeout(d)
		m, err := c.sc.Read(buf[:])
		n += m
		if err != nil {
			return
		}
	}
}

// readFailed answers a request that could not be read, then the
// connection closes.
func (c *conn) readFailed(err error) {
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, sockets.ErrIdleInterrupted),
		errors.Is(err, net.ErrClosed):
		return
	case errors.Is(err, errHeaderTimeout), errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		c.bw.Flush()
		writeErrorResponse(c.sc, StatusRequestTimeout)
		c.linger = true
		return
	}
	var se *StatusError
	if !errors.As(err, &se) {
		c.srv.logger().Debug("http1: reading request", "remote", c.remote, "err", err)
		return
	}
	c.srv.logger().Debug("http1: bad request", "remote", c.remote, "err", err)
	c.bw.Flush()
	writeErrorResponse(c.sc, se.Status)
	c.linger = true
}

// writeErrorResponse writes a complete plain-text response that closes the
// connection. The text is the status only, never error details.
func writeErrorResponse(w io.Writer, status Status) {
	body := status.String() + "\n"
	b := make([]byte, 0, 160)
	b = append(b, "HTTP/1.1 "...)
	b = append(b, status.String()...)
	b = append(b, "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "...)
	b = appendInt(b, int64(len(body)))
	b = append(b, "\r\nConnection: close\r\n\r\n"...)
	b = append(b, body...)
	w.Write(b)
}

// handle runs the handler for req and finishes the response; it reports
// whether the connection can carry another request.
func (c *conn) handle(req *Request) (keep bool) {
	w := &c.resp
	w.reset(c, req)
	if req.Version.AtLeast(1, 1) {
		if exp, ok := req.Header.Lookup("Expect"); ok {
			if !equalFold(exp, "100-continue") {
				c.bw.Flush()
				writeErrorResponse(c.sc, StatusExpectationFailed)
				c.linger = true
				return false
			}
			if req.Body != NoBody {
				w.ecr = expectContinueReader{w: w, r: req.Body}
				req.Body = &w.ecr
			}
		}
	}
	hasBody := req.Body != NoBody
	if !c.runHandler(w, req) {
		return false
	}
	if c.hijacked {
		return false
	}
	w.finish()
	keep = !req.Close && !w.closeAfter && !c.srv.DisableKeepAlives
	if keep && hasBody {
		// The next request starts after this one's content: read what the
		// handler left, within MaxBodyDrain. If a 100 (Continue) was never
		// sent, the client may still be waiting to send it: close.
		if w.ecr.r != nil && !w.ecr.sent {
			c.linger = true
			return false
		}
		keep = req.body.discard(c.srv.maxBodyDrain())
		c.linger = !keep
	}
	return keep
}

// runHandler calls the handler, turning a panic into a logged 500.
func (c *conn) runHandler(w *response, req *Request) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			c.srv.logger().Error("http1: panic in handler", "remote", c.remote, "target", req.Target,
				"panic", p, "stack", string(debug.Stack()))
			if !w.committed && !c.hijacked {
				c.bw.Flush()
				writeErrorResponse(c.sc, StatusInternalServerError)
			}
			ok = false
		}
	}()
	h := c.srv.Handler
	if h == nil {
		h = NotFoundHandler()
	}
	h.ServeHTTP(w, req)
	return true
}

// dateValue returns the current IMF-fixdate, cached for a second.
func (c *conn) dateValue() []byte {
	now := time.Now()
	if sec := now.Unix(); sec != c.dateUnix {
		c.dateUnix = sec
		AppendDate(c.date[:0], now)
	}
	return c.date[:]
}

// expectContinueReader sends "100 Continue" before the first read of a
// body whose client sent "Expect: 100-continue" (RFC 9110, section 10.1.1).
type expectContinueReader struct {
	w    *response
	r    io.Reader
	sent bool
}

func (e *expectContinueReader) Read(p []byte) (int, error) {
	if !e.sent {
		e.sent = true
		if !e.w.committed {
			c := e.w.c
			c.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
			if err := c.bw.Flush(); err != nil {
				return 0, err
			}
		}
	}
	return e.r.Read(p)
}

// hijackedConn reports its Close to the server, which holds the sockets
// connection open until then.
type hijackedConn struct {
	net.Conn
	done chan struct{}
	once bool
}

func (h *hijackedConn) Close() error {
	err := h.Conn.Close()
	if !h.once {
		h.once = true
		close(h.done)
	}
	return err
}
