package http2

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"time"

	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/http2/hpack"
)

// initialWindow is every window's size before SETTINGS change it (RFC 9113
// section 6.9.2).
const initialWindow = 65535

// closingWriteTimeout bounds the last writes of a connection that ends.
const closingWriteTimeout = time.Second

// maxBatchBytes bounds the frames the writer gathers before one write.
const maxBatchBytes = 64 << 10

// serverConn is one HTTP/2 connection on the server side. Its reader
// goroutine (serve) reads frames and applies them to the connection state;
// its writer goroutine (writeLoop) owns the HPACK encoder and decides what
// goes out next; each stream's handler runs in a goroutine of its own.
type serverConn struct {
	srv    *Server
	conn   net.Conn
	fr     *Framer
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	hdec   *hpack.Decoder // reader goroutine only
	henc   *hpack.Encoder // writer goroutine only, under mu

	// What we advertise; fixed for the connection's life.
	maxStreams    uint32
	streamWindow  uint32
	maxHeaderList uint32

	// Header block being assembled from HEADERS and CONTINUATION (reader
	// goroutine only).
	hbStream  uint32
	hbFlags   Flags
	hbPrio    PriorityParam
	hbBuf     []byte
	hbFrames  int
	hbPending bool

	writerDone chan struct{}
	wake       chan struct{} // nudges the writer; capacity 1

	mu sync.Mutex
	// spaceCond (on mu) wakes handlers waiting for send buffer space.
	spaceCond sync.Cond
	// Everything below is guarded by mu.
	streams        map[uint32]*serverStream
	openClient     int      // client streams not yet closed: MAX_CONCURRENT_STREAMS counts these
	recentlyClosed []uint32 // ring of closed client streams, for STREAM_CLOSED
	maxClientID    uint32
	nextPushID     uint32
	sendWindow     window
	recv           receiveWindow
	peerWindow     int64 // peer's SETTINGS_INITIAL_WINDOW_SIZE
	peerMaxFrame   uint32
	peerMaxStreams uint32
	peerPush       bool
	control        [][]byte // encoded control frames, in order
	headerQueue    []*headerItem
	sched          *scheduler
	running        int               // handler goroutines running
	queued         []*pendingHandler // streams waiting for a handler slot
	goingAway      bool              // GOAWAY sent: no new streams
	closing        bool              // the connection is ending; the writer flushes and stops
	settingsAcked  bool              // the peer acknowledged our SETTINGS
	settingsTimer  *time.Timer
	pushedActive   int
}

// pendingHandler is a stream whose handler waits for a slot.
type pendingHandler struct {
	s   *serverStream
	req *http1.Request
}

// headerKind is what a queued header block is.
type headerKind uint8

const (
	headersResponse headerKind = iota
	headersInterim
	headersTrailer
	headersPushPromise
)

// headerItem is a header block waiting for the writer, which encodes it:
// HPACK state must follow the order blocks go out in.
type headerItem struct {
	kind      headerKind
	s         *serverStream
	status    http1.Status
	header    http1.Header
	endStream bool
	promised  *serverStream  // PUSH_PROMISE: the reserved stream
	pushReq   *http1.Request // PUSH_PROMISE: the promised request
}

