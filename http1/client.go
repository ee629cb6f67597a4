package http1

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Client defaults (see the [Client] fields).
const (
	DefaultMaxIdleConnsPerHost = 4
	DefaultIdleConnTimeout     = 90 * time.Second
	DefaultMaxRedirects        = 10
	DefaultMaxPipelineBody     = 32 << 20 // bytes of one response body buffered by Pipeline
)

// ErrTooManyRedirects is returned by Do after MaxRedirects redirections.
var ErrTooManyRedirects = errors.New("http1: too many redirects")

// Client is an HTTP/1.1 client. In its default, persistent mode it keeps
// up to MaxIdleConnsPerHost idle connections per host and reuses them
// (HTTP/1.1's default); with DisableKeepAlives it opens a new connection
// for every request and asks the server to close it, like HTTP/1.0.
// [Client.Pipeline] sends several requests back to back on one connection.
// Do follows redirects and keeps cookies in Jar.
//
// A Client is safe for concurrent use. The zero value is ready to use.
type Client struct {
	// DialContext opens TCP connections; nil means a net.Dialer.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)

	// TLSConfig is used for https URLs; nil means the defaults.
	TLSConfig *tls.Config

	// Proxy returns the proxy for a request, or nil for none. An http URL
	// is requested from the proxy in absolute form; an https URL goes
	// through a CONNECT tunnel. See [ProxyURL].
	Proxy func(*Request) (*url.URL, error)

	// Jar, if set, receives the cookies of every response and supplies
	// the Cookie field of every request Do sends.
	Jar *Jar

	// DisableKeepAlives makes every request use a new connection that
	// closes after the response: the non-persistent mode.
	DisableKeepAlives bool

	// MaxIdleConnsPerHost caps the idle connections kept per host. Zero
	// means DefaultMaxIdleConnsPerHost.
	MaxIdleConnsPerHost int

	// IdleConnTimeout is how long an idle connection is kept. Zero means
	// DefaultIdleConnTimeout.
	IdleConnTimeout time.Duration

	// MaxRedirects is how many redirects Do follows. Zero means
	// DefaultMaxRedirects; negative means none (Do returns the 3xx).
	MaxRedirects int

	// Limits bound response heads and chunked bodies.
	Limits Limits

	mu   sync.Mutex
	idle map[string][]*ClientConn
}

// ProxyURL returns a Proxy function that always uses u.
func ProxyURL(u *url.URL) func(*Request) (*url.URL, error) {
	return func(*Request) (*url.URL, error) { return u, nil }
}

