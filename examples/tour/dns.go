package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/applayer/applayer/examples/dnshierarchy/world"
	"github.com/applayer/applayer/internal/loopback"
)

// runDNS is the DNS lesson: a root server, TLD servers, authoritative
// servers and a local DNS server on loopback; a host's query resolved by
// iteration and by recursion, answered again from the cache, and a new
// company's names inserted by dynamic update.
func runDNS(ctx context.Context, w io.Writer, short bool) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err := world.Lesson(ctx, w, short)
	if errors.Is(err, loopback.ErrNoAlias) {
		fmt.Fprintf(w, "skipped: every server of the hierarchy needs its own loopback address,\nand this machine has only 127.0.0.1: %v\n", err)
		return nil
	}
	return err
}
