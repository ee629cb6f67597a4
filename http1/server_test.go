package http1

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"github.com/applayer/applayer/internal/interop"
	"github.com/applayer/applayer/internal/selfsigned"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// startServer serves s on a free loopback port until the test ends.
func startServer(t testing.TB, s *Server) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
	})
	return l.Addr().String()
}

// echoHandler answers with the method, path, body length, and the body.
func echoHandler() Handler {
	mux := NewServeMux()
	mux.HandleFunc("/", func(w ResponseWriter, r *Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			Error(w, "bad body", StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "%s %s %d %s", r.Method, r.Path(), len(body), body)
	})
	mux.HandleFunc("/big", func(w ResponseWriter, r *Request) {
		w.Write([]byte(strings.Repeat("x", 3*responseBufferSize)))
	})
	mux.HandleFunc("/trailer", func(w ResponseWriter, r *Request) {
		w.Header().Set("Trailer", "X-Sum")
		w.Write([]byte("data"))
		w.(TrailerWriter).Trailer().Set("X-Sum", "42")
	})
	mux.HandleFunc("/panic", func(w ResponseWriter, r *Request) { panic("boom") })
	mux.HandleFunc("/inject", func(w ResponseWriter, r *Request) { w.Header().Set("X", "a\r\nEvil: 1") })
	return mux
}

func TestServerWithNetHTTPClient(t *testing.T) {
	addr := startServer(t, &Server{Handler: echoHandler()})
	tr := &http.Transport{ExpectContinueTimeout: 5 * time.Second}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	base := "http://" + addr

	var reused []bool
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused = append(reused, i.Reused) }}
	do := func(method, path string, body io.Reader, hdr map[string]string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(t.Context(), trace), method, base+path, body)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%s %s body: %v", method, path, err)
		}
		return resp, string(b)
	}
	if _, got := do("GET", "/a", nil, nil); got != "GET /a 0 " {
		t.Errorf("GET = %q", got)
	}
	if _, got := do("POST", "/form", strings.NewReader("name=monkey"), nil); got != "POST /form 11 name=monkey" {
		t.Errorf("POST = %q", got)
	}
	// A body of unknown length: net/http sends it chunked.
	if _, got := do("PUT", "/c", io.MultiReader(strings.NewReader("ab"), strings.NewReader("cd")), nil); got != "PUT /c 4 abcd" {
		t.Errorf("chunked PUT = %q", got)
	}
	if _, got := do("POST", "/e", strings.NewReader("waited"), map[string]string{"Expect": "100-continue"}); got != "POST /e 6 waited" {
		t.Errorf("100-continue POST = %q", got)
	}
	resp, got := do("GET", "/big", nil, nil)
	if len(got) != 3*responseBufferSize || resp.ContentLength != -1 || len(resp.TransferEncoding) == 0 {
		t.Errorf("big: %d bytes, ContentLength %d, TE %v", len(got), resp.ContentLength, resp.TransferEncoding)
	}
	resp, got = do("GET", "/trailer", nil, nil)
	if got != "data" || resp.Trailer.Get("X-Sum") != "42" {
		t.Errorf("trailer: %q %v", got, resp.Trailer)
	}
	resp, got = do("HEAD", "/a", nil, nil)
	if got != "" || resp.ContentLength != int64(len("HEAD /a 0 ")) {
		t.Errorf("HEAD: %q, ContentLength %d", got, resp.ContentLength)
	}
	if resp.Header.Get("Date") == "" {
		t.Error("no Date field")
	}
	for i, r := range reused[1:] {
		if !r {
			t.Errorf("request %d did not reuse the connection", i+2)
		}
	}
}

// rawExchange sends raw bytes on a new connection and returns everything
// the server sent before closing (or the first response when keep is set).
func rawExchange(t *testing.T, addr, in string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	go func() { io.WriteString(c, in) }()
	out, _ := io.ReadAll(c)
	return string(out)
}

