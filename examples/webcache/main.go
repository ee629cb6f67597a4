// Command webcache is a web cache: a caching HTTP proxy built on this
// module's http1.Cache. Point a browser's HTTP proxy setting (or curl -x)
// at it:
//
//	go run ./examples/webcache -addr 127.0.0.1:3128 -max-bytes 67108864
//	curl -x http://127.0.0.1:3128 -i http://example.org/
//
// Responses carry X-Cache: MISS, HIT or REVALIDATED.
package main

import (
	"flag"
	"net"

	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/http1"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:3128", "TCP address to listen on")
	maxBytes := flag.Int64("max-bytes", http1.DefaultCacheMaxBytes, "bytes of content the cache keeps (LRU eviction)")
	flag.Parse()
	ctx, stop := cli.SignalContext()
	defer stop()

	log := cli.Logger()
	cache := &http1.Cache{MaxBytes: *maxBytes, Logger: log}
	srv := &http1.Server{Handler: cache, Logger: log}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		cli.Fatal("webcache", err)
	}
	cli.Listening("http", l.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	if err := cli.WaitAndShutdown(ctx, srv, served, http1.ErrServerClosed); err != nil {
		cli.Fatal("webcache", err)
	}
	st := cache.Stats()
	log.Info("cache stats", "hits", st.Hits, "misses", st.Misses, "revalidations", st.Revalidations, "objects", st.Objects, "bytes", st.Bytes)
}