func newServerConn(srv *Server, c net.Conn) *serverConn {
	sc := &serverConn{
		srv:            srv,
		conn:           c,
		fr:             NewFramer(c, c),
		log:            srv.logger().With("remote", c.RemoteAddr().String()),
		hdec:           hpack.NewDecoder(hpack.DefaultTableSize),
		henc:           hpack.NewEncoder(),
		maxStreams:     orDefault(srv.MaxConcurrentStreams, DefaultMaxConcurrentStreams),
		streamWindow:   orDefault(srv.StreamWindow, DefaultStreamWindow),
		maxHeaderList:  orDefault(srv.MaxHeaderListSize, DefaultMaxHeaderListSize),
		writerDone:     make(chan struct{}),
		wake:           make(chan struct{}, 1),
		streams:        make(map[uint32]*serverStream),
		nextPushID:     2,
		sendWindow:     initialWindow,
		peerWindow:     initialWindow,
		peerMaxFrame:   MinMaxFrameSize,
		peerMaxStreams: 1<<31 - 1,
		peerPush:       true,
	}
	sc.spaceCond.L = &sc.mu
	sc.hdec.MaxHeaderListSize = sc.maxHeaderList
	// Until the client acknowledges our SETTINGS, the initial maximum
	// frame size is in force (RFC 9113 section 6.5.3).
	sc.fr.SetMaxReadFrameSize(MinMaxFrameSize)
	connWindow := int64(max(orDefault(srv.ConnWindow, DefaultConnWindow), initialWindow))
	sc.recv = receiveWindow{avail: initialWindow, size: connWindow}
	sc.sched = newScheduler(int(sc.maxStreams)*2 + 100)
	return sc
}

// wakeWriter tells the writer there may be something to send.
func (sc *serverConn) wakeWriter() {
	select {
	case sc.wake <- struct{}{}:
	default:
	}
}

// queueControl queues an encoded control frame; the caller holds mu. Too
// many waiting means the peer sends faster than it reads: ENHANCE_YOUR_CALM.
func (sc *serverConn) queueControl(f Frame) error {
	if len(sc.control) >= orDefault(sc.srv.MaxQueuedControlFrames, DefaultMaxQueuedControlFrames) {
		return connError(ErrCodeEnhanceYourCalm, "too many control frames queued")
	}
	sc.control = append(sc.control, AppendFrame(nil, f))
	sc.wakeWriter()
	return nil
}

// serve runs the connection: it is the reader goroutine.
func (sc *serverConn) serve(ctx context.Context, opts *ServeConnOptions) {
	sc.ctx, sc.cancel = context.WithCancel(ctx)
	defer sc.cancel()
	go sc.writeLoop()
	err := sc.readLoop(opts)
	sc.shutdown(err)
	// A writer blocked on a peer that does not read gets a moment to send
	// the GOAWAY, not the whole write timeout.
	sc.conn.SetWriteDeadline(time.Now().Add(closingWriteTimeout))
	<-sc.writerDone
	lingerClose(sc.conn)
}

// lingerTimeout bounds how long a closing connection drains what the peer
// still sends.
const lingerTimeout = 500 * time.Millisecond

// lingerClose closes the write side first and reads what the peer still
// sends for a moment: closing with unread data makes the kernel send a
// reset, which can destroy the GOAWAY before the peer reads it.
func lingerClose(c net.Conn) {
	type closeWriter interface{ CloseWrite() error }
	inner := c
	for {
		if cw, ok := inner.(closeWriter); ok {
			cw.CloseWrite()
			c.SetReadDeadline(time.Now().Add(lingerTimeout))
			io.Copy(io.Discard, io.LimitReader(c, 1<<20))
			break
		}
		u, ok := inner.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		inner = u.NetConn()
	}
	c.Close()
}

