package sockets

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Defaults of [Server]. Each applies when the matching field is zero.
const (
	// DefaultMaxConns is the number of connections served at once.
	DefaultMaxConns = 1024
	// DefaultReadTimeout bounds every Read on an accepted connection.
	DefaultReadTimeout = 5 * time.Minute
	// DefaultWriteTimeout bounds every Write on an accepted connection.
	DefaultWriteTimeout = time.Minute
	// BusyTimeout bounds the [Server.OnBusy] hook's writes to a refused
	// connection, so a client that does not read cannot stall Accept.
	BusyTimeout = 2 * time.Second
)

// Accept backs off between these bounds after a temporary error (such as
// running out of file descriptors), doubling each time.
const (
	minAcceptBackoff = 5 * time.Millisecond
	maxAcceptBackoff = time.Second
)

// ErrServerClosed is returned by Serve after [Server.Shutdown] or
// [Server.Close], and by the same methods of [PacketServer].
var ErrServerClosed = errors.New("sockets: server closed")

// Handler serves one TCP connection. ServeConn runs in its own goroutine;
// when it returns, the server closes the connection. ctx is canceled when
// the server begins to shut down: a handler should finish the request in
// hand and return.
//
// If ServeConn panics, the server recovers, logs the panic with its stack
// and the remote address, and closes the connection; the other connections
// and the server go on.
type Handler interface {
	ServeConn(ctx context.Context, c *Conn)
}

// HandlerFunc adapts a function to a [Handler].
type HandlerFunc func(ctx context.Context, c *Conn)

// ServeConn calls f(ctx, c).
func (f HandlerFunc) ServeConn(ctx context.Context, c *Conn) { f(ctx, c) }

var _ Handler = HandlerFunc(nil)

// Server is the TCP serve loop under every server in this module: it
// accepts connections on a listening ("welcoming") socket and gives each
// connection socket its own goroutine, tracks the live connections, keeps
// their number under a limit, applies read and write timeouts, survives
// panicking handlers and temporary accept errors, and shuts down gracefully.
//
// The zero value is ready to use once Handler is set. A Server may serve
// several listeners at once. Fields must not change after the first Serve.
type Server struct {
	// Handler serves each accepted connection.
	Handler Handler

	// MaxConns is the number of connections served at once. A connection
	// accepted beyond it is given to OnBusy and closed. Zero means
	// DefaultMaxConns; a negative value means no limit.
	MaxConns int

	// OnBusy, if set, runs on a connection refused because of MaxConns,
	// before it is closed, so the protocol can say why (SMTP's "421 too busy").
	// Its writes are bounded by BusyTimeout.
	OnBusy func(c net.Conn)

	// ReadTimeout bounds each Read on a connection (see [Conn.SetReadTimeout]).
	// Zero means DefaultReadTimeout; a negative value means none.
	ReadTimeout time.Duration

	// WriteTimeout bounds each Write on a connection. Zero means
	// DefaultWriteTimeout; a negative value means none.
	WriteTimeout time.Duration

	// Logger receives accept errors, refused connections and panics. Nil
	// means slog.Default().
	Logger *slog.Logger

	// BaseContext, if set, gives the base context of the connections
	// accepted on l. Shutdown cancels a context derived from it.
	BaseContext func(l net.Listener) context.Context

	mu        sync.Mutex
	listeners map[*net.Listener]struct{}
	conns     map[*Conn]struct{}
	cancels   []context.CancelFunc
	closed    bool
	handlers  sync.WaitGroup // one per live connection goroutine

	shuttingDown atomic.Bool
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Server) maxConns() int {
	switch {
	case s.MaxConns == 0:
		return DefaultMaxConns
	case s.MaxConns < 0:
		return int(^uint(0) >> 1)
	}
	return s.MaxConns
}

// ListenAndServe listens on the TCP network address addr and serves it.
func (s *Server) ListenAndServe(network, addr string) error {
	if s.shuttingDown.Load() {
		return ErrServerClosed
	}
	l, err := net.Listen(network, addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Serve accepts connections on l and serves each in a new goroutine. It
// blocks until l fails or the server is shut down, and always closes l.
// After Shutdown or Close it returns ErrServerClosed.
func (s *Server) Serve(l net.Listener) error {
	if s.Handler == nil {
		l.Close()
		return errors.New("sockets: Server.Handler is nil")
	}
	base := context.Background()
	if s.BaseContext != nil {
		base = s.BaseContext(l)
	}
	ctx, cancel := context.WithCancel(base)
	defer cancel()
	if !s.trackListener(&l, cancel) {
		l.Close()
		return ErrServerClosed
	}
	defer s.untrackListener(&l)

	var backoff time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			if s.shuttingDown.Load() {
				return ErrServerClosed
			}
			if isTemporary(err) {
				backoff = max(minAcceptBackoff, min(2*backoff, maxAcceptBackoff))
				s.logger().Warn("sockets: accept error; retrying", "err", err, "backoff", backoff)
				select {
				case <-time.After(backoff):
				case <-ctx.Done():
					return ErrServerClosed
				}
				continue
			}
			return err
		}
		backoff = 0
		c := newConn(nc, s)
		if !s.trackConn(c) {
			s.refuse(nc)
			continue
		}
		go s.serveConn(ctx, c)
	}
}

