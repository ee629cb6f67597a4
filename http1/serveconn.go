package http1

import (
	"context"

	"github.com/applayer/applayer/sockets"
)

// ServeConn serves HTTP/1.x on one connection accepted elsewhere, until it
// closes: for a server of another protocol that chose HTTP/1.1 for this
// connection (the http2 package does, for clients that do not speak h2).
// A TLS connection's handshake is completed first if needed.
func (s *Server) ServeConn(ctx context.Context, c *sockets.Conn) { s.serveConn(ctx, c) }