// readLoop reads and applies frames until the connection fails or ends.
func (sc *serverConn) readLoop(opts *ServeConnOptions) error {
	sc.mu.Lock()
	settings := []Setting{
		{SettingMaxConcurrentStreams, sc.maxStreams},
		{SettingInitialWindowSize, sc.streamWindow},
		{SettingMaxFrameSize, orDefault(sc.srv.MaxReadFrameSize, DefaultMaxReadFrameSize)},
		{SettingMaxHeaderListSize, sc.maxHeaderList},
	}
	if sc.srv.DisablePush {
		settings = append(settings, Setting{SettingEnablePush, 0})
	}
	sc.queueControl(NewSettingsFrame(false, settings...))
	if inc := sc.recv.size - initialWindow; inc > 0 {
		sc.recv.avail += inc
		sc.queueControl(&WindowUpdateFrame{FrameHeader: FrameHeader{Type: FrameWindowUpdate}, Increment: uint32(inc)})
	}
	sc.settingsTimer = time.AfterFunc(orDefault(sc.srv.SettingsTimeout, DefaultSettingsTimeout), func() {
		sc.mu.Lock()
		defer sc.mu.Unlock()
		if !sc.settingsAcked {
			sc.conn.SetReadDeadline(aLongTimeAgo)
		}
	})
	if opts != nil {
		for _, s := range opts.Settings {
			if err := sc.applySetting(s); err != nil {
				sc.mu.Unlock()
				return err
			}
		}
	}
	sc.mu.Unlock()
	if opts != nil && opts.UpgradeRequest != nil {
		sc.openUpgradeStream(opts.UpgradeRequest, opts.upgradeBody)
	}

	sc.conn.SetReadDeadline(time.Now().Add(orDefault(sc.srv.SettingsTimeout, DefaultSettingsTimeout)))
	var preface [len(ClientPreface)]byte
	if _, err := io.ReadFull(sc.conn, preface[:]); err != nil || string(preface[:]) != ClientPreface {
		return ErrBadPreface
	}
	first := true
	for {
		sc.setReadDeadline()
		f, err := sc.fr.ReadFrame()
		if err != nil {
			var se StreamError
			if errors.As(err, &se) {
				if err := sc.streamError(se); err != nil {
					return err
				}
				continue
			}
			return sc.readError(err)
		}
		if first {
			if sf, ok := f.(*SettingsFrame); !ok || sf.IsAck() {
				return connError(ErrCodeProtocol, "first frame is %v, not SETTINGS", f.Header().Type)
			}
			first = false
		}
		if err := sc.processFrame(f); err != nil {
			var se StreamError
			if errors.As(err, &se) {
				if err := sc.streamError(se); err != nil {
					return err
				}
				continue
			}
			return err
		}
	}
}

// readError turns a read failure into the reason the connection ends.
func (sc *serverConn) readError(err error) error {
	sc.mu.Lock()
	acked, idle := sc.settingsAcked, len(sc.streams) == 0
	sc.mu.Unlock()
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		if !acked {
			return connError(ErrCodeSettingsTimeout, "SETTINGS not acknowledged")
		}
		if idle {
			return errIdle // idle, or woken by a graceful shutdown
		}
	}
	return err
}

var errIdle = errors.New("http2: idle timeout")

// setReadDeadline applies the idle timeout while no stream is open. It
// runs under mu, like every other deadline change, so it cannot undo the
// wake-up of a graceful shutdown.
func (sc *serverConn) setReadDeadline() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	idle := len(sc.streams) == 0 && sc.running == 0
	switch {
	case idle && sc.goingAway:
		sc.conn.SetReadDeadline(aLongTimeAgo)
	case !sc.settingsAcked:
		// The settings timer cuts the read short if need be.
	case idle:
		sc.conn.SetReadDeadline(time.Now().Add(orDefault(sc.srv.IdleTimeout, DefaultIdleTimeout)))
	default:
		sc.conn.SetReadDeadline(time.Time{})
	}
}

// shutdown ends the connection: a GOAWAY saying why (if it is a protocol
// error or an orderly close), then the writer flushes and stops.
func (sc *serverConn) shutdown(err error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.settingsTimer != nil {
		sc.settingsTimer.Stop()
	}
	var ce ConnectionError
	switch {
	case errors.As(err, &ce):
		sc.log.Debug("http2: connection error", "err", err)
		sc.queueGoAwayLocked(ce.Code, ce.Reason)
	case errors.Is(err, errIdle), errors.Is(err, io.EOF):
		sc.queueGoAwayLocked(ErrCodeNo, "")
	case errors.Is(err, ErrBadPreface):
		sc.queueGoAwayLocked(ErrCodeProtocol, "bad preface")
	}
	sc.closing = true
	for _, s := range sc.streams {
		sc.closeStreamLocked(s, errConnClosed)
	}
	for _, p := range sc.queued {
		p.s.cancel()
	}
	sc.queued = nil
	sc.cancel()
	sc.spaceCond.Broadcast()
	sc.wakeWriter()
}

