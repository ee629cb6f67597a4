package http2

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/http2/hpack"
)

// Errors of the client.
var (
	// ErrConnClosed: the connection ended before the response did.
	ErrConnClosed = errors.New("http2: client connection closed")
	// ErrConnUnusable: the connection cannot take a new stream (GOAWAY
	// received, stream IDs used up, or closed).
	ErrConnUnusable = errors.New("http2: client connection cannot take new streams")
)

// ClientConnOptions configures a ClientConn.
type ClientConnOptions struct {
	// StreamWindow is the receive window per stream; 0 means
	// DefaultStreamWindow.
	StreamWindow uint32
	// ConnWindow is the receive window of the connection; 0 means
	// DefaultConnWindow.
	ConnWindow uint32
	// MaxHeaderListSize bounds a response's header list; 0 means
	// DefaultMaxHeaderListSize.
	MaxHeaderListSize uint32
	// OnPush, if set, turns server push on (SETTINGS_ENABLE_PUSH = 1) and
	// receives every pushed response with the request the server promised
	// it for. It runs in its own goroutine; it must close resp.Body. With
	// OnPush nil the client tells servers not to push.
	OnPush func(promised *http1.Request, resp *http1.Response)
}

// ClientConn is one HTTP/2 connection from a client: many requests
// multiplexed on it at once, each a stream. It is safe for concurrent use.
type ClientConn struct {
	conn net.Conn
	fr   *Framer
	opts ClientConnOptions
	hdec *hpack.Decoder // reader goroutine only

	wmu  sync.Mutex // serializes writes: frames and the HPACK encoder
	henc *hpack.Encoder

	readerDone chan struct{}

	mu   sync.Mutex
	cond sync.Cond // on mu: windows opened, streams ended
	// Everything below is guarded by mu.
	streams        map[uint32]*clientStream
	nextID         uint32
	sendWindow     window
	recv           receiveWindow
	peerWindow     int64
	peerMaxFrame   uint32
	peerMaxStreams uint32
	goAway         *GoAwayError
	closed         bool
	err            error // why the connection ended
	pings          map[[8]byte]chan struct{}
	lastIdle       time.Time
	tableLimit     *uint32 // the server's new SETTINGS_HEADER_TABLE_SIZE, not yet applied
}

// clientStream is one request on a ClientConn.
type clientStream struct {
	cc      *ClientConn
	id      uint32
	req     *http1.Request
	send    window
	recv    receiveWindow
	body    *pipe
	respCh  chan *http1.Response // the final response, once
	errCh   chan error
	resp    *http1.Response
	gotEnd  bool // the server's END_STREAM arrived
	sentEnd bool
	pushed  bool
	trailer http1.Header
	done    bool
}

// NewClientConn starts HTTP/2 on an established connection (TLS with h2
// negotiated, or cleartext for h2c with prior knowledge): it sends the
// preface and SETTINGS and starts reading.
func NewClientConn(c net.Conn, opts *ClientConnOptions) (*ClientConn, error) {
	cc := &ClientConn{
		conn:           c,
		fr:             NewFramer(c, c),
		hdec:           hpack.NewDecoder(hpack.DefaultTableSize),
		henc:           hpack.NewEncoder(),
		readerDone:     make(chan struct{}),
		streams:        make(map[uint32]*clientStream),
		nextID:         1,
		sendWindow:     initialWindow,
		peerWindow:     initialWindow,
		peerMaxFrame:   MinMaxFrameSize,
		peerMaxStreams: 100, // until the server's SETTINGS say otherwise
		pings:          make(map[[8]byte]chan struct{}),
		lastIdle:       time.Now(),
	}
	if opts != nil {
		cc.opts = *opts
	}
	cc.cond.L = &cc.mu
	cc.hdec.MaxHeaderListSize = orDefault(cc.opts.MaxHeaderListSize, DefaultMaxHeaderListSize)
	streamWindow := orDefault(cc.opts.StreamWindow, DefaultStreamWindow)
	connWindow := int64(max(orDefault(cc.opts.ConnWindow, DefaultConnWindow), initialWindow))
	cc.recv = receiveWindow{avail: initialWindow, size: connWindow}
	push := uint32(0)
	if cc.opts.OnPush != nil {
		push = 1
	}
	cc.wmu.Lock()
	cc.fr.WriteRaw([]byte(ClientPreface))
	cc.fr.WriteFrame(NewSettingsFrame(false,
		Setting{SettingEnablePush, push},
		Setting{SettingInitialWindowSize, streamWindow},
		Setting{SettingMaxHeaderListSize, cc.hdec.MaxHeaderListSize},
	))
	if inc := connWindow - initialWindow; inc > 0 {
		cc.recv.avail += inc
		cc.fr.WriteFrame(&WindowUpdateFrame{FrameHeader: FrameHeader{Type: FrameWindowUpdate}, Increment: uint32(inc)})
	}
	err := cc.fr.Flush()
	cc.wmu.Unlock()
	if err != nil {
		c.Close()
		return nil, err
	}
	go cc.readLoop()
	return cc, nil
}

