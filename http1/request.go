package http1

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net/url"
	"strings"
)

// Request is an HTTP request: what a client sends and what a server's
// [Handler] receives. It is transport-neutral: the http2 package fills the
// same fields from a HEADERS frame (:method, :scheme, :authority, :path).
//
// A Request filled by [Reader.ReadRequest] or [ParseRequestHead] refers to
// the bytes it was parsed from; its strings stay valid until the Request is
// read into again. [Request.Clone] makes a copy that owns its storage.
type Request struct {
	Method  Method     // "GET"
	Target  string     // request-target as on the wire: "/a?b", "http://h/a", "h:443" or "*"; in HTTP/2 the :path
	Form    TargetForm // which of the four forms Target has
	Scheme  string     // "http" or "https" when known (absolute-form target, TLS, or HTTP/2 :scheme); may be ""
	Host    string     // the authority: the absolute-form target's, else the Host field; HTTP/2 :authority
	Version Version    // HTTP11, HTTP10 (or HTTP20 from the http2 package)
	Header  Header     // header fields in order, including Host and the framing fields as received

	// Body is the content. On a server it is never nil ([NoBody] when the
	// request has none) and the server closes it. On a client, nil means
	// no content.
	Body io.Reader

	// ContentLength is the content's length in bytes, or -1 when unknown
	// (chunked). When writing, -1 with a non-nil Body on HTTP/1.1 sends
	// chunked transfer coding.
	ContentLength int64

	// Chunked reports that the content uses chunked transfer coding
	// (RFC 9112, section 7.1). An HTTP/1 framing detail: http2 ignores it.
	Chunked bool

	// Trailer holds the fields that followed a chunked body. It is filled
	// once Body has returned io.EOF. When writing, its fields are sent
	// after the last chunk.
	Trailer Header

	// Close reports that the connection ends after this exchange:
	// "Connection: close" in HTTP/1.1, the default in HTTP/1.0 without
	// "Connection: keep-alive" (RFC 9112, section 9.3).
	Close bool

	// RemoteAddr is the peer's address, set by the server.
	RemoteAddr string

	// TLS describes the TLS connection the request came over, or is nil.
	TLS *tls.ConnectionState

	ctx   context.Context
	arena []byte     // the head bytes the strings above point into
	body  bodyReader // Body's storage when read by a Reader
}

// NewRequest returns a client request for method and an absolute URL
// ("http://host/path?q"). body may be nil; its length is taken from
// *bytes.Reader, *strings.Reader and *bytes.Buffer, otherwise it is sent
// chunked.
func NewRequest(ctx context.Context, method Method, rawURL string, body io.Reader) (*Request, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, &SyntaxError{Err: ErrBadTarget, Text: rawURL}
	}
	if u.Host == "" {
		return nil, &SyntaxError{Err: ErrBadHost, Text: rawURL}
	}
	target := u.RequestURI()
	r := &Request{
		Method:  method,
		Target:  target,
		Form:    OriginForm,
		Scheme:  u.Scheme,
		Host:    u.Host,
		Version: HTTP11,
		Body:    body,
		ctx:     ctx,
	}
	switch b := body.(type) {
	case nil:
	case *bytes.Reader:
		r.ContentLength = int64(b.Len())
	case *strings.Reader:
		r.ContentLength = int64(b.Len())
	case *bytes.Buffer:
		r.ContentLength = int64(b.Len())
	default:
		r.ContentLength = -1
	}
	if r.ContentLength == 0 && body != nil {
		r.Body = nil
	}
	return r, nil
}

// Context returns the request's context: on a server it is cancelled when
// the connection closes or the server shuts down; on a client it bounds the
// whole exchange. It is never nil.
func (r *Request) Context() context.Context {
	if r.ctx != nil {
		return r.ctx
	}
	return context.Background()
}

// WithContext returns a shallow copy of r with ctx as its context.
func (r *Request) WithContext(ctx context.Context) *Request {
	r2 := new(Request)
	*r2 = *r
	r2.ctx = ctx
	return r2
}

// SetContext replaces r's context in place (used by servers and the http2
// package, which build the Request themselves).
func (r *Request) SetContext(ctx context.Context) { r.ctx = ctx }

// Path returns the path of the target without the query: "/a" for "/a?b"
// and for "http://h/a?b"; "" for the authority and asterisk forms.
func (r *Request) Path() string {
	t := r.Target
	switch r.Form {
	case AbsoluteForm:
		_, _, rest := splitAbsolute(t)
		t = rest
		if t == "" || t[0] == '?' {
			t = "/" + t
		}
	case AuthorityForm, AsteriskForm:
		return ""
	}
	if i := strings.IndexByte(t, '?'); i >= 0 {
		return t[:i]
	}
	return t
}

