package bittorrent

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSeedChoking checks the two seeding rules: SeedFastest unchokes the
// peers we upload to fastest, SeedFewestPieces those holding the fewest
// pieces, whatever we sent them.
func TestSeedChoking(t *testing.T) {
	peers := []struct {
		key    uint64
		sent   int64
		pieces int
	}{
		{1, 900, 60}, {2, 800, 50}, {3, 700, 40}, {4, 600, 30},
		{5, 0, 20}, {6, 0, 10}, {7, 0, 5}, {8, 100, 0},
	}
	for _, tc := range []struct {
		policy SeedChoking
		want   []uint64
	}{
		{SeedFastest, []uint64{1, 2, 3, 4}},
		{SeedFewestPieces, []uint64{8, 7, 6, 5}},
	} {
		var cands []chokeCandidate
		for _, p := range peers {
			cands = append(cands, chokeCandidate{key: p.key, interested: true, rate: tc.policy.seedRank(p.sent, p.pieces)})
		}
		d := decideChokes(cands, 4, 0, true, rand.New(rand.NewPCG(1, 2)))
		if diff := cmp.Diff(tc.want, d.top); diff != "" {
			t.Errorf("policy %d: top four (-want +got):\n%s", tc.policy, diff)
		}
		if slices.Contains(tc.want, d.optimistic) || d.optimistic == 0 {
			t.Errorf("policy %d: optimistic = %d, want one of the others", tc.policy, d.optimistic)
		}
	}
}

// TestAllowedFastOnePerNetwork: the peers of one /24 share one allowed-fast
// grant, held by one connected peer at a time; other networks have their
// own; IPv6 peers have no set.
func TestAllowedFastOnePerNetwork(t *testing.T) {
	tor := &Torrent{peers: map[uint64]*peerConn{}, fastGrants: map[netip.Prefix]uint64{}}
	connect := func(key uint64, addr string) *peerConn {
		pc := &peerConn{key: key, addr: netip.MustParseAddrPort(addr)}
		tor.peers[key] = pc
		return pc
	}
	a := connect(1, "10.1.2.3:6881")
	b := connect(2, "10.1.2.200:6881")
	c := connect(3, "10.1.3.4:6881")
	mapped := connect(4, "[::ffff:10.1.3.9]:6881")
	v6 := connect(5, "[2001:db8::1]:6881")
	got := []bool{tor.grantAllowedFast(a), tor.grantAllowedFast(b), tor.grantAllowedFast(c),
		tor.grantAllowedFast(mapped), tor.grantAllowedFast(v6)}
	if diff := cmp.Diff([]bool{true, false, true, false, false}, got); diff != "" {
		t.Errorf("grants for a, b (same /24), c (another /24), c's /24 mapped, IPv6 (-want +got):\n%s", diff)
	}
	// The holder leaves: the next peer of its network gets the set.
	delete(tor.peers, a.key)
	tor.releaseAllowedFast(a)
	d := connect(6, "10.1.2.7:6881")
	if !tor.grantAllowedFast(d) {
		t.Error("no grant for a new peer after the holder of its network left")
	}
	// A peer that is not the holder leaving does not free the grant.
	tor.releaseAllowedFast(b)
	delete(tor.peers, b.key)
	if tor.grantAllowedFast(connect(7, "10.1.2.8:6881")) {
		t.Error("grant given twice in one network")
	}
	if len(tor.fastGrants) != 2 {
		t.Errorf("%d grants remembered, want 2 (one per network)", len(tor.fastGrants))
	}
}

// TestEndgameCopyOK: in endgame a block already asked of a peer is asked
// of another only if that one sends to us at least endgameSpeedup times
// faster; a peer that sent nothing or has stalled is overtaken by anyone.
func TestEndgameCopyOK(t *testing.T) {
	now := time.Now()
	bl := block{piece: 3, begin: 0, length: BlockSize}
	peer := func(key uint64, rate float64, asked time.Time) *peerConn {
		pc := &peerConn{key: key, dnRate: rate, requests: map[block]time.Time{}}
		if !asked.IsZero() {
			pc.requests[bl] = asked
		}
		return pc
	}
	recent := now.Add(-100 * time.Millisecond)
	for _, tc := range []struct {
		name   string
		holder *peerConn
		asker  *peerConn
		want   bool
	}{
		{"twice as fast", peer(1, 100e3, recent), peer(2, 200e3, time.Time{}), true},
		{"a bit faster", peer(1, 100e3, recent), peer(2, 150e3, time.Time{}), false},
		{"slower", peer(1, 100e3, recent), peer(2, 50e3, time.Time{}), false},
		{"asker unmeasured", peer(1, 100e3, recent), peer(2, 0, time.Time{}), false},
		{"holder silent", peer(1, 0, recent), peer(2, 0, time.Time{}), true},
		{"holder stalled", peer(1, 1e6, now.Add(-endgameStall)), peer(2, 10e3, time.Time{}), true},
		{"already asked", peer(1, 0, recent), peer(2, 1e6, recent), false},
	} {
		tor := &Torrent{peers: map[uint64]*peerConn{1: tc.holder, 2: tc.asker}}
		if got := tor.endgameCopyOK(tc.asker, bl, now); got != tc.want {
			t.Errorf("%s: endgameCopyOK = %v, want %v", tc.name, got, tc.want)
		}
	}
	// Every holder counts: one slow and one fast holder, no copy.
	tor := &Torrent{peers: map[uint64]*peerConn{
		1: peer(1, 10e3, recent), 2: peer(2, 500e3, recent), 3: peer(3, 600e3, time.Time{})}}
	if tor.endgameCopyOK(tor.peers[3], bl, now) {
		t.Error("copy asked of a peer not twice as fast as every holder")
	}
}
