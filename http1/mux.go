package http1

import (
	"path"
	"sort"
	"strings"
	"sync"
)

// ServeMux routes requests to handlers by path, and optionally by method
// and host. A pattern is "[METHOD ][HOST]/PATH":
//
//	"/"                 every request no other pattern matches
//	"/static/"          the subtree under /static/ (a trailing slash)
//	"/about"            exactly /about
//	"GET /items"        GET (and HEAD) of /items
//	"example.org/"      requests with Host example.org
//
// The longest matching path wins; a pattern with a host beats one without;
// among equal paths a pattern with a method beats one without. A path with
// "." or ".." elements or doubled slashes is redirected (301) to its clean
// form. A path that matches only patterns of other methods gets 405 with
// an Allow field.
//
// A ServeMux is safe for concurrent use; its zero value is ready to use.
type ServeMux struct {
	mu      sync.RWMutex
	entries []muxEntry // sorted: longest path first
}

type muxEntry struct {
	method  Method
	host    string
	path    string
	subtree bool
	h       Handler
}

// NewServeMux returns an empty ServeMux.
func NewServeMux() *ServeMux { return new(ServeMux) }

// Handle registers h for pattern. It panics on a malformed or duplicate
// pattern, which is a programming error.
func (m *ServeMux) Handle(pattern string, h Handler) {
	if h == nil {
		panic("http1: nil handler for " + pattern)
	}
	e := muxEntry{h: h}
	rest := pattern
	if i := strings.IndexByte(rest, ' '); i >= 0 {
		e.method, rest = Method(rest[:i]), strings.TrimLeft(rest[i+1:], " ")
		if !validMethod(e.method) {
			panic("http1: bad method in pattern " + pattern)
		}
	}
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		panic("http1: pattern without a path: " + pattern)
	}
	e.host, e.path = rest[:i], rest[i:]
	e.subtree = strings.HasSuffix(e.path, "/")
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, x := range m.entries {
		if x.method == e.method && x.host == e.host && x.path == e.path {
			panic("http1: pattern registered twice: " + pattern)
		}
	}
	m.entries = append(m.entries, e)
	sort.SliceStable(m.entries, func(a, b int) bool {
		x, y := m.entries[a], m.entries[b]
		if len(x.path) != len(y.path) {
			return len(x.path) > len(y.path)
		}
		if (x.host != "") != (y.host != "") {
			return x.host != ""
		}
		return x.method != "" && y.method == ""
	})
}

// HandleFunc registers f for pattern.
func (m *ServeMux) HandleFunc(pattern string, f func(ResponseWriter, *Request)) {
	m.Handle(pattern, HandlerFunc(f))
}

// Handler returns the handler for r and the pattern's path, or a 404 or
// 405 handler with path "".
func (m *ServeMux) Handler(r *Request) (Handler, string) {
	p := r.Path()
	host := r.Host
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		host = host[:i]
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var allow []string
	for _, host := range []string{host, ""} {
		for _, e := range m.entries {
			if e.host != host || !(p == e.path || e.subtree && strings.HasPrefix(p, e.path)) {
				continue
			}
			if e.method != "" && e.method != r.Method && !(e.method == MethodGet && r.Method == MethodHead) {
				allow = append(allow, string(e.method))
				continue
			}
			return e.h, e.path
		}
	}
	if len(allow) > 0 {
		allowed := strings.Join(allow, ", ")
		return HandlerFunc(func(w ResponseWriter, r *Request) {
			w.Header().Set("Allow", allowed)
			Error(w, "405 method not allowed", StatusMethodNotAllowed)
		}), ""
	}
	return NotFoundHandler(), ""
}

// ServeHTTP dispatches r to the handler whose pattern matches best.
func (m *ServeMux) ServeHTTP(w ResponseWriter, r *Request) {
	if r.Form == AsteriskForm {
		if r.Method == MethodOptions {
			w.Header().Set("Content-Length", "0")
			w.WriteHeader(StatusOK)
			return
		}
		Error(w, "400 bad request", StatusBadRequest)
		return
	}
	if p := r.Path(); p != "" && r.Method != MethodConnect {
		if clean := cleanPath(p); clean != p {
			if q := r.RawQuery(); q != "" {
				clean += "?" + q
			}
			Redirect(w, r, clean, StatusMovedPermanently)
			return
		}
	}
	h, _ := m.Handler(r)
	h.ServeHTTP(w, r)
}

// cleanPath removes "." and ".." elements and doubled slashes, keeping a
// trailing slash.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}
