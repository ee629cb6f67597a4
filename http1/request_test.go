package http1

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// reqView is what the table compares: the parsed head without internals.
type reqView struct {
	Method        Method
	Target        string
	Form          TargetForm
	Scheme, Host  string
	Version       Version
	Fields        []Field
	ContentLength int64
	Chunked       bool
	Close         bool
	Path, Query   string
	Body          string
}

func viewRequest(t *testing.T, r *Request) reqView {
	t.Helper()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return reqView{r.Method, r.Target, r.Form, r.Scheme, r.Host, r.Version, r.Header.Fields(),
		r.ContentLength, r.Chunked, r.Close, r.Path(), r.RawQuery(), string(body)}
}

func TestReadRequest(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want reqView
	}{
		{
			// CHECKLIST A.3: the textbook request; "Accept-language:fr" has no space.
			name: "A.3 textbook page.html",
			in: "GET /somedir/page.html HTTP/1.1\r\nHost: www.someschool.edu\r\nUser-agent: Mozilla/4.0\r\n" +
				"Connection: close\r\nAccept-language:fr\r\n\r\n",
			want: reqView{Method: "GET", Target: "/somedir/page.html", Host: "www.someschool.edu", Version: HTTP11,
				Fields: []Field{{"Host", "www.someschool.edu"}, {"User-agent", "Mozilla/4.0"}, {"Connection", "close"}, {"Accept-language", "fr"}},
				Close:  true, Path: "/somedir/page.html"},
		},
		{
			// CHECKLIST A.4: Firefox 80, keep-alive, trailing space in User-Agent.
			name: "A.4 firefox keep-alive",
			in:   firefoxGET,
			want: reqView{Method: "GET", Target: "/index.html", Host: "www-net.cs.umass.edu", Version: HTTP11,
				Fields: []Field{{"Host", "www-net.cs.umass.edu"},
					{"User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:80.0) Gecko/20100101 Firefox/80.0"},
					{"Accept", "text/html, application/xhtml+xml"}, {"Accept-Language", "en-us, en; q=0.5"},
					{"Accept-Encoding", "gzip, deflate"}, {"Connection", "keep-alive"}},
				Path: "/index.html"},
		},
		{
			name: "telnet minimal GET",
			in:   "GET /~ross/ HTTP/1.1\r\nHost: cis.poly.edu\r\n\r\n",
			want: reqView{Method: "GET", Target: "/~ross/", Host: "cis.poly.edu", Version: HTTP11,
				Fields: []Field{{"Host", "cis.poly.edu"}}, Path: "/~ross/"},
		},
		{
			name: "form in URL",
			in:   "GET /animalsearch?monkeys&banana HTTP/1.0\r\n\r\n",
			want: reqView{Method: "GET", Target: "/animalsearch?monkeys&banana", Version: HTTP10,
				Close: true, Path: "/animalsearch", Query: "monkeys&banana"},
		},
		{
			name: "1.0 keep-alive",
			in:   "HEAD / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
			want: reqView{Method: "HEAD", Target: "/", Version: HTTP10, Fields: []Field{{"Connection", "Keep-Alive"}}, Path: "/"},
		},
		{
			name: "absolute-form to a proxy",
			in:   "GET http://www.example.org/pub/WWW/?x=1 HTTP/1.1\r\nHost: www.example.org\r\n\r\n",
			want: reqView{Method: "GET", Target: "http://www.example.org/pub/WWW/?x=1", Form: AbsoluteForm, Scheme: "http",
				Host: "www.example.org", Version: HTTP11, Fields: []Field{{"Host", "www.example.org"}}, Path: "/pub/WWW/", Query: "x=1"},
		},
		{
			name: "absolute-form without path",
			in:   "GET http://h.example:8080 HTTP/1.1\r\nHost: h.example:8080\r\n\r\n",
			want: reqView{Method: "GET", Target: "http://h.example:8080", Form: AbsoluteForm, Scheme: "http",
				Host: "h.example:8080", Version: HTTP11, Fields: []Field{{"Host", "h.example:8080"}}, Path: "/"},
		},
		{
			name: "authority-form CONNECT",
			in:   "CONNECT www.example.com:443 HTTP/1.1\r\nHost: www.example.com:443\r\n\r\n",
			want: reqView{Method: "CONNECT", Target: "www.example.com:443", Form: AuthorityForm, Host: "www.example.com:443",
				Version: HTTP11, Fields: []Field{{"Host", "www.example.com:443"}}},
		},
		{
			name: "asterisk-form OPTIONS",
			in:   "OPTIONS * HTTP/1.1\r\nHost: example.org\r\n\r\n",
			want: reqView{Method: "OPTIONS", Target: "*", Form: AsteriskForm, Host: "example.org", Version: HTTP11,
				Fields: []Field{{"Host", "example.org"}}},
		},
		{
			name: "POST with Content-Length",
			in:   "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nname=monkey",
			want: reqView{Method: "POST", Target: "/form", Host: "a", Version: HTTP11,
				Fields: []Field{{"Host", "a"}, {"Content-Length", "11"}}, ContentLength: 11, Path: "/form", Body: "name=monkey"},
		},
		{
			name: "repeated identical Content-Length",
			in:   "PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc",
			want: reqView{Method: "PUT", Target: "/x", Host: "a", Version: HTTP11,
				Fields: []Field{{"Host", "a"}, {"Content-Length", "3, 3"}, {"Content-Length", "3"}}, ContentLength: 3, Path: "/x", Body: "abc"},
		},
		{
			name: "chunked with extension and trailer",
			in: "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
				"5;name=val\r\nhello\r\n6\r\n world\r\n0\r\nExpires: never\r\n\r\n",
			want: reqView{Method: "POST", Target: "/up", Host: "a", Version: HTTP11,
				Fields: []Field{{"Host", "a"}, {"Transfer-Encoding", "chunked"}}, ContentLength: -1, Chunked: true,
				Path: "/up", Body: "hello world"},
		},
		{
			name: "empty lines before the request line",
			in:   "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
			want: reqView{Method: "GET", Target: "/", Host: "a", Version: HTTP11, Fields: []Field{{"Host", "a"}}, Path: "/"},
		},
		{
			name: "extension method and obs-text value",
			in:   "PROPFIND /d HTTP/1.1\r\nHost: a\r\nX-Name: caf\xc3\xa9 \t\r\n\r\n",
			want: reqView{Method: "PROPFIND", Target: "/d", Host: "a", Version: HTTP11,
				Fields: []Field{{"Host", "a"}, {"X-Name", "caf\xc3\xa9"}}, Path: "/d"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := NewReader(strings.NewReader(tt.in))
			var req Request
			if err := rd.ReadRequest(&req); err != nil {
				t.Fatalf("ReadRequest: %v", err)
			}
			got := viewRequest(t, &req)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ReadRequest(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			if err := rd.ReadRequest(&req); err != io.EOF {
				t.Errorf("second ReadRequest = %v, want io.EOF", err)
			}
		})
	}
}

