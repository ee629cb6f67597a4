package sockets

import (
	"context"
	"errors"
	"net"
	"os"
	"testing"
	"time"
)

// TestConnOwnDeadline checks that after SetReadTimeout(-1) the Conn leaves
// the read deadline to its user: a deadline set with SetReadDeadline
// between Reads still holds (an HTTP/2 server relies on it to wake its
// reader at shutdown), where a Conn that reset the deadline on every Read
// would block until the peer wrote.
func TestConnOwnDeadline(t *testing.T) {
	result := make(chan error, 1)
	addr := startServer(t, &Server{Handler: HandlerFunc(func(ctx context.Context, c *Conn) {
		c.SetReadTimeout(-1)
		buf := make([]byte, 1)
		if _, err := c.Read(buf); err != nil { // the client's first byte
			result <- err
			return
		}
		c.SetReadDeadline(time.Now().Add(-time.Second)) // already passed
		_, err := c.Read(buf)
		result <- err
	})})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-result:
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("second Read = %v, want the deadline set by the handler to expire", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Read ignored the deadline set by its user")
	}
}
