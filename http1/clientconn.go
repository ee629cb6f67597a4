package http1

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultExpectContinueTimeout is how long a client that sent
// "Expect: 100-continue" waits for the 100 before sending the content anyway.
const DefaultExpectContinueTimeout = time.Second

// DefaultMaxResponseDrain is how much unread response content a client
// reads and discards on Body.Close to keep the connection for reuse.
const DefaultMaxResponseDrain = 256 << 10

// ErrConnBroken is returned by a ClientConn after an error made the
// connection unusable.
var ErrConnBroken = errors.New("http1: client connection broken")

// ClientConn is one client connection: it sends requests and reads their
// responses in the same order, which makes pipelining possible: call Send
// for several requests, then Receive for each (RFC 9112, section 9.3.2).
// Send and Receive may run in different goroutines; Receives are served in
// order, each waiting until the previous response's Body was read to the
// end or closed. [Client] keeps a pool of them.
type ClientConn struct {
	conn   net.Conn
	rd     *Reader
	bw     *bufio.Writer
	wmu    sync.Mutex    // serializes Send
	rsem   chan struct{} // held from Receive until the body is done
	broken atomic.Bool
	closed atomic.Bool

	pending  atomic.Int32 // sent, not yet fully received
	reused   bool         // has carried a response before (set by the pool)
	closeReq atomic.Bool  // a request or response said "Connection: close"

	key    string    // pool key
	idleAt time.Time // when it went back to the pool
}

// Dial connects to addr ("host:port") and returns a ClientConn; with cfg
// non-nil it speaks TLS (ServerName defaults to the host).
func Dial(ctx context.Context, addr string, cfg *tls.Config) (*ClientConn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if cfg != nil {
		tc, err := tlsClient(ctx, c, addr, cfg)
		if err != nil {
			c.Close()
			return nil, err
		}
		c = tc
	}
	return NewClientConn(c), nil
}

func tlsClient(ctx context.Context, c net.Conn, addr string, cfg *tls.Config) (net.Conn, error) {
	cfg = cfg.Clone()
	if cfg.ServerName == "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			host = addr
		}
		cfg.ServerName = host
	}
	if len(cfg.NextProtos) == 0 {
		cfg.NextProtos = []string{"http/1.1"}
	}
	tc := tls.Client(c, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, err
	}
	return tc, nil
}

// NewClientConn returns a ClientConn over an established connection.
func NewClientConn(c net.Conn) *ClientConn {
	return &ClientConn{
		conn: c,
		rd:   NewReader(bufio.NewReaderSize(c, 4<<10)),
		bw:   bufio.NewWriterSize(c, 4<<10),
		rsem: make(chan struct{}, 1),
	}
}

// Close closes the connection. Pending Sends and Receives fail.
func (cc *ClientConn) Close() error {
	cc.broken.Store(true)
	if cc.closed.Swap(true) {
		return nil
	}
	return cc.conn.Close()
}

// Limits returns the limits applied to response heads, for changing.
func (cc *ClientConn) Limits() *Limits { return &cc.rd.Limits }

// Send writes req (head and content) to the connection and flushes it.
func (cc *ClientConn) Send(ctx context.Context, req *Request) error {
	return cc.send(ctx, req, true)
}

// send writes req; without flush the bytes may stay buffered to go out
// with the next request: that is how a pipeline shares segments.
func (cc *ClientConn) send(ctx context.Context, req *Request, flush bool) error {
	if cc.broken.Load() {
		return ErrConnBroken
	}
	cc.wmu.Lock()
	defer cc.wmu.Unlock()
	stop := cc.watch(ctx)
	defer stop()
	cc.pending.Add(1)
	if req.Close {
		cc.closeReq.Store(true)
	}
	if err := req.write(cc.bw); err != nil {
		cc.broken.Store(true)
		return err
	}
	if flush {
		if err := cc.bw.Flush(); err != nil {
			cc.broken.Store(true)
			return err
		}
	}
	return nil
}

// watch makes ctx's cancellation and deadline interrupt blocked I/O on the
// connection; the returned func stops watching.
func (cc *ClientConn) watch(ctx context.Context) func() bool {
	if d, ok := ctx.Deadline(); ok {
		cc.conn.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() {
		cc.broken.Store(true)
		cc.conn.SetDeadline(time.Unix(1, 0))
	})
	return func() bool {
		ok := stop()
		if _, has := ctx.Deadline(); has && ok {
			cc.conn.SetDeadline(time.Time{})
		}
		return ok
	}
}

