package pop3

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/applayer/applayer/sockets"
)

// Defaults of the [Server] fields, used when the field is zero.
const (
	// DefaultIdleTimeout is the inactivity autologout timer: RFC 1939
	// section 3 requires at least 10 minutes.
	DefaultIdleTimeout = 10 * time.Minute
	// DefaultFailedLoginDelay is the pause before answering a failed
	// login, multiplied by the number of failures so far on the connection.
	DefaultFailedLoginDelay = time.Second
	// DefaultMaxLoginFailures is the number of failed logins after which the
	// server closes the connection.
	DefaultMaxLoginFailures = 3
	// DefaultTLSHandshakeTimeout bounds the STLS handshake.
	DefaultTLSHandshakeTimeout = 30 * time.Second
	// DefaultAddr is the address ListenAndServe uses when Addr is empty.
	DefaultAddr = ":110"
)

// Server is a POP3 server. The zero value, with Backend set, is a valid
// configuration; fields must not change once serving has started. Serve,
// Shutdown and Close behave as in net/http.
type Server struct {
	// Addr is the TCP address ListenAndServe listens on; "" means ":110".
	Addr string

	// Backend authenticates users and opens their maildrops. Required.
	Backend Backend

	// Hostname names the server in the greeting and in the APOP timestamp.
	// "" means "localhost".
	Hostname string

	// TLSConfig, if set, enables STLS (RFC 2595). Serve a listener made by
	// tls.NewListener for POP3 over TLS on port 995; the server then sees
	// the connection is already secure.
	TLSConfig *tls.Config

	// AllowInsecureAuth permits USER/PASS and AUTH PLAIN on a connection
	// without TLS even when TLSConfig is set. With TLSConfig nil, plaintext
	// logins are always allowed (there is no alternative).
	AllowInsecureAuth bool

	// MaxLineLength limits a command line, CRLF included. Zero means
	// DefaultMaxLineLength.
	MaxLineLength int

	// IdleTimeout is the inactivity autologout timer. Zero means
	// DefaultIdleTimeout; negative means none.
	IdleTimeout time.Duration

	// LoginDelay, if positive, is the minimum time between two logins of
	// the same user; it is advertised as the LOGIN-DELAY capability (RFC
	// 2449 section 6.5) and a login too soon fails with [ErrLoginDelay].
	LoginDelay time.Duration

	// FailedLoginDelay is the pause before the reply to a failed login,
	// times the number of recent failures from the same IP address or on
	// the same connection, whichever is larger (at most 16). Zero means
	// DefaultFailedLoginDelay; negative means no pause.
	FailedLoginDelay time.Duration

	// MaxLoginFailures is the number of failed logins after which the
	// connection is closed. Zero means DefaultMaxLoginFailures; negative
	// means no limit.
	MaxLoginFailures int

	// MaxConns bounds the connections served at once; a connection over
	// it gets "-ERR [SYS/TEMP] too many connections" and is closed. Zero
	// means sockets.DefaultMaxConns; negative means no limit.
	MaxConns int

	// Logger receives errors the client is not told about. Nil means
	// slog.Default().
	Logger *slog.Logger

	initOnce sync.Once
	sock     *sockets.Server
	seq      atomic.Uint64 // makes APOP timestamps unique
	throttle throttle      // failed logins per remote address

	mu        sync.Mutex
	lastLogin map[string]time.Time // user -> last successful login, for LoginDelay
}

func (s *Server) init() {
	s.initOnce.Do(func() {
		s.sock = &sockets.Server{
			Handler:  sockets.HandlerFunc(s.serveConn),
			MaxConns: s.MaxConns,
			OnBusy: func(c net.Conn) {
				c.Write(AppendStatus(nil, Status{Kind: StatusErr, Code: CodeSysTemp, Text: "too many connections, try later"}))
			},
			ReadTimeout: s.idleTimeout(),
			Logger:      s.logger(),
		}
	})
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Server) idleTimeout() time.Duration {
	if s.IdleTimeout == 0 {
		return DefaultIdleTimeout
	}
	return s.IdleTimeout
}

func (s *Server) hostname() string {
	if s.Hostname == "" {
		return "localhost"
	}
	return s.Hostname
}

func (s *Server) maxLine() int {
	if s.MaxLineLength <= 0 {
		return DefaultMaxLineLength
	}
	return s.MaxLineLength
}

func (s *Server) failedDelay() time.Duration {
	if s.FailedLoginDelay == 0 {
		return DefaultFailedLoginDelay
	}
	return s.FailedLoginDelay
}

func (s *Server) maxFailures() int {
	if s.MaxLoginFailures == 0 {
		return DefaultMaxLoginFailures
	}
	return s.MaxLoginFailures
}

// Serve accepts connections on l and serves each in its own goroutine. It
// returns sockets.ErrServerClosed after Shutdown or Close.
func (s *Server) Serve(l net.Listener) error {
	if s.Backend == nil {
		return errors.New("pop3: Server.Backend is nil")
	}
	s.init()
	return s.sock.Serve(l)
}

// ListenAndServe listens on s.Addr and serves.
func (s *Server) ListenAndServe() error {
	addr := s.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Shutdown stops accepting connections, tells sessions waiting for a command
// "-ERR [SYS/TEMP] server shutting down" (their maildrops are closed without
// deleting anything), and waits for the rest to finish, or for ctx to end.
func (s *Server) Shutdown(ctx context.Context) error {
	s.init()
	return s.sock.Shutdown(ctx)
}

// Close closes the listeners and all connections at once.
func (s *Server) Close() error {
	s.init()
	return s.sock.Close()
}

// checkLoginDelay records a login of user and reports whether it is allowed
// by LoginDelay.
func (s *Server) checkLoginDelay(user string, now time.Time) bool {
	if s.LoginDelay <= 0 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastLogin == nil {
		s.lastLogin = map[string]time.Time{}
	}
	if last, ok := s.lastLogin[user]; ok && now.Sub(last) < s.LoginDelay {
		return false
	}
	s.lastLogin[user] = now
	// Forget logins old enough not to matter, so the map stays small.
	if len(s.lastLogin) > 1024 {
		for u, t := range s.lastLogin {
			if now.Sub(t) >= s.LoginDelay {
				delete(s.lastLogin, u)
			}
		}
	}
	return true
}
