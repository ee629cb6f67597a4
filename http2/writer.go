package http2

import (
	"runtime"
	"time"
)

// coalesceBytes: a batch smaller than this waits one scheduling round for
// more frames before it is written.
const coalesceBytes = 4 << 10

// writeLoop is the connection's writer goroutine: it gathers frames under
// the lock (control frames first, then header blocks in the order they
// were queued, then DATA as the scheduler and flow control allow) and
// writes them in one go.
func (sc *serverConn) writeLoop() {
	defer close(sc.writerDone)
	var buf []byte
	for {
		sc.mu.Lock()
		buf = sc.gatherLocked(buf[:0])
		closing := sc.closing
		done := closing && len(buf) == 0
		busy := sc.running > 0
		sc.mu.Unlock()
		if len(buf) > 0 && len(buf) < coalesceBytes && busy && !closing {
			// Handlers are running and may add frames in a moment: let
			// them, and send one larger write instead of many small ones.
			runtime.Gosched()
			sc.mu.Lock()
			buf = sc.gatherLocked(buf)
			sc.mu.Unlock()
		}
		if len(buf) > 0 {
			timeout := orDefault(sc.srv.WriteTimeout, DefaultWriteTimeout)
			if closing {
				timeout = closingWriteTimeout
			}
			sc.conn.SetWriteDeadline(time.Now().Add(timeout))
			if _, err := sc.conn.Write(buf); err != nil {
				sc.conn.Close() // the reader sees the failure and ends the connection
				sc.mu.Lock()
				sc.closing = true
				sc.spaceCond.Broadcast()
				sc.mu.Unlock()
				return
			}
			continue
		}
		if done {
			return
		}
		select {
		case <-sc.wake:
		case <-sc.ctx.Done():
			// Flush what shutdown queued (GOAWAY), then stop.
			sc.mu.Lock()
			buf = sc.gatherLocked(buf[:0])
			sc.mu.Unlock()
			if len(buf) > 0 {
				sc.conn.SetWriteDeadline(time.Now().Add(closingWriteTimeout))
				sc.conn.Write(buf)
			}
			return
		}
	}
}

// gatherLocked appends the frames ready to go to buf.
func (sc *serverConn) gatherLocked(buf []byte) []byte {
	for _, f := range sc.control {
		buf = append(buf, f...)
	}
	clear(sc.control)
	sc.control = sc.control[:0]
	if sc.closing {
		return buf
	}
	for _, it := range sc.headerQueue {
		buf = sc.appendHeaderItemLocked(buf, it)
	}
	clear(sc.headerQueue)
	sc.headerQueue = sc.headerQueue[:0]
	for len(buf) < maxBatchBytes {
		id, ok := sc.sched.next(sc.readyLocked)
		if !ok {
			break
		}
		buf = sc.appendDataLocked(buf, sc.streams[id])
	}
	return buf
}

// readyLocked reports whether stream id can send a DATA frame now.
func (sc *serverConn) readyLocked(id uint32) bool {
	s, ok := sc.streams[id]
	if !ok || !s.headersSent || s.endSent {
		return false
	}
	if len(s.out) > 0 {
		return s.send > 0 && sc.sendWindow > 0
	}
	return s.endQueued // an empty DATA frame carrying END_STREAM, or the trailer
}

// appendDataLocked appends one DATA frame of s (or its trailer).
func (sc *serverConn) appendDataLocked(buf []byte, s *serverStream) []byte {
	if len(s.out) == 0 {
		// Only the end is left.
		if s.trailerOut != nil {
			buf = sc.appendHeaderBlockLocked(buf, s.id, appendRegularFields(nil, sc.henc, s.trailerOut), true)
		} else {
			buf = AppendFrame(buf, &DataFrame{FrameHeader: FrameHeader{Type: FrameData, Flags: FlagEndStream, StreamID: s.id}})
		}
		sc.sched.sent(s.id, 0)
		sc.responseEndedLocked(s)
		return buf
	}
	n := int64(len(s.out))
	n = min(n, int64(s.send), int64(sc.sendWindow), int64(sc.peerMaxFrame))
	var flags Flags
	last := n == int64(len(s.out)) && s.endQueued && s.trailerOut == nil
	if last {
		flags = FlagEndStream
	}
	buf = AppendFrameHeader(buf, FrameHeader{Length: uint32(n), Type: FrameData, Flags: flags, StreamID: s.id})
	buf = append(buf, s.out[:n]...)
	s.out = s.out[n:]
	if len(s.out) == 0 {
		s.out = nil
	}
	s.send -= window(n)
	sc.sendWindow -= window(n)
	sc.sched.sent(s.id, int(n))
	sc.spaceCond.Broadcast()
	if last {
		sc.responseEndedLocked(s)
	}
	return buf
}

