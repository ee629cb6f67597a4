package main

import (
	"context"
	"io"
	"time"

	"github.com/applayer/applayer/examples/dnshierarchy/world"
)

// runDNS is the DNS lesson: a root server, TLD servers, authoritative
// servers and a local DNS server on loopback; a host's query resolved by
// iteration and by recursion, answered again from the cache, and a new
// company's names inserted by dynamic update.
func runDNS(ctx context.Context, w io.Writer, short bool) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return world.Lesson(ctx, w, short)
}