// Get fetches rawURL with Do.
func (c *Client) Get(ctx context.Context, rawURL string) (*Response, error) {
	req, err := NewRequest(ctx, MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	return c.Do(req)
}

// Head is Get with the HEAD method.
func (c *Client) Head(ctx context.Context, rawURL string) (*Response, error) {
	req, err := NewRequest(ctx, MethodHead, rawURL, nil)
	if err != nil {
		return nil, err
	}
	return c.Do(req)
}

// Post sends body to rawURL with the given Content-Type.
func (c *Client) Post(ctx context.Context, rawURL, contentType string, body io.Reader) (*Response, error) {
	req, err := NewRequest(ctx, MethodPost, rawURL, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	return c.Do(req)
}

// Do sends req, follows redirects (301, 302, 303, 307, 308; see
// MaxRedirects) and keeps cookies in Jar. The caller must close the
// returned Body. A 301 or 302 to a POST, and a 303 to anything but HEAD,
// continue as GET without content (RFC 9110, section 15.4); 307 and 308
// repeat the method and content, which needs a Body that is an io.Seeker
// (otherwise the redirect response is returned).
func (c *Client) Do(req *Request) (*Response, error) {
	maxRedirects := c.MaxRedirects
	if maxRedirects == 0 {
		maxRedirects = DefaultMaxRedirects
	}
	for hops := 0; ; hops++ {
		u, err := req.URL()
		if err != nil {
			return nil, err
		}
		send := req
		if c.Jar != nil {
			if cs := c.Jar.Cookies(u); len(cs) > 0 {
				send = shallowWithHeader(req)
				ck := CookieHeader(cs)
				if old := send.Header.Get("Cookie"); old != "" {
					ck = old + "; " + ck // one Cookie field only (RFC 6265, 5.4)
				}
				send.Header.Set("Cookie", ck)
			}
		}
		resp, err := c.RoundTrip(send)
		if err != nil {
			return nil, err
		}
		resp.Request = req
		if c.Jar != nil {
			var cs []*Cookie
			for _, v := range resp.Header.Values("Set-Cookie") {
				if ck, ok := ParseSetCookie(v); ok {
					cs = append(cs, ck)
				}
			}
			if len(cs) > 0 {
				c.Jar.SetCookies(u, cs)
			}
		}
		loc := resp.Header.Get("Location")
		if maxRedirects < 0 || loc == "" || !isRedirect(resp.Status) {
			return resp, nil
		}
		if hops >= maxRedirects {
			resp.Body.Close()
			return nil, ErrTooManyRedirects
		}
		next, err := u.Parse(loc)
		if err != nil {
			return resp, nil // an unusable Location: hand the 3xx to the caller
		}
		method, body := req.Method, req.Body
		if resp.Status == StatusSeeOther && method != MethodHead ||
			(resp.Status == StatusMovedPermanently || resp.Status == StatusFound) && method == MethodPost {
			method, body = MethodGet, nil
		}
		if body != nil {
			s, ok := body.(io.Seeker)
			if !ok {
				return resp, nil
			}
			if _, err := s.Seek(0, io.SeekStart); err != nil {
				return resp, nil
			}
		}
		resp.Body.Close()
		nreq, err := NewRequest(req.Context(), method, next.String(), body)
		if err != nil {
			return nil, err
		}
		sameHost := next.Host == u.Host
		for _, f := range req.Header.Fields() {
			switch strings.ToLower(f.Name) {
			case "host", "cookie", "content-length", "transfer-encoding":
				continue
			case "authorization", "proxy-authorization":
				if !sameHost {
					continue
				}
			case "content-type":
				if body == nil {
					continue
				}
			}
			nreq.Header.Add(f.Name, f.Value)
		}
		req = nreq
	}
}

func isRedirect(s Status) bool {
	switch s {
	case StatusMovedPermanently, StatusFound, StatusSeeOther, StatusTemporaryRedirect, StatusPermanentRedirect:
		return true
	}
	return false
}

func shallowWithHeader(r *Request) *Request {
	r2 := new(Request)
	*r2 = *r
	r2.Header = r.Header.Clone()
	return r2
}

// RoundTrip sends one request and returns its response, without
// redirects or cookies. It reuses an idle connection when it can, and
// retries once on a new connection when a reused one turns out to have
// been closed by the server before answering a request without content.
func (c *Client) RoundTrip(req *Request) (*Response, error) {
	ctx := req.Context()
	scheme := req.Scheme
	if scheme == "" {
		scheme = "http"
	}
	addr := hostPort(req.Host, scheme)
	var proxy *url.URL
	if c.Proxy != nil {
		p, err := c.Proxy(req)
		if err != nil {
			return nil, err
		}
		proxy = p
	}
	key := scheme + "|" + addr
	if proxy != nil {
		key += "|" + proxy.String()
	}
	send := req
	if proxy != nil && scheme == "http" {
		send = shallowWithHeader(req)
		send.Target = "http://" + req.Host + req.Target
		send.Form = AbsoluteForm
	}
	if c.DisableKeepAlives && !send.Close {
		if send == req {
			send = shallowWithHeader(req)
		}
		send.Close = true
	}
	for attempt := 0; ; attempt++ {
		cc, err := c.getConn(ctx, key, scheme, addr, proxy)
		if err != nil {
			return nil, err
		}
		resp, err := cc.RoundTrip(ctx, send)
		if err != nil {
			cc.Close()
			if attempt == 0 && cc.reused && req.Body == nil && ctx.Err() == nil && isConnReset(err) {
				continue
			}
			return nil, err
		}
		resp.Request = req
		if cb, ok := resp.Body.(*clientBody); ok {
			cb.onDone = func(reusable bool) { c.release(cc, reusable) }
		} else {
			c.release(cc, cc.reusable())
		}
		return resp, nil
	}
}

// isConnReset reports an error that means the server closed a reused
// connection before answering.
func isConnReset(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, ErrConnBroken)
}

func hostPort(host, scheme string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	port := "80"
	if scheme == "https" {
		port = "443"
	}
	return net.JoinHostPort(strings.Trim(host, "[]"), port)
}

// getConn returns an idle connection for key or dials a new one.
func (c *Client) getConn(ctx context.Context, key, scheme, addr string, proxy *url.URL) (*ClientConn, error) {
	if !c.DisableKeepAlives {
		if cc := c.popIdle(key); cc != nil {
			return cc, nil
		}
	}
	dial := c.DialContext
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	target := addr
	if proxy != nil {
		target = hostPort(proxy.Host, proxy.Scheme)
	}
	conn, err := dial(ctx, "tcp", target)
	if err != nil {
		return nil, err
	}
	if proxy != nil && scheme == "https" {
		if err := connectTunnel(ctx, conn, addr, c.Limits); err != nil {
			conn.Close()
			return nil, err
		}
	}
	if scheme == "https" {
		cfg := c.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{}
		}
		tc, err := tlsClient(ctx, conn, addr, cfg)
		if err != nil {
			conn.Close()
			return nil, err
		}
		conn = tc
	}
	cc := NewClientConn(conn)
	cc.rd.Limits = c.Limits
	cc.key = key
	return cc, nil
}

