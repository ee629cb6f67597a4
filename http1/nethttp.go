package http1

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"slices"
)

// FromNetHTTP adapts a net/http Handler so that it runs on this package's
// [Server] (or on http2's). The *http.Request it sees is built from the
// Request; its Body is the Request's Body.
func FromNetHTTP(h http.Handler) Handler {
	return HandlerFunc(func(w ResponseWriter, r *Request) {
		hr, err := toStdRequest(r)
		if err != nil {
			Error(w, "400 bad request", StatusBadRequest)
			return
		}
		sw := &stdWriter{w: w, header: make(http.Header)}
		h.ServeHTTP(sw, hr)
		if !sw.wrote {
			sw.WriteHeader(http.StatusOK)
		}
		sw.copyTrailers()
	})
}

func toStdRequest(r *Request) (*http.Request, error) {
	u, err := r.URL()
	if err != nil {
		return nil, err
	}
	hr := &http.Request{
		Method:        string(r.Method),
		URL:           u,
		Proto:         r.Version.String(),
		ProtoMajor:    r.Version.Major,
		ProtoMinor:    r.Version.Minor,
		Header:        make(http.Header, r.Header.Len()),
		ContentLength: r.ContentLength,
		Close:         r.Close,
		Host:          r.Host,
		RemoteAddr:    r.RemoteAddr,
		RequestURI:    r.Target,
		TLS:           r.TLS,
	}
	if r.Chunked {
		hr.TransferEncoding = []string{"chunked"}
	}
	for _, f := range r.Header.Fields() {
		if !equalFold(f.Name, "Host") {
			hr.Header.Add(f.Name, f.Value)
		}
	}
	hr.Body = http.NoBody
	if r.Body != nil && r.Body != NoBody {
		hr.Body = readCloser{r.Body}
	}
	return hr.WithContext(r.Context()), nil
}

type readCloser struct{ r io.Reader }

func (rc readCloser) Read(p []byte) (int, error) { return rc.r.Read(p) }
func (rc readCloser) Close() error               { return nil }

// stdWriter is an http.ResponseWriter over a ResponseWriter.
type stdWriter struct {
	w      ResponseWriter
	header http.Header
	wrote  bool
}

func (sw *stdWriter) Header() http.Header { return sw.header }

func (sw *stdWriter) WriteHeader(code int) {
	if sw.wrote {
		return
	}
	h := sw.w.Header()
	h.Reset()
	for _, k := range slices.Sorted(mapKeys(sw.header)) {
		if len(k) > len(http.TrailerPrefix) && k[:len(http.TrailerPrefix)] == http.TrailerPrefix {
			continue // sent after the content by copyTrailers
		}
		for _, v := range sw.header[k] {
			h.Add(k, v)
		}
	}
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		sw.w.WriteHeader(Status(code))
		return
	}
	sw.wrote = true
	sw.w.WriteHeader(Status(code))
}

func (sw *stdWriter) Write(p []byte) (int, error) {
	if !sw.wrote {
		sw.WriteHeader(http.StatusOK)
	}
	return sw.w.Write(p)
}

// Flush implements http.Flusher.
func (sw *stdWriter) Flush() {
	if !sw.wrote {
		sw.WriteHeader(http.StatusOK)
	}
	if f, ok := sw.w.(Flusher); ok {
		f.Flush()
	}
}

// Hijack implements http.Hijacker when the underlying writer can.
func (sw *stdWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if hj, ok := sw.w.(Hijacker); ok {
		return hj.Hijack()
	}
	return nil, nil, http.ErrNotSupported
}

// copyTrailers sends the fields declared as trailers ("Trailer" field or
// http.TrailerPrefix keys) when the writer supports trailers.
func (sw *stdWriter) copyTrailers() {
	tw, ok := sw.w.(TrailerWriter)
	if !ok {
		return
	}
	declared := map[string]bool{}
	for _, v := range sw.header.Values("Trailer") {
		for _, k := range splitList(v) {
			declared[http.CanonicalHeaderKey(k)] = true
		}
	}
	t := tw.Trailer()
	for _, k := range slices.Sorted(mapKeys(sw.header)) {
		name := k
		if len(k) > len(http.TrailerPrefix) && k[:len(http.TrailerPrefix)] == http.TrailerPrefix {
			name = k[len(http.TrailerPrefix):]
		} else if !declared[k] {
			continue
		}
		for _, v := range sw.header[k] {
			t.Add(name, v)
		}
	}
}

