package http2

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"slices"

	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/http2/hpack"
)

// The reader goroutine's handling of each frame type, and the life of a
// stream from its HEADERS to its close (RFC 9113 sections 5 and 6).

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
		// recentlyClosed and maxClientID are read under the lock: the
		// writer closes streams (and records them) concurrently.
		closed := slices.Contains(sc.recentlyClosed, id)
		maxID := sc.maxClientID
		sc.mu.Unlock()
		if closed {
			return connError(ErrCodeStreamClosed, "HEADERS on closed stream %d", id)
		}
		return connError(ErrCodeProtocol, "stream %d is lower than stream %d", id, maxID)
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
