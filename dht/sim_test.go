package dht

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

// bruteClosest returns the k IDs closest to target among live nodes.
func bruteClosest(nodes []*Node, target ID, k int) []ID {
	var ids []ID
	for _, n := range nodes {
		ids = append(ids, n.Self())
	}
	slices.SortFunc(ids, func(a, b ID) int { return a.Xor(target).Cmp(b.Xor(target)) })
	return ids[:min(k, len(ids))]
}

type simStats struct {
	lookups, exact, first int
	hops, queries         float64
}

// simLookups runs count lookups of random targets from random live nodes
// and checks each against the brute-force k closest.
func simLookups(t *testing.T, live []*Node, count int, rng *rand.Rand) simStats {
	t.Helper()
	var st simStats
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range count {
		from := live[rng.IntN(len(live))]
		target := RandomID()
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := from.FindNode(context.Background(), target)
			if err != nil {
				t.Errorf("lookup: %v", err)
				return
			}
			want := bruteClosest(live, target, DefaultK)
			// The searching node itself is never in its own result.
			want = slices.DeleteFunc(want, func(id ID) bool { return id == from.Self() })
			var got []ID
			for _, c := range res.Closest {
				got = append(got, c.ID)
			}
			mu.Lock()
			defer mu.Unlock()
			st.lookups++
			st.hops += float64(res.Hops)
			st.queries += float64(res.Queries)
			if slices.Equal(got[:min(len(got), len(want))], want) {
				st.exact++
			}
			if len(got) > 0 && got[0] == want[0] {
				st.first++
			}
		}()
	}
	wg.Wait()
	return st
}

// TestSimulation runs a few hundred nodes in one process on loopback:
// every lookup must find the K closest nodes, hops must grow slowly with
// the network's size, and lookups must survive a third of the nodes
// leaving.
func TestSimulation(t *testing.T) {
	sizes := []int{100, 200, 400}
	if testing.Short() {
		sizes = []int{50, 200}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var hops []float64
	for _, size := range sizes {
		nodes := cluster(t, size, func(n *Node) { n.QueryTimeout = 2 * time.Second; n.Workers = 1 })
		st := simLookups(t, nodes, 40, rng)
		h := st.hops / float64(st.lookups)
		hops = append(hops, h)
		t.Logf("n=%d: %d/%d lookups found the exact %d closest, %d the closest; mean hops %.2f (log2 n = %.1f); mean queries %.1f",
			size, st.exact, st.lookups, DefaultK, st.first, h, math.Log2(float64(size)), st.queries/float64(st.lookups))
		if st.exact < st.lookups*95/100 || st.first < st.lookups {
			t.Errorf("n=%d: only %d of %d lookups found the K closest, %d the closest", size, st.exact, st.lookups, st.first)
		}
		if size == sizes[len(sizes)-1] {
			// Churn: a third of the nodes leave at once.
			rng.Shuffle(len(nodes), func(i, j int) { nodes[i], nodes[j] = nodes[j], nodes[i] })
			gone := nodes[:size/3]
			live := nodes[size/3:]
			for _, n := range gone {
				n.Close()
			}
			st := simLookups(t, live, 20, rng)
			t.Logf("after %d of %d nodes left: %d/%d lookups exact, %d found the closest; mean hops %.2f, mean queries %.1f",
				len(gone), size, st.exact, st.lookups, st.first, st.hops/float64(st.lookups), st.queries/float64(st.lookups))
			if st.first < st.lookups*9/10 {
				t.Errorf("after churn only %d of %d lookups found the closest live node", st.first, st.lookups)
			}
		}
		for _, n := range nodes {
			n.Close()
		}
	}
	// Hops grow like log n: doubling the network adds well under one hop.
	for i := 1; i < len(hops); i++ {
		if hops[i] > hops[i-1]+1.5 {
			t.Errorf("mean hops jumped from %.2f to %.2f", hops[i-1], hops[i])
		}
	}
}
