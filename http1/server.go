package http1

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/applayer/applayer/sockets"
)

// Server defaults (see the [Server] fields).
const (
	DefaultReadHeaderTimeout   = 10 * time.Second // to read a request head once its first byte arrived
	DefaultIdleTimeout         = 2 * time.Minute  // to wait for the next request on a persistent connection
	DefaultMaxBodyDrain        = 256 << 10        // unread request content discarded to keep a connection open
	DefaultTLSHandshakeTimeout = 10 * time.Second
)

// responseBufferSize is how much content a response buffers before it
// sends its head: a response that fits gets a Content-Length.
const responseBufferSize = 4 << 10

// ErrServerClosed is returned by Serve after Shutdown or Close.
var ErrServerClosed = sockets.ErrServerClosed

// Server is an HTTP/1.x server: it reads requests from each connection,
// calls Handler, and writes the responses in order. It stands on
// [sockets.Server] for accepting, connection limits, per-read and
// per-write timeouts and graceful shutdown.
//
// Connections are persistent by default in HTTP/1.1 and with
// "Connection: keep-alive" in HTTP/1.0. Pipelined requests are read from
// the connection's buffer and answered one after another in arrival order
// (first come, first served); responses to requests that were already
// buffered are written together, in one flush, when the buffer runs dry.
//
// The zero value is a valid configuration (Handler nil answers 404).
// Fields must not change after the first Serve.
type Server struct {
	// Addr is the address ListenAndServe listens on; "" means ":http"
	// (":https" for ListenAndServeTLS).
	Addr string

	// Handler answers requests. Nil means every request gets 404.
	Handler Handler

	// TLSConfig is used by ServeTLS and ListenAndServeTLS. Nil means a
	// default configuration.
	TLSConfig *tls.Config

	// Limits bound each request head and chunked body; see [Limits].
	Limits Limits

	// ReadHeaderTimeout bounds the time to read a request head after its
	// first byte arrived (the slowloris defence). Zero means
	// DefaultReadHeaderTimeout; negative means none. A client that runs
	// out of it gets 408 and the connection closes.
	ReadHeaderTimeout time.Duration

	// IdleTimeout bounds the wait for the next request on a persistent
	// connection. Zero means DefaultIdleTimeout; negative means none.
	IdleTimeout time.Duration

	// ReadTimeout and WriteTimeout bound each read of request content and
	// each write of a response (sockets semantics: per call). Zero means
	// the sockets defaults; negative means none.
	ReadTimeout, WriteTimeout time.Duration

	// MaxConns caps concurrent connections (see sockets.Server.MaxConns);
	// a connection over it gets 503 and is closed.
	MaxConns int

	// MaxBodyDrain is how much unread request content the server reads
	// and discards after the handler returns, to keep the connection;
	// past it, the connection closes instead. Zero means
	// DefaultMaxBodyDrain.
	MaxBodyDrain int64

	// DisableKeepAlives closes every connection after one response.
	DisableKeepAlives bool

	// Logger receives bad requests (at debug level), panics and
	// connection errors. Nil means slog.Default().
	Logger *slog.Logger

	// BaseContext, if set, returns the base context for connections
	// accepted on l. Request contexts derive from it and are cancelled
	// when Shutdown begins.
	BaseContext func(l net.Listener) context.Context

	once sync.Once
	sock *sockets.Server
}

func (s *Server) sockets() *sockets.Server {
	s.once.Do(func() {
		s.sock = &sockets.Server{
			Handler:      sockets.HandlerFunc(s.serveConn),
			MaxConns:     s.MaxConns,
			OnBusy:       func(c net.Conn) { writeErrorResponse(c, StatusServiceUnavailable) },
			ReadTimeout:  s.ReadTimeout,
			WriteTimeout: s.WriteTimeout,
			Logger:       s.Logger,
			BaseContext:  s.BaseContext,
		}
	})
	return s.sock
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Serve accepts connections on l and serves them until Shutdown or Close,
// then returns ErrServerClosed. A listener from tls.NewListener gives
// HTTPS.
func (s *Server) Serve(l net.Listener) error { return s.sockets().Serve(l) }

// ServeTLS is Serve over TLS with the certificate and key in the given
// PEM files (both may be "" when TLSConfig already has a certificate).
func (s *Server) ServeTLS(l net.Listener, certFile, keyFile string) error {
	cfg, err := s.tlsConfig(certFile, keyFile)
	if err != nil {
		return err
	}
	return s.Serve(tls.NewListener(l, cfg))
}

func (s *Server) tlsConfig(certFile, keyFile string) (*tls.Config, error) {
	var cfg *tls.Config
	if s.TLSConfig != nil {
		cfg = s.TLSConfig.Clone()
	} else {
		cfg = &tls.Config{}
	}
	if len(cfg.NextProtos) == 0 {
		cfg.NextProtos = []string{"http/1.1"}
	}
	if certFile != "" || keyFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = append(cfg.Certificates, cert)
	}
	return cfg, nil
}

// ListenAndServe listens on TCP s.Addr and serves.
func (s *Server) ListenAndServe() error {
	addr := s.Addr
	if addr == "" {
		addr = ":http"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// ListenAndServeTLS listens on TCP s.Addr and serves HTTPS.
func (s *Server) ListenAndServeTLS(certFile, keyFile string) error {
	addr := s.Addr
	if addr == "" {
		addr = ":https"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.ServeTLS(l, certFile, keyFile)
}

// Shutdown stops accepting, lets each connection finish the response in
// progress, closes idle connections, and waits for the rest; when ctx ends
// first it closes everything and returns ctx.Err().
func (s *Server) Shutdown(ctx context.Context) error { return s.sockets().Shutdown(ctx) }

// Close closes the listeners and every connection now.
func (s *Server) Close() error { return s.sockets().Close() }

// Addrs returns the addresses of the listeners being served.
func (s *Server) Addrs() []net.Addr { return s.sockets().Addrs() }

func (s *Server) readHeaderTimeout() time.Duration {
	return orDefaultDuration(s.ReadHeaderTimeout, DefaultReadHeaderTimeout)
}

func (s *Server) idleTimeout() time.Duration {
	return orDefaultDuration(s.IdleTimeout, DefaultIdleTimeout)
}

func orDefaultDuration(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

func (s *Server) maxBodyDrain() int64 {
	if s.MaxBodyDrain <= 0 {
		return DefaultMaxBodyDrain
	}
	return s.MaxBodyDrain
}