// RawQuery returns the query of the target, without the "?".
func (r *Request) RawQuery() string {
	if r.Form == AuthorityForm || r.Form == AsteriskForm {
		return ""
	}
	if i := strings.IndexByte(r.Target, '?'); i >= 0 {
		return r.Target[i+1:]
	}
	return ""
}

// URL returns the effective request URI (RFC 9112, section 3.3) as a
// *url.URL: scheme (default "http"), Host and the target. It allocates.
func (r *Request) URL() (*url.URL, error) {
	switch r.Form {
	case AbsoluteForm:
		return url.Parse(r.Target)
	case AuthorityForm:
		return &url.URL{Host: r.Target}, nil
	case AsteriskForm:
		return &url.URL{Scheme: r.scheme(), Host: r.Host}, nil
	}
	u, err := url.ParseRequestURI(r.Target)
	if err != nil {
		return nil, err
	}
	u.Scheme, u.Host = r.scheme(), r.Host
	return u, nil
}

func (r *Request) scheme() string {
	if r.Scheme != "" {
		return r.Scheme
	}
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// ExpectsContinue reports whether the client sent "Expect: 100-continue"
// and waits for a 100 (Continue) before sending the content (RFC 9110,
// section 10.1.1).
func (r *Request) ExpectsContinue() bool {
	return r.Version.AtLeast(1, 1) && r.Header.HasToken("Expect", "100-continue")
}

// Clone returns a deep copy of r's head (strings included) with ctx, so it
// outlives a Request that is read into again. The Body is shared.
func (r *Request) Clone(ctx context.Context) *Request {
	r2 := &Request{
		Method:        Method(strings.Clone(string(r.Method))),
		Target:        strings.Clone(r.Target),
		Form:          r.Form,
		Scheme:        strings.Clone(r.Scheme),
		Host:          strings.Clone(r.Host),
		Version:       r.Version,
		Header:        r.Header.Clone(),
		Body:          r.Body,
		ContentLength: r.ContentLength,
		Chunked:       r.Chunked,
		Trailer:       r.Trailer.Clone(),
		Close:         r.Close,
		RemoteAddr:    r.RemoteAddr,
		TLS:           r.TLS,
		ctx:           ctx,
	}
	return r2
}

// Reset clears r for reuse, keeping its storage. Strings obtained from r
// before Reset must not be used afterwards if r is read into again.
func (r *Request) Reset() {
	arena, fields, tfields := r.arena[:0], r.Header.fields, r.Trailer.fields
	*r = Request{arena: arena}
	r.Header.fields = fields
	r.Header.Reset()
	r.Trailer.fields = tfields
	r.Trailer.Reset()
}

// ParseRequestHead parses a complete request head, the request line and
// the header section up to and including the empty line, into r (RFC 9112,
// sections 3 and 5). It is the pure codec under [Reader.ReadRequest]: it
// does no I/O and enforces lim.MaxHeaderFields (the byte limits are the
// reader's). The strings stored in r point into b, so b must not change
// while r is in use. Body is left nil.
//
// What is accepted, and why (the request-smuggling defences):
//   - Lines end in CRLF. A bare LF is rejected (ErrBareLF): RFC 9112,
//     section 2.2 allows accepting it, but two parsers that disagree about
//     line ends are how smuggling starts.
//   - Up to [maxLeadingEmptyLines] empty lines before the request line are
//     skipped (section 2.2 asks servers to tolerate one after a POST).
//   - A field line that starts with SP or HTAB (obs-fold) is rejected with
//     400 (section 5.2 allows this instead of unfolding).
//   - Whitespace between a field name and its colon is rejected (section 5.1).
//   - Content-Length must be digits; repeated values must be identical
//     ("5, 5" is 5), anything else is ErrBadContentLength.
//   - Transfer-Encoding together with Content-Length is rejected
//     (ErrLengthAndChunked); Transfer-Encoding in HTTP/1.0 is rejected; the
//     only coding accepted is a single "chunked" (others give 501).
//   - HTTP/1.1 needs exactly one valid Host field (section 3.2).
func ParseRequestHead(b []byte, r *Request, lim Limits) error {
	r.Header.Reset()
	n := 0
	for n < maxLeadingEmptyLines && len(b) > 0 && (b[0] == '\r' || b[0] == '\n') {
		if bytes.HasPrefix(b, crlf) {
			b = b[2:]
		} else {
			return syntaxErr(ErrBareLF, b)
		}
		n++
	}
	line, rest, err := cutLine(b)
	if err != nil {
		return err
	}
	if err := parseRequestLine(line, r); err != nil {
		return err
	}
	var fr framing
	if err := parseFields(rest, &r.Header, lim, &fr); err != nil {
		return err
	}
	return fr.applyRequest(r)
}

// maxLeadingEmptyLines is how many empty lines may precede a request line.
const maxLeadingEmptyLines = 4

var crlf = []byte("\r\n")

// cutLine splits b at the first CRLF, rejecting a bare LF or CR.
func cutLine(b []byte) (line, rest []byte, err error) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return nil, nil, syntaxErr(ErrBadRequestLine, b)
	}
	if i == 0 || b[i-1] != '\r' {
		return nil, nil, syntaxErr(ErrBareLF, b[:i+1])
	}
	return b[:i-1], b[i+1:], nil
}