// CanTakeNewRequest reports whether a new stream can start now.
func (cc *ClientConn) CanTakeNewRequest() bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.canTakeLocked()
}

func (cc *ClientConn) canTakeLocked() bool {
	return !cc.closed && cc.goAway == nil && cc.nextID < 1<<31 && uint32(cc.activeLocked()) < cc.peerMaxStreams
}

// activeLocked counts the streams this side opened that are still going.
func (cc *ClientConn) activeLocked() int {
	n := 0
	for _, s := range cc.streams {
		if !s.pushed {
			n++
		}
	}
	return n
}

// RoundTrip sends req and returns the response once its header has
// arrived; the body streams in as it is read. ctx bounds the whole
// exchange, body included: canceling it resets the stream.
func (cc *ClientConn) RoundTrip(ctx context.Context, req *http1.Request) (*http1.Response, error) {
	return cc.Do(ctx, req, nil)
}

// RequestOptions are per-request choices of the client.
type RequestOptions struct {
	// Priority is sent in the HEADERS frame (RFC 7540 section 5.3).
	Priority *PriorityParam
	// Urgency is sent as a Priority header field (RFC 9218).
	Urgency *Urgency
}

// Do is RoundTrip with options.
func (cc *ClientConn) Do(ctx context.Context, req *http1.Request, opts *RequestOptions) (*http1.Response, error) {
	if opts != nil && opts.Urgency != nil {
		req = req.Clone(req.Context())
		req.Header.Set("priority", opts.Urgency.String())
	}
	s, err := cc.openStream(req, opts)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { cc.resetStream(s, ErrCodeCancel, ctx.Err()) })
	if req.Body != nil {
		go s.sendBody(ctx)
	}
	select {
	case resp := <-s.respCh:
		// Canceling ctx still resets the stream while its body is read.
		resp.Body = &responseBody{s: s, stop: stop}
		return resp, nil
	case err := <-s.errCh:
		stop()
		return nil, err
	}
}

// openStream allocates a stream ID and sends the HEADERS: under wmu, so
// stream IDs go out in increasing order, as they must.
func (cc *ClientConn) openStream(req *http1.Request, opts *RequestOptions) (*clientStream, error) {
	cc.wmu.Lock()
	defer cc.wmu.Unlock()
	cc.mu.Lock()
	for !cc.closed && cc.goAway == nil && uint32(cc.activeLocked()) >= cc.peerMaxStreams {
		cc.cond.Wait()
	}
	if !cc.canTakeLocked() {
		err := cc.err
		cc.mu.Unlock()
		if err == nil {
			err = ErrConnUnusable
		}
		return nil, err
	}
	streamWindow := int64(orDefault(cc.opts.StreamWindow, DefaultStreamWindow))
	s := &clientStream{
		cc:     cc,
		id:     cc.nextID,
		req:    req,
		send:   window(cc.peerWindow),
		recv:   receiveWindow{avail: streamWindow, size: streamWindow},
		respCh: make(chan *http1.Response, 1),
		errCh:  make(chan error, 1),
		// Set before the HEADERS go out: the response may come back at once.
		sentEnd: req.Body == nil,
	}
	s.body = newPipe(func(n int) { cc.consumed(s, n) })
	cc.nextID += 2
	cc.streams[s.id] = s
	if cc.tableLimit != nil {
		cc.henc.SetMaxDynamicTableSizeLimit(*cc.tableLimit)
		cc.tableLimit = nil
	}
	cc.mu.Unlock()

	block := appendRequestFields(nil, cc.henc, req)
	endStream := req.Body == nil
	var prio *PriorityParam
	if opts != nil {
		prio = opts.Priority
	}
	err := cc.writeHeaderBlock(s.id, block, endStream, prio)
	if err == nil {
		err = cc.fr.Flush()
	}
	if err != nil {
		cc.fail(err)
		return nil, err
	}
	return s, nil
}

