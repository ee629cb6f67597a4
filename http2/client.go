package http2

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/url"
	"sync"

	"github.com/applayer/applayer/http1"
)

// Client sends requests over HTTP/2, keeping one connection per host and
// reusing it for every request to that host (a new one is dialled only
// when the server's MAX_CONCURRENT_STREAMS is reached or the connection
// went away). https URLs use TLS with ALPN "h2"; http URLs use h2c with
// prior knowledge, so the server must speak HTTP/2 on its cleartext port.
//
// The zero value is ready to use. A Client is safe for concurrent use.
type Client struct {
	// TLSConfig configures TLS; NextProtos is set to h2.
	TLSConfig *tls.Config
	// DialContext dials the TCP connection; nil means a net.Dialer.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// Conn configures each connection (windows, limits, push).
	Conn ClientConnOptions

	mu      sync.Mutex
	conns   map[string][]*ClientConn
	dialing map[string]*dialCall
}

// dialCall is a connection being dialled; requests for the same host wait
// for it rather than dialling their own.
type dialCall struct {
	done chan struct{}
	cc   *ClientConn
	err  error
}

// Get fetches url.
func (c *Client) Get(ctx context.Context, rawURL string) (*http1.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	req := &http1.Request{Method: http1.MethodGet, Target: u.RequestURI(), Form: http1.OriginForm,
		Scheme: u.Scheme, Host: u.Host, Version: http1.HTTP20, ContentLength: -1}
	return c.Do(ctx, req)
}

// Do sends req (whose Scheme and Host say where) and returns the response.
func (c *Client) Do(ctx context.Context, req *http1.Request) (*http1.Response, error) {
	return c.DoWith(ctx, req, nil)
}

// DoWith is Do with per-request options (priority).
func (c *Client) DoWith(ctx context.Context, req *http1.Request, opts *RequestOptions) (*http1.Response, error) {
	if req.Scheme != "http" && req.Scheme != "https" {
		return nil, errors.New("http2: request scheme must be http or https")
	}
	if req.Host == "" {
		return nil, errors.New("http2: request without a host")
	}
	key := req.Scheme + "://" + hostPort(req.Scheme, req.Host)
	for range 3 {
		cc, err := c.conn(ctx, key, req.Scheme, hostPort(req.Scheme, req.Host))
		if err != nil {
			return nil, err
		}
		resp, err := cc.Do(ctx, req, opts)
		var ga GoAwayError
		if (errors.Is(err, ErrConnUnusable) || errors.As(err, &ga)) && req.Body == nil {
			c.forget(key, cc) // the server never processed it: try a new connection
			continue
		}
		return resp, err
	}
	return nil, ErrConnUnusable
}

func hostPort(scheme, host string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	if scheme == "https" {
		return net.JoinHostPort(host, "443")
	}
	return net.JoinHostPort(host, "80")
}

// conn returns a connection to addr that can take a new stream, dialling
// one if needed; concurrent requests share one dial.
func (c *Client) conn(ctx context.Context, key, scheme, addr string) (*ClientConn, error) {
	for {
		c.mu.Lock()
		for _, cc := range c.conns[key] {
			if cc.CanTakeNewRequest() {
				c.mu.Unlock()
				return cc, nil
			}
		}
		if call, ok := c.dialing[key]; ok {
			c.mu.Unlock()
			select {
			case <-call.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if call.err != nil {
				return nil, call.err
			}
			continue // the new connection may already be full
		}
		call := &dialCall{done: make(chan struct{})}
		if c.dialing == nil {
			c.dialing = make(map[string]*dialCall)
		}
		c.dialing[key] = call
		c.mu.Unlock()

		call.cc, call.err = c.dial(ctx, scheme, addr)
		c.mu.Lock()
		delete(c.dialing, key)
		if call.err == nil {
			if c.conns == nil {
				c.conns = make(map[string][]*ClientConn)
			}
			live := c.conns[key][:0]
			for _, old := range c.conns[key] {
				if !old.isClosed() {
					live = append(live, old)
				}
			}
			c.conns[key] = append(live, call.cc)
		}
		c.mu.Unlock()
		close(call.done)
		return call.cc, call.err
	}
}

func (c *Client) forget(key string, cc *ClientConn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	conns := c.conns[key]
	for i, x := range conns {
		if x == cc {
			c.conns[key] = append(conns[:i:i], conns[i+1:]...)
			break
		}
	}
}

func (c *Client) dial(ctx context.Context, scheme, addr string) (*ClientConn, error) {
	dial := c.DialContext
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	conn, err := dial(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if scheme == "https" {
		cfg := c.TLSConfig.Clone()
		if cfg == nil {
			cfg = &tls.Config{}
		}
		cfg.NextProtos = []string{"h2"}
		if cfg.ServerName == "" {
			cfg.ServerName, _, _ = net.SplitHostPort(addr)
		}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		if p := tc.ConnectionState().NegotiatedProtocol; p != "h2" {
			tc.Close()
			return nil, errors.New("http2: server did not negotiate h2 (got " + p + ")")
		}
		conn = tc
	}
	return NewClientConn(conn, &c.Conn)
}

// CloseIdleConnections closes connections with no request in progress.
func (c *Client) CloseIdleConnections() {
	c.mu.Lock()
	var idle []*ClientConn
	for key, conns := range c.conns {
		live := conns[:0]
		for _, cc := range conns {
			if cc.idle() {
				idle = append(idle, cc)
			} else {
				live = append(live, cc)
			}
		}
		c.conns[key] = live
	}
	c.mu.Unlock()
	for _, cc := range idle {
		cc.Close()
	}
}

func (cc *ClientConn) isClosed() bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.closed
}

func (cc *ClientConn) idle() bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return len(cc.streams) == 0
}
