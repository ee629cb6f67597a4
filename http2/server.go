package http2

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/sockets"
)

// Server defaults; each applies when the matching field is zero.
const (
	DefaultMaxConcurrentStreams = 250
	DefaultStreamWindow         = 1 << 20         // receive window per stream
	DefaultConnWindow           = 4 << 20         // receive window of the whole connection
	DefaultMaxReadFrameSize     = MinMaxFrameSize // the RFC's initial value; larger frames save little
	DefaultMaxHeaderListSize    = 64 << 10
	DefaultSettingsTimeout      = 10 * time.Second // for the peer to acknowledge our SETTINGS
	DefaultIdleTimeout          = 5 * time.Minute  // a connection with no streams is closed after this
	DefaultWriteTimeout         = time.Minute      // a handler's Write blocked by flow control fails after this
	// DefaultMaxQueuedControlFrames bounds control frames (SETTINGS and
	// PING acknowledgements, RST_STREAM, WINDOW_UPDATE) waiting to be
	// written; a peer that floods them without reading is cut off.
	DefaultMaxQueuedControlFrames = 10000
	// DefaultStreamSendBuffer bounds the response bytes a handler may
	// write ahead of what flow control lets out.
	DefaultStreamSendBuffer = 64 << 10
	// MaxContinuationFrames bounds the frames of one header block, against
	// a CONTINUATION flood.
	MaxContinuationFrames = 64
)