// writeHeaderBlock writes HEADERS and CONTINUATION frames; wmu is held.
func (cc *ClientConn) writeHeaderBlock(id uint32, block []byte, endStream bool, prio *PriorityParam) error {
	cc.mu.Lock()
	maxFrame := int(cc.peerMaxFrame)
	cc.mu.Unlock()
	first := true
	for {
		n := min(len(block), maxFrame-5)
		var flags Flags
		if n == len(block) {
			flags |= FlagEndHeaders
		}
		var err error
		if first {
			if endStream {
				flags |= FlagEndStream
			}
			hf := &HeadersFrame{FrameHeader: FrameHeader{Type: FrameHeaders, Flags: flags, StreamID: id}, BlockFragment: block[:n]}
			if prio != nil {
				hf.Flags |= FlagPriority
				hf.Priority = *prio
			}
			err = cc.fr.WriteFrame(hf)
		} else {
			err = cc.fr.WriteFrame(&ContinuationFrame{FrameHeader: FrameHeader{Type: FrameContinuation, Flags: flags, StreamID: id}, BlockFragment: block[:n]})
		}
		if err != nil {
			return err
		}
		block = block[n:]
		first = false
		if len(block) == 0 {
			return nil
		}
	}
}

// sendBody streams the request content in DATA frames as flow control
// allows.
func (s *clientStream) sendBody(ctx context.Context) {
	cc := s.cc
	buf := make([]byte, 16<<10)
	var sent int64
	for {
		n, rerr := s.req.Body.Read(buf)
		p := buf[:n]
		for len(p) > 0 {
			cc.mu.Lock()
			for !s.done && !cc.closed && (s.send <= 0 || cc.sendWindow <= 0) {
				cc.cond.Wait()
			}
			if s.done || cc.closed {
				cc.mu.Unlock()
				return
			}
			k := int(min(int64(len(p)), int64(s.send), int64(cc.sendWindow), int64(cc.peerMaxFrame)))
			s.send -= window(k)
			cc.sendWindow -= window(k)
			cc.mu.Unlock()
			cc.wmu.Lock()
			err := cc.fr.WriteFrame(&DataFrame{FrameHeader: FrameHeader{Type: FrameData, StreamID: s.id}, Data: p[:k]})
			if err == nil {
				err = cc.fr.Flush()
			}
			cc.wmu.Unlock()
			if err != nil {
				cc.fail(err)
				return
			}
			p = p[k:]
			sent += int64(k)
		}
		if rerr == io.EOF {
			if s.req.ContentLength >= 0 && sent != s.req.ContentLength {
				cc.resetStream(s, ErrCodeCancel, http1.ErrBodyLength)
				return
			}
			cc.wmu.Lock()
			err := cc.fr.WriteFrame(&DataFrame{FrameHeader: FrameHeader{Type: FrameData, Flags: FlagEndStream, StreamID: s.id}})
			if err == nil {
				err = cc.fr.Flush()
			}
			cc.wmu.Unlock()
			if err != nil {
				cc.fail(err)
			}
			cc.mu.Lock()
			s.sentEnd = true
			cc.maybeFinishLocked(s)
			cc.mu.Unlock()
			return
		}
		if rerr != nil {
			cc.resetStream(s, ErrCodeCancel, fmt.Errorf("http2: reading the request body: %w", rerr))
			return
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// resetStream ends a stream from this side.
func (cc *ClientConn) resetStream(s *clientStream, code ErrCode, cause error) {
	cc.mu.Lock()
	if s.done {
		cc.mu.Unlock()
		return
	}
	cc.endStreamLocked(s, cause)
	cc.mu.Unlock()
	cc.wmu.Lock()
	cc.fr.WriteFrame(&RSTStreamFrame{FrameHeader: FrameHeader{Type: FrameRSTStream, StreamID: s.id}, Code: code})
	cc.fr.Flush()
	cc.wmu.Unlock()
}

// endStreamLocked finishes a stream: err nil means it completed.
func (cc *ClientConn) endStreamLocked(s *clientStream, err error) {
	if s.done {
		return
	}
	s.done = true
	delete(cc.streams, s.id)
	if err != nil {
		s.body.closeWithError(err)
		select {
		case s.errCh <- err:
		default:
		}
	}
	if len(cc.streams) == 0 {
		cc.lastIdle = time.Now()
	}
	cc.cond.Broadcast()
}

// maybeFinishLocked retires a stream once both sides have ended it.
func (cc *ClientConn) maybeFinishLocked(s *clientStream) {
	if s.gotEnd && (s.sentEnd || s.pushed) {
		cc.endStreamLocked(s, nil)
	}
}

// consumed grants credit back as the application reads a body.
func (cc *ClientConn) consumed(s *clientStream, n int) {
	cc.mu.Lock()
	connInc := cc.recv.release(int64(n))
	var streamInc uint32
	if !s.done {
		streamInc = s.recv.release(int64(n))
	}
	cc.mu.Unlock()
	if connInc == 0 && streamInc == 0 {
		return
	}
	cc.wmu.Lock()
	defer cc.wmu.Unlock()
	if connInc > 0 {
		cc.fr.WriteFrame(&WindowUpdateFrame{FrameHeader: FrameHeader{Type: FrameWindowUpdate}, Increment: connInc})
	}
	if streamInc > 0 {
		cc.fr.WriteFrame(&WindowUpdateFrame{FrameHeader: FrameHeader{Type: FrameWindowUpdate, StreamID: s.id}, Increment: streamInc})
	}
	cc.fr.Flush()
}

// responseBody is a response's Body.
type responseBody struct {
	s    *clientStream
	stop func() bool
	once sync.Once
}

func (b *responseBody) Read(p []byte) (int, error) {
	n, err := b.s.body.Read(p)
	if err == io.EOF {
		cc := b.s.cc
		cc.mu.Lock()
		b.s.resp.Trailer = b.s.trailer
		cc.mu.Unlock()
	}
	return n, err
}

// Close discards the rest of the body: if the server is still sending,
// the stream is reset (CANCEL) so it stops.
func (b *responseBody) Close() error {
	b.once.Do(func() {
		if b.stop != nil {
			b.stop()
		}
		cc := b.s.cc
		cc.mu.Lock()
		done := b.s.done
		cc.mu.Unlock()
		if !done {
			cc.resetStream(b.s, ErrCodeCancel, ErrStreamClosed)
		}
		// Whatever was buffered and never read goes back to the connection.
		if n := b.s.body.buffered(); n > 0 {
			cc.consumed(b.s, n)
		}
		b.s.body.closeWithError(ErrStreamClosed)
	})
	return nil
}

// Ping sends a PING and waits for its acknowledgement: one round trip.
func (cc *ClientConn) Ping(ctx context.Context) (time.Duration, error) {
	var data [8]byte
	start := time.Now()
	for i := range data {
		data[i] = byte(start.UnixNano() >> (8 * i))
	}
	ch := make(chan struct{})
	cc.mu.Lock()
	cc.pings[data] = ch
	cc.mu.Unlock()
	defer func() {
		cc.mu.Lock()
		delete(cc.pings, data)
		cc.mu.Unlock()
	}()
	cc.wmu.Lock()
	err := cc.fr.WriteFrame(&PingFrame{FrameHeader: FrameHeader{Type: FramePing}, Data: data})
	if err == nil {
		err = cc.fr.Flush()
	}
	cc.wmu.Unlock()
	if err != nil {
		return 0, err
	}
	select {
	case <-ch:
		return time.Since(start), nil
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-cc.readerDone:
		return 0, ErrConnClosed
	}
}

// Close closes the connection at once; streams in progress fail.
func (cc *ClientConn) Close() error {
	cc.fail(ErrConnClosed)
	<-cc.readerDone
	return nil
}

// Shutdown sends GOAWAY, waits for the streams in progress to finish (or
// ctx to end), and closes the connection.
func (cc *ClientConn) Shutdown(ctx context.Context) error {
	cc.wmu.Lock()
	cc.fr.WriteFrame(&GoAwayFrame{FrameHeader: FrameHeader{Type: FrameGoAway}, Code: ErrCodeNo})
	cc.fr.Flush()
	cc.wmu.Unlock()
	cc.mu.Lock()
	stop := context.AfterFunc(ctx, func() {
		cc.mu.Lock()
		cc.cond.Broadcast()
		cc.mu.Unlock()
	})
	defer stop()
	for len(cc.streams) > 0 && ctx.Err() == nil && !cc.closed {
		cc.cond.Wait()
	}
	cc.mu.Unlock()
	err := ctx.Err()
	cc.Close()
	return err
}

// fail ends the connection with err; every stream fails with it.
func (cc *ClientConn) fail(err error) {
	cc.mu.Lock()
	if cc.closed {
		cc.mu.Unlock()
		return
	}
	cc.closed = true
	cc.err = err
	for _, s := range cc.streams {
		cc.endStreamLocked(s, err)
	}
	cc.cond.Broadcast()
	cc.mu.Unlock()
	cc.conn.Close()
}