// responseEndedLocked records that END_STREAM went out on s.
func (sc *serverConn) responseEndedLocked(s *serverStream) {
	s.endSent = true
	switch s.state {
	case StateHalfClosedRemote, StateReservedLocal:
		sc.closeStreamLocked(s, nil)
	case StateOpen:
		s.state = StateHalfClosedLocal
	}
}

// appendHeaderItemLocked encodes and appends a queued header block.
func (sc *serverConn) appendHeaderItemLocked(buf []byte, it *headerItem) []byte {
	s := it.s
	if s.state == StateClosed {
		return buf
	}
	switch it.kind {
	case headersPushPromise:
		block := appendRequestFields(nil, sc.henc, it.pushReq)
		return sc.appendPushPromiseLocked(buf, s.id, it.promised.id, block)
	case headersInterim:
		block := appendResponseFields(nil, sc.henc, it.status, &it.header)
		return sc.appendHeaderBlockLocked(buf, s.id, block, false)
	}
	block := appendResponseFields(nil, sc.henc, it.status, &it.header)
	buf = sc.appendHeaderBlockLocked(buf, s.id, block, it.endStream)
	s.headersSent = true
	if s.state == StateReservedLocal {
		s.state = StateHalfClosedRemote // a pushed stream starts sending
	}
	if it.endStream {
		sc.sched.sent(s.id, 0)
		sc.responseEndedLocked(s)
	}
	return buf
}

// appendHeaderBlockLocked splits a header block into HEADERS and
// CONTINUATION frames no larger than the peer accepts.
func (sc *serverConn) appendHeaderBlockLocked(buf []byte, id uint32, block []byte, endStream bool) []byte {
	max := int(sc.peerMaxFrame)
	first := true
	for {
		n := min(len(block), max)
		chunk := block[:n]
		block = block[n:]
		var flags Flags
		if len(block) == 0 {
			flags |= FlagEndHeaders
		}
		typ := FrameContinuation
		if first {
			typ = FrameHeaders
			if endStream {
				flags |= FlagEndStream
			}
		}
		buf = AppendFrameHeader(buf, FrameHeader{Length: uint32(n), Type: typ, Flags: flags, StreamID: id})
		buf = append(buf, chunk...)
		first = false
		if len(block) == 0 {
			return buf
		}
	}
}

// appendPushPromiseLocked writes a PUSH_PROMISE and its CONTINUATIONs.
func (sc *serverConn) appendPushPromiseLocked(buf []byte, id, promised uint32, block []byte) []byte {
	max := int(sc.peerMaxFrame) - 4
	n := min(len(block), max)
	var flags Flags
	if n == len(block) {
		flags = FlagEndHeaders
	}
	buf = AppendFrame(buf, &PushPromiseFrame{FrameHeader: FrameHeader{Type: FramePushPromise, Flags: flags, StreamID: id}, PromisedID: promised, BlockFragment: block[:n]})
	block = block[n:]
	for len(block) > 0 {
		n := min(len(block), int(sc.peerMaxFrame))
		flags = 0
		if n == len(block) {
			flags = FlagEndHeaders
		}
		buf = AppendFrame(buf, &ContinuationFrame{FrameHeader: FrameHeader{Type: FrameContinuation, Flags: flags, StreamID: id}, BlockFragment: block[:n]})
		block = block[n:]
	}
	return buf
}