func mapKeys(h http.Header) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range h {
			if !yield(k) {
				return
			}
		}
	}
}

func splitList(v string) []string {
	var out []string
	for len(v) > 0 {
		var e string
		if i := indexByteString(v, ','); i >= 0 {
			e, v = v[:i], v[i+1:]
		} else {
			e, v = v, ""
		}
		if e = trimOWS(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

func indexByteString(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// ToNetHTTP adapts a Handler of this package so that it runs inside a
// net/http server. The Request it sees is built from the *http.Request.
func ToNetHTTP(h Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, hr *http.Request) {
		r := fromStdRequest(hr)
		nw := &netWriter{w: w}
		h.ServeHTTP(nw, r)
		nw.finish()
	})
}

func fromStdRequest(hr *http.Request) *Request {
	r := &Request{
		Method:        Method(hr.Method),
		Target:        hr.RequestURI,
		Host:          hr.Host,
		Version:       Version{hr.ProtoMajor, hr.ProtoMinor},
		ContentLength: hr.ContentLength,
		Close:         hr.Close,
		RemoteAddr:    hr.RemoteAddr,
		TLS:           hr.TLS,
		Body:          hr.Body,
		ctx:           hr.Context(),
	}
	if r.Target == "" {
		r.Target = hr.URL.RequestURI()
	}
	switch {
	case r.Method == MethodConnect:
		r.Form = AuthorityForm
	case r.Target == "*":
		r.Form = AsteriskForm
	case len(r.Target) > 0 && r.Target[0] != '/':
		r.Form = AbsoluteForm
	}
	r.Scheme = "http"
	if hr.TLS != nil {
		r.Scheme = "https"
	}
	if slices.Contains(hr.TransferEncoding, "chunked") {
		r.Chunked = true
	}
	if hr.Body == nil {
		r.Body = NoBody
	}
	r.Header.Add("Host", hr.Host)
	for _, k := range slices.Sorted(mapKeys(hr.Header)) {
		for _, v := range hr.Header[k] {
			r.Header.Add(k, v)
		}
	}
	return r
}

// netWriter is a ResponseWriter over an http.ResponseWriter.
type netWriter struct {
	w       http.ResponseWriter
	header  Header
	trailer Header
	wrote   bool
}

func (nw *netWriter) Header() *Header  { return &nw.header }
func (nw *netWriter) Trailer() *Header { return &nw.trailer }

func (nw *netWriter) WriteHeader(s Status) {
	if nw.wrote {
		return
	}
	h := nw.w.Header()
	for _, f := range nw.header.Fields() {
		h.Add(f.Name, f.Value)
	}
	if !s.Informational() || s == StatusSwitchingProtocols {
		nw.wrote = true
	}
	nw.w.WriteHeader(int(s))
	if s.Informational() {
		clear(h) // interim fields are not repeated on the final response
	}
}

func (nw *netWriter) Write(p []byte) (int, error) {
	if !nw.wrote {
		nw.WriteHeader(StatusOK)
	}
	return nw.w.Write(p)
}

// Flush implements Flusher.
func (nw *netWriter) Flush() error {
	if !nw.wrote {
		nw.WriteHeader(StatusOK)
	}
	return http.NewResponseController(nw.w).Flush()
}

// Push implements Pusher when net/http serves HTTP/2 with push.
func (nw *netWriter) Push(target string, opts *PushOptions) error {
	p, ok := nw.w.(http.Pusher)
	if !ok {
		return ErrPushNotSupported
	}
	var po *http.PushOptions
	if opts != nil {
		po = &http.PushOptions{Method: string(opts.Method), Header: make(http.Header)}
		for _, f := range opts.Header.Fields() {
			po.Header.Add(f.Name, f.Value)
		}
	}
	return p.Push(target, po)
}

// Hijack implements Hijacker through net/http's.
func (nw *netWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(nw.w).Hijack()
}

func (nw *netWriter) finish() {
	if !nw.wrote {
		nw.WriteHeader(StatusOK)
	}
	if nw.trailer.Len() == 0 {
		return
	}
	// Flushing before the end makes net/http send the content chunked,
	// which is what carries trailers.
	http.NewResponseController(nw.w).Flush()
	h := nw.w.Header()
	for _, f := range nw.trailer.Fields() {
		h.Add(http.TrailerPrefix+f.Name, f.Value)
	}
}