var errConnClosed = errors.New("http2: connection closed")

// queueGoAwayLocked queues a GOAWAY once; the caller holds mu.
func (sc *serverConn) queueGoAwayLocked(code ErrCode, reason string) {
	if sc.goingAway && code == ErrCodeNo {
		return
	}
	sc.goingAway = true
	sc.control = append(sc.control, AppendFrame(nil, &GoAwayFrame{
		FrameHeader: FrameHeader{Type: FrameGoAway}, LastStreamID: sc.maxClientID, Code: code, DebugData: []byte(reason)}))
	sc.wakeWriter()
}

// startGracefulShutdown sends GOAWAY: no new streams; the connection
// closes once the ones in progress finish.
func (sc *serverConn) startGracefulShutdown() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.queueGoAwayLocked(ErrCodeNo, "server shutting down")
	if len(sc.streams) == 0 && sc.running == 0 {
		sc.conn.SetReadDeadline(aLongTimeAgo)
	}
}

// streamError resets one stream; the connection goes on.
func (sc *serverConn) streamError(se StreamError) error {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if s, ok := sc.streams[se.StreamID]; ok {
		sc.closeStreamLocked(s, se)
	}
	return sc.queueControl(&RSTStreamFrame{FrameHeader: FrameHeader{Type: FrameRSTStream, StreamID: se.StreamID}, Code: se.Code})
}

// processFrame applies one frame. A returned StreamError resets a stream;
// any other error ends the connection.
func (sc *serverConn) processFrame(f Frame) error {
	if sc.hbPending {
		cf, ok := f.(*ContinuationFrame)
		if !ok || cf.StreamID != sc.hbStream {
			return connError(ErrCodeProtocol, "%v while a header block on stream %d is unfinished", f.Header().Type, sc.hbStream)
		}
		return sc.processContinuation(cf)
	}
	switch f := f.(type) {
	case *HeadersFrame:
		return sc.processHeadersFrame(f)
	case *ContinuationFrame:
		return connError(ErrCodeProtocol, "CONTINUATION without HEADERS")
	case *DataFrame:
		return sc.processData(f)
	case *WindowUpdateFrame:
		return sc.processWindowUpdate(f)
	case *RSTStreamFrame:
		return sc.processRSTStream(f)
	case *SettingsFrame:
		return sc.processSettings(f)
	case *PingFrame:
		if f.IsAck() {
			return nil
		}
		sc.mu.Lock()
		defer sc.mu.Unlock()
		return sc.queueControl(&PingFrame{FrameHeader: FrameHeader{Type: FramePing, Flags: FlagAck}, Data: f.Data})
	case *GoAwayFrame:
		// The client will open no more streams; the ones in progress
		// finish, and the client closes the connection when it is done.
		return nil
	case *PriorityFrame:
		if f.StreamDep == f.StreamID {
			return StreamError{StreamID: f.StreamID, Code: ErrCodeProtocol, Cause: errors.New("stream depends on itself")}
		}
		sc.mu.Lock()
		sc.sched.reprioritize(f.StreamID, f.PriorityParam)
		sc.mu.Unlock()
		return nil
	case *PriorityUpdateFrame:
		sc.mu.Lock()
		sc.sched.useRFC9218()
		sc.sched.setUrgency(f.PrioritizedStreamID, ParsePriority(string(f.FieldValue)))
		sc.mu.Unlock()
		return nil
	case *PushPromiseFrame:
		return connError(ErrCodeProtocol, "PUSH_PROMISE from a client")
	}
	return nil // unknown frame types are ignored (section 4.1)
}

