package bittorrent

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestChokerTopFour checks the lesson's rule: the four interested peers
// with the highest rates are unchoked; uninterested peers never are; the
// optimistic peer comes from the rest and keeps its slot between
// optimistic rounds.
func TestChokerTopFour(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	peers := []chokeCandidate{
		{key: 1, interested: true, rate: 100},
		{key: 2, interested: true, rate: 500},
		{key: 3, interested: false, rate: 900}, // fast but not interested
		{key: 4, interested: true, rate: 300},
		{key: 5, interested: true, rate: 50},
		{key: 6, interested: true, rate: 400},
		{key: 7, interested: true, rate: 10},
		{key: 8, interested: true, rate: 0},
	}
	d := decideChokes(peers, 4, 0, true, rnd)
	if diff := cmp.Diff([]uint64{2, 6, 4, 1}, d.top); diff != "" {
		t.Errorf("top four (-want +got):\n%s", diff)
	}
	if !slices.Contains([]uint64{5, 7, 8}, d.optimistic) {
		t.Errorf("optimistic = %d, want one of the choked interested peers 5, 7, 8", d.optimistic)
	}
	// Between optimistic rounds the optimistic peer keeps its slot.
	again := decideChokes(peers, 4, d.optimistic, false, rnd)
	if again.optimistic != d.optimistic {
		t.Errorf("optimistic changed outside its round: %d -> %d", d.optimistic, again.optimistic)
	}
	// Over many optimistic rounds every choked interested peer gets a turn.
	seen := map[uint64]bool{}
	for range 100 {
		seen[decideChokes(peers, 4, 0, true, rnd).optimistic] = true
	}
	if diff := cmp.Diff(map[uint64]bool{5: true, 7: true, 8: true}, seen); diff != "" {
		t.Errorf("optimistic choices (-want +got):\n%s", diff)
	}
	// Fewer interested peers than slots: all unchoked, no optimistic.
	few := decideChokes(peers[:2], 4, 0, true, rnd)
	if diff := cmp.Diff([]uint64{2, 1}, few.top, cmpopts.EquateEmpty()); diff != "" || few.optimistic != 0 {
		t.Errorf("few peers: %+v", few)
	}
}

func testInfo(pieces int, pieceLen int64) *Info {
	return &Info{Name: "x", PieceLength: pieceLen, Length: int64(pieces) * pieceLen, Pieces: make([]byte, 20*pieces)}
}

// seededPicker returns a picker for a torrent of pieces two-block pieces,
// none of them had, that peers peers all hold; all is those peers'
// bitfield. seed fixes its random choices.
func seededPicker(pieces, peers int, seed uint64) (pk *picker, all Bitset) {
	pk = newPicker(testInfo(pieces, 2*BlockSize), NewBitset(pieces), rand.New(rand.NewPCG(seed, seed+1)))
	all = NewBitset(pieces)
	all.SetAll()
	pk.addAvail(all, peers)
	return pk, all
}

func TestPickerRarestFirst(t *testing.T) {
	info := testInfo(6, BlockSize)
	pk := newPicker(info, NewBitset(6), rand.New(rand.NewPCG(3, 4)))
	pk.randomFirst = 0
	full := NewBitset(6)
	full.SetAll()
	a := NewBitset(6)
	for _, i := range []int{0, 1, 2, 3} {
		a.Set(i)
	}
	b := NewBitset(6)
	b.Set(2)
	b.Set(3)
	for _, s := range []Bitset{full, a, b} {
		pk.addAvail(s, 1)
	}
	// Availability: 0,1 -> 2; 2,3 -> 3; 4,5 -> 1. Rarest are 4 and 5.
	got := pk.pick(full, 2, func(block) bool { return false })
	pieces := []int{int(got[0].piece), int(got[1].piece)}
	slices.Sort(pieces)
	if diff := cmp.Diff([]int{4, 5}, pieces); diff != "" {
		t.Errorf("rarest first (-want +got):\n%s", diff)
	}
	// A peer with only 0-3 gets the rarer of those (0 or 1), not 2 or 3.
	next := pk.pick(a, 1, func(block) bool { return false })
	if p := next[0].piece; p != 0 && p != 1 {
		t.Errorf("picked piece %d, want 0 or 1", p)
	}
}