// connectTunnel asks an HTTP proxy for a tunnel to addr (RFC 9110,
// section 9.3.6) and checks for a 2xx.
func connectTunnel(ctx context.Context, conn net.Conn, addr string, lim Limits) error {
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
		defer conn.SetDeadline(time.Time{})
	}
	req := &Request{Method: MethodConnect, Target: addr, Form: AuthorityForm, Host: addr}
	if err := req.Write(conn); err != nil {
		return err
	}
	rd := NewReader(conn) // reads at most the response: the proxy sends nothing more before we speak
	rd.Limits = lim
	var resp Response
	if err := rd.ReadResponse(&resp, MethodConnect); err != nil {
		return err
	}
	if resp.Status.Class() != 2 {
		return &StatusError{Status: StatusBadGateway, Msg: "proxy refused CONNECT: " + resp.Status.String()}
	}
	if rd.Buffered() > 0 {
		return &StatusError{Status: StatusBadGateway, Msg: "proxy sent data after CONNECT"}
	}
	return nil
}

func (c *Client) popIdle(key string) *ClientConn {
	c.mu.Lock()
	defer c.mu.Unlock()
	timeout := orDefaultDuration(c.IdleConnTimeout, DefaultIdleConnTimeout)
	list := c.idle[key]
	for len(list) > 0 {
		cc := list[len(list)-1]
		list = list[:len(list)-1]
		if len(list) == 0 {
			delete(c.idle, key)
		} else {
			c.idle[key] = list
		}
		if time.Since(cc.idleAt) < timeout && !cc.broken.Load() {
			return cc
		}
		cc.Close()
	}
	return nil
}

