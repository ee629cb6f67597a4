package http2

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/applayer/applayer/http1"
	xhttp2 "golang.org/x/net/http2"
)

// startXNetServer runs x/net's HTTP/2 server on h (h2c prior knowledge,
// or TLS when tlsCfg is set).
func startXNetServer(t testing.TB, h http.Handler, tlsCfg *tls.Config) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if tlsCfg != nil {
		tlsCfg = tlsCfg.Clone()
		tlsCfg.NextProtos = []string{"h2"}
		l = tls.NewListener(l, tlsCfg)
	}
	srv := &xhttp2.Server{}
	var wg sync.WaitGroup
	var conns sync.Map
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns.Store(c, true)
			wg.Add(1)
			go func() {
				defer wg.Done()
				if tc, ok := c.(*tls.Conn); ok && tc.Handshake() != nil {
					c.Close()
					return
				}
				srv.ServeConn(c, &xhttp2.ServeConnOpts{Handler: h})
			}()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		conns.Range(func(k, _ any) bool { k.(net.Conn).Close(); return true })
		wg.Wait()
	})
	return l.Addr().String()
}

func TestClientAgainstXNetServerH2C(t *testing.T) {
	addr := startXNetServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Proto", r.Proto)
		fmt.Fprintf(w, "%s %s %d", r.Method, r.URL.Path, len(body))
	}), nil)
	var c Client
	ctx := t.Context()
	resp, err := c.Get(ctx, "http://"+addr+"/hello")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Status != 200 || string(body) != "GET /hello 0" || resp.Header.Get("x-proto") != "HTTP/2.0" {
		t.Errorf("GET: %d %q %v", resp.Status, body, resp.Header)
	}
	// A large upload through flow control.
	payload := strings.Repeat("u", 3<<20)
	req := &http1.Request{Method: http1.MethodPost, Target: "/up", Form: http1.OriginForm, Scheme: "http", Host: addr,
		Body: strings.NewReader(payload), ContentLength: int64(len(payload))}
	resp, err = c.Do(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != fmt.Sprintf("POST /up %d", len(payload)) {
		t.Errorf("POST: %q", body)
	}
}

func TestClientMultiplexesOnOneConnection(t *testing.T) {
	var conns atomic.Int32
	big := strings.Repeat("b", 2<<20)
	addr := startH2C(t, &Server{Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		if r.Path() == "/big" {
			io.WriteString(w, big)
			return
		}
		io.WriteString(w, r.Path())
	})})
	c := &Client{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		conns.Add(1)
		var d net.Dialer
		return d.DialContext(ctx, network, a)
	}}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := fmt.Sprintf("/obj%d", i)
			if i%10 == 0 {
				path = "/big"
			}
			resp, err := c.Get(t.Context(), "http://"+addr+path)
			if err != nil {
				t.Error(err)
				return
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if want := path; path == "/big" {
				if len(body) != len(big) {
					t.Errorf("/big: %d bytes, %v", len(body), err)
				}
			} else if string(body) != want {
				t.Errorf("%s: %q", path, body)
			}
		}()
	}
	wg.Wait()
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 50 concurrent requests, want 1", n)
	}
}

func TestClientAgainstXNetServerTLS(t *testing.T) {
	cert, _, _ := testCert(t)
	addr := startXNetServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secure "+r.Proto)
	}), &tls.Config{Certificates: []tls.Certificate{cert}})
	pool := certPool(cert)
	c := &Client{TLSConfig: &tls.Config{RootCAs: pool}}
	resp, err := c.Get(t.Context(), "https://"+addr+"/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "secure HTTP/2.0" {
		t.Errorf("got %q", body)
	}
}

func TestClientReceivesPush(t *testing.T) {
	addr := startH2C(t, &Server{Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		if r.Path() == "/" {
			if err := w.(http1.Pusher).Push("/style.css", nil); err != nil {
				t.Errorf("Push: %v", err)
			}
			io.WriteString(w, "page")
			return
		}
		io.WriteString(w, "pushed "+r.Path())
	})})
	pushed := make(chan string, 1)
	c := &Client{Conn: ClientConnOptions{OnPush: func(req *http1.Request, resp *http1.Response) {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		pushed <- req.Path() + " -> " + string(body)
	}}}
	resp, err := c.Get(t.Context(), "http://"+addr+"/")
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	select {
	case got := <-pushed:
		if got != "/style.css -> pushed /style.css" {
			t.Errorf("push delivered %q", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no pushed response")
	}
}

func TestClientNoPushByDefault(t *testing.T) {
	pushErr := make(chan error, 1)
	addr := startH2C(t, &Server{Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		pushErr <- w.(http1.Pusher).Push("/x", nil)
		io.WriteString(w, "ok")
	})})
	var c Client
	resp, err := c.Get(t.Context(), "http://"+addr+"/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := <-pushErr; err != http1.ErrPushNotSupported {
		t.Errorf("Push to a client that disabled it = %v", err)
	}
}

func TestClientCancelResetsStream(t *testing.T) {
	reset := make(chan struct{})
	addr := startH2C(t, &Server{Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		w.(http1.Flusher).Flush()
		<-r.Context().Done() // the client's RST_STREAM cancels this
		close(reset)
	})})
	var c Client
	ctx, cancel := context.WithCancel(t.Context())
	resp, err := c.Get(ctx, "http://"+addr+"/slow")
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-reset:
	case <-time.After(10 * time.Second):
		t.Fatal("the server's handler never saw the cancellation")
	}
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Error("body read succeeded after cancel")
	}
	resp.Body.Close()
}

func TestClientPing(t *testing.T) {
	addr := startH2C(t, &Server{Handler: okHandler()})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := NewClientConn(conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	if _, err := cc.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
}
