package http1_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/applayer/applayer/http1"
)

// The codec on its own: the textbook request, parsed without any I/O.
func ExampleParseRequestHead() {
	head := []byte("GET /somedir/page.html HTTP/1.1\r\n" +
		"Host: www.someschool.edu\r\n" +
		"User-agent: Mozilla/4.0\r\n" +
		"Connection: close\r\n" +
		"Accept-language:fr\r\n" +
		"\r\n")
	var req http1.Request
	if err := http1.ParseRequestHead(head, &req, http1.Limits{}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(req.Method, req.Target, req.Version, req.Form)
	fmt.Println("host:", req.Host, "close:", req.Close)
	fmt.Println("language:", req.Header.Get("accept-language"))
	// Output:
	// GET /somedir/page.html HTTP/1.1 origin-form
	// host: www.someschool.edu close: true
	// language: fr
}

// Malformed input is a typed error that carries the status to answer.
func ExampleStatusOf() {
	var req http1.Request
	err := http1.NewReader(strings.NewReader("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")).ReadRequest(&req)
	fmt.Println(err)
	fmt.Println(http1.StatusOf(err))
	// Output:
	// http1: both Content-Length and Transfer-Encoding
	// 400 Bad Request
}

// A server and a client on loopback.
func ExampleServer() {
	mux := http1.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http1.ResponseWriter, r *http1.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "hello, %s\n", r.RawQuery())
	})
	srv := &http1.Server{Handler: mux, Logger: slog.New(slog.DiscardHandler)}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	defer srv.Shutdown(context.Background())

	var c http1.Client
	defer c.CloseIdleConnections()
	resp, err := c.Get(context.Background(), "http://"+l.Addr().String()+"/hello?world")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(resp.Status, " ", resp.Header.Get("Content-Type"), " ", string(body))
	// Output:
	// 200 OK text/plain hello, world
}

// Pipelining: three requests leave back to back on one connection; the
// responses come back in the same order.
func ExampleClient_Pipeline() {
	srv := &http1.Server{Logger: slog.New(slog.DiscardHandler), Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		io.WriteString(w, "object "+r.Path())
	})}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	defer srv.Close()

	ctx := context.Background()
	var reqs []*http1.Request
	for _, p := range []string{"/a.jpg", "/b.jpg", "/c.jpg"} {
		r, _ := http1.NewRequest(ctx, http1.MethodGet, "http://"+l.Addr().String()+p, nil)
		reqs = append(reqs, r)
	}
	var c http1.Client
	defer c.CloseIdleConnections()
	resps, err := c.Pipeline(ctx, reqs)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, resp := range resps {
		b, _ := io.ReadAll(resp.Body)
		fmt.Println(resp.Status, string(b))
	}
	// Output:
	// 200 OK object /a.jpg
	// 200 OK object /b.jpg
	// 200 OK object /c.jpg
}

// The conditional GET: the second request carries the validators of the
// first response and gets 304 Not Modified, without the object.
func ExampleClient_ConditionalGet() {
	modified := time.Date(1998, 6, 22, 9, 23, 24, 0, time.UTC)
	srv := &http1.Server{Logger: slog.New(slog.DiscardHandler), Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		w.Header().Set("Last-Modified", http1.FormatDate(modified))
		if ims, err := http1.ParseDate(r.Header.Get("If-Modified-Since")); err == nil && !modified.After(ims) {
			w.WriteHeader(http1.StatusNotModified)
			return
		}
		io.WriteString(w, "data data data")
	})}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	defer srv.Close()

	ctx := context.Background()
	url := "http://" + l.Addr().String() + "/page.html"
	var c http1.Client
	defer c.CloseIdleConnections()
	first, _ := c.Get(ctx, url)
	body, _ := io.ReadAll(first.Body)
	first.Body.Close()
	fmt.Println(first.Status, string(body))

	again, _ := c.ConditionalGet(ctx, url, http1.ValidatorsOf(&first.Header))
	body, _ = io.ReadAll(again.Body)
	again.Body.Close()
	fmt.Printf("%v %q\n", again.Status, body)
	// Output:
	// 200 OK data data data
	// 304 Not Modified ""
}
