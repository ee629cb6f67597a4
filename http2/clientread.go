package http2

import (
	"errors"
	"io"

	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/http2/hpack"
)

// readLoop is the client connection's reader goroutine.
func (cc *ClientConn) readLoop() {
	defer close(cc.readerDone)
	var hb headerBlock
	for {
		f, err := cc.fr.ReadFrame()
		if err == nil {
			err = cc.processFrame(f, &hb)
		}
		var se StreamError
		if errors.As(err, &se) {
			cc.mu.Lock()
			s := cc.streams[se.StreamID]
			cc.mu.Unlock()
			if s != nil {
				cc.resetStream(s, se.Code, se)
			}
			continue
		}
		if err != nil {
			var ce ConnectionError
			if errors.As(err, &ce) {
				cc.wmu.Lock()
				cc.fr.WriteFrame(&GoAwayFrame{FrameHeader: FrameHeader{Type: FrameGoAway}, Code: ce.Code, DebugData: []byte(ce.Reason)})
				cc.fr.Flush()
				cc.wmu.Unlock()
			}
			cc.mu.Lock()
			if ga := cc.goAway; ga != nil && errors.Is(err, io.EOF) {
				err = *ga
			}
			cc.mu.Unlock()
			if errors.Is(err, io.EOF) {
				err = ErrConnClosed
			}
			cc.fail(err)
			return
		}
	}
}

// headerBlock is a header block being assembled by the client reader.
type headerBlock struct {
	stream    uint32
	endStream bool
	promised  uint32 // PUSH_PROMISE: the reserved stream
	buf       []byte
	frames    int
	pending   bool
}

func (cc *ClientConn) processFrame(f Frame, hb *headerBlock) error {
	if hb.pending {
		cf, ok := f.(*ContinuationFrame)
		if !ok || cf.StreamID != hb.stream {
			return connError(ErrCodeProtocol, "%v inside a header block", f.Header().Type)
		}
		hb.buf = append(hb.buf, cf.BlockFragment...)
		hb.frames++
		if hb.frames > MaxContinuationFrames {
			return connError(ErrCodeEnhanceYourCalm, "header block of %d frames", hb.frames)
		}
		if !cf.HeadersEnded() {
			return nil
		}
		hb.pending = false
		return cc.processHeaderBlock(hb)
	}
	switch f := f.(type) {
	case *HeadersFrame:
		*hb = headerBlock{stream: f.StreamID, endStream: f.StreamEnded(), buf: append(hb.buf[:0], f.BlockFragment...), frames: 1}
		if !f.HeadersEnded() {
			hb.pending = true
			return nil
		}
		return cc.processHeaderBlock(hb)
	case *PushPromiseFrame:
		if cc.opts.OnPush == nil {
			return connError(ErrCodeProtocol, "PUSH_PROMISE with push disabled")
		}
		*hb = headerBlock{stream: f.StreamID, promised: f.PromisedID, buf: append(hb.buf[:0], f.BlockFragment...), frames: 1}
		if !f.HeadersEnded() {
			hb.pending = true
			return nil
		}
		return cc.processHeaderBlock(hb)
	case *ContinuationFrame:
		return connError(ErrCodeProtocol, "CONTINUATION without HEADERS")
	case *DataFrame:
		return cc.processData(f)
	case *WindowUpdateFrame:
		cc.mu.Lock()
		defer cc.mu.Unlock()
		if f.StreamID == 0 {
			if !cc.sendWindow.add(int64(f.Increment)) {
				return connError(ErrCodeFlowControl, "connection window past 2^31-1")
			}
		} else if s, ok := cc.streams[f.StreamID]; ok {
			if !s.send.add(int64(f.Increment)) {
				return StreamError{StreamID: f.StreamID, Code: ErrCodeFlowControl}
			}
		}
		cc.cond.Broadcast()
		return nil
	case *RSTStreamFrame:
		cc.mu.Lock()
		defer cc.mu.Unlock()
		if s, ok := cc.streams[f.StreamID]; ok {
			cc.endStreamLocked(s, StreamError{StreamID: f.StreamID, Code: f.Code, Cause: errors.New("reset by the server")})
		}
		return nil
	case *SettingsFrame:
		if f.IsAck() {
			return nil
		}
		if err := cc.applySettings(f); err != nil {
			return err
		}
		cc.wmu.Lock()
		defer cc.wmu.Unlock()
		cc.fr.WriteFrame(NewSettingsFrame(true))
		return cc.fr.Flush()
	case *PingFrame:
		if f.IsAck() {
			cc.mu.Lock()
			if ch, ok := cc.pings[f.Data]; ok {
				close(ch)
				delete(cc.pings, f.Data)
			}
			cc.mu.Unlock()
			return nil
		}
		cc.wmu.Lock()
		defer cc.wmu.Unlock()
		cc.fr.WriteFrame(&PingFrame{FrameHeader: FrameHeader{Type: FramePing, Flags: FlagAck}, Data: f.Data})
		return cc.fr.Flush()
	case *GoAwayFrame:
		cc.mu.Lock()
		defer cc.mu.Unlock()
		ga := GoAwayError{LastStreamID: f.LastStreamID, Code: f.Code, DebugData: string(f.DebugData)}
		cc.goAway = &ga
		// Streams the server never saw may be retried elsewhere.
		for id, s := range cc.streams {
			if id > f.LastStreamID && id%2 == 1 {
				cc.endStreamLocked(s, ga)
			}
		}
		cc.cond.Broadcast()
		return nil
	}
	return nil
}