func TestPickerRandomFirstAndEndgame(t *testing.T) {
	info := testInfo(8, 2*BlockSize)
	counts := map[uint32]int{}
	for seed := range uint64(40) {
		pk := newPicker(info, NewBitset(8), rand.New(rand.NewPCG(seed, 1)))
		full := NewBitset(8)
		full.SetAll()
		pk.addAvail(full, 1)
		counts[pk.pick(full, 1, func(block) bool { return false })[0].piece]++
	}
	if len(counts) < 4 {
		t.Errorf("first pieces %v: want a random spread", counts)
	}
	// Endgame: one piece left, all its blocks requested from peer A; peer B
	// is asked for the same blocks, never twice.
	pk, all := seededPicker(1, 2, 5)
	fromA := pk.pick(all, 10, func(block) bool { return false })
	if len(fromA) != 2 || !pk.inEndgame() {
		t.Fatalf("peer A got %v, endgame %v", fromA, pk.inEndgame())
	}
	mineB := map[block]bool{}
	fromB := pk.pick(all, 10, func(b block) bool { return mineB[b] })
	if diff := cmp.Diff(fromA, fromB, cmp.AllowUnexported(block{})); diff != "" {
		t.Errorf("endgame duplicates (-A +B):\n%s", diff)
	}
	for _, b := range fromB {
		mineB[b] = true
	}
	if more := pk.pick(all, 10, func(b block) bool { return mineB[b] }); len(more) != 0 {
		t.Errorf("peer B asked twice for %v", more)
	}
}

// TestPickerEndgameEntry checks when endgame starts: not as soon as every
// block is requested, but once few blocks remain; and then each is asked
// of at most endgameCopies peers.
func TestPickerEndgameEntry(t *testing.T) {
	const pieces = 24 // 48 blocks, more than endgameBlocks
	pk, all := seededPicker(pieces, 3, 7)
	none := func(block) bool { return false }
	fromA := pk.pick(all, 100, none)
	if len(fromA) != 2*pieces {
		t.Fatalf("peer A got %d blocks, want %d", len(fromA), 2*pieces)
	}
	if pk.inEndgame() {
		t.Fatalf("endgame with all %d blocks missing, want it only at %d", len(fromA), endgameBlocks)
	}
	if got := pk.pick(all, 100, none); len(got) != 0 {
		t.Fatalf("peer B got %d duplicates before endgame", len(got))
	}
	// Peer A delivers until endgameBlocks remain.
	for _, bl := range fromA[:len(fromA)-endgameBlocks] {
		pk.receive(bl, make([]byte, bl.length), 1)
	}
	if !pk.inEndgame() {
		t.Fatalf("no endgame with %d blocks missing", endgameBlocks)
	}
	want := fromA[len(fromA)-endgameBlocks:]
	sortBlocks := cmpopts.SortSlices(func(a, b block) bool {
		return a.piece < b.piece || (a.piece == b.piece && a.begin < b.begin)
	})
	// Peers B, C, ... each get a copy of every missing block, once.
	for peer := 2; peer <= endgameCopies; peer++ {
		mine := map[block]bool{}
		got := pk.pick(all, 100, func(b block) bool { return mine[b] })
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(block{}), sortBlocks); diff != "" {
			t.Errorf("endgame duplicates for peer %d (-missing +got):\n%s", peer, diff)
		}
		for _, b := range got {
			mine[b] = true
		}
		if more := pk.pick(all, 100, func(b block) bool { return mine[b] }); len(more) != 0 {
			t.Errorf("peer %d asked twice for %v", peer, more)
		}
	}
	if got := pk.pick(all, 100, none); len(got) != 0 {
		t.Errorf("one more peer got %v: want at most %d copies of a block in flight", got, endgameCopies)
	}
	// A copy answered elsewhere (or rejected) frees the slot.
	pk.unrequest(want[0])
	if got := pk.pick(all, 100, none); len(got) != 1 || got[0] != want[0] {
		t.Errorf("after an unrequest the next peer got %v, want [%v]", got, want[0])
	}
}