// processHeadersFrame starts a header block.
func (sc *serverConn) processHeadersFrame(f *HeadersFrame) error {
	if f.StreamID%2 == 0 {
		return connError(ErrCodeProtocol, "HEADERS on even stream %d", f.StreamID)
	}
	sc.hbStream, sc.hbFlags, sc.hbPrio = f.StreamID, f.Flags, f.Priority
	sc.hbBuf = append(sc.hbBuf[:0], f.BlockFragment...)
	sc.hbFrames = 1
	if !f.HeadersEnded() {
		sc.hbPending = true
		return nil
	}
	return sc.processHeaderBlock()
}

// processContinuation adds to the header block, within bounds: a block of
// endless CONTINUATION frames ends the connection.
func (sc *serverConn) processContinuation(f *ContinuationFrame) error {
	sc.hbFrames++
	sc.hbBuf = append(sc.hbBuf, f.BlockFragment...)
	if sc.hbFrames > MaxContinuationFrames || len(sc.hbBuf) > int(sc.maxHeaderList)+4096 {
		return connError(ErrCodeEnhanceYourCalm, "header block of %d frames, %d bytes", sc.hbFrames, len(sc.hbBuf))
	}
	if !f.HeadersEnded() {
		return nil
	}
	sc.hbPending = false
	return sc.processHeaderBlock()
}

// processHeaderBlock handles a complete header block: a new request, or
// the trailer of a request in progress.
func (sc *serverConn) processHeaderBlock() error {
	id := sc.hbStream
	fields, derr := sc.hdec.Decode(sc.hbBuf)
	tooLarge := errors.Is(derr, hpack.ErrHeaderListTooLarge)
	if derr != nil && !tooLarge {
		return connError(ErrCodeCompression, "%v", derr)
	}
	endStream := sc.hbFlags.Has(FlagEndStream)

	sc.mu.Lock()
	if s, ok := sc.streams[id]; ok {
		defer sc.mu.Unlock()
		// A second header block on an open stream is the trailer.
		if s.state != StateOpen && s.state != StateHalfClosedLocal {
			return StreamError{StreamID: id, Code: ErrCodeStreamClosed}
		}
		if !endStream {
			return StreamError{StreamID: id, Code: ErrCodeProtocol, Cause: errors.New("trailer without END_STREAM")}
		}
		if tooLarge {
			return StreamError{StreamID: id, Code: ErrCodeProtocol, Cause: derr}
		}
		trailer, err := decodeTrailer(fields)
		if err != nil {
			return StreamError{StreamID: id, Code: ErrCodeProtocol, Cause: err}
		}
		return sc.endRequestBodyLocked(s, &trailer)
	}
	if id <= sc.maxClientID {
		sc.mu.Unlock()
		for _, c := range sc.recentlyClosed {
			if c == id {
				return connError(ErrCodeStreamClosed, "HEADERS on closed stream %d", id)
			}
		}
		return connError(ErrCodeProtocol, "stream %d is lower than stream %d", id, sc.maxClientID)
	}
	sc.maxClientID = id
	if sc.goingAway {
		sc.mu.Unlock()
		return StreamError{StreamID: id, Code: ErrCodeRefusedStream}
	}
	if sc.hbFlags.Has(FlagPriority) && sc.hbPrio.StreamDep == id {
		sc.mu.Unlock()
		return StreamError{StreamID: id, Code: ErrCodeProtocol, Cause: errors.New("stream depends on itself")}
	}
	if sc.openClient >= int(sc.maxStreams) {
		sc.mu.Unlock()
		return StreamError{StreamID: id, Code: ErrCodeRefusedStream}
	}
	var req *http1.Request
	var reqErr error
	if tooLarge {
		reqErr = derr
	} else {
		req, reqErr = decodeRequest(fields)
	}
	if reqErr != nil && !tooLarge {
		sc.mu.Unlock()
		return StreamError{StreamID: id, Code: ErrCodeProtocol, Cause: reqErr}
	}
	s := sc.newStreamLocked(id, endStream)
	var prio *PriorityParam
	if sc.hbFlags.Has(FlagPriority) {
		prio = &sc.hbPrio
	}
	sc.sched.open(id, prio)
	if req != nil {
		if v, ok := req.Header.Lookup("priority"); ok {
			sc.sched.useRFC9218()
			sc.sched.setUrgency(id, ParsePriority(v))
		}
		if req.ContentLength >= 0 {
			s.declaredLength = req.ContentLength
		}
	}
	if tooLarge {
		// Answer 431 without running the handler.
		req = &http1.Request{Method: http1.MethodGet, Target: "/", Version: http1.HTTP20}
	}
	sc.prepareRequest(s, req)
	handler := sc.srv.Handler
	if tooLarge {
		handler = http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
			http1.Error(w, "request header fields too large", http1.StatusRequestHeaderFieldsTooLarge)
		})
	}
	err := sc.startHandlerLocked(s, req, handler)
	sc.mu.Unlock()
	return err
}

