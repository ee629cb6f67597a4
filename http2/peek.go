package http2

import (
	"bufio"
	"net"
)

// peekConn lets the server look at a connection's first bytes without
// consuming them, to tell the h2c preface from an HTTP/1.1 request.
type peekConn struct {
	net.Conn
	r *bufio.Reader
}

func newPeekConn(c net.Conn) *peekConn {
	return &peekConn{Conn: c, r: bufio.NewReaderSize(c, 4096)}
}

// peekPreface reads ahead until the bytes are the whole client preface or
// stop matching it. It never waits for more bytes than the peer sent when
// they already differ, so a short HTTP/1.0 request is not left hanging.
func (c *peekConn) peekPreface() (isPreface bool, err error) {
	want := 1
	for {
		b, err := c.r.Peek(want)
		if string(b) != ClientPreface[:len(b)] {
			return false, nil
		}
		if len(b) == len(ClientPreface) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		want = min(len(ClientPreface), max(want+1, c.r.Buffered()))
	}
}

func (c *peekConn) Read(b []byte) (int, error) { return c.r.Read(b) }
