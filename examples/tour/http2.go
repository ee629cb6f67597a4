package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/http2"
)

// runHTTP2 is the HTTP/2 lesson: head-of-line blocking. A large object O1
// and three small ones O2 to O4 are requested in that order over one
// connection, first HTTP/1.1, then HTTP/2, on a link whose bandwidth is
// limited so that O1 takes a while. HTTP/1.1 answers in order, so O2 to O4
// wait behind O1; HTTP/2 splits every response into frames and interleaves
// them, so the small objects arrive long before the large one. Then server
// push: the server sends a page's style sheet before the client asks.
func runHTTP2(ctx context.Context, w io.Writer, short bool) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	large, rate := 2<<20, 8<<20 // 2 MiB over an 8 MiB/s link: O1 takes about 250 ms
	if short {
		large, rate = 512<<10, 8<<20
	}
	objects := map[string]int{"/O1": large, "/O2": 8 << 10, "/O3": 8 << 10, "/O4": 8 << 10}
	srv := &http2.Server{Logger: slog.New(slog.DiscardHandler), Handler: http1.HandlerFunc(func(rw http1.ResponseWriter, r *http1.Request) {
		n, ok := objects[r.Path()]
		if !ok {
			http1.NotFound(rw, r)
			return
		}
		rw.Header().Set("content-type", "application/octet-stream")
		rw.Write(make([]byte, n))
	})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(&slowListener{Listener: l, rate: rate}) }()
	defer func() { srv.Close(); <-done }()

	fmt.Fprintf(w, "O1 is %d KiB, O2-O4 are 8 KiB each; the server's link sends %d MiB/s.\n", large>>10, rate>>20)
	paths := []string{"/O1", "/O2", "/O3", "/O4"}

	fmt.Fprintln(w, "\nHTTP/1.1, one connection, the four requests pipelined:")
	t1, err := fetchHTTP1(ctx, addr, paths)
	if err != nil {
		return fmt.Errorf("HTTP/1.1: %w", err)
	}
	printCompletions(w, paths, t1)

	fmt.Fprintln(w, "\nHTTP/2, one connection, four streams:")
	t2, err := fetchHTTP2(ctx, addr, paths)
	if err != nil {
		return fmt.Errorf("HTTP/2: %w", err)
	}
	printCompletions(w, paths, t2)
	fmt.Fprintf(w, "O4 done: after %v on HTTP/1.1 (behind O1), after %v on HTTP/2 (interleaved).\n",
		t1[3].Round(time.Millisecond), t2[3].Round(time.Millisecond))

	return runPush(ctx, w)
}

// fetchHTTP1 pipelines the requests on one HTTP/1.1 connection and returns
// when each response was complete.
func fetchHTTP1(ctx context.Context, addr string, paths []string) ([]time.Duration, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	cc := http1.NewClientConn(conn)
	defer cc.Close()
	start := time.Now()
	for _, p := range paths {
		req := &http1.Request{Method: http1.MethodGet, Target: p, Form: http1.OriginForm, Host: addr, Version: http1.HTTP11}
		if err := cc.Send(ctx, req); err != nil {
			return nil, err
		}
	}
	times := make([]time.Duration, len(paths))
	for i := range paths {
		resp, err := cc.Receive(ctx, http1.MethodGet)
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		times[i] = time.Since(start)
	}
	return times, nil
}

// fetchHTTP2 sends the requests as concurrent streams on one connection.
func fetchHTTP2(ctx context.Context, addr string, paths []string) ([]time.Duration, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	cc, err := http2.NewClientConn(conn, nil)
	if err != nil {
		return nil, err
	}
	defer cc.Close()
	start := time.Now()
	times := make([]time.Duration, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Add(1)
		// Open the streams in order, O1 first.
		req := &http1.Request{Method: http1.MethodGet, Target: p, Form: http1.OriginForm, Scheme: "http", Host: addr}
		ready := make(chan struct{})
		go func() {
			defer wg.Done()
			close(ready)
			resp, err := cc.RoundTrip(ctx, req)
			if err != nil {
				errs[i] = err
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			times[i] = time.Since(start)
		}()
		<-ready
		time.Sleep(time.Millisecond) // keep the request order O1, O2, O3, O4
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return times, nil
}

func printCompletions(w io.Writer, paths []string, times []time.Duration) {
	for i, p := range paths {
		bar := strings.Repeat("#", int(times[i]/(10*time.Millisecond))+1)
		fmt.Fprintf(w, "  %s complete after %7v  %s\n", p[1:], times[i].Round(time.Millisecond), bar)
	}
}

// runPush shows server push: the page's style sheet arrives without being
// asked for.
func runPush(ctx context.Context, w io.Writer) error {
	fmt.Fprintln(w, "\nServer push: the server promises /style.css while it answers /index.html.")
	srv := &http2.Server{Logger: slog.New(slog.DiscardHandler), Handler: http1.HandlerFunc(func(rw http1.ResponseWriter, r *http1.Request) {
		switch r.Path() {
		case "/index.html":
			if p, ok := rw.(http1.Pusher); ok {
				if err := p.Push("/style.css", nil); err != nil {
					fmt.Fprintf(w, "  server: push refused: %v\n", err)
				} else {
					fmt.Fprintln(w, "  server: PUSH_PROMISE /style.css on stream 1, pushed as stream 2")
				}
			}
			rw.Header().Set("content-type", "text/html")
			io.WriteString(rw, `<html><link rel="stylesheet" href="/style.css"><p>Hello</p></html>`)
		case "/style.css":
			rw.Header().Set("content-type", "text/css")
			io.WriteString(rw, "p { color: teal }")
		default:
			http1.NotFound(rw, r)
		}
	})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	defer func() { srv.Close(); <-done }()

	pushed := make(chan string, 1)
	client := &http2.Client{Conn: http2.ClientConnOptions{OnPush: func(req *http1.Request, resp *http1.Response) {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		pushed <- fmt.Sprintf("%s %d %q", req.Path(), resp.Status, body)
	}}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(ctx, "http://"+l.Addr().String()+"/index.html")
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Fprintf(w, "  client: /index.html %d (%d bytes)\n", resp.Status, len(body))
	select {
	case p := <-pushed:
		fmt.Fprintf(w, "  client: pushed, never requested: %s\n", p)
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// slowListener limits the bandwidth of what the server sends on each
// connection it accepts: a slow link, so that transfer time shows.
type slowListener struct {
	net.Listener
	rate int // bytes per second
}

func (l *slowListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &slowConn{Conn: c, rate: l.rate}, nil
}

type slowConn struct {
	net.Conn
	rate int
}

// Write sends p in 16 KiB pieces, each after the time the link takes.
func (c *slowConn) Write(p []byte) (int, error) {
	total := 0
	for len(p) > 0 {
		n := min(len(p), 16<<10)
		time.Sleep(time.Duration(n) * time.Second / time.Duration(c.rate))
		k, err := c.Conn.Write(p[:n])
		total += k
		if err != nil {
			return total, err
		}
		p = p[n:]
	}
	return total, nil
}
