package dns

import (
	"context"
	"net"
	"sync"
)

// Handler answers DNS requests. ServeDNS reads the request r and writes
// zero or more replies with w: one for an ordinary query, several for a zone
// transfer over TCP. Writing nothing sends nothing (the client times out).
// Calls run concurrently. ctx is canceled when the server shuts down. If
// ServeDNS panics, the server recovers, logs the panic and answers SERVFAIL.
type Handler interface {
	ServeDNS(ctx context.Context, w ResponseWriter, r *Msg)
}

// HandlerFunc adapts a function to a [Handler].
type HandlerFunc func(ctx context.Context, w ResponseWriter, r *Msg)

// ServeDNS calls f(ctx, w, r).
func (f HandlerFunc) ServeDNS(ctx context.Context, w ResponseWriter, r *Msg) { f(ctx, w, r) }

var _ Handler = HandlerFunc(nil)

// ResponseWriter sends replies to the client of one request.
type ResponseWriter interface {
	// WriteMsg sends m. Over UDP, a reply larger than the client can take
	// (512 octets, or its EDNS0 payload size) is cut: first the additional
	// section, then everything but the question with TC set. The server
	// adds an OPT record when the request had one. Over UDP only the first
	// call sends; over TCP each call sends one length-prefixed message.
	WriteMsg(m *Msg) error
	// RemoteAddr returns the client's address.
	RemoteAddr() net.Addr
	// LocalAddr returns the address the request arrived on.
	LocalAddr() net.Addr
	// Network returns "udp" or "tcp".
	Network() string
}

// ServeMux routes a request to the handler of the longest zone that
// encloses its question name; names outside every zone get REFUSED
// (RFC 2136 and RFC 1034 practice). The zero value is ready to use.
type ServeMux struct {
	mu    sync.RWMutex
	zones map[Name]Handler
}

// Handle registers h for zone and every name below it. The root zone "."
// catches every name.
func (mux *ServeMux) Handle(zone Name, h Handler) {
	mux.mu.Lock()
	defer mux.mu.Unlock()
	if mux.zones == nil {
		mux.zones = make(map[Name]Handler)
	}
	mux.zones[zone.Canonical()] = h
}

// HandleFunc registers a function for zone.
func (mux *ServeMux) HandleFunc(zone Name, f func(ctx context.Context, w ResponseWriter, r *Msg)) {
	mux.Handle(zone, HandlerFunc(f))
}

// Handler returns the handler for name, or nil.
func (mux *ServeMux) Handler(name Name) Handler {
	mux.mu.RLock()
	defer mux.mu.RUnlock()
	for n := name.Canonical(); ; n = n.Parent() {
		if h, ok := mux.zones[n]; ok {
			return h
		}
		if n.IsRoot() {
			return nil
		}
	}
}

// ServeDNS dispatches r by its first question's name.
func (mux *ServeMux) ServeDNS(ctx context.Context, w ResponseWriter, r *Msg) {
	if len(r.Question) == 0 {
		replyError(w, r, RcodeFormatError)
		return
	}
	h := mux.Handler(r.Question[0].Name)
	if h == nil {
		replyError(w, r, RcodeRefused)
		return
	}
	h.ServeDNS(ctx, w, r)
}

// replyError answers r with rcode and no records.
func replyError(w ResponseWriter, r *Msg, rcode Rcode) {
	m := new(Msg).SetReply(r)
	m.Rcode = rcode
	w.WriteMsg(m)
}