func (cc *ClientConn) applySettings(f *SettingsFrame) error {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	for i := range f.NumSettings() {
		s := f.Setting(i)
		switch s.ID {
		case SettingInitialWindowSize:
			delta := int64(s.Val) - cc.peerWindow
			for _, st := range cc.streams {
				if !st.send.add(delta) {
					return connError(ErrCodeFlowControl, "INITIAL_WINDOW_SIZE overflows stream %d", st.id)
				}
			}
			cc.peerWindow = int64(s.Val)
		case SettingMaxFrameSize:
			cc.peerMaxFrame = s.Val
		case SettingMaxConcurrentStreams:
			cc.peerMaxStreams = s.Val
		case SettingHeaderTableSize:
			// The encoder belongs to the writers (under wmu); the next
			// header block applies the new limit.
			v := s.Val
			cc.tableLimit = &v
		}
	}
	cc.cond.Broadcast()
	return nil
}

// processHeaderBlock handles a response head, an interim 1xx, a trailer,
// or a promised request.
func (cc *ClientConn) processHeaderBlock(hb *headerBlock) error {
	fields, err := cc.hdec.Decode(hb.buf)
	if err != nil && !errors.Is(err, hpack.ErrHeaderListTooLarge) {
		return connError(ErrCodeCompression, "%v", err)
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	s, ok := cc.streams[hb.stream]
	if !ok {
		return nil // a stream we already gave up on
	}
	if err != nil {
		return StreamError{StreamID: hb.stream, Code: ErrCodeProtocol, Cause: err}
	}
	if hb.promised != 0 {
		return cc.processPushPromiseLocked(s, hb.promised, fields)
	}
	if s.resp != nil {
		// A trailer: regular fields, and the end of the stream.
		if !hb.endStream {
			return StreamError{StreamID: s.id, Code: ErrCodeProtocol, Cause: errors.New("trailer without END_STREAM")}
		}
		t, err := decodeTrailer(fields)
		if err != nil {
			return StreamError{StreamID: s.id, Code: ErrCodeProtocol, Cause: err}
		}
		s.trailer = t
		s.gotEnd = true
		s.body.closeWithError(io.EOF)
		cc.maybeFinishLocked(s)
		return nil
	}
	resp, err := decodeResponse(fields)
	if err != nil {
		return StreamError{StreamID: s.id, Code: ErrCodeProtocol, Cause: err}
	}
	if resp.Status < 200 {
		return nil // an interim response (100 Continue, 103 Early Hints)
	}
	resp.Request = s.req
	s.resp = resp
	if hb.endStream {
		s.gotEnd = true
		s.body.closeWithError(io.EOF)
	}
	if s.pushed {
		p := &pushedResponse{cc: cc, s: s, resp: resp}
		go p.deliver()
	} else {
		s.respCh <- resp
	}
	cc.maybeFinishLocked(s)
	return nil
}

// processPushPromiseLocked reserves a stream for a promised response.
func (cc *ClientConn) processPushPromiseLocked(parent *clientStream, id uint32, fields []hpack.Field) error {
	if id%2 != 0 || id == 0 {
		return connError(ErrCodeProtocol, "PUSH_PROMISE for odd stream %d", id)
	}
	req, err := decodeRequest(fields)
	if err != nil {
		return StreamError{StreamID: id, Code: ErrCodeProtocol, Cause: err}
	}
	if req.Method != http1.MethodGet && req.Method != http1.MethodHead {
		return StreamError{StreamID: id, Code: ErrCodeProtocol, Cause: errors.New("pushed request is not safe and cacheable")}
	}
	streamWindow := int64(orDefault(cc.opts.StreamWindow, DefaultStreamWindow))
	s := &clientStream{
		cc:      cc,
		id:      id,
		req:     req,
		pushed:  true,
		sentEnd: true,
		recv:    receiveWindow{avail: streamWindow, size: streamWindow},
		respCh:  make(chan *http1.Response, 1),
		errCh:   make(chan error, 1),
	}
	s.body = newPipe(func(n int) { cc.consumed(s, n) })
	cc.streams[id] = s
	return nil
}

// pushedResponse hands a pushed response to the OnPush callback.
type pushedResponse struct {
	cc   *ClientConn
	s    *clientStream
	resp *http1.Response
}

func (p *pushedResponse) deliver() {
	p.resp.Body = &responseBody{s: p.s}
	p.cc.opts.OnPush(p.s.req, p.resp)
}

// processData delivers response content, enforcing flow control.
func (cc *ClientConn) processData(f *DataFrame) error {
	connInc, err := cc.processDataLocked(f)
	if connInc > 0 {
		cc.wmu.Lock()
		cc.fr.WriteFrame(&WindowUpdateFrame{FrameHeader: FrameHeader{Type: FrameWindowUpdate}, Increment: connInc})
		cc.fr.Flush()
		cc.wmu.Unlock()
	}
	return err
}

// processDataLocked applies a DATA frame and returns the connection credit
// to grant back now: for bytes no reader will ever consume (padding, or a
// stream already given up).
func (cc *ClientConn) processDataLocked(f *DataFrame) (uint32, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	n := int64(f.Length)
	if !cc.recv.take(n) {
		return 0, connError(ErrCodeFlowControl, "DATA past the connection window")
	}
	s, ok := cc.streams[f.StreamID]
	if !ok || s.resp == nil {
		inc := cc.recv.release(n)
		if ok {
			return inc, StreamError{StreamID: f.StreamID, Code: ErrCodeProtocol, Cause: errors.New("DATA before HEADERS")}
		}
		return inc, nil
	}
	if !s.recv.take(n) {
		return cc.recv.release(n), StreamError{StreamID: f.StreamID, Code: ErrCodeFlowControl}
	}
	var inc uint32
	if pad := n - int64(len(f.Data)); pad > 0 {
		inc = cc.recv.release(pad)
		s.recv.consumed += pad // the stream's share goes back with its next update
	}
	if len(f.Data) > 0 {
		s.body.write(f.Data)
	}
	if f.StreamEnded() {
		s.gotEnd = true
		s.body.closeWithError(io.EOF)
		cc.maybeFinishLocked(s)
	}
	return inc, nil
}