// newStreamLocked creates a client stream.
func (sc *serverConn) newStreamLocked(id uint32, endStream bool) *serverStream {
	s := &serverStream{
		sc:             sc,
		id:             id,
		state:          StateOpen,
		send:           window(sc.peerWindow),
		declaredLength: -1,
		recv:           receiveWindow{avail: int64(sc.streamWindow), size: int64(sc.streamWindow)},
	}
	s.ctx, s.cancel = context.WithCancel(sc.ctx)
	s.body = newPipe(func(n int) { sc.consumed(s, n) })
	if endStream {
		s.state = StateHalfClosedRemote
		s.body.closeWithError(io.EOF)
	}
	sc.streams[id] = s
	sc.openClient++
	return s
}

// prepareRequest fills in what the connection knows about a request.
func (sc *serverConn) prepareRequest(s *serverStream, req *http1.Request) {
	req.RemoteAddr = sc.conn.RemoteAddr().String()
	if tc, ok := tlsState(sc.conn); ok {
		req.TLS = tc
	}
	req.Body = &requestBody{s: s}
	req.SetContext(s.ctx)
}

// startHandlerLocked runs the handler for s, or queues it when too many
// handlers are still running (streams the client reset do not free a slot
// until their handler returns: the defence against rapid reset).
func (sc *serverConn) startHandlerLocked(s *serverStream, req *http1.Request, h http1.Handler) error {
	if sc.running >= int(sc.maxStreams) {
		if len(sc.queued) >= 4*int(sc.maxStreams) {
			return connError(ErrCodeEnhanceYourCalm, "too many streams waiting for a handler")
		}
		sc.queued = append(sc.queued, &pendingHandler{s: s, req: req})
		return nil
	}
	sc.running++
	go sc.runHandler(s, req, h)
	return nil
}

// runHandler runs one handler and cleans up after it.
func (sc *serverConn) runHandler(s *serverStream, req *http1.Request, h http1.Handler) {
	rw := &responseWriter{s: s, req: req, declared: -1}
	defer func() {
		if p := recover(); p != nil {
			sc.log.Error("http2: panic serving request", "stream", s.id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			rw.abort()
		}
		sc.handlerDone()
	}()
	h.ServeHTTP(rw, req)
	rw.finish()
}

// handlerDone frees a handler slot and starts a queued stream.
func (sc *serverConn) handlerDone() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.running--
	for len(sc.queued) > 0 && sc.running < int(sc.maxStreams) {
		p := sc.queued[0]
		sc.queued = sc.queued[1:]
		if p.s.state == StateClosed {
			continue
		}
		sc.running++
		go sc.runHandler(p.s, p.req, sc.srv.Handler)
	}
	if sc.goingAway && len(sc.streams) == 0 && sc.running == 0 {
		sc.conn.SetReadDeadline(aLongTimeAgo)
	}
}