// isTemporary reports whether an Accept error is worth retrying.
func isTemporary(err error) bool {
	for _, e := range []error{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED, syscall.ECONNRESET, syscall.EAGAIN, syscall.EINTR} {
		if errors.Is(err, e) {
			return true
		}
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// refuse runs OnBusy on a connection over the limit and closes it.
func (s *Server) refuse(nc net.Conn) {
	s.logger().Warn("sockets: connection limit reached; refusing", "remote", nc.RemoteAddr().String(), "max", s.maxConns())
	if s.OnBusy == nil {
		nc.Close()
		return
	}
	// Run the hook in its own goroutine: Accept must not wait on a slow peer.
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		nc.Close()
		return
	}
	s.handlers.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.handlers.Done()
		defer nc.Close()
		defer func() {
			if p := recover(); p != nil {
				s.logger().Error("sockets: panic in OnBusy", "panic", p)
			}
		}()
		nc.SetDeadline(time.Now().Add(BusyTimeout))
		s.OnBusy(nc)
	}()
}

func (s *Server) serveConn(ctx context.Context, c *Conn) {
	defer s.handlers.Done()
	defer s.untrackConn(c)
	defer c.Close()
	defer func() {
		if p := recover(); p != nil {
			s.logger().Error("sockets: panic serving connection",
				"remote", c.RemoteAddr().String(), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	s.Handler.ServeConn(ctx, c)
}

func (s *Server) trackListener(l *net.Listener, cancel context.CancelFunc) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if s.listeners == nil {
		s.listeners = make(map[*net.Listener]struct{})
	}
	s.listeners[l] = struct{}{}
	s.cancels = append(s.cancels, cancel)
	return true
}

func (s *Server) untrackListener(l *net.Listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.listeners[l]; ok {
		(*l).Close()
		delete(s.listeners, l)
	}
}

// trackConn registers c, or reports false when the server is full or closed.
func (s *Server) trackConn(c *Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.conns) >= s.maxConns() {
		return false
	}
	if s.conns == nil {
		s.conns = make(map[*Conn]struct{})
	}
	s.conns[c] = struct{}{}
	s.handlers.Add(1)
	return true
}

func (s *Server) untrackConn(c *Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// NumConns returns the number of connections being served.
func (s *Server) NumConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Addrs returns the addresses of the listeners being served.
func (s *Server) Addrs() []net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	var addrs []net.Addr
	for l := range s.listeners {
		addrs = append(addrs, (*l).Addr())
	}
	return addrs
}

// beginClose stops accepting: it closes the listeners, cancels the
// connections' context and makes later Serve calls fail.
func (s *Server) beginClose() {
	s.shuttingDown.Store(true)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for l := range s.listeners {
		(*l).Close()
		delete(s.listeners, l)
	}
	for _, cancel := range s.cancels {
		cancel()
	}
	s.cancels = nil
}

// Shutdown shuts the server down gracefully: it closes the listeners,
// cancels the context of every handler, interrupts connections that are
// waiting for their next request (see [Conn.SetIdle]), and waits for the
// handlers to return. If ctx ends first, Shutdown closes the remaining
// connections and returns ctx.Err(); otherwise it returns nil.
func (s *Server) Shutdown(ctx context.Context) error {
	s.beginClose()
	done := make(chan struct{})
	go func() {
		s.handlers.Wait()
		close(done)
	}()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		s.interruptIdle()
		select {
		case <-done:
			return nil
		case <-ctx.Done():
			s.closeConns()
			<-done
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// interruptIdle wakes the blocked reads of connections marked idle.
func (s *Server) interruptIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if c.idle.Load() {
			c.Conn.SetReadDeadline(aLongTimeAgo)
		}
	}
}

func (s *Server) closeConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.Close()
	}
}

// Close closes the listeners and every connection at once, without waiting
// for handlers to finish. It returns after the handlers have returned.
func (s *Server) Close() error {
	s.beginClose()
	s.closeConns()
	s.handlers.Wait()
	return nil
}