func TestServerMalformedRequests(t *testing.T) {
	addr := startServer(t, &Server{Handler: echoHandler()})
	for _, tt := range malformedRequests {
		t.Run(tt.name, func(t *testing.T) {
			out := rawExchange(t, addr, tt.in)
			want := fmt.Sprintf("HTTP/1.1 %d ", tt.want.Status)
			if !strings.HasPrefix(out, want) || !strings.Contains(out, "Connection: close\r\n") {
				t.Errorf("reply %.80q, want %q and Connection: close", out, want)
			}
		})
	}
	for _, tt := range malformedChunked {
		t.Run("chunked/"+tt.name, func(t *testing.T) {
			out := rawExchange(t, addr, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"+tt.body)
			if !strings.HasPrefix(out, "HTTP/1.1 400 ") {
				t.Errorf("reply %.80q, want 400", out)
			}
		})
	}
	// The server survived all of it.
	if out := rawExchange(t, addr, "GET /ok HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"); !strings.HasSuffix(out, "GET /ok 0 ") {
		t.Errorf("after the malformed requests: %q", out)
	}
}

func TestServerPipelining(t *testing.T) {
	addr := startServer(t, &Server{Handler: echoHandler()})
	in := "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n" +
		"POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc" +
		"GET /3 HTTP/1.1\r\nHost: a\r\n\r\n" +
		"POST /4 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n" +
		"GET /5 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
	out := rawExchange(t, addr, in)
	rd := NewReader(strings.NewReader(out))
	var got []string
	for {
		var resp Response
		if err := rd.ReadResponse(&resp, MethodGet); err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			break
		}
		b, _ := io.ReadAll(resp.Body)
		got = append(got, string(b))
	}
	want := []string{"GET /1 0 ", "POST /2 3 abc", "GET /3 0 ", "POST /4 2 hi", "GET /5 0 "}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pipelined responses (-want +got):\n%s", diff)
	}
}

