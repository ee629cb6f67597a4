package http1

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// refServer is a net/http server that counts its connections.
func refServer(t *testing.T, h http.Handler) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func readBody(t *testing.T, resp *Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return string(b)
}

func refMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %q te=%v", r.Method, r.URL.Path, b, r.TransferEncoding)
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Sum")
		for i := range 3 {
			fmt.Fprintf(w, "part%d ", i)
			w.(http.Flusher).Flush()
		}
		w.Header().Set("X-Sum", "3")
	})
	mux.HandleFunc("/redirect/", func(w http.ResponseWriter, r *http.Request) {
		n := strings.TrimPrefix(r.URL.Path, "/redirect/")
		if n == "0" {
			http.Redirect(w, r, "/echo", http.StatusFound)
			return
		}
		var k int
		fmt.Sscan(n, &k)
		http.Redirect(w, r, fmt.Sprintf("/redirect/%d", k-1), http.StatusMovedPermanently)
	})
	mux.HandleFunc("/307", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/echo", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "1678", Path: "/"})
		w.Write([]byte("welcome"))
	})
	mux.HandleFunc("/whoami", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("session")
		if err != nil {
			w.Write([]byte("anonymous"))
			return
		}
		w.Write([]byte("session " + c.Value))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	return mux
}

func TestClientAgainstNetHTTP(t *testing.T) {
	srv, conns := refServer(t, refMux())
	c := &Client{}
	defer c.CloseIdleConnections()
	ctx := t.Context()

	resp, err := c.Get(ctx, srv.URL+"/echo")
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != `GET /echo "" te=[]` {
		t.Errorf("GET = %q", got)
	}
	// Keep-alive reuse: five more requests, still one connection.
	for range 5 {
		resp, err := c.Get(ctx, srv.URL+"/echo")
		if err != nil {
			t.Fatal(err)
		}
		readBody(t, resp)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("keep-alive used %d connections, want 1", n)
	}
	// A chunked response with a trailer.
	resp, err = c.Get(ctx, srv.URL+"/chunked")
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != "part0 part1 part2 " || !resp.Chunked || resp.Trailer.Get("X-Sum") != "3" {
		t.Errorf("chunked = %q chunked=%v trailer=%v", got, resp.Chunked, resp.Trailer.Fields())
	}
	// A request body of unknown length goes chunked.
	req, _ := NewRequest(ctx, MethodPost, srv.URL+"/echo", io.MultiReader(strings.NewReader("ab"), strings.NewReader("cd")))
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != `POST /echo "abcd" te=[chunked]` {
		t.Errorf("chunked POST = %q", got)
	}
	// Expect: 100-continue: net/http sends the 100 when the handler reads.
	req, _ = NewRequest(ctx, MethodPut, srv.URL+"/echo", strings.NewReader("after 100"))
	req.Header.Set("Expect", "100-continue")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != `PUT /echo "after 100" te=[]` {
		t.Errorf("100-continue PUT = %q", got)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("used %d connections, want 1", n)
	}
}

func TestClientNonPersistent(t *testing.T) {
	srv, conns := refServer(t, refMux())
	c := &Client{DisableKeepAlives: true}
	for range 3 {
		resp, err := c.Get(t.Context(), srv.URL+"/echo")
		if err != nil {
			t.Fatal(err)
		}
		readBody(t, resp)
	}
	if n := conns.Load(); n != 3 {
		t.Errorf("non-persistent used %d connections, want 3", n)
	}
}

