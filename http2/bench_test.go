package http2

import (
	"io"
	"net/http"
	"testing"

	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/internal/cputime"
)

// benchBody is the response of the benchmarks: a small object.
var benchBody = make([]byte, 1024)

// BenchmarkServer32Streams measures requests per second on one connection
// with 32 concurrent streams, through our server and through x/net's,
// with the same handler and the same client (x/net's, h2c).
func BenchmarkServer32Streams(b *testing.B) {
	b.Run("applayer", func(b *testing.B) {
		addr := startH2C(b, &Server{Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
			w.Header().Set("content-type", "application/octet-stream")
			w.Write(benchBody)
		})})
		run32(b, addr)
	})
	b.Run("x-net", func(b *testing.B) {
		addr := startXNetServer(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("content-type", "application/octet-stream")
			w.Write(benchBody)
		}), nil)
		run32(b, addr)
	})
}

func run32(b *testing.B, addr string) {
	c := xnetH2CClient()
	url := "http://" + addr + "/obj"
	// Warm up: one connection, settings exchanged.
	resp, err := c.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	b.SetParallelism(16) // with GOMAXPROCS 2: 32 concurrent streams
	b.ReportAllocs()
	cpu0 := cputime.Process()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := c.Get(url)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	// CPU time per request, client and server together (the client is the
	// same in both runs): steadier than wall time on a busy machine.
	b.ReportMetric(float64((cputime.Process()-cpu0).Microseconds())/float64(b.N), "cpu-µs/req")
}
