package smtp

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/applayer/applayer/sockets"
)

// The timeouts of RFC 5321 section 4.5.3.2.
const (
	// DefaultCommandTimeout is how long the server waits for the next
	// command (section 4.5.3.2.7, "Server Timeout": at least 5 minutes).
	DefaultCommandTimeout = 5 * time.Minute
	// DefaultDataTimeout is how long the server waits for each block of
	// message data (section 4.5.3.2.5 gives the client 3 minutes per block;
	// the server waits as long as for a command).
	DefaultDataTimeout = 5 * time.Minute
	// TLSHandshakeTimeout bounds the TLS handshake after STARTTLS.
	TLSHandshakeTimeout = 30 * time.Second
)

// Server is an SMTP, submission or LMTP server. Set Backend and call
// [Server.Serve]. The zero value with a Backend is a valid configuration.
// Fields must not change after Serve starts.
type Server struct {
	// Hostname is the name the server gives in its greeting and EHLO
	// reply. If empty, "localhost" is used.
	Hostname string
	// Backend opens a Session per connection. Required.
	Backend Backend
	// LMTP switches to the Local Mail Transfer Protocol (RFC 2033): LHLO
	// instead of HELO/EHLO, and one reply per recipient after DATA.
	LMTP bool
	// TLSConfig enables STARTTLS (RFC 3207) when not nil.
	TLSConfig *tls.Config
	// AllowInsecureAuth offers AUTH on connections without TLS. Leave it
	// false on the Internet: PLAIN and LOGIN send the password in clear.
	AllowInsecureAuth bool
	// RequireTLS refuses MAIL with 530 until the client has used STARTTLS.
	RequireTLS bool
	// RequireAuth refuses MAIL with 530 until the client has authenticated
	// (a submission server, RFC 6409 section 4.3).
	RequireAuth bool
	// MaxMessageBytes is the largest message accepted, advertised with SIZE
	// (RFC 1870) and enforced while the data streams in. If zero,
	// DefaultMaxMessageBytes is used; negative means no limit.
	MaxMessageBytes int64
	// Limits holds the RFC 5321 section 4.5.3.1 size limits.
	Limits Limits
	// MaxConns caps concurrent connections; the ones over it get a 421
	// greeting and are closed. If zero, the sockets default is used;
	// negative means no limit.
	MaxConns int
	// CommandTimeout bounds the wait for each command; zero means
	// DefaultCommandTimeout, negative means none.
	CommandTimeout time.Duration
	// DataTimeout bounds the wait for each read of message data; zero
	// means DefaultDataTimeout, negative means none.
	DataTimeout time.Duration
	// Logger receives connection errors. If nil, slog.Default() is used.
	Logger *slog.Logger

	mu   sync.Mutex
	sock *sockets.Server
}

func (s *Server) hostname() string {
	if s.Hostname == "" {
		return "localhost"
	}
	return s.Hostname
}

func (s *Server) maxMessageBytes() int64 {
	if s.MaxMessageBytes == 0 {
		return DefaultMaxMessageBytes
	}
	return s.MaxMessageBytes
}

func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

func timeoutOr(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// socketServer returns the sockets.Server, made on first use.
func (s *Server) socketServer() *sockets.Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sock == nil {
		busy := AppendReply(nil, &Reply{Code: 421, Enhanced: EnhancedCode{4, 3, 2}, Lines: []string{s.hostname() + " Too many connections, try again later"}})
		s.sock = &sockets.Server{
			Handler:  sockets.HandlerFunc(s.serveConn),
			MaxConns: s.MaxConns,
			OnBusy: func(c net.Conn) {
				c.Write(busy)
			},
			ReadTimeout: timeoutOr(s.CommandTimeout, DefaultCommandTimeout),
			Logger:      s.Logger,
		}
	}
	return s.sock
}

// Serve accepts connections on l until Shutdown or Close and returns
// sockets.ErrServerClosed after them.
func (s *Server) Serve(l net.Listener) error { return s.socketServer().Serve(l) }

// ListenAndServe listens on the TCP address addr and calls Serve. An empty
// addr means ":25" (":24" is usual for LMTP; set it explicitly).
func (s *Server) ListenAndServe(addr string) error {
	if addr == "" {
		addr = ":" + strconv.Itoa(25)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Shutdown stops accepting, tells idle clients 421 and closes them, and
// waits for transactions in progress, until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.socketServer().Shutdown(ctx) }

// Close closes every listener and connection at once.
func (s *Server) Close() error { return s.socketServer().Close() }

// Addrs returns the addresses being served.
func (s *Server) Addrs() []net.Addr { return s.socketServer().Addrs() }

// serveConn runs one connection.
func (s *Server) serveConn(ctx context.Context, sc *sockets.Conn) {
	c := newConn(s, sc)
	c.serve(ctx)
}
