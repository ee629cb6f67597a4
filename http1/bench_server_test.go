package http1

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
)

var helloBody = []byte("Hello, World!\n")

// BenchmarkKeepAlive measures keep-alive requests per second through this
// package's Server and through net/http's, each with the same handler
// logic, driven by the same minimal client over loopback:
//
//	go test -run XXX -bench KeepAlive -benchtime 2s ./http1
func BenchmarkKeepAlive(b *testing.B) {
	b.Run("http1", func(b *testing.B) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		s := &Server{Logger: slog.New(slog.DiscardHandler), Handler: HandlerFunc(func(w ResponseWriter, r *Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Write(helloBody)
		})}
		go s.Serve(l)
		defer s.Close()
		benchKeepAlive(b, l.Addr().String())
	})
	b.Run("net-http", func(b *testing.B) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		s := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Write(helloBody)
		})}
		go s.Serve(l)
		defer s.Close()
		benchKeepAlive(b, l.Addr().String())
	})
}

// benchKeepAlive sends GETs on persistent connections, one request in
// flight per connection, and reads each response fully.
func benchKeepAlive(b *testing.B, addr string) {
	req := []byte("GET /hello HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")
	b.SetParallelism(4)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Error(err)
			return
		}
		defer c.Close()
		rd := NewReader(bufio.NewReader(c))
		var resp Response
		for pb.Next() {
			if _, err := c.Write(req); err != nil {
				b.Error(err)
				return
			}
			if err := rd.ReadResponse(&resp, MethodGet); err != nil {
				b.Error(err)
				return
			}
			if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.Status != StatusOK {
				b.Error(err, resp.Status)
				return
			}
		}
	})
}