// processData delivers request content, enforcing flow control.
func (sc *serverConn) processData(f *DataFrame) error {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	n := int64(f.Length)
	if !sc.recv.take(n) {
		return connError(ErrCodeFlowControl, "DATA past the connection window")
	}
	s, ok := sc.streams[f.StreamID]
	if !ok || (s.state != StateOpen && s.state != StateHalfClosedLocal) {
		// Give the credit back: nobody will read this.
		sc.releaseConnLocked(n)
		if !ok && f.StreamID > sc.maxClientID {
			return connError(ErrCodeProtocol, "DATA on idle stream %d", f.StreamID)
		}
		return StreamError{StreamID: f.StreamID, Code: ErrCodeStreamClosed}
	}
	if !s.recv.take(n) {
		sc.releaseConnLocked(n)
		return StreamError{StreamID: f.StreamID, Code: ErrCodeFlowControl}
	}
	if pad := n - int64(len(f.Data)); pad > 0 {
		// Padding is never read: credit it back at once.
		sc.releaseConnLocked(pad)
		sc.releaseStreamLocked(s, pad)
	}
	s.received += int64(len(f.Data))
	if s.declaredLength >= 0 && s.received > s.declaredLength {
		return StreamError{StreamID: f.StreamID, Code: ErrCodeProtocol, Cause: errors.New("more content than content-length")}
	}
	if len(f.Data) > 0 {
		s.body.write(f.Data)
	}
	if f.StreamEnded() {
		return sc.endRequestBodyLocked(s, nil)
	}
	return nil
}

// endRequestBodyLocked handles the client's END_STREAM.
func (sc *serverConn) endRequestBodyLocked(s *serverStream, trailer *http1.Header) error {
	if s.declaredLength >= 0 && s.received != s.declaredLength {
		return StreamError{StreamID: s.id, Code: ErrCodeProtocol, Cause: errors.New("content shorter than content-length")}
	}
	if trailer != nil {
		s.trailerIn = *trailer
	}
	s.body.closeWithError(io.EOF)
	if s.state == StateHalfClosedLocal {
		sc.closeStreamLocked(s, nil)
	} else {
		s.state = StateHalfClosedRemote
	}
	return nil
}

// consumed is called when a body reader took n bytes: credit flows back.
func (sc *serverConn) consumed(s *serverStream, n int) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.releaseConnLocked(int64(n))
	if s.state == StateOpen || s.state == StateHalfClosedLocal {
		sc.releaseStreamLocked(s, int64(n))
	}
}

func (sc *serverConn) releaseConnLocked(n int64) {
	if inc := sc.recv.release(n); inc > 0 {
		sc.queueControl(&WindowUpdateFrame{FrameHeader: FrameHeader{Type: FrameWindowUpdate}, Increment: inc})
	}
}

func (sc *serverConn) releaseStreamLocked(s *serverStream, n int64) {
	if inc := s.recv.release(n); inc > 0 {
		sc.queueControl(&WindowUpdateFrame{FrameHeader: FrameHeader{Type: FrameWindowUpdate, StreamID: s.id}, Increment: inc})
	}
}

func (sc *serverConn) processWindowUpdate(f *WindowUpdateFrame) error {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if f.StreamID == 0 {
		if !sc.sendWindow.add(int64(f.Increment)) {
			return connError(ErrCodeFlowControl, "connection window past 2^31-1")
		}
		sc.wakeWriter()
		return nil
	}
	s, ok := sc.streams[f.StreamID]
	if !ok {
		if f.StreamID%2 == 1 && f.StreamID > sc.maxClientID {
			return connError(ErrCodeProtocol, "WINDOW_UPDATE on idle stream %d", f.StreamID)
		}
		return nil // a closed stream: ignore
	}
	if !s.send.add(int64(f.Increment)) {
		return StreamError{StreamID: f.StreamID, Code: ErrCodeFlowControl}
	}
	sc.wakeWriter()
	return nil
}

