package chord

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"slices"
	"testing"
	"time"
)

func TestRingArithmetic(t *testing.T) {
	r := Ring{Bits: 6}
	if got := r.AddPow2(r.FromUint64(56), 3); got.Uint64() != 0 {
		t.Errorf("56 + 8 mod 64 = %v, want 0", got)
	}
	if got := r.Hash([]byte("x")).Uint64(); got >= 64 {
		t.Errorf("hash %d not cut to 6 bits", got)
	}
	ids := []ID{r.FromUint64(1), r.FromUint64(8), r.FromUint64(14)}
	for _, tt := range []struct{ k, want uint64 }{{0, 1}, {1, 1}, {2, 8}, {9, 14}, {15, 1}, {63, 1}} {
		if got := Successor(ids, r.FromUint64(tt.k)).Uint64(); got != tt.want {
			t.Errorf("Successor(%d) = %d, want %d", tt.k, got, tt.want)
		}
	}
	a, b := r.FromUint64(60), r.FromUint64(4)
	if !between(r.FromUint64(62), a, b, false) || !between(r.FromUint64(2), a, b, false) || between(r.FromUint64(30), a, b, false) {
		t.Error("between does not wrap")
	}
	var full Ring
	if got := full.AddPow2(ID{}, 159); got[0] != 0x80 {
		t.Errorf("2^159 = %v", got)
	}
}

type testRing struct {
	t     *testing.T
	ring  Ring
	nodes []*Node // live nodes
}

func (tr *testRing) add(n int) {
	ctx := context.Background()
	for range n {
		node := &Node{Ring: tr.ring, QueryTimeout: 300 * time.Millisecond}
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			tr.t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { node.Serve(pc); close(done) }()
		tr.t.Cleanup(func() { node.Close(); <-done })
		if len(tr.nodes) == 0 {
			node.Create()
		} else if err := node.Join(ctx, tr.nodes[0].Self().Addr); err != nil {
			tr.t.Fatalf("join: %v", err)
		}
		tr.nodes = append(tr.nodes, node)
	}
}

// settle runs stabilization rounds, then fixes every finger table.
func (tr *testRing) settle() {
	ctx := context.Background()
	snapshot := func() string {
		s := ""
		for _, n := range tr.nodes {
			p, _ := n.Predecessor()
			s += fmt.Sprint(n.SuccessorList(), p)
		}
		return s
	}
	for round := 0; ; round++ {
		before := snapshot()
		for _, n := range tr.nodes {
			n.CheckPredecessor(ctx)
			n.Stabilize(ctx)
		}
		if snapshot() == before {
			break
		}
		if round > 4*len(tr.nodes) {
			tr.t.Fatal("ring does not settle")
		}
	}
	for _, n := range tr.nodes {
		if err := n.FixFingers(ctx); err != nil {
			tr.t.Fatalf("fix fingers: %v", err)
		}
	}
}

func (tr *testRing) ids() []ID {
	var ids []ID
	for _, n := range tr.nodes {
		ids = append(ids, n.Self().ID)
	}
	return ids
}

// check compares lookups from random nodes with the brute-force
// successor, and returns the mean hop count.
func (tr *testRing) check(rng *rand.Rand, lookups int) float64 {
	tr.t.Helper()
	ctx := context.Background()
	ids := tr.ids()
	total := 0
	for range lookups {
		var k ID
		for i := range k {
			k[i] = byte(rng.UintN(256))
		}
		k = tr.ring.mask(k)
		from := tr.nodes[rng.IntN(len(tr.nodes))]
		got, hops, err := from.Lookup(ctx, k)
		if err != nil {
			tr.t.Fatalf("Lookup(%v): %v", k, err)
		}
		if want := Successor(ids, k); got.ID != want {
			tr.t.Fatalf("Lookup(%v) from %v = %v, want %v", k, from.Self().ID, got.ID, want)
		}
		total += hops
	}
	return float64(total) / float64(lookups)
}

