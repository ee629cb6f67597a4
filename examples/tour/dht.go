package main

import (
	"context"
	"crypto/sha1"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"sync"
	"time"

	"github.com/applayer/applayer/dht"
	"github.com/applayer/applayer/dht/chord"
)

// runDHT is the DHT lesson: first the Chord ring of the lecture (m = 6,
// ten nodes) with successor(k), a finger table and a lookup walking the
// fingers; then a few hundred Kademlia nodes of the BitTorrent DHT in this
// process, where one node announces a torrent and another finds it, the
// XOR distance to the info-hash shrinking at every hop; last, the hop
// counts of both designs side by side.
func runDHT(ctx context.Context, w io.Writer, short bool) error {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	quiet := slog.New(slog.DiscardHandler)

	// Part 1: Chord, m = 6.
	ring := chord.Ring{Bits: 6}
	ids := []uint64{1, 8, 14, 21, 32, 38, 42, 48, 51, 56}
	small, err := tourChordRing(ctx, ring, ids, quiet)
	defer closeChord(small)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Chord ring, m = 6 (identifiers 0..63), nodes %v\n", ids)
	var ringIDs []chord.ID
	for _, v := range ids {
		ringIDs = append(ringIDs, ring.FromUint64(v))
	}
	n8 := small[1]
	for _, k := range []uint64{10, 24, 54, 60} {
		got, hops, err := n8.Lookup(ctx, ring.FromUint64(k))
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  successor(%d) = N%v   (brute force: N%v; %d hops from N8)\n", k, got.ID, chord.Successor(ringIDs, ring.FromUint64(k)), hops)
	}
	fmt.Fprintln(w, "  finger table of N8 (finger i = successor(8 + 2^(i-1))):")
	for _, f := range n8.Fingers() {
		fmt.Fprintf(w, "    %d  start %2v  -> N%v\n", f.I, f.Start, f.Node.ID)
	}
	got, path, err := n8.LookupPath(ctx, ring.FromUint64(54))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  lookup(54) from N8 walks the fingers:")
	for _, p := range path {
		fmt.Fprintf(w, " N%v ->", p.ID)
	}
	fmt.Fprintf(w, " answer N%v\n", got.ID)
	name := "lecture.mp4"
	if _, err := n8.Put(ctx, name, []byte("seeded by N8")); err != nil {
		return err
	}
	k := ring.Hash([]byte(name))
	owner, _, _ := n8.Lookup(ctx, k)
	fmt.Fprintf(w, "  key SHA-1(%q) mod 64 = %v is stored at successor(%v) = N%v\n\n", name, k, k, owner.ID)

	// Part 2: Kademlia.
	size := 256
	if short {
		size = 48
	}
	nodes, err := tourKademlia(ctx, size, quiet)
	defer func() {
		for _, n := range nodes {
			n.Close()
		}
	}()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Kademlia (BitTorrent's Mainline DHT): %d nodes on loopback, k = %d, alpha = %d\n", size, dht.DefaultK, dht.DefaultAlpha)
	ih := dht.ID(sha1.Sum([]byte("info dictionary of lecture.mp4")))
	seeder, leecher := nodes[size/3], nodes[2*size/3]
	if _, err := seeder.Announce(ctx, ih, 6881); err != nil {
		return err
	}
	fmt.Fprintf(w, "  node %v... announced info-hash %v... (port 6881) to the %d nodes closest to it\n",
		seeder.Self().String()[:8], ih.String()[:8], dht.DefaultK)
	res, err := leecher.GetPeers(ctx, ih)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  node %v... looks it up; the path to the closest node (distance = node ID XOR info-hash):\n", leecher.Self().String()[:8])
	for _, s := range res.Path {
		fmt.Fprintf(w, "    hop %d  node %v...  distance %v...  (%3d leading zero bits)\n",
			s.Hop, s.Node.ID.String()[:8], s.Distance.String()[:10], s.Node.ID.CommonPrefixLen(ih))
	}
	fmt.Fprintf(w, "  found peers %v with %d queries\n\n", res.Peers, res.Queries)

	// Part 3: hops side by side.
	chordSize := 32
	if short {
		chordSize = 12
	}
	big, err := tourChordRing(ctx, chord.Ring{}, nil, quiet, chordSize)
	defer closeChord(big)
	if err != nil {
		return err
	}
	lookups := 40
	chordHops, kadHops := 0, 0
	for i := range lookups {
		key := sha1.Sum([]byte(fmt.Sprint("key ", i)))
		_, h, err := big[i%len(big)].Lookup(ctx, chord.ID(key))
		if err != nil {
			return err
		}
		chordHops += h
		r, err := nodes[(i*7)%len(nodes)].FindNode(ctx, dht.ID(key))
		if err != nil {
			return err
		}
		kadHops += r.Hops
	}
	fmt.Fprintln(w, "Hops per lookup (mean of 40 lookups):")
	fmt.Fprintf(w, "  %-28s %5s %10s %8s\n", "design", "nodes", "mean hops", "log2 n")
	fmt.Fprintf(w, "  %-28s %5d %10.2f %8.1f\n", "Chord (fingers, 1 at a time)", len(big), float64(chordHops)/float64(lookups), math.Log2(float64(len(big))))
	fmt.Fprintf(w, "  %-28s %5d %10.2f %8.1f\n", "Kademlia (k=8, alpha=3)", len(nodes), float64(kadHops)/float64(lookups), math.Log2(float64(len(nodes))))
	fmt.Fprintln(w, "Both grow like log n; Kademlia's wide buckets and parallel queries cut the rounds further.")
	return nil
}

func closeChord(nodes []*chord.Node) {
	for _, n := range nodes {
		n.Close()
	}
}

// tourChordRing starts a Chord ring on loopback: one node per identifier
// in ids, or count nodes named by the hash of their address.
func tourChordRing(ctx context.Context, ring chord.Ring, ids []uint64, log *slog.Logger, count ...int) ([]*chord.Node, error) {
	n := len(ids)
	if len(count) > 0 {
		n = count[0]
	}
	var nodes []*chord.Node
	for i := range n {
		node := &chord.Node{Ring: ring, Logger: log}
		if ids != nil {
			id := ring.FromUint64(ids[i])
			node.ID = &id
		}
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nodes, err
		}
		go node.Serve(pc)
		nodes = append(nodes, node)
		if i == 0 {
			node.Create()
		} else if err := node.Join(ctx, nodes[0].Self().Addr); err != nil {
			return nodes, err
		}
	}
	// Stabilize until every pointer is right (each round fixes at least
	// one), then build the finger tables.
	for range n {
		for _, node := range nodes {
			node.Stabilize(ctx)
		}
	}
	for _, node := range nodes {
		if err := node.FixFingers(ctx); err != nil {
			return nodes, err
		}
	}
	return nodes, nil
}

// tourKademlia starts size DHT nodes, each joining through the first.
func tourKademlia(ctx context.Context, size int, log *slog.Logger) ([]*dht.Node, error) {
	var nodes []*dht.Node
	for range size {
		n := &dht.Node{Logger: log, Workers: 1}
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nodes, err
		}
		go n.Serve(pc)
		nodes = append(nodes, n)
	}
	boot := ""
	for nodes[0].Addr() == nil {
		time.Sleep(time.Millisecond)
	}
	boot = nodes[0].AddrPort().String()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for _, n := range nodes[1:] {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			n.Bootstrap(ctx, boot)
		}()
	}
	wg.Wait()
	return nodes, ctx.Err()
}