func TestClientPipeline(t *testing.T) {
	for _, server := range []string{"net/http", "http1"} {
		t.Run(server, func(t *testing.T) {
			var base string
			if server == "net/http" {
				srv, _ := refServer(t, refMux())
				base = srv.URL
			} else {
				base = "http://" + startServer(t, &Server{Handler: echoHandler()})
			}
			var reqs []*Request
			for i := range 5 {
				method := MethodGet
				if i == 3 {
					method = MethodHead
				}
				r, _ := NewRequest(t.Context(), method, fmt.Sprintf("%s/echo?%d", base, i), nil)
				reqs = append(reqs, r)
			}
			c := &Client{}
			defer c.CloseIdleConnections()
			resps, err := c.Pipeline(t.Context(), reqs)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range resps {
				got = append(got, readBody(t, r))
			}
			want := []string{`GET /echo "" te=[]`, `GET /echo "" te=[]`, `GET /echo "" te=[]`, "", `GET /echo "" te=[]`}
			if server == "http1" {
				want = []string{"GET /echo 0 ", "GET /echo 0 ", "GET /echo 0 ", "", "GET /echo 0 "}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("pipelined bodies (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClientRedirects(t *testing.T) {
	srv, _ := refServer(t, refMux())
	c := &Client{}
	defer c.CloseIdleConnections()
	resp, err := c.Get(t.Context(), srv.URL+"/redirect/3")
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != `GET /echo "" te=[]` {
		t.Errorf("after redirects: %q", got)
	}
	// 307 repeats the method and the (seekable) body.
	resp, err = c.Post(t.Context(), srv.URL+"/307", "text/plain", strings.NewReader("again"))
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != `POST /echo "again" te=[]` {
		t.Errorf("307: %q", got)
	}
	c.MaxRedirects = 2
	if _, err := c.Get(t.Context(), srv.URL+"/redirect/5"); !errors.Is(err, ErrTooManyRedirects) {
		t.Errorf("redirect loop: %v", err)
	}
	c.MaxRedirects = -1
	resp, err = c.Get(t.Context(), srv.URL+"/redirect/0")
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if resp.Status != StatusFound || resp.Header.Get("Location") != "/echo" {
		t.Errorf("MaxRedirects<0: %v %v", resp.Status, resp.Header.Fields())
	}
}

func TestClientCookies(t *testing.T) {
	srv, _ := refServer(t, refMux())
	c := &Client{Jar: NewJar()}
	defer c.CloseIdleConnections()
	for _, step := range []struct{ path, want string }{
		{"/whoami", "anonymous"}, {"/login", "welcome"}, {"/whoami", "session 1678"},
	} {
		resp, err := c.Get(t.Context(), srv.URL+step.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := readBody(t, resp); got != step.want {
			t.Errorf("%s = %q, want %q", step.path, got, step.want)
		}
	}
}

func TestClientContextDeadline(t *testing.T) {
	srv, _ := refServer(t, refMux())
	c := &Client{}
	defer c.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Get(ctx, srv.URL+"/slow")
	if err == nil {
		t.Fatal("no error past the deadline")
	}
	// The client is still usable afterwards.
	resp, err := c.Get(t.Context(), srv.URL+"/echo")
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
}

func TestClientRetriesStaleConnection(t *testing.T) {
	srv, conns := refServer(t, refMux())
	c := &Client{}
	defer c.CloseIdleConnections()
	resp, err := c.Get(t.Context(), srv.URL+"/echo")
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	srv.CloseClientConnections() // the server drops the idle connection
	resp, err = c.Get(t.Context(), srv.URL+"/echo")
	if err != nil {
		t.Fatalf("after the server closed the idle connection: %v", err)
	}
	readBody(t, resp)
	if n := conns.Load(); n != 2 {
		t.Errorf("connections = %d, want 2", n)
	}
}

func TestClientTLSAndProxy(t *testing.T) {
	srv := httptest.NewTLSServer(refMux())
	defer srv.Close()
	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	c := &Client{TLSConfig: &tls.Config{RootCAs: pool}}
	defer c.CloseIdleConnections()
	resp, err := c.Get(t.Context(), srv.URL+"/echo")
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != `GET /echo "" te=[]` {
		t.Errorf("https = %q", got)
	}

	// A forward proxy (this package's server) sees the absolute form.
	proxyAddr := startServer(t, &Server{Handler: HandlerFunc(func(w ResponseWriter, r *Request) {
		fmt.Fprintf(w, "proxy saw %s %s form=%v host=%s", r.Method, r.Target, r.Form, r.Host)
	})})
	pu, _ := url.Parse("http://" + proxyAddr)
	pc := &Client{Proxy: ProxyURL(pu)}
	defer pc.CloseIdleConnections()
	resp, err = pc.Get(t.Context(), "http://origin.example:8080/a?b")
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != "proxy saw GET http://origin.example:8080/a?b form=absolute-form host=origin.example:8080" {
		t.Errorf("proxy = %q", got)
	}
}

func TestOurClientOurServer(t *testing.T) {
	addr := startServer(t, &Server{Handler: echoHandler()})
	c := &Client{}
	defer c.CloseIdleConnections()
	for _, path := range []string{"/a", "/trailer", "/big"} {
		resp, err := c.Get(t.Context(), "http://"+addr+path)
		if err != nil {
			t.Fatal(err)
		}
		body := readBody(t, resp)
		switch path {
		case "/a":
			if body != "GET /a 0 " {
				t.Errorf("%s = %q", path, body)
			}
		case "/trailer":
			if body != "data" || resp.Trailer.Get("X-Sum") != "42" {
				t.Errorf("%s = %q %v", path, body, resp.Trailer.Fields())
			}
		case "/big":
			if len(body) != 3*responseBufferSize {
				t.Errorf("%s: %d bytes", path, len(body))
			}
		}
	}
	req, _ := NewRequest(t.Context(), MethodPost, "http://"+addr+"/up", strings.NewReader("payload"))
	req.Header.Set("Expect", "100-continue")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != "POST /up 7 payload" {
		t.Errorf("100-continue to our server = %q", got)
	}
}

// TestClientHTTPSThroughConnectProxy: an https URL through a proxy uses a
// CONNECT tunnel; the proxy here is this package's Server with Hijack.
func TestClientHTTPSThroughConnectProxy(t *testing.T) {
	origin := httptest.NewTLSServer(refMux())
	defer origin.Close()
	pool := origin.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	var tunnels atomic.Int32
	proxyAddr := startServer(t, &Server{Handler: HandlerFunc(func(w ResponseWriter, r *Request) {
		if r.Method != MethodConnect {
			Error(w, "CONNECT only", StatusMethodNotAllowed)
			return
		}
		up, err := net.Dial("tcp", r.Target)
		if err != nil {
			Error(w, "502 bad gateway", StatusBadGateway)
			return
		}
		conn, brw, err := w.(Hijacker).Hijack()
		if err != nil {
			up.Close()
			return
		}
		tunnels.Add(1)
		brw.WriteString("HTTP/1.1 200 Connection Established\r\n\r\n")
		brw.Flush()
		go func() { io.Copy(up, brw); up.Close() }()
		io.Copy(conn, up)
		conn.Close()
	})})
	pu, _ := url.Parse("http://" + proxyAddr)
	c := &Client{Proxy: ProxyURL(pu), TLSConfig: &tls.Config{RootCAs: pool}}
	defer c.CloseIdleConnections()
	resp, err := c.Get(t.Context(), origin.URL+"/echo")
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != `GET /echo "" te=[]` || tunnels.Load() != 1 {
		t.Errorf("through the tunnel: %q, tunnels %d", got, tunnels.Load())
	}
}

// trackingReader records whether anything read it.
type trackingReader struct {
	r    io.Reader
	read atomic.Bool
}

func (t *trackingReader) Read(p []byte) (int, error) {
	t.read.Store(true)
	return t.r.Read(p)
}

// TestClientExpectRefused: a server that answers before asking for the
// content with 100 (Continue) never receives it.
func TestClientExpectRefused(t *testing.T) {
	addr := startServer(t, &Server{Handler: HandlerFunc(func(w ResponseWriter, r *Request) {
		Error(w, "401 unauthorized", StatusUnauthorized) // without reading the body
	})})
	body := &trackingReader{r: strings.NewReader(strings.Repeat("big upload ", 1000))}
	req, _ := NewRequest(t.Context(), MethodPut, "http://"+addr+"/up", body)
	req.ContentLength = 11000
	req.Header.Set("Expect", "100-continue")
	c := &Client{}
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if resp.Status != StatusUnauthorized || body.read.Load() {
		t.Errorf("status %v, body sent: %v", resp.Status, body.read.Load())
	}
}

// TestClientPipelineReconnects: a server that closes after two responses
// per connection still answers all of a pipeline of five.
func TestClientPipelineReconnects(t *testing.T) {
	var conns atomic.Int32
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() { // two requests, then "Connection: close"
				defer nc.Close()
				rd := NewReader(nc)
				for i := range 2 {
					var req Request
					if rd.ReadRequest(&req) != nil {
						return
					}
					resp := &Response{Status: 200, Close: i == 1, ContentLength: int64(len(req.Path())),
						Body: io.NopCloser(strings.NewReader(req.Path()))}
					resp.Write(nc)
				}
			}()
		}
	}()
	var reqs []*Request
	for i := range 5 {
		r, _ := NewRequest(t.Context(), MethodGet, fmt.Sprintf("http://%s/%d", l.Addr(), i), nil)
		reqs = append(reqs, r)
	}
	c := &Client{}
	defer c.CloseIdleConnections()
	resps, err := c.Pipeline(t.Context(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range resps {
		got = append(got, readBody(t, r))
	}
	if diff := cmp.Diff([]string{"/0", "/1", "/2", "/3", "/4"}, got); diff != "" || conns.Load() != 3 {
		t.Errorf("bodies (-want +got):\n%s\nconnections %d, want 3", diff, conns.Load())
	}
}

// TestClientAgainstPythonHTTPServer fetches from Python's http.server, an
// HTTP/1.0 server: one object per connection, conditional GET included.
func TestClientAgainstPythonHTTPServer(t *testing.T) {
	python := requirePeer(t, "python3")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "page.html"), []byte("<p>from python</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	cmd := exec.Command(python, "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", dir, port)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if _, err := bufio.NewReader(stdout).ReadString('\n'); err != nil { // "Serving HTTP on ..."
		t.Fatalf("python http.server did not start: %v", err)
	}
	c := &Client{}
	defer c.CloseIdleConnections()
	url := "http://127.0.0.1:" + port + "/page.html"
	resp, err := c.Get(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, resp); body != "<p>from python</p>" || resp.Version != HTTP10 || !resp.Close {
		t.Errorf("got %q, version %v, close %v", body, resp.Version, resp.Close)
	}
	again, err := c.ConditionalGet(t.Context(), url, ValidatorsOf(&resp.Header))
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, again)
	if again.Status != StatusNotModified {
		t.Errorf("conditional GET to python: %v", again.Status)
	}
}
