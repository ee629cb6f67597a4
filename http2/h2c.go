package http2

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net"
	"strings"

	"github.com/applayer/applayer/http1"
)

// MaxUpgradeBody bounds the content of an HTTP/1.1 request that asks to
// upgrade to h2c. RFC 9113 dropped the upgrade, but RFC 7540 section 3.2
// defined it and curl --http2 still uses it; its body must be read whole
// before the switch. A request with more content is served over HTTP/1.1.
const MaxUpgradeBody = 64 << 10

// upgradeHandler wraps the Handler of the HTTP/1.1 side of a cleartext
// listener: a request with "Upgrade: h2c" is answered with 101 Switching
// Protocols, and the connection continues as HTTP/2 with that request as
// stream 1.
type upgradeHandler struct {
	srv  *Server
	next http1.Handler
}

func (h upgradeHandler) ServeHTTP(w http1.ResponseWriter, r *http1.Request) {
	settings, ok := h2cUpgradeRequest(r)
	hj, canHijack := w.(http1.Hijacker)
	if !ok || !canHijack || r.TLS != nil {
		h.next.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxUpgradeBody+1))
	if err != nil || len(body) > MaxUpgradeBody {
		http1.Error(w, "request too large to upgrade", http1.StatusContentTooLarge)
		return
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"); err != nil {
		return
	}
	// Bytes the HTTP/1.1 reader already buffered (the client preface, if
	// the client did not wait for the 101) come first.
	buffered, _ := rw.Reader.Peek(rw.Reader.Buffered())
	c := &prefixConn{Conn: conn, r: io.MultiReader(bytes.NewReader(bytes.Clone(buffered)), conn)}
	up := r.Clone(r.Context())
	up.Header.Del("connection")
	up.Header.Del("upgrade")
	up.Header.Del("http2-settings")
	h.srv.serveUpgraded(r.Context(), c, up, body, settings)
}

// h2cUpgradeRequest reports whether r asks for h2c, and decodes its
// HTTP2-Settings field: a SETTINGS payload in base64url.
func h2cUpgradeRequest(r *http1.Request) ([]Setting, bool) {
	if !r.Header.HasToken("upgrade", "h2c") || !r.Header.HasToken("connection", "upgrade") ||
		!r.Header.HasToken("connection", "http2-settings") {
		return nil, false
	}
	vals := r.Header.Values("http2-settings")
	if len(vals) != 1 {
		return nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(vals[0], "="))
	if err != nil || len(raw)%6 != 0 {
		return nil, false
	}
	var ss []Setting
	for i := 0; i < len(raw); i += 6 {
		ss = append(ss, Setting{ID: SettingID(binary.BigEndian.Uint16(raw[i:])), Val: binary.BigEndian.Uint32(raw[i+2:])})
	}
	return ss, true
}

// prefixConn reads from r (buffered bytes, then the connection).
type prefixConn struct {
	net.Conn
	r io.Reader
}

func (c *prefixConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// serveUpgraded runs HTTP/2 on a connection upgraded from HTTP/1.1.
func (s *Server) serveUpgraded(ctx context.Context, c net.Conn, req *http1.Request, body []byte, settings []Setting) {
	req.Body = bytes.NewReader(body)
	req.ContentLength = int64(len(body))
	s.ServeConn(ctx, c, &ServeConnOptions{UpgradeRequest: req, Settings: settings, upgradeBody: body})
}
