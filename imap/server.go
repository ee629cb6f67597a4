package imap

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/applayer/applayer/sockets"
)

// Default timeouts of the server.
const (
	// DefaultIdleTimeout is how long the server waits for the next command
	// (and how long an IDLE may last without DONE). RFC 9051 section 5.4
	// asks for at least 30 minutes.
	DefaultIdleTimeout = 31 * time.Minute
)

// Server is an IMAP server (RFC 9051, RFC 3501) that serves the mailboxes of
// its [Backend]. Set Backend before serving; the other fields are optional.
type Server struct {
	// Backend authenticates users and stores their mail. Required.
	Backend Backend

	// TLSConfig enables STARTTLS (RFC 9051 section 6.2.1). Nil disables it.
	TLSConfig *tls.Config

	// AllowInsecureAuth lets clients log in over a connection without TLS.
	// Without it LOGIN and AUTHENTICATE are refused until STARTTLS, and
	// CAPABILITY says LOGINDISABLED (RFC 9051 section 6.2.3). Use it only
	// for tests and loopback.
	AllowInsecureAuth bool

	// MaxLineLength caps one command line, literals excluded. If zero,
	// DefaultMaxLineLength is used.
	MaxLineLength int

	// MaxMessageBytes caps an APPENDed message (and any other literal).
	// If zero, DefaultMaxLiteralSize is used. It is announced as
	// APPENDLIMIT (RFC 7889); larger literals get NO [TOOBIG].
	MaxMessageBytes int64

	// IdleTimeout is how long a connection may wait for its next command.
	// If zero, DefaultIdleTimeout is used; negative means no timeout.
	IdleTimeout time.Duration

	// Logger receives errors; nil means slog.Default().
	Logger *slog.Logger

	// DebugWriter, if set, receives a copy of everything read and written,
	// prefixed "C: " and "S: ". It includes passwords: use it for debugging
	// only.
	DebugWriter io.Writer

	// MaxConns caps the connections served at once; see
	// sockets.Server.MaxConns.
	MaxConns int

	once sync.Once
	sock sockets.Server
}

func (s *Server) init() {
	s.once.Do(func() {
		s.sock.Handler = sockets.HandlerFunc(s.serveSocket)
		s.sock.Logger = s.Logger
		s.sock.MaxConns = s.MaxConns
		s.sock.ReadTimeout = s.idleTimeout()
		s.sock.OnBusy = func(c net.Conn) {
			c.Write([]byte("* BYE [UNAVAILABLE] too many connections\r\n"))
		}
	})
}

func (s *Server) serveSocket(ctx context.Context, sc *sockets.Conn) {
	c := newConn(s, sc, sc.SetIdle)
	c.serve(ctx)
}

// Serve accepts connections on l and serves each in its own goroutine
// until Shutdown or Close; then it returns sockets.ErrServerClosed.
func (s *Server) Serve(l net.Listener) error {
	s.init()
	return s.sock.Serve(l)
}

// ListenAndServe listens on the TCP address addr (":143" is IMAP's port)
// and serves it.
func (s *Server) ListenAndServe(addr string) error {
	s.init()
	return s.sock.ListenAndServe("tcp", addr)
}

// Shutdown stops accepting, says BYE to connections waiting for a command
// and waits for the others to finish theirs, or for ctx to end.
func (s *Server) Shutdown(ctx context.Context) error {
	s.init()
	return s.sock.Shutdown(ctx)
}

// Close closes every listener and connection at once.
func (s *Server) Close() error {
	s.init()
	return s.sock.Close()
}

// Addrs returns the addresses being served.
func (s *Server) Addrs() []net.Addr {
	s.init()
	return s.sock.Addrs()
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Server) maxLiteral() int64 {
	if s.MaxMessageBytes > 0 {
		return s.MaxMessageBytes
	}
	return DefaultMaxLiteralSize
}

func (s *Server) idleTimeout() time.Duration {
	if s.IdleTimeout != 0 {
		return s.IdleTimeout
	}
	return DefaultIdleTimeout
}

// ServeConn serves one connection until the client logs out, the
// connection fails or ctx is cancelled; it closes nc. It is what the
// server's listener loop runs for each connection, exported for callers
// with their own loop (and for net.Pipe in tests).
func (s *Server) ServeConn(ctx context.Context, nc net.Conn) {
	c := newConn(s, nc, nil)
	stop := context.AfterFunc(ctx, func() { nc.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	c.serve(ctx)
}
