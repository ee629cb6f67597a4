package sockets

import (
	"errors"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// ErrIdleInterrupted is returned by [Conn.Read] when a read that was waiting
// for the next request (see [Conn.SetIdle]) is cut short because the server
// is shutting down. A handler that sees it should say goodbye in its
// protocol's words, if it has any, and return.
var ErrIdleInterrupted = errors.New("sockets: idle read interrupted by shutdown")

// Conn is an accepted connection as a [Server] hands it to a [Handler]. It is
// a net.Conn, so it can be wrapped (crypto/tls.Server(c, cfg) works), and it
// adds what a server needs: per-read and per-write timeouts that refresh on
// every call, and an idle mark that lets a graceful shutdown interrupt a
// connection that is only waiting for the next request.
//
// Read and Write may be called from different goroutines, as with any
// net.Conn; the setters are safe for concurrent use.
type Conn struct {
	net.Conn
	srv *Server

	readTimeout  atomic.Int64 // time.Duration; <0 none
	writeTimeout atomic.Int64
	idle         atomic.Bool

	// pre holds bytes given back by Prepend, returned before anything
	// more is read from the network. Only the reading goroutine uses it.
	pre []byte

	closeOnce sync.Once
}

func newConn(nc net.Conn, srv *Server) *Conn {
	c := &Conn{Conn: nc, srv: srv}
	c.readTimeout.Store(int64(resolveTimeout(srv.ReadTimeout, DefaultReadTimeout)))
	c.writeTimeout.Store(int64(resolveTimeout(srv.WriteTimeout, DefaultWriteTimeout)))
	return c
}

// resolveTimeout maps the zero value to def and keeps a negative value as
// "no timeout".
func resolveTimeout(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// SetIdle marks the connection as waiting for the next request. While the
// mark is set, [Server.Shutdown] may interrupt the pending read, which then
// fails with [ErrIdleInterrupted]. The mark is cleared as soon as a Read
// returns data. Call it just before reading a new command or request, and
// only when nothing of the next request is already buffered.
func (c *Conn) SetIdle() {
	c.idle.Store(true)
	if c.srv != nil && c.srv.shuttingDown.Load() {
		// Shutdown already swept the idle connections; interrupt now.
		c.Conn.SetReadDeadline(aLongTimeAgo)
	}
}

// Idle reports whether the connection is marked idle.
func (c *Conn) Idle() bool { return c.idle.Load() }

// SetReadTimeout changes the deadline that every following Read sets before
// it blocks: a protocol uses a long one while a session is idle and a shorter
// one inside a command, for example. Zero restores the server's default. A
// negative duration means no timeout from the Conn: the current deadline
// is cleared and Reads leave the deadline alone, so a protocol that keeps
// its own (HTTP/2, or a hijacked connection) sets it with SetReadDeadline
// and it holds.
func (c *Conn) SetReadTimeout(d time.Duration) {
	def := DefaultReadTimeout
	if c.srv != nil {
		def = resolveTimeout(c.srv.ReadTimeout, DefaultReadTimeout)
	}
	d = resolveTimeout(d, def)
	c.readTimeout.Store(int64(d))
	if d < 0 {
		c.Conn.SetReadDeadline(time.Time{})
	}
}

// SetWriteTimeout is [Conn.SetReadTimeout] for writes.
func (c *Conn) SetWriteTimeout(d time.Duration) {
	def := DefaultWriteTimeout
	if c.srv != nil {
		def = resolveTimeout(c.srv.WriteTimeout, DefaultWriteTimeout)
	}
	d = resolveTimeout(d, def)
	c.writeTimeout.Store(int64(d))
	if d < 0 {
		c.Conn.SetWriteDeadline(time.Time{})
	}
}

// Closing reports whether the server that accepted the connection has begun
// to shut down.
func (c *Conn) Closing() bool {
	return c.srv != nil && c.srv.shuttingDown.Load()
}

// Prepend gives back bytes already read from the connection, so that the
// next Reads return them before anything more from the network. A server
// that sniffs a connection's first bytes to choose a protocol (the HTTP/2
// preface versus an HTTP/1.1 request) uses it to hand the connection on
// untouched. Call it from the goroutine that reads.
func (c *Conn) Prepend(b []byte) {
	c.pre = append(append([]byte(nil), b...), c.pre...)
}

// Read reads from the connection after setting the read deadline from the
// current read timeout, if there is one.
func (c *Conn) Read(b []byte) (int, error) {
	if len(c.pre) > 0 {
		n := copy(b, c.pre)
		c.pre = c.pre[n:]
		c.idle.Store(false)
		return n, nil
	}
	if d := time.Duration(c.readTimeout.Load()); d > 0 {
		c.Conn.SetReadDeadline(time.Now().Add(d))
	}
	idle := c.idle.Load()
	if idle && c.Closing() {
		return 0, ErrIdleInterrupted
	}
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.idle.Store(false)
	}
	if err != nil && idle && n == 0 && c.Closing() && errors.Is(err, os.ErrDeadlineExceeded) {
		return 0, ErrIdleInterrupted
	}
	return n, err
}

// Write writes to the connection after setting the write deadline from the
// current write timeout, if there is one.
func (c *Conn) Write(b []byte) (int, error) {
	if d := time.Duration(c.writeTimeout.Load()); d > 0 {
		c.Conn.SetWriteDeadline(time.Now().Add(d))
	}
	return c.Conn.Write(b)
}

// Close closes the underlying connection. It is safe to call more than once.
func (c *Conn) Close() error {
	err := net.ErrClosed
	c.closeOnce.Do(func() { err = c.Conn.Close() })
	return err
}

// NetConn returns the underlying connection.
func (c *Conn) NetConn() net.Conn { return c.Conn }

// aLongTimeAgo is a deadline in the past, used to wake a blocked read.
var aLongTimeAgo = time.Unix(1, 0)
