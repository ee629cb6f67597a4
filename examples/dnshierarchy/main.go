// Command dnshierarchy runs the DNS lesson's world on loopback and prints
// its resolutions: a root server, the edu and com TLD servers, the
// authoritative server of umass.edu and the local server dns.poly.edu.
//
// The host cis.poly.edu asks for gaia.cs.umass.edu: first the local server
// iterates (root, then edu, then umass.edu: the eight messages of the
// lesson), then the same question travels as a recursive query, then the
// answer comes from the local server's cache, and then, once its TTL has
// passed, is fetched again (the TLD servers stay cached, so the root is not
// asked). The umass.edu server then spreads clients over three replicated Web
// servers by rotating their addresses. Last, the start-up Network Utopia is registered: the registrar
// inserts its NS and glue into the com TLD server and the company fills its
// own server, both by dynamic update (RFC 2136), and the name resolves.
//
//	go run ./examples/dnshierarchy
//
// Each server has its own loopback address, 127.0.0.10 to 127.0.0.16, and
// all share one port, as real name servers all use 53. Linux answers on
// every 127.x.y.z address; on macOS add each first, for example
// "sudo ifconfig lo0 alias 127.0.0.10 up" (the program says which are
// missing).
package main

import (
	"context"
	"flag"
	"os"
	"time"

	"github.com/applayer/applayer/examples/dnshierarchy/world"
	"github.com/applayer/applayer/examples/internal/cli"
)

func main() {
	flag.Parse()
	ctx, stop := cli.SignalContext()
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := world.Lesson(ctx, os.Stdout, false); err != nil {
		cli.Fatal("dnshierarchy", err)
	}
}