// release returns a connection to the pool, or closes it.
func (c *Client) release(cc *ClientConn, reusable bool) {
	if !reusable || c.DisableKeepAlives {
		cc.Close()
		return
	}
	max := c.MaxIdleConnsPerHost
	if max <= 0 {
		max = DefaultMaxIdleConnsPerHost
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.idle == nil {
		c.idle = map[string][]*ClientConn{}
	}
	if len(c.idle[cc.key]) >= max {
		cc.Close()
		return
	}
	cc.reused = true
	cc.idleAt = time.Now()
	c.idle[cc.key] = append(c.idle[cc.key], cc)
}

// CloseIdleConnections closes the pooled connections.
func (c *Client) CloseIdleConnections() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, list := range c.idle {
		for _, cc := range list {
			cc.Close()
		}
		delete(c.idle, k)
	}
}

// Pipeline sends reqs, which must all go to the same scheme and host, back
// to back on one connection without waiting for responses, then reads the
// responses in order (RFC 9112, section 9.3.2): about one round trip for
// all of them instead of one each. Each response's Body is read into
// memory (at most DefaultMaxPipelineBody bytes). Only requests without
// content, or with a replayable one, should be pipelined. If the server
// closes the connection part way (servers limit the requests per
// connection), the unanswered requests are sent again on a new connection,
// at most maxPipelineReconnects times, when they are safe and have no
// content. On an error the responses read so far are returned with it.
// Pipeline talks to the origin directly: it does not use Proxy or Jar and
// does not follow redirects.
func (c *Client) Pipeline(ctx context.Context, reqs []*Request) ([]*Response, error) {
	if len(reqs) == 0 {
		return nil, nil
	}
	first := reqs[0]
	scheme := first.Scheme
	if scheme == "" {
		scheme = "http"
	}
	for _, r := range reqs[1:] {
		if r.Host != first.Host || r.Scheme != first.Scheme {
			return nil, errors.New("http1: Pipeline requests must share scheme and host")
		}
	}
	addr := hostPort(first.Host, scheme)
	var out []*Response
	for reconnects := 0; ; reconnects++ {
		cc, err := c.getConn(ctx, scheme+"|"+addr, scheme, addr, nil)
		if err != nil {
			return out, err
		}
		got, err := c.pipelineOn(ctx, cc, reqs[len(out):])
		out = append(out, got...)
		if err == nil {
			return out, nil
		}
		rest := reqs[len(out):]
		if reconnects >= maxPipelineReconnects || ctx.Err() != nil || !isConnReset(err) || (len(got) == 0 && !cc.reused) || !replayable(rest) {
			return out, err
		}
	}
}

// maxPipelineReconnects bounds how often Pipeline starts over on a new
// connection after the server closed one.
const maxPipelineReconnects = 3

func replayable(reqs []*Request) bool {
	for _, r := range reqs {
		if r.Body != nil || !r.Method.Safe() {
			return false
		}
	}
	return true
}

// pipelineOn pipelines reqs on cc and returns the responses it read.
func (c *Client) pipelineOn(ctx context.Context, cc *ClientConn, reqs []*Request) ([]*Response, error) {
	sent := make(chan error, 1)
	go func() {
		for i, r := range reqs {
			if err := cc.send(ctx, r, i == len(reqs)-1); err != nil {
				sent <- err
				return
			}
		}
		sent <- nil
	}()
	var out []*Response
	for _, r := range reqs {
		resp, err := cc.Receive(ctx, r.Method)
		if err != nil {
			cc.Close()
			<-sent
			return out, err
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, DefaultMaxPipelineBody+1))
		resp.Body.Close()
		if err == nil && len(body) > DefaultMaxPipelineBody {
			err = ErrBodyTooLarge
		}
		if err != nil {
			cc.Close()
			<-sent
			return out, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.Request = r
		out = append(out, resp)
		if resp.Close && len(out) < len(reqs) {
			// The server said this is the last response on the connection.
			cc.Close()
			<-sent
			return out, io.EOF
		}
	}
	if err := <-sent; err != nil {
		cc.Close()
		return out, err
	}
	c.release(cc, cc.reusable())
	return out, nil
}