const firefoxGET = "GET /index.html HTTP/1.1\r\n" +
	"Host: www-net.cs.umass.edu\r\n" +
	"User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:80.0) Gecko/20100101 Firefox/80.0 \r\n" +
	"Accept: text/html, application/xhtml+xml\r\n" +
	"Accept-Language: en-us, en; q=0.5\r\n" +
	"Accept-Encoding: gzip, deflate\r\n" +
	"Connection: keep-alive\r\n" +
	"\r\n"

// malformedRequests is every malformed input the server must refuse, with
// the sentinel and so the status. server_test.go sends each one over TCP.
var malformedRequests = []struct {
	name string
	in   string
	want *StatusError
}{
	{"A.4 as seeded: backslash target", "GET \\index.html HTTP/1.1\r\nHost: a\r\n\r\n", ErrBadTarget},
	{"A.4 as seeded: \\r\\h line end", "GET /index.html HTTP/1.1\\r\\hHost: a\r\n\r\n", ErrBadVersion},
	{"bare LF request line", "GET / HTTP/1.1\nHost: a\r\n\r\n", ErrBareLF},
	{"bare LF field", "GET / HTTP/1.1\r\nHost: a\n\r\n", ErrBareLF},
	{"bare LF end of head", "GET / HTTP/1.1\r\nHost: a\r\n\n", ErrBareLF},
	{"obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: one\r\n two\r\n\r\n", ErrObsFold},
	{"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", ErrBadFieldName},
	{"no colon (A.5 typo)", "GET / HTTP/1.1\r\nHost: a\r\nConnection close\r\n\r\n", ErrBadFieldName},
	{"NUL in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n", ErrBadFieldValue},
	{"CR in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", ErrBadFieldValue},
	{"missing Host in 1.1", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", ErrMissingHost},
	{"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", ErrBadHost},
	{"bad Host", "GET / HTTP/1.1\r\nHost: a b/c\r\n\r\n", ErrBadHost},
	{"CL and TE", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", ErrLengthAndChunked},
	{"conflicting CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", ErrBadContentLength},
	{"conflicting CL list", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\nhello", ErrBadContentLength},
	{"signed CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello", ErrBadContentLength},
	{"huge CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", ErrBadContentLength},
	{"TE gzip", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", ErrBadTransferCoding},
	{"TE chunked twice", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", ErrBadTransferCoding},
	{"TE in 1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", ErrChunkedHTTP10},
	{"HTTP/2.0 on h1", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", ErrVersionNotSupported},
	{"HTTP/0.9", "GET /\r\n\r\n", ErrBadRequestLine},
	{"lower-case version", "GET / http/1.1\r\nHost: a\r\n\r\n", ErrBadVersion},
	{"two spaces", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", ErrBadRequestLine},
	{"fragment in target", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", ErrBadTarget},
	{"asterisk with GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", ErrBadTarget},
	{"CONNECT with path", "CONNECT /x HTTP/1.1\r\nHost: a\r\n\r\n", ErrBadTarget},
	{"non-ASCII target", "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", ErrBadTarget},
	{"bad method char", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", ErrBadRequestLine},
	{"request line too long", "GET /" + strings.Repeat("a", DefaultMaxRequestLine) + " HTTP/1.1\r\nHost: a\r\n\r\n", ErrRequestLineTooLong},
	{"header too large", "GET / HTTP/1.1\r\nHost: a\r\nX: " + strings.Repeat("b", DefaultMaxHeaderBytes) + "\r\n\r\n", ErrHeaderTooLarge},
	{"too many fields", "GET / HTTP/1.1\r\nHost: a\r\n" + strings.Repeat("X: y\r\n", DefaultMaxHeaderFields) + "\r\n", ErrTooManyFields},
}

// malformedChunked are well-formed heads whose chunked body is not.
var malformedChunked = []struct {
	name string
	body string
	want *StatusError
}{
	{"hex prefix", "0x5\r\nhello\r\n0\r\n\r\n", ErrBadChunk},
	{"negative", "-5\r\nhello\r\n0\r\n\r\n", ErrBadChunk},
	{"leading space", " 5\r\nhello\r\n0\r\n\r\n", ErrBadChunk},
	{"garbage after size", "5 x\r\nhello\r\n0\r\n\r\n", ErrBadChunk},
	{"empty size", "\r\nhello\r\n0\r\n\r\n", ErrBadChunk},
	{"too many digits", "1000000000000000\r\nx\r\n", ErrBadChunk},
	{"no CRLF after data", "5\r\nhelloXX0\r\n\r\n", ErrBadChunk},
	{"bare LF size line", "5\nhello\r\n0\r\n\r\n", ErrBareLF},
	{"chunk line too long", "5;" + strings.Repeat("e", DefaultMaxChunkLine) + "\r\nhello\r\n0\r\n\r\n", ErrChunkLineTooLong},
	{"obs-fold in trailer", "0\r\nA: b\r\n c\r\n\r\n", ErrObsFold},
}

func TestReadRequestMalformed(t *testing.T) {
	for _, tt := range malformedRequests {
		t.Run(tt.name, func(t *testing.T) {
			var req Request
			err := NewReader(strings.NewReader(tt.in)).ReadRequest(&req)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ReadRequest(%.60q) = %v, want %v", tt.in, err, tt.want)
			}
			if got := StatusOf(err); got != tt.want.Status {
				t.Errorf("StatusOf = %v, want %v", got, tt.want.Status)
			}
		})
	}
	for _, tt := range malformedChunked {
		t.Run("chunked/"+tt.name, func(t *testing.T) {
			in := "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + tt.body
			var req Request
			if err := NewReader(strings.NewReader(in)).ReadRequest(&req); err != nil {
				t.Fatalf("ReadRequest: %v", err)
			}
			_, err := io.ReadAll(req.Body)
			if !errors.Is(err, tt.want) {
				t.Fatalf("reading body %q = %v, want %v", tt.body, err, tt.want)
			}
		})
	}
}

func TestReadRequestPipelined(t *testing.T) {
	in := "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n" +
		"POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc" +
		"POST /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nT: v\r\n\r\n" +
		"GET /4 HTTP/1.1\r\nHost: a\r\n\r\n"
	rd := NewReader(bufio.NewReaderSize(strings.NewReader(in), 16))
	var got []string
	var req Request
	for {
		err := rd.ReadRequest(&req)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(req.Body)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, req.Target+" "+string(b)+" "+req.Trailer.Get("T"))
	}
	want := []string{"/1  ", "/2 abc ", "/3 x v", "/4  "}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestLimitsCustom(t *testing.T) {
	rd := NewReader(strings.NewReader("GET /abcdef HTTP/1.1\r\nHost: a\r\n\r\n"))
	rd.Limits.MaxRequestLine = 10
	var req Request
	if err := rd.ReadRequest(&req); !errors.Is(err, ErrRequestLineTooLong) {
		t.Errorf("MaxRequestLine 10: %v", err)
	}
	rd = NewReader(strings.NewReader("GET / HTTP/1.1\r\nHost: a\r\nB: c\r\n\r\n"))
	rd.Limits.MaxHeaderFields = 1
	if err := rd.ReadRequest(&req); !errors.Is(err, ErrTooManyFields) {
		t.Errorf("MaxHeaderFields 1: %v", err)
	}
	// The limit counts CRLFs: "Host: a\r\n\r\n" is 11 bytes.
	for _, tc := range []struct {
		max int
		ok  bool
	}{{11, true}, {10, false}} {
		rd = NewReader(strings.NewReader("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
		rd.Limits.MaxHeaderBytes = tc.max
		err := rd.ReadRequest(&req)
		if (err == nil) != tc.ok {
			t.Errorf("MaxHeaderBytes %d: err = %v", tc.max, err)
		}
	}
}

func TestTruncatedRequest(t *testing.T) {
	for _, in := range []string{"GET / HTTP/1.1\r\nHost: a\r\n", "GET / HT", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab"} {
		var req Request
		err := NewReader(strings.NewReader(in)).ReadRequest(&req)
		if err == nil {
			_, err = io.ReadAll(req.Body)
		}
		if err != io.ErrUnexpectedEOF {
			t.Errorf("%q: err = %v, want io.ErrUnexpectedEOF", in, err)
		}
	}
}

func TestWriteRequest(t *testing.T) {
	tests := []struct {
		name string
		req  *Request
		want string
	}{
		{"get", &Request{Method: "GET", Target: "/", Host: "example.org"}, "GET / HTTP/1.1\r\nHost: example.org\r\n\r\n"},
		{"close", &Request{Method: "GET", Target: "/a", Host: "h", Close: true, Header: hdr("Accept", "*/*")},
			"GET /a HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nConnection: close\r\n\r\n"},
		{"1.0 keep-alive", &Request{Method: "GET", Target: "/", Version: HTTP10, Host: "h"},
			"GET / HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\n\r\n"},
		{"post", &Request{Method: "POST", Target: "/f", Host: "h", Body: strings.NewReader("a=1"), ContentLength: 3},
			"POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\na=1"},
		{"empty post", &Request{Method: "POST", Target: "/f", Host: "h"}, "POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"},
		{"chunked with trailer", &Request{Method: "PUT", Target: "/f", Host: "h", Body: strings.NewReader("hello"), ContentLength: -1,
			Header: hdr("Content-Length", "99"), Trailer: hdr("X-Sum", "1")},
			"PUT /f HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sb strings.Builder
			if err := tt.req.Write(&sb); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, sb.String()); diff != "" {
				t.Errorf("Write mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteRequestRefusesInjection(t *testing.T) {
	for _, r := range []*Request{
		{Method: "GET", Target: "/", Host: "h", Header: hdr("X", "a\r\nEvil: 1")},
		{Method: "GET", Target: "/ HTTP/1.1\r\nX:", Host: "h"},
		{Method: "GET", Target: "/", Host: "h\r\nEvil: 1"},
		{Method: "G T", Target: "/", Host: "h"},
		{Method: "GET", Target: "/", Host: "h", Header: hdr("Bad Name", "v")},
	} {
		if _, err := AppendRequestHead(nil, r); err == nil {
			t.Errorf("AppendRequestHead(%+v) succeeded", r)
		}
	}
	if err := (&Request{Method: "POST", Target: "/", Host: "h", Body: strings.NewReader("ab"), ContentLength: 3}).Write(io.Discard); !errors.Is(err, ErrBodyLength) {
		t.Errorf("short body: %v", err)
	}
}

func hdr(kv ...string) Header {
	var h Header
	for i := 0; i < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}
