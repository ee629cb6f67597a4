package http2

import "fmt"

// StreamState is a state of the stream life cycle (RFC 9113 section 5.1).
type StreamState uint8

// The stream states. A stream starts idle, is opened by HEADERS (or
// reserved by PUSH_PROMISE), becomes half-closed when one side sends
// END_STREAM and closed when both have, or at once on RST_STREAM.
const (
	StateIdle StreamState = iota
	StateReservedLocal
	StateReservedRemote
	StateOpen
	StateHalfClosedLocal
	StateHalfClosedRemote
	StateClosed
)

func (s StreamState) String() string {
	switch s {
	case StateIdle:
		return "idle"
	case StateReservedLocal:
		return "reserved (local)"
	case StateReservedRemote:
		return "reserved (remote)"
	case StateOpen:
		return "open"
	case StateHalfClosedLocal:
		return "half-closed (local)"
	case StateHalfClosedRemote:
		return "half-closed (remote)"
	case StateClosed:
		return "closed"
	}
	return fmt.Sprintf("StreamState(%d)", uint8(s))
}

// window is a flow-control window (RFC 9113 section 5.2). It may go
// negative when the peer shrinks SETTINGS_INITIAL_WINDOW_SIZE.
type window int64

// add grows the window, reporting false if it would pass 2^31-1.
func (w *window) add(n int64) bool {
	if int64(*w)+n > MaxWindowSize {
		return false
	}
	*w += window(n)
	return true
}

// receiveWindow tracks what the peer may still send us, and how much the
// application has consumed since the last WINDOW_UPDATE.
type receiveWindow struct {
	avail    int64 // bytes the peer may send before our next WINDOW_UPDATE
	size     int64 // the window we keep granting
	consumed int64 // read by the application, not yet granted back
}

// take accounts an arriving DATA frame's flow-controlled length (padding
// included), reporting false if the peer overran the window.
func (w *receiveWindow) take(n int64) bool {
	if n > w.avail {
		return false
	}
	w.avail -= n
	return true
}

// release accounts n bytes consumed and returns the increment to grant
// back now: nothing until half the window is used, to batch updates.
func (w *receiveWindow) release(n int64) uint32 {
	w.consumed += n
	if w.consumed < w.size/2 {
		return 0
	}
	inc := w.consumed
	w.consumed = 0
	w.avail += inc
	return uint32(inc)
}
