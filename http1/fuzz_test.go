package http1

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fuzzLimits are small so that the fuzzer reaches every limit.
var fuzzLimits = Limits{MaxRequestLine: 200, MaxHeaderBytes: 400, MaxHeaderFields: 10, MaxChunkLine: 40}

// FuzzReadRequest: no input panics or hangs, and a request that reads
// cleanly survives Write and a second read unchanged.
func FuzzReadRequest(f *testing.F) {
	f.Add([]byte(browserGET))
	f.Add([]byte(firefoxGET))
	for _, tt := range malformedRequests {
		f.Add([]byte(tt.in))
	}
	for _, tt := range malformedChunked {
		f.Add([]byte("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + tt.body))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		rd := NewReader(bytes.NewReader(in))
		rd.Limits = fuzzLimits
		var r1 Request
		if err := rd.ReadRequest(&r1); err != nil {
			return
		}
		body, err := io.ReadAll(r1.Body)
		if err != nil {
			return
		}
		if r1.Chunked {
			r1.Body = bytes.NewReader(body)
		} else {
			r1.Body, r1.ContentLength = bytes.NewReader(body), int64(len(body))
		}
		var wire bytes.Buffer
		if err := r1.Write(&wire); err != nil {
			t.Fatalf("Write of a parsed request: %v", err)
		}
		rd2 := NewReader(&wire)
		var r2 Request
		if err := rd2.ReadRequest(&r2); err != nil {
			t.Fatalf("re-read %q: %v", wire.String(), err)
		}
		body2, err := io.ReadAll(r2.Body)
		if err != nil {
			t.Fatalf("re-read body: %v", err)
		}
		if r1.Method != r2.Method || r1.Target != r2.Target || r1.Host != r2.Host || r1.Version != r2.Version ||
			r1.Close != r2.Close || !bytes.Equal(body, body2) {
			t.Fatalf("round trip changed the request:\n%q\n%q", in, wire.String())
		}
		if diff := cmp.Diff(withoutFraming(&r1.Header), withoutFraming(&r2.Header), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("header changed (-first +second):\n%s", diff)
		}
	})
}

// FuzzReadResponse: no input panics or hangs; a response that reads
// cleanly survives Write and a second read.
func FuzzReadResponse(f *testing.F) {
	f.Add([]byte(apacheB+"data"), false)
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"), false)
	f.Add([]byte("HTTP/1.0 304 Not Modified\r\n\r\n"), true)
	f.Add([]byte("HTTP/1.0 200 OK\r\n\r\nuntil close"), false)
	f.Fuzz(func(t *testing.T, in []byte, head bool) {
		method := MethodGet
		if head {
			method = MethodHead
		}
		rd := NewReader(bytes.NewReader(in))
		rd.Limits = fuzzLimits
		var r1 Response
		if err := rd.ReadResponse(&r1, method); err != nil {
			return
		}
		body, err := io.ReadAll(r1.Body)
		if err != nil || r1.Status < 200 {
			return
		}
		r1.Body = io.NopCloser(bytes.NewReader(body))
		if !r1.Chunked {
			r1.ContentLength = int64(len(body))
		}
		var wire bytes.Buffer
		if err := r1.Write(&wire); err != nil {
			t.Fatalf("Write of a parsed response: %v", err)
		}
		var r2 Response
		if err := NewReader(&wire).ReadResponse(&r2, method); err != nil {
			t.Fatalf("re-read %q: %v", wire.String(), err)
		}
		body2, err := io.ReadAll(r2.Body)
		if err != nil || r1.Status != r2.Status || r1.Reason != "" && r1.Reason != r2.Reason || !bytes.Equal(body, body2) && !head {
			t.Fatalf("round trip changed the response (%v):\n%q\n%q", err, in, wire.String())
		}
	})
}

// FuzzChunked: the chunked reader never panics, never returns more than
// the input holds, and what it accepts re-encodes to the same content.
func FuzzChunked(f *testing.F) {
	f.Add([]byte("5;name=val\r\nhello\r\n6\r\n world\r\n0\r\nExpires: never\r\n\r\n"))
	for _, tt := range malformedChunked {
		f.Add([]byte(tt.body))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		rd := NewReader(bytes.NewReader(in))
		rd.Limits = fuzzLimits
		var b bodyReader
		var trailer Header
		b.reset(rd, modeChunked, 0, &trailer)
		got, err := io.ReadAll(&b)
		if len(got) > len(in) {
			t.Fatalf("read %d bytes from %d", len(got), len(in))
		}
		if err != nil {
			return
		}
		var wire bytes.Buffer
		cw := NewChunkedWriter(&wire)
		cw.Trailer = &trailer
		cw.Write(got)
		if err := cw.Close(); err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		var b2 bodyReader
		b2.reset(NewReader(&wire), modeChunked, 0, nil)
		got2, err := io.ReadAll(&b2)
		if err != nil || !bytes.Equal(got, got2) {
			t.Fatalf("re-read %q, %v; want %q", got2, err, got)
		}
	})
}