// parseRequestLine parses "method SP request-target SP HTTP-version"
// (RFC 9112, section 3): single spaces, nothing else.
func parseRequestLine(line []byte, r *Request) error {
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 <= 0 {
		return syntaxErr(ErrBadRequestLine, line)
	}
	method := line[:sp1]
	rest := line[sp1+1:]
	sp2 := bytes.IndexByte(rest, ' ')
	if sp2 <= 0 {
		return syntaxErr(ErrBadRequestLine, line)
	}
	target, vers := rest[:sp2], rest[sp2+1:]
	for _, c := range method {
		if !isTokenChar(c) {
			return syntaxErr(ErrBadRequestLine, line)
		}
	}
	v, err := parseVersion(vers)
	if err != nil {
		return err
	}
	if v.Major != 1 {
		return syntaxErr(ErrVersionNotSupported, vers)
	}
	if m := knownMethod(method); m != "" {
		r.Method = m
	} else {
		r.Method = Method(unsafeString(method))
	}
	r.Version = v
	return parseTarget(target, r)
}

// parseVersion parses "HTTP/" DIGIT "." DIGIT (RFC 9112, section 2.3).
func parseVersion(b []byte) (Version, error) {
	if len(b) != 8 || string(b[:5]) != "HTTP/" || !isDigit(b[5]) || b[6] != '.' || !isDigit(b[7]) {
		return Version{}, syntaxErr(ErrBadVersion, b)
	}
	return Version{int(b[5] - '0'), int(b[7] - '0')}, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// parseTarget classifies and checks a request-target (RFC 9112, section
// 3.2). Allowed octets are the visible ASCII characters except '#' (a
// fragment is never sent); the form must fit the method.
func parseTarget(t []byte, r *Request) error {
	for _, c := range t {
		if c <= ' ' || c >= 0x7f || c == '#' {
			return syntaxErr(ErrBadTarget, t)
		}
	}
	r.Target = unsafeString(t)
	r.Scheme, r.Host = "", ""
	switch {
	case r.Method == MethodConnect:
		// authority-form: host ":" port, and nothing else.
		if t[0] == '/' || !validAuthority(r.Target) || strings.IndexByte(r.Target, ':') < 0 {
			return syntaxErr(ErrBadTarget, t)
		}
		r.Form = AuthorityForm
		r.Host = r.Target
	case t[0] == '/':
		r.Form = OriginForm
	case len(t) == 1 && t[0] == '*':
		if r.Method != MethodOptions {
			return syntaxErr(ErrBadTarget, t)
		}
		r.Form = AsteriskForm
	default:
		scheme, authority, _ := splitAbsolute(r.Target)
		if scheme == "" || !validAuthority(authority) {
			return syntaxErr(ErrBadTarget, t)
		}
		r.Form = AbsoluteForm
		r.Scheme = scheme
		r.Host = authority
	}
	return nil
}

// splitAbsolute splits "scheme://authority/rest" into its parts; scheme is
// "" when t is not an absolute URI with an authority.
func splitAbsolute(t string) (scheme, authority, rest string) {
	i := strings.Index(t, "://")
	if i <= 0 || !isAlpha(t[0]) {
		return "", "", ""
	}
	for j := 1; j < i; j++ {
		c := t[j]
		if !isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.' {
			return "", "", ""
		}
	}
	scheme, t = t[:i], t[i+3:]
	end := strings.IndexAny(t, "/?")
	if end < 0 {
		end = len(t)
	}
	return scheme, t[:end], t[end:]
}

func isAlpha(c byte) bool { return 'A' <= c&^0x20 && c&^0x20 <= 'Z' }

