package ftp

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/applayer/applayer/sockets"
)

// Server defaults. Zero fields of [Server] take these values.
const (
	// DefaultIdleTimeout ends a control connection on which no command
	// arrived for this long (with reply 421). A transfer in progress keeps
	// the connection alive.
	DefaultIdleTimeout = 5 * time.Minute

	// DefaultDataTimeout bounds the wait for a data connection (the client
	// connecting to a passive port, or our connect in active mode) and each
	// read or write on it.
	DefaultDataTimeout = time.Minute

	// DefaultMaxLoginAttempts is how many failed PASS commands a connection
	// may make before it is closed with 421.
	DefaultMaxLoginAttempts = 3

	// DefaultGreeting is the text of the 220 reply.
	DefaultGreeting = "applayer FTP server ready."
)

// Server is an FTP server (RFC 959) with the extensions of RFC 2389 (FEAT),
// RFC 2428 (EPRT/EPSV), RFC 3659 (SIZE, MDTM, REST STREAM, MLST/MLSD) and
// RFC 4217 (explicit FTPS with AUTH TLS, PBSZ and PROT).
//
// Set FS and either Users or Anonymous; the other fields have working zero
// values. A Server must not be copied after first use. Its methods are safe
// for concurrent use.
type Server struct {
	// Addr is the address ListenAndServe listens on; "" means
	// "127.0.0.1:21".
	Addr string

	// FS is the tree every user sees, with "/" at its root. When it
	// implements WriteFS, logged-in users (not anonymous ones) may upload,
	// delete, rename and create directories. Use [NewDirFS] to serve an
	// operating-system directory safely.
	FS fs.FS

	// Users maps user names to passwords, checked by USER and PASS.
	// Passwords travel in clear text unless the client uses AUTH TLS.
	Users map[string]string

	// Anonymous allows the users "anonymous" and "ftp" with any password
	// (by custom an e-mail address), read-only.
	Anonymous bool

	// TLSConfig enables AUTH TLS (RFC 4217) on the control connection and
	// PROT P on data connections. It needs at least one certificate.
	TLSConfig *tls.Config

	// RequireTLS refuses USER until the control connection is protected
	// with AUTH TLS (530), and refuses transfers until PROT P (521).
	RequireTLS bool

	// PasvMinPort and PasvMaxPort bound the ports opened for PASV and EPSV
	// (inclusive; a firewall can then allow just that range). Zero for both
	// lets the system pick.
	PasvMinPort, PasvMaxPort int

	// PublicAddr is the IPv4 address announced in 227 replies, for a server
	// behind NAT. If invalid, the control connection's local address is used.
	PublicAddr netip.Addr

	// Greeting is the text of the 220 reply; "" means DefaultGreeting.
	Greeting string

	// IdleTimeout: if zero, DefaultIdleTimeout; negative, none.
	IdleTimeout time.Duration

	// DataTimeout: if zero, DefaultDataTimeout; negative, none.
	DataTimeout time.Duration

	// MaxConns limits concurrent control connections; more are answered
	// "421 Too many connections" and closed. If zero,
	// sockets.DefaultMaxConns; negative, no limit.
	MaxConns int

	// MaxLineLength caps a command line, CRLF included. If zero,
	// DefaultMaxLineLength.
	MaxLineLength int

	// MaxLoginAttempts: if zero, DefaultMaxLoginAttempts.
	MaxLoginAttempts int

	// Logger receives connection errors; nil means slog.Default(). It
	// never receives passwords.
	Logger *slog.Logger

	mu   sync.Mutex
	sock *sockets.Server
}

func (s *Server) socketServer() *sockets.Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sock == nil {
		s.sock = &sockets.Server{
			Handler:     sockets.HandlerFunc(s.serveConn),
			MaxConns:    s.MaxConns,
			ReadTimeout: s.IdleTimeout,
			Logger:      s.Logger,
			OnBusy: func(c net.Conn) {
				c.Write(AppendReply(nil, StatusNotAvailable, "Too many connections, try again later."))
			},
		}
	}
	return s.sock
}

// Serve accepts control connections on l until Shutdown or Close, and then
// returns sockets.ErrServerClosed.
func (s *Server) Serve(l net.Listener) error { return s.socketServer().Serve(l) }

// ListenAndServe listens on s.Addr (TCP) and serves.
func (s *Server) ListenAndServe() error {
	addr := s.Addr
	if addr == "" {
		addr = "127.0.0.1:21"
	}
	return s.socketServer().ListenAndServe("tcp", addr)
}

// Shutdown stops accepting, closes idle control connections with 421, lets
// transfers in progress finish, and returns when all connections are gone
// or ctx ends (then it closes them and returns ctx.Err()).
func (s *Server) Shutdown(ctx context.Context) error { return s.socketServer().Shutdown(ctx) }

// Close closes the listeners and every connection at once.
func (s *Server) Close() error { return s.socketServer().Close() }

// Addrs returns the addresses being served.
func (s *Server) Addrs() []net.Addr { return s.socketServer().Addrs() }

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Server) dataTimeout() time.Duration {
	switch {
	case s.DataTimeout == 0:
		return DefaultDataTimeout
	case s.DataTimeout < 0:
		return 0
	}
	return s.DataTimeout
}

// isAnonymousName reports the user names of anonymous FTP (RFC 1635).
func isAnonymousName(name string) bool { return name == "anonymous" || name == "ftp" }

// checkPassword compares in constant time.
func (s *Server) checkPassword(user, pass string) bool {
	want, ok := s.Users[user]
	if !ok {
		subtle.ConstantTimeCompare([]byte(pass), []byte(pass))
		return false
	}
	return subtle.ConstantTimeCompare([]byte(pass), []byte(want)) == 1
}

// errNoData is used internally when a transfer command comes without PORT,
// PASV, EPRT or EPSV first.
var errNoData = errors.New("ftp: no data connection set up")

// handshakeTimeout bounds a TLS handshake, on either connection.
func (s *Server) handshakeTimeout() time.Duration {
	if t := s.dataTimeout(); t > 0 {
		return t
	}
	return DefaultDataTimeout
}