func TestServerConnectionModel(t *testing.T) {
	addr := startServer(t, &Server{Handler: echoHandler()})
	tests := []struct{ name, in, wantPrefix, wantHas string }{
		{"1.0 closes", "GET /x HTTP/1.0\r\n\r\n", "HTTP/1.0 200 OK\r\n", "Connection: close"},
		{"1.0 keep-alive then close", "GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /y HTTP/1.0\r\n\r\n", "HTTP/1.0 200 OK\r\n", "GET /y 0"},
		{"panic gives 500", "GET /panic HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 500 ", "Connection: close"},
		{"header injection gives 500", "GET /inject HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 500 ", "Connection: close"},
		{"unknown expectation", "GET / HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\n\r\n", "HTTP/1.1 417 ", ""},
		{"OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "HTTP/1.1 200 OK", "Content-Length: 0"},
		{"dot-dot redirected", "GET /a/../b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "HTTP/1.1 301 ", "Location: /b"},
		{"unread body drained", "POST /big HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /z HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "HTTP/1.1 200 OK", "GET /z 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := rawExchange(t, addr, tt.in)
			if !strings.HasPrefix(out, tt.wantPrefix) || !strings.Contains(out, tt.wantHas) {
				t.Errorf("got %q, want prefix %q containing %q", out, tt.wantPrefix, tt.wantHas)
			}
		})
	}
}

func TestServerHeaderTimeout(t *testing.T) {
	addr := startServer(t, &Server{Handler: echoHandler(), ReadHeaderTimeout: 200 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n") // and never the empty line
	out, _ := io.ReadAll(c)
	if !strings.HasPrefix(string(out), "HTTP/1.1 408 ") {
		t.Errorf("slow head got %q, want 408", out)
	}
}

func TestServerIdleTimeout(t *testing.T) {
	addr := startServer(t, &Server{Handler: echoHandler(), IdleTimeout: 100 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	out, err := io.ReadAll(c) // the server closes the idle connection
	if err != nil || !strings.HasSuffix(string(out), "GET / 0 ") {
		t.Errorf("got %q, %v", out, err)
	}
}

func TestServerShutdownGraceful(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	s := &Server{Logger: slog.New(slog.DiscardHandler), Handler: HandlerFunc(func(w ResponseWriter, r *Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	idle, err := net.Dial("tcp", l.Addr().String()) // an idle connection
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	got := make(chan string, 1)
	go func() { got <- rawExchange(t, l.Addr().String(), "GET / HTTP/1.1\r\nHost: a\r\n\r\n") }()
	<-started
	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(context.Background()) }()
	idle.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := idle.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("idle connection: %v, want EOF", err)
	}
	close(release)
	if out := <-got; !strings.HasSuffix(out, "finished") || !strings.Contains(out, "Connection: close") {
		t.Errorf("in-flight request got %q", out)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-served; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve: %v", err)
	}
}

// testCert returns a self-signed certificate for 127.0.0.1 and localhost.
func testCert(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	cert, err := selfsigned.New("localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	return cert, pool
}

func TestServerTLS(t *testing.T) {
	cert, pool := testCert(t)
	s := &Server{Logger: slog.New(slog.DiscardHandler), TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}},
		Handler: HandlerFunc(func(w ResponseWriter, r *Request) {
			fmt.Fprintf(w, "%s %v", r.Scheme, r.TLS != nil)
		})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.ServeTLS(l, "", "")
	defer s.Close()
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("https://" + l.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if string(b) != "https true" {
		t.Errorf("got %q", b)
	}
}

func TestServerWithCurl(t *testing.T) {
	curl := interop.Require(t, "curl")
	addr := startServer(t, &Server{Handler: echoHandler()})
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.CommandContext(t.Context(), curl, append([]string{"-sS", "--max-time", "10"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("curl %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	base := "http://" + addr
	if got := run(base + "/hello"); got != "GET /hello 0 " {
		t.Errorf("curl GET = %q", got)
	}
	if got := run("--data-binary", "a=1&b=2", base+"/post"); got != "POST /post 7 a=1&b=2" {
		t.Errorf("curl POST = %q", got)
	}
	if got := run("-H", "Transfer-Encoding: chunked", "--data-binary", "xyz", base+"/ch"); got != "POST /ch 3 xyz" {
		t.Errorf("curl chunked POST = %q", got)
	}
	// Two URLs on one command line: curl reuses the connection.
	got := run("-v", base+"/1", base+"/2")
	if !strings.Contains(got, "GET /1 0 ") || !strings.Contains(got, "GET /2 0 ") || !strings.Contains(got, "Re-using existing connection") {
		t.Errorf("curl keep-alive output:\n%s", got)
	}
	if got := run("-0", base+"/old"); got != "GET /old 0 " {
		t.Errorf("curl HTTP/1.0 = %q", got)
	}
	if got := run("-I", base+"/h"); !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") || !strings.Contains(got, "Content-Length: 10") {
		t.Errorf("curl HEAD = %q", got)
	}
}

// TestServerWithPythonHTTPClient drives the server with Python's standard
// http.client over one persistent connection.
func TestServerWithPythonHTTPClient(t *testing.T) {
	python := interop.Require(t, "python3")
	addr := startServer(t, &Server{Handler: echoHandler()})
	host, port, _ := net.SplitHostPort(addr)
	script := `
import http.client, sys
c = http.client.HTTPConnection(sys.argv[1], int(sys.argv[2]), timeout=10)
c.request("GET", "/one")
r = c.getresponse(); print(r.status, r.read().decode())
c.request("POST", "/two", body=b"form=data", headers={"Content-Type": "application/x-www-form-urlencoded"})
r = c.getresponse(); print(r.status, r.read().decode())
c.request("GET", "/trailer")
r = c.getresponse(); print(r.status, r.read().decode(), r.getheader("Transfer-Encoding"))
c.close()
`
	out, err := exec.CommandContext(t.Context(), python, "-c", script, host, port).CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	want := "200 GET /one 0 \n200 POST /two 9 form=data\n200 data chunked\n"
	if string(out) != want {
		t.Errorf("python http.client got:\n%s\nwant:\n%s", out, want)
	}
}

// TestServerFlushStreams: content flushed by the handler reaches the
// client before the handler returns (chunked, since the length is unknown).
func TestServerFlushStreams(t *testing.T) {
	release := make(chan struct{})
	addr := startServer(t, &Server{Handler: HandlerFunc(func(w ResponseWriter, r *Request) {
		io.WriteString(w, "first ")
		if err := w.(Flusher).Flush(); err != nil {
			t.Error(err)
		}
		<-release
		io.WriteString(w, "second")
	})})
	c := &Client{}
	defer c.CloseIdleConnections()
	resp, err := c.Get(t.Context(), "http://"+addr+"/")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	if _, err := io.ReadFull(resp.Body, buf); err != nil || string(buf) != "first " || !resp.Chunked {
		t.Fatalf("before release: %q, %v, chunked=%v", buf, err, resp.Chunked)
	}
	close(release)
	if rest := readBody(t, resp); rest != "second" {
		t.Errorf("after release: %q", rest)
	}
}

// TestServerFlushesBeforeWaiting: with a second pipelined request only
// half sent, the first response still arrives.
func TestServerFlushesBeforeWaiting(t *testing.T) {
	addr := startServer(t, &Server{Handler: echoHandler()})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET /first HTTP/1.1\r\nHost: a\r\n\r\nGET /second HTTP/1.1\r\nHo")
	rd := NewReader(c)
	var resp Response
	if err := rd.ReadResponse(&resp, MethodGet); err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != "GET /first 0 " {
		t.Errorf("first response %q", b)
	}
	io.WriteString(c, "st: a\r\nConnection: close\r\n\r\n")
	if err := rd.ReadResponse(&resp, MethodGet); err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != "GET /second 0 " {
		t.Errorf("second response %q", b)
	}
}

// TestServerRefusalSurvivesUnreadUpload: a request refused while the
// client is still sending a large body must still deliver its response
// (lingering close instead of a reset).
func TestServerRefusalSurvivesUnreadUpload(t *testing.T) {
	addr := startServer(t, &Server{Handler: echoHandler(), MaxBodyDrain: 1024})
	for _, head := range []string{
		"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n",                            // 400 before the body
		"POST /big HTTP/1.1\r\nHost: a\r\nContent-Length: 4000000\r\n\r\n",                      // body unread by the handler, past MaxBodyDrain
		"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4000000\r\n\r\n", // sent without waiting
	} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		go func() {
			io.WriteString(c, head)
			chunk := []byte(strings.Repeat("u", 64<<10))
			for range 60 {
				if _, err := c.Write(chunk); err != nil {
					return
				}
			}
		}()
		got, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if err != nil || !strings.HasPrefix(got, "HTTP/1.1 ") {
			t.Errorf("%.40q: status line %q, %v", head, got, err)
		}
	}
}

// TestServerBusy: a connection over MaxConns gets 503 and is closed.
func TestServerBusy(t *testing.T) {
	addr := startServer(t, &Server{Handler: echoHandler(), MaxConns: 1})
	first, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	first.SetDeadline(time.Now().Add(10 * time.Second))
	// A full exchange proves the first connection is being served.
	io.WriteString(first, "GET /one HTTP/1.1\r\nHost: a\r\n\r\n")
	var resp Response
	rd := NewReader(first)
	if err := rd.ReadResponse(&resp, MethodGet); err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	if out := rawExchange(t, addr, ""); !strings.HasPrefix(out, "HTTP/1.1 503 ") {
		t.Errorf("second connection got %q, want 503", out)
	}
}
