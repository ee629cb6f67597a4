package http2

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/applayer/applayer/http1"
	xhttp2 "golang.org/x/net/http2"
)

// startH2C serves h on a loopback port as cleartext (h2c prior knowledge or
// HTTP/1.1) and shuts the server down when the test ends.
func startH2C(t testing.TB, s *Server) string {
	t.Helper()
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
		<-done
	})
	return l.Addr().String()
}

// xnetH2CClient is x/net's HTTP/2 client speaking h2c with prior knowledge.
func xnetH2CClient() *http.Client {
	return &http.Client{Transport: &xhttp2.Transport{
		AllowHTTP: true,
		DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}, Timeout: 10 * time.Second}
}

func helloHandler() http1.Handler {
	return http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("content-type", "text/plain")
		w.Header().Set("x-method", string(r.Method))
		fmt.Fprintf(w, "hello %s %s %d", r.Path(), r.Host, len(body))
	})
}

func TestServerWithXNetClient(t *testing.T) {
	addr := startH2C(t, &Server{Handler: helloHandler()})
	c := xnetH2CClient()
	for i := range 3 {
		resp, err := c.Get("http://" + addr + "/index.html")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.ProtoMajor != 2 || resp.StatusCode != 200 || string(body) != "hello /index.html "+addr+" 0" {
			t.Errorf("request %d: %s %d %q", i, resp.Proto, resp.StatusCode, body)
		}
		if resp.Header.Get("X-Method") != "GET" || resp.ContentLength != int64(len(body)) {
			t.Errorf("request %d: header %v, content length %d", i, resp.Header, resp.ContentLength)
		}
	}
	resp, err := c.Post("http://"+addr+"/upload", "text/plain", strings.NewReader(strings.Repeat("x", 200000)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello /upload "+addr+" 200000" {
		t.Errorf("POST: %q", body)
	}
}

func TestServerConcurrentStreamsXNet(t *testing.T) {
	big := strings.Repeat("0123456789", 100000) // 1 MB: several windows' worth
	addr := startH2C(t, &Server{Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		if r.Path() == "/big" {
			io.WriteString(w, big)
			return
		}
		io.WriteString(w, "small")
	})})
	c := xnetH2CClient()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path, want := "/small", "small"
			if i%4 == 0 {
				path, want = "/big", big
			}
			resp, err := c.Get("http://" + addr + path)
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil || string(body) != want {
				errs <- fmt.Errorf("%s: %d bytes, %v", path, len(body), err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestServerFallsBackToHTTP1OnCleartext(t *testing.T) {
	addr := startH2C(t, &Server{Handler: helloHandler()})
	resp, err := http.Get("http://" + addr + "/one")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ProtoMajor != 1 || string(body) != "hello /one "+addr+" 0" {
		t.Errorf("HTTP/1.1 fallback: %s %q", resp.Proto, body)
	}
	// A short HTTP/1.0 request must not hang in protocol detection.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "GET / HTTP/1.0\r\n\r\n")
	reply, _ := io.ReadAll(c)
	if !strings.HasPrefix(string(reply), "HTTP/1.0 200") {
		t.Errorf("HTTP/1.0 reply %q", reply)
	}
}

func TestServerHandlerPanicGives500(t *testing.T) {
	addr := startH2C(t, &Server{Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		panic("boom")
	})})
	resp, err := xnetH2CClient().Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 500 {
		t.Errorf("status %d after a panic, want 500", resp.StatusCode)
	}
}

func TestServerShutdownSendsGoAway(t *testing.T) {
	s := &Server{Handler: helloHandler(), Logger: slog.New(slog.DiscardHandler)}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	c := xnetH2CClient()
	resp, err := c.Get("http://" + l.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown = %v", err)
	}
	if err := <-done; !errors.Is(err, http1.ErrServerClosed) && err != nil && !strings.Contains(err.Error(), "closed") {
		t.Errorf("Serve = %v", err)
	}
}