// FuzzParseSetCookie: no panic; a cookie that parses and formats parses
// back to the same cookie.
func FuzzParseSetCookie(f *testing.F) {
	for _, s := range []string{"1678", "id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly",
		"a=b; Domain=.Example.COM; Path=/docs; Max-Age=3600; SameSite=Lax", "a=b; expires=Sunday, 06-Nov-94 08:49:37 GMT"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := ParseSetCookie(s)
		if !ok {
			return
		}
		out := c.String()
		if out == "" {
			return // not every parsed value may be sent (spaces, commas)
		}
		c2, ok := ParseSetCookie(out)
		if !ok {
			t.Fatalf("%q formatted as %q, which does not parse", s, out)
		}
		c.Expires, c2.Expires = c.Expires.Truncate(time.Second), c2.Expires.Truncate(time.Second)
		if c.Expires.Year() < 1601 || c.Expires.Year() > 9999 {
			return
		}
		if diff := cmp.Diff(c, c2); diff != "" && c.Path == c2.Path && c.Domain == c2.Domain {
			t.Fatalf("%q -> %q changed (-first +second):\n%s", s, out, diff)
		}
	})
}

// FuzzParseDate: no panic; a parsed date formats and parses back to itself.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil || d.Year() < 1000 || d.Year() > 9999 {
			return
		}
		d2, err := ParseDate(FormatDate(d))
		if err != nil || !d2.Equal(d.Truncate(time.Second)) {
			t.Fatalf("%q -> %v -> %q -> %v, %v", s, d, FormatDate(d), d2, err)
		}
	})
}

// FuzzServer sends arbitrary bytes to a live Server over loopback: the
// server must answer or close within a bounded time, never panic, and
// keep serving others.
func FuzzServer(f *testing.F) {
	f.Add([]byte(browserGET))
	f.Add([]byte("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /big HTTP/1.1\r\nHost: a\r\n\r\n"))
	for _, tt := range malformedRequests {
		if len(tt.in) < 1000 {
			f.Add([]byte(tt.in))
		}
	}
	s := &Server{Handler: echoHandler(), Limits: fuzzLimits, ReadHeaderTimeout: time.Second, IdleTimeout: time.Second}
	addr := startServer(f, s)
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		go func() {
			c.Write(in)
			c.(*net.TCPConn).CloseWrite()
		}()
		if _, err := io.Copy(io.Discard, c); err != nil {
			t.Fatalf("server neither answered nor closed: %v (input %q)", err, in)
		}
		ok, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer ok.Close()
		ok.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(ok, "GET /alive HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
		out, _ := io.ReadAll(ok)
		if !bytes.HasSuffix(out, []byte("GET /alive 0 ")) {
			t.Fatalf("server stopped serving after %q: %q", in, out)
		}
	})
}