// Server serves HTTP/2 with an http1.Handler: the same handler that serves
// HTTP/1.x. It speaks h2 over TLS (ALPN, with HTTP/1.1 as the fallback on
// the same listener) and h2c on cleartext (with prior knowledge, or by
// upgrading an HTTP/1.1 request).
//
// The zero value is ready once Handler is set. Fields must not change after
// the first Serve.
type Server struct {
	// Handler serves every request.
	Handler http1.Handler

	// TLSConfig is used by ServeTLS and ListenAndServeTLS; NextProtos is
	// filled in with "h2" and "http/1.1".
	TLSConfig *tls.Config

	// HTTP1 serves the HTTP/1.x connections of ServeTLS (clients that do
	// not offer h2) and of a cleartext listener (clients without prior
	// knowledge). Nil means an http1.Server with the same Handler.
	HTTP1 *http1.Server

	MaxConcurrentStreams   uint32 // SETTINGS_MAX_CONCURRENT_STREAMS; 0 means DefaultMaxConcurrentStreams
	StreamWindow           uint32 // SETTINGS_INITIAL_WINDOW_SIZE; 0 means DefaultStreamWindow
	ConnWindow             uint32 // the connection's receive window; 0 means DefaultConnWindow
	MaxReadFrameSize       uint32 // SETTINGS_MAX_FRAME_SIZE; 0 means DefaultMaxReadFrameSize
	MaxHeaderListSize      uint32 // SETTINGS_MAX_HEADER_LIST_SIZE; 0 means DefaultMaxHeaderListSize
	SettingsTimeout        time.Duration
	IdleTimeout            time.Duration
	WriteTimeout           time.Duration
	MaxQueuedControlFrames int

	// DisablePush turns server push off even for clients that allow it.
	DisablePush bool

	// DisableHTTP1 makes the server speak HTTP/2 only: a cleartext
	// connection that does not start with the client preface is closed
	// (RFC 9113 section 3.4) instead of being served as HTTP/1.1, and a
	// TLS client that does not offer h2 is refused.
	DisableHTTP1 bool

	// Logger receives connection errors and handler panics. Nil means
	// slog.Default().
	Logger *slog.Logger

	mu    sync.Mutex
	sock  *sockets.Server
	conns map[*serverConn]struct{}
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func orDefault[T ~uint32 | ~int | ~int64](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

func (s *Server) sockets() *sockets.Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sock == nil {
		s.sock = &sockets.Server{
			Handler:     sockets.HandlerFunc(s.serveSocket),
			Logger:      s.Logger,
			ReadTimeout: -1, // each connection manages its own timeouts
		}
	}
	return s.sock
}

func (s *Server) http1Server() *http1.Server {
	if s.HTTP1 != nil {
		return s.HTTP1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.HTTP1 == nil {
		s.HTTP1 = &http1.Server{Handler: upgradeHandler{srv: s, next: s.Handler}, Logger: s.Logger}
	}
	return s.HTTP1
}

// Serve accepts connections on l and serves them: TLS connections
// (l from tls.NewListener) by their negotiated protocol, cleartext ones
// as h2c with prior knowledge or HTTP/1.1 (which may upgrade to h2c).
func (s *Server) Serve(l net.Listener) error { return s.sockets().Serve(l) }

// ServeTLS serves l with TLS, offering h2 and http/1.1 by ALPN.
func (s *Server) ServeTLS(l net.Listener) error {
	cfg := s.TLSConfig.Clone()
	if cfg == nil {
		return errors.New("http2: ServeTLS without a TLSConfig")
	}
	cfg.NextProtos = []string{"h2", "http/1.1"}
	return s.Serve(tls.NewListener(l, cfg))
}

// ListenAndServeTLS listens on the TCP address addr and calls ServeTLS.
func (s *Server) ListenAndServeTLS(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.ServeTLS(l)
}

// Shutdown sends GOAWAY on every connection, lets the streams in progress
// finish, and closes the connections; when ctx ends first it closes them at
// once and returns ctx.Err().
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	for c := range s.conns {
		c.startGracefulShutdown()
	}
	s.mu.Unlock()
	err := s.sockets().Shutdown(ctx)
	if s.HTTP1 != nil {
		if e := s.HTTP1.Shutdown(ctx); err == nil {
			err = e
		}
	}
	return err
}

// Close closes every connection at once.
func (s *Server) Close() error {
	err := s.sockets().Close()
	if s.HTTP1 != nil {
		s.HTTP1.Close()
	}
	return err
}

// Addrs returns the addresses being served.
func (s *Server) Addrs() []net.Addr { return s.sockets().Addrs() }

// serveSocket picks the protocol of one accepted connection.
func (s *Server) serveSocket(ctx context.Context, c *sockets.Conn) {
	if tc, ok := c.NetConn().(*tls.Conn); ok {
		hctx, cancel := context.WithTimeout(ctx, http1.DefaultTLSHandshakeTimeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			return
		}
		if tc.ConnectionState().NegotiatedProtocol != "h2" {
			if !s.DisableHTTP1 {
				s.http1Server().ServeConn(ctx, c)
			}
			return
		}
		c.SetReadTimeout(-1)
		c.SetWriteTimeout(-1)
		s.ServeConn(ctx, c, nil)
		return
	}
	// Cleartext: h2c with prior knowledge starts with the preface.
	c.SetReadTimeout(http1.DefaultReadHeaderTimeout)
	isPreface, err := sniffPreface(c)
	switch {
	case isPreface:
		c.SetReadTimeout(-1)
		c.SetWriteTimeout(-1)
		s.ServeConn(ctx, c, nil)
	case err == nil && !s.DisableHTTP1:
		s.http1Server().ServeConn(ctx, c)
	default:
		lingerClose(c) // not HTTP/2, and HTTP/1.1 is off
	}
}

// ServeConnOptions configures ServeConn for a connection upgraded from
// HTTP/1.1 (RFC 7540 section 3.2).
type ServeConnOptions struct {
	// UpgradeRequest is the HTTP/1.1 request that asked for h2c; it
	// becomes stream 1, half-closed from the client's side.
	UpgradeRequest *http1.Request
	// Settings are the client's settings from its HTTP2-Settings field.
	Settings []Setting

	upgradeBody []byte // the upgrade request's content, read before the switch
}

// ServeConn serves HTTP/2 on an established connection until it ends.
// The client preface is expected first (after a 101 response, for an
// upgraded connection).
func (s *Server) ServeConn(ctx context.Context, c net.Conn, opts *ServeConnOptions) {
	sc := newServerConn(s, c)
	s.mu.Lock()
	if s.conns == nil {
		s.conns = make(map[*serverConn]struct{})
	}
	s.conns[sc] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, sc)
		s.mu.Unlock()
	}()
	sc.serve(ctx, opts)
}
