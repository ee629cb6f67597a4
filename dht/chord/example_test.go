package chord_test

import (
	"context"
	"fmt"
	"net"

	"github.com/applayer/applayer/dht/chord"
)

// startRing starts one node per identifier on loopback, joins them into
// one ring and lets stabilization and fix-fingers run to completion.
func startRing(ring chord.Ring, ids []uint64) []*chord.Node {
	ctx := context.Background()
	var nodes []*chord.Node
	for _, v := range ids {
		id := ring.FromUint64(v)
		n := &chord.Node{Ring: ring, ID: &id}
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		go n.Serve(pc)
		nodes = append(nodes, n)
	}
	nodes[0].Create()
	for _, n := range nodes[1:] {
		if err := n.Join(ctx, nodes[0].Self().Addr); err != nil {
			panic(err)
		}
	}
	for range len(nodes) {
		for _, n := range nodes {
			n.Stabilize(ctx)
		}
	}
	for _, n := range nodes {
		n.FixFingers(ctx)
	}
	return nodes
}

// The ring of the Chord paper: m = 6 bits (identifiers 0 to 63) and ten
// nodes. successor(k) is the first node whose identifier is k or follows
// k round the circle; finger i of node n points at successor(n + 2^(i-1)).
func Example() {
	ring := chord.Ring{Bits: 6}
	nodes := startRing(ring, []uint64{1, 8, 14, 21, 32, 38, 42, 48, 51, 56})
	defer func() {
		for _, n := range nodes {
			n.Close()
		}
	}()
	ctx := context.Background()
	n8 := nodes[1]
	for _, k := range []uint64{10, 24, 30, 38, 54, 60} {
		s, hops, _ := n8.Lookup(ctx, ring.FromUint64(k))
		fmt.Printf("successor(%d) = N%v (%d hops from N8)\n", k, s.ID, hops)
	}
	fmt.Println("finger table of N8:")
	for _, f := range n8.Fingers() {
		fmt.Printf("  %d: start %2v -> N%v\n", f.I, f.Start, f.Node.ID)
	}
	// Output:
	// successor(10) = N14 (0 hops from N8)
	// successor(24) = N32 (1 hops from N8)
	// successor(30) = N32 (1 hops from N8)
	// successor(38) = N38 (1 hops from N8)
	// successor(54) = N56 (2 hops from N8)
	// successor(60) = N1 (2 hops from N8)
	// finger table of N8:
	//   1: start  9 -> N14
	//   2: start 10 -> N14
	//   3: start 12 -> N14
	//   4: start 16 -> N21
	//   5: start 24 -> N32
	//   6: start 40 -> N42
}