func (sc *serverConn) processRSTStream(f *RSTStreamFrame) error {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	s, ok := sc.streams[f.StreamID]
	if !ok {
		if f.StreamID%2 == 1 && f.StreamID > sc.maxClientID {
			return connError(ErrCodeProtocol, "RST_STREAM on idle stream %d", f.StreamID)
		}
		return nil
	}
	sc.closeStreamLocked(s, StreamError{StreamID: f.StreamID, Code: f.Code, Cause: errors.New("reset by the client")})
	return nil
}

func (sc *serverConn) processSettings(f *SettingsFrame) error {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if f.IsAck() {
		if !sc.settingsAcked {
			sc.settingsAcked = true
			sc.fr.SetMaxReadFrameSize(orDefault(sc.srv.MaxReadFrameSize, DefaultMaxReadFrameSize))
		}
		if sc.settingsTimer != nil {
			sc.settingsTimer.Stop()
		}
		return nil
	}
	for i := range f.NumSettings() {
		if err := sc.applySetting(f.Setting(i)); err != nil {
			return err
		}
	}
	return sc.queueControl(NewSettingsFrame(true))
}

// applySetting applies one of the client's settings; the caller holds mu.
func (sc *serverConn) applySetting(s Setting) error {
	if err := s.Valid(); err != nil {
		return err
	}
	switch s.ID {
	case SettingHeaderTableSize:
		sc.henc.SetMaxDynamicTableSizeLimit(s.Val)
	case SettingEnablePush:
		sc.peerPush = s.Val == 1
	case SettingMaxConcurrentStreams:
		sc.peerMaxStreams = s.Val
	case SettingInitialWindowSize:
		// Every stream's window moves by the difference (section 6.9.2).
		delta := int64(s.Val) - sc.peerWindow
		for _, st := range sc.streams {
			if !st.send.add(delta) {
				return connError(ErrCodeFlowControl, "INITIAL_WINDOW_SIZE overflows stream %d", st.id)
			}
		}
		sc.peerWindow = int64(s.Val)
		sc.wakeWriter()
	case SettingMaxFrameSize:
		sc.peerMaxFrame = s.Val
	case SettingNoRFC7540Priorities:
		if s.Val == 1 {
			sc.sched.useRFC9218()
		}
	}
	return nil
}

// closeStreamLocked ends a stream: handlers see their context canceled
// and their writes fail with err; nil err is a normal completion.
func (sc *serverConn) closeStreamLocked(s *serverStream, err error) {
	if s.state == StateClosed {
		return
	}
	s.state = StateClosed
	if err != nil {
		s.resetErr = err
		s.body.closeWithError(err)
		s.cancel()
	}
	delete(sc.streams, s.id)
	sc.sched.close(s.id)
	if s.id%2 == 1 {
		sc.openClient--
		if len(sc.recentlyClosed) >= int(sc.maxStreams) {
			sc.recentlyClosed = sc.recentlyClosed[1:]
		}
		sc.recentlyClosed = append(sc.recentlyClosed, s.id)
	} else {
		sc.pushedActive--
	}
	// Credit for content nobody will read goes back to the connection.
	if n := s.body.buffered(); n > 0 && err != nil {
		sc.releaseConnLocked(int64(n))
	}
	sc.spaceCond.Broadcast()
	if sc.goingAway && len(sc.streams) == 0 && sc.running == 0 {
		sc.conn.SetReadDeadline(aLongTimeAgo)
	}
}

// openUpgradeStream makes stream 1 from an h2c upgrade request.
func (sc *serverConn) openUpgradeStream(req *http1.Request, body []byte) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.maxClientID = 1
	s := sc.newStreamLocked(1, false)
	s.body = newPipe(nil) // read before the switch: no flow control to credit
	s.body.write(body)
	s.body.closeWithError(io.EOF)
	s.state = StateHalfClosedRemote
	sc.sched.open(1, nil)
	req.Version = http1.HTTP20
	sc.prepareRequest(s, req)
	sc.startHandlerLocked(s, req, sc.srv.Handler)
}

var aLongTimeAgo = time.Unix(1, 0)