// checkKeys checks that every key lives on its successor and nowhere else.
func (tr *testRing) checkKeys(keys []ID) {
	tr.t.Helper()
	ids := tr.ids()
	where := map[ID]ID{}
	for _, n := range tr.nodes {
		for _, k := range n.Keys() {
			if _, dup := where[k]; dup {
				tr.t.Fatalf("key %v stored twice", k)
			}
			where[k] = n.Self().ID
		}
	}
	for _, k := range keys {
		if got, want := where[k], Successor(ids, k); got != want {
			tr.t.Fatalf("key %v on node %v, want successor %v", k, got, want)
		}
	}
}

func TestRingAgreesWithBruteForce(t *testing.T) {
	size := 24
	if testing.Short() {
		size = 12
	}
	tr := &testRing{t: t, ring: Ring{}}
	rng := rand.New(rand.NewPCG(5, 6))
	tr.add(size)
	tr.settle()
	hops := tr.check(rng, 100)
	t.Logf("%d nodes: mean hops %.2f (log2 n = %.1f)", len(tr.nodes), hops, math.Log2(float64(len(tr.nodes))))
	if hops > math.Log2(float64(len(tr.nodes)))+1 {
		t.Errorf("mean hops %.2f for %d nodes", hops, len(tr.nodes))
	}

	ctx := context.Background()
	var keys []ID
	for i := range 60 {
		k, err := tr.nodes[i%len(tr.nodes)].Put(ctx, fmt.Sprintf("file-%d", i), []byte(fmt.Sprint(i)))
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	tr.checkKeys(keys)

	// Joins: keys move to their new successors.
	tr.add(size / 3)
	tr.settle()
	tr.check(rng, 100)
	tr.checkKeys(keys)

	// Graceful leaves: keys move to the successor.
	for range size / 4 {
		i := 1 + rng.IntN(len(tr.nodes)-1)
		if err := tr.nodes[i].Leave(ctx); err != nil {
			t.Fatalf("leave: %v", err)
		}
		tr.nodes = slices.Delete(tr.nodes, i, i+1)
	}
	tr.settle()
	tr.check(rng, 100)
	tr.checkKeys(keys)
	for i := range 60 {
		v, ok, err := tr.nodes[0].Get(ctx, fmt.Sprintf("file-%d", i))
		if err != nil || !ok || string(v) != fmt.Sprint(i) {
			t.Fatalf("Get(file-%d) = %q, %v, %v", i, v, ok, err)
		}
	}

	// Failures: nodes crash (their keys are lost); the successor lists
	// keep the ring together and lookups stay right over the live nodes.
	for range size / 4 {
		i := 1 + rng.IntN(len(tr.nodes)-1)
		tr.nodes[i].Close()
		tr.nodes = slices.Delete(tr.nodes, i, i+1)
	}
	tr.settle()
	hops = tr.check(rng, 100)
	t.Logf("after joins, leaves and failures, %d nodes: mean hops %.2f", len(tr.nodes), hops)
}

// TestBackgroundStabilization lets the nodes' own timers repair the ring:
// nodes join without any explicit Stabilize or FixFingers call, and the
// lookups converge to the brute-force successor.
func TestBackgroundStabilization(t *testing.T) {
	ring := Ring{Bits: 16}
	var nodes []*Node
	for i := range 8 {
		n := &Node{Ring: ring, StabilizeInterval: 20 * time.Millisecond, QueryTimeout: 300 * time.Millisecond}
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { n.Serve(pc); close(done) }()
		t.Cleanup(func() { n.Close(); <-done })
		if i == 0 {
			n.Create()
		} else if err := n.Join(context.Background(), nodes[0].Self().Addr); err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, n)
	}
	var ids []ID
	for _, n := range nodes {
		ids = append(ids, n.Self().ID)
	}
	agree := func() bool {
		for _, n := range nodes {
			for _, f := range n.Fingers() {
				if f.Node.ID != Successor(ids, f.Start) {
					return false
				}
			}
		}
		return true
	}
	deadline := time.Now().Add(20 * time.Second)
	for !agree() {
		if time.Now().After(deadline) {
			t.Fatal("finger tables did not converge under background stabilization")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
