package http2

import (
	"context"
	"crypto/tls"
	"net"

	"github.com/applayer/applayer/http1"
)

// serverStream is one request-response exchange on a serverConn. Fields
// are guarded by the connection's mu, except body, which has its own lock.
type serverStream struct {
	sc     *serverConn
	id     uint32
	ctx    context.Context
	cancel context.CancelFunc

	state          StreamState
	body           *pipe // request content
	recv           receiveWindow
	declaredLength int64 // request content-length, or -1
	received       int64
	trailerIn      http1.Header // request trailer, once the body has ended

	send        window        // what the client lets us send
	out         []byte        // response content not yet sent
	headersSent bool          // the response HEADERS went out: DATA may follow
	endQueued   bool          // the handler finished: END_STREAM after out
	endSent     bool          // END_STREAM went out
	trailerOut  *http1.Header // response trailer, sent after out
	resetErr    error         // why the stream ended early
}

// requestBody is the Body of a request served over HTTP/2.
type requestBody struct {
	s *serverStream
}

func (b *requestBody) Read(p []byte) (int, error) { return b.s.body.Read(p) }

// Close tells the client, if it is still sending, that the rest is not
// wanted. The stream's credit goes back to the connection.
func (b *requestBody) Close() error {
	sc := b.s.sc
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if b.s.state == StateOpen && b.s.endSent {
		sc.queueControl(&RSTStreamFrame{FrameHeader: FrameHeader{Type: FrameRSTStream, StreamID: b.s.id}, Code: ErrCodeNo})
		sc.closeStreamLocked(b.s, nil)
	}
	return nil
}

// tlsState returns the TLS state of c, if it is a TLS connection.
func tlsState(c net.Conn) (*tls.ConnectionState, bool) {
	for {
		switch v := c.(type) {
		case *tls.Conn:
			cs := v.ConnectionState()
			return &cs, true
		case interface{ NetConn() net.Conn }:
			c = v.NetConn()
		default:
			return nil, false
		}
	}
}