// Receive reads the response to the oldest request not yet received;
// method is that request's method. Interim 1xx responses are skipped. The
// caller must read the Body to its end or Close it.
func (cc *ClientConn) Receive(ctx context.Context, method Method) (*Response, error) {
	select {
	case cc.rsem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if cc.broken.Load() {
		<-cc.rsem
		return nil, ErrConnBroken
	}
	stop := cc.watch(ctx)
	resp := new(Response)
	for {
		if err := cc.rd.ReadResponse(resp, method); err != nil {
			stop()
			cc.broken.Store(true)
			<-cc.rsem
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
		if !resp.Status.Informational() || resp.Status == StatusSwitchingProtocols {
			break
		}
	}
	if resp.Close {
		cc.closeReq.Store(true)
	}
	if resp.Body == NoBody {
		cc.finish(stop())
		return resp, nil
	}
	resp.Body = &clientBody{cc: cc, body: &resp.body, stop: stop}
	return resp, nil
}

// finish releases the read side after a response was read completely.
func (cc *ClientConn) finish(watchOK bool) {
	if !watchOK {
		cc.broken.Store(true)
	}
	cc.pending.Add(-1)
	<-cc.rsem
}

// reusable reports whether the connection can carry another request.
func (cc *ClientConn) reusable() bool {
	return !cc.broken.Load() && !cc.closeReq.Load() && cc.pending.Load() == 0
}

// RoundTrip sends req and returns its response; with
// "Expect: 100-continue" it waits for the 100 (or a final status, or
// DefaultExpectContinueTimeout) before sending the content.
func (cc *ClientConn) RoundTrip(ctx context.Context, req *Request) (*Response, error) {
	if req.ExpectsContinue() && req.Body != nil {
		return cc.roundTripExpect(ctx, req)
	}
	if err := cc.Send(ctx, req); err != nil {
		return nil, err
	}
	return cc.Receive(ctx, req.Method)
}

func (cc *ClientConn) roundTripExpect(ctx context.Context, req *Request) (*Response, error) {
	body := req.Body
	head := *req
	head.Body = nil
	head.Header = req.Header.Clone()
	if req.ContentLength < 0 {
		head.Header.Set("Transfer-Encoding", "chunked")
	}
	b, err := appendExpectHead(&head, req)
	if err != nil {
		return nil, err
	}
	cc.wmu.Lock()
	defer cc.wmu.Unlock()
	stop := cc.watch(ctx)
	cc.pending.Add(1)
	if _, err := cc.bw.Write(b); err != nil || cc.bw.Flush() != nil {
		stop()
		cc.broken.Store(true)
		return nil, ErrConnBroken
	}
	// Wait for the first byte of a response, at most the timeout.
	cc.conn.SetReadDeadline(time.Now().Add(DefaultExpectContinueTimeout))
	_, perr := cc.rd.br.Peek(1)
	cc.conn.SetReadDeadline(time.Time{})
	if d, ok := ctx.Deadline(); ok {
		cc.conn.SetDeadline(d)
	}
	sendBody := true
	if perr == nil {
		// Something arrived: a 100 means go on; a final status means the
		// server refused the content, and we do not send it.
		var interim Response
		peek, _ := cc.rd.br.Peek(12)
		if len(peek) == 12 && string(peek[9:12]) == "100" {
			if err := cc.rd.ReadResponse(&interim, req.Method); err != nil {
				stop()
				cc.broken.Store(true)
				return nil, err
			}
		} else {
			sendBody = false
			cc.closeReq.Store(true) // the server may still expect the content
		}
	} else if !errors.Is(perr, os.ErrDeadlineExceeded) {
		stop()
		cc.broken.Store(true)
		return nil, perr
	}
	if sendBody {
		if err := writeBody(cc.bw, body, req.ContentLength, req.ContentLength < 0, &req.Trailer); err != nil {
			stop()
			cc.broken.Store(true)
			return nil, err
		}
		if err := cc.bw.Flush(); err != nil {
			stop()
			cc.broken.Store(true)
			return nil, err
		}
	}
	stop()
	return cc.Receive(ctx, req.Method)
}

// appendExpectHead is the head of req as Write would send it.
func appendExpectHead(head, req *Request) ([]byte, error) {
	h := *head
	h.Body = req.Body // so that the framing fields are chosen as for the full request
	return AppendRequestHead(nil, &h)
}

// clientBody is a response body on a ClientConn: at its end (or Close) it
// releases the connection for the next response, or returns it to the
// pool.
type clientBody struct {
	cc     *ClientConn
	body   *bodyReader
	stop   func() bool
	onDone func(reusable bool) // set by Client: return to the pool
	done   bool                // released: later Reads fail
	eof    bool                // the content ended: later Reads return io.EOF
}

func (b *clientBody) Read(p []byte) (int, error) {
	if b.eof {
		return 0, io.EOF
	}
	if b.done {
		return 0, ErrBodyClosed
	}
	n, err := b.body.Read(p)
	if err == io.EOF {
		b.eof = true
		b.release()
	} else if err != nil {
		b.cc.broken.Store(true)
		b.release()
	}
	return n, err
}

// Close discards what is left (up to DefaultMaxResponseDrain) so the
// connection can be reused, and releases it.
func (b *clientBody) Close() error {
	if b.done {
		return nil
	}
	if !b.body.discard(DefaultMaxResponseDrain) {
		b.cc.broken.Store(true)
	}
	b.release()
	return nil
}

func (b *clientBody) release() {
	if b.done {
		return
	}
	b.done = true
	if b.body.mode == modeUntilEOF {
		b.cc.closeReq.Store(true)
	}
	b.cc.finish(b.stop())
	if b.onDone != nil {
		b.onDone(b.cc.reusable())
	}
}
