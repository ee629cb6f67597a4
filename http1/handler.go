package http1

import (
	"bufio"
	"errors"
	"net"
	"strings"
)

// Handler responds to an HTTP request. The same Handler serves HTTP/1.x
// through this package's [Server] and HTTP/2 through the http2 package.
//
// ServeHTTP writes the response head and content through w and returns
// when it is done; the request's Body may be read until then, and neither
// w nor r may be used after ServeHTTP returns. Strings of r stay valid
// after the return (the server never reuses a Request it handed out), but
// r.Body does not. A panic in ServeHTTP is recovered by the server: it
// logs it, answers 500 if nothing was sent yet, and closes the connection.
type Handler interface {
	ServeHTTP(w ResponseWriter, r *Request)
}

// HandlerFunc adapts an ordinary function to a [Handler].
type HandlerFunc func(w ResponseWriter, r *Request)

// ServeHTTP calls f(w, r).
func (f HandlerFunc) ServeHTTP(w ResponseWriter, r *Request) { f(w, r) }

var _ Handler = HandlerFunc(nil)

// ResponseWriter is how a Handler builds its response.
//
// Set fields on Header() before the first WriteHeader or Write; later
// changes are not sent (except through [TrailerWriter]). WriteHeader sends
// the status line and header; Write sends content, calling
// WriteHeader(StatusOK) first if needed. A Content-Length set in the
// header is honoured (a longer Write fails with [ErrBodyLength]);
// otherwise a small response that completes without Flush gets one
// computed, and a larger one is sent chunked in HTTP/1.1 or delimited by
// closing the connection in HTTP/1.0. For HEAD, 204 and 304, written
// content is counted and dropped.
//
// WriteHeader may be called with 1xx statuses to send interim responses
// (for example 103 Early Hints); the final status comes after them.
//
// Optional interfaces a ResponseWriter may implement: [Flusher],
// [TrailerWriter], [Pusher] (HTTP/2 only) and [Hijacker] (HTTP/1 only).
// Check them with a type assertion.
type ResponseWriter interface {
	Header() *Header
	WriteHeader(status Status)
	Write(p []byte) (int, error)
}

// Flusher is implemented by ResponseWriters that can send what was written
// so far to the client now, for streaming responses. In HTTP/1.1 a flushed
// response of unknown length is sent chunked.
type Flusher interface {
	Flush() error
}

// TrailerWriter is implemented by ResponseWriters that can send trailer
// fields after the content: after the last chunk in HTTP/1.1, as a final
// HEADERS frame in HTTP/2. Fields added to Trailer() before the handler
// returns are sent; declaring them in a "Trailer" header field first is
// polite (RFC 9110, section 6.6.2). An HTTP/1.1 response with trailers is
// always chunked; an HTTP/1.0 one drops them.
type TrailerWriter interface {
	Trailer() *Header
}

// Pusher is implemented by ResponseWriters that support HTTP/2 server push
// (RFC 9113, section 8.4). HTTP/1 ResponseWriters do not implement it.
type Pusher interface {
	// Push starts a pushed response for target (a path), as if the client
	// had requested it with opts' method and header (GET and the original
	// request's header fields when opts is nil). It returns
	// [ErrPushNotSupported] when the client disabled push.
	Push(target string, opts *PushOptions) error
}

// PushOptions describes a pushed request for [Pusher.Push].
type PushOptions struct {
	Method Method // GET or HEAD; "" means GET
	Header Header // request header fields of the promised request
}

// ErrPushNotSupported is returned by [Pusher.Push] when push is not
// possible on this connection.
var ErrPushNotSupported = errors.New("http1: push not supported")

// Hijacker is implemented by the HTTP/1 ResponseWriter: Hijack takes the
// connection over from the server (for WebSocket or CONNECT tunnels). The
// server then neither writes to it nor closes it. The bufio.ReadWriter
// holds bytes the server had read ahead.
type Hijacker interface {
	Hijack() (net.Conn, *bufio.ReadWriter, error)
}

// Error replies with status and a plain-text message (one line). The
// message is sent as written: do not put internal error details in it.
func Error(w ResponseWriter, msg string, status Status) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write([]byte(msg + "\n"))
}

// NotFound replies 404 Not Found.
func NotFound(w ResponseWriter, r *Request) { Error(w, "404 page not found", StatusNotFound) }

// NotFoundHandler returns a Handler that replies 404 Not Found.
func NotFoundHandler() Handler { return HandlerFunc(NotFound) }

// Redirect replies with a redirection (301, 302, 303, 307 or 308) to
// target, which may be relative to the request path.
func Redirect(w ResponseWriter, r *Request, target string, status Status) {
	if !strings.Contains(target, "://") && !strings.HasPrefix(target, "/") {
		dir := r.Path()
		if i := strings.LastIndexByte(dir, '/'); i >= 0 {
			dir = dir[:i+1]
		}
		target = dir + target
	}
	w.Header().Set("Location", target)
	if r.Method == MethodGet || r.Method == MethodHead {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	w.WriteHeader(status)
	if r.Method == MethodGet {
		w.Write([]byte("<a href=\"" + htmlEscape(target) + "\">" + status.Reason() + "</a>.\n"))
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