// validAuthority checks uri-host [":" port] loosely: the characters of
// reg-name, IPv4 and IP-literal (RFC 3986, section 3.2.2), no userinfo.
func validAuthority(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlpha(c), isDigit(c):
		case strings.IndexByte("-._~%!$&'()*+,;=:[]", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// applyRequest sets r's framing fields from the header (RFC 9112,
// section 6.3 for requests).
func (fr *framing) applyRequest(r *Request) error {
	switch {
	case fr.hosts > 1:
		return ErrBadHost
	case fr.hosts == 1 && !validAuthority(fr.host):
		return &SyntaxError{Err: ErrBadHost, Text: fr.host}
	case fr.hosts == 0 && r.Version.AtLeast(1, 1):
		return ErrMissingHost
	}
	if r.Form != AbsoluteForm && r.Form != AuthorityForm {
		r.Host = fr.host
	}
	if r.Version.AtLeast(1, 1) {
		r.Close = fr.connClose
	} else {
		r.Close = !fr.keepAlive || fr.connClose
	}
	r.Chunked = false
	r.ContentLength = 0
	if fr.teSeen {
		switch {
		case !r.Version.AtLeast(1, 1):
			return ErrChunkedHTTP10
		case fr.contentLength >= 0:
			return ErrLengthAndChunked
		case fr.teBad:
			return ErrBadTransferCoding
		}
		r.Chunked = true
		r.ContentLength = -1
		return nil
	}
	if fr.contentLength >= 0 {
		r.ContentLength = fr.contentLength
	}
	return nil
}

// AppendRequestHead appends r's request line and header section. Host is
// written first from r.Host when the header has none; Content-Length and
// Transfer-Encoding in r.Header are ignored and written from ContentLength,
// Chunked and Body instead, so the framing cannot disagree with the body;
// "Connection: close" (or "keep-alive" in HTTP/1.0) is added to match
// r.Close. Fields with a bad name or a value holding CR, LF or NUL are an
// error, so a header value can never inject a line.
func AppendRequestHead(b []byte, r *Request) ([]byte, error) {
	if !validMethod(r.Method) {
		return b, &SyntaxError{Err: ErrBadRequestLine, Text: string(r.Method)}
	}
	if r.Target == "" || strings.ContainsAny(r.Target, " \r\n\t#") {
		return b, &SyntaxError{Err: ErrBadTarget, Text: r.Target}
	}
	if err := r.Header.validate(); err != nil {
		return b, err
	}
	v := r.Version
	if v.Major == 0 {
		v = HTTP11
	}
	b = append(b, r.Method...)
	b = append(b, ' ')
	b = append(b, r.Target...)
	b = append(b, ' ')
	b = v.append(b)
	b = append(b, "\r\n"...)
	if !r.Header.Has("Host") {
		if !validAuthority(r.Host) {
			return b, &SyntaxError{Err: ErrBadHost, Text: r.Host}
		}
		b = append(b, "Host: "...)
		b = append(b, r.Host...)
		b = append(b, "\r\n"...)
	}
	b = appendFieldsExceptFraming(b, &r.Header)
	chunked := r.Chunked || r.ContentLength < 0 && r.Body != nil
	switch {
	case chunked && v.AtLeast(1, 1):
		b = append(b, "Transfer-Encoding: chunked\r\n"...)
	case r.ContentLength > 0 || r.ContentLength == 0 && (r.Body != nil || methodHasBody(r.Method)):
		b = appendContentLength(b, r.ContentLength)
	}
	b = appendConnection(b, &r.Header, v, r.Close)
	return append(b, "\r\n"...), nil
}

func validMethod(m Method) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		if !isTokenChar(m[i]) {
			return false
		}
	}
	return true
}

// methodHasBody reports whether a request with method m is expected to
// carry content, so an empty one gets "Content-Length: 0".
func methodHasBody(m Method) bool {
	return m == MethodPost || m == MethodPut || m == MethodPatch
}

func appendFieldsExceptFraming(b []byte, h *Header) []byte {
	for _, f := range h.fields {
		if equalFold(f.Name, "Content-Length") || equalFold(f.Name, "Transfer-Encoding") {
			continue
		}
		b = append(b, f.Name...)
		b = append(b, ": "...)
		b = append(b, f.Value...)
		b = append(b, "\r\n"...)
	}
	return b
}

func appendContentLength(b []byte, n int64) []byte {
	b = append(b, "Content-Length: "...)
	b = appendInt(b, n)
	return append(b, "\r\n"...)
}

func appendConnection(b []byte, h *Header, v Version, close bool) []byte {
	switch {
	case close && !h.HasToken("Connection", "close"):
		b = append(b, "Connection: close\r\n"...)
	case !close && !v.AtLeast(1, 1) && !h.HasToken("Connection", "keep-alive"):
		b = append(b, "Connection: keep-alive\r\n"...)
	}
	return b
}
