package imap

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"time"
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
