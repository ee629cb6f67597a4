package bittorrent

import (
	"cmp"
	"math/rand/v2"
	"slices"
)

// SeedChoking is how the choker ranks interested peers once we seed, when
// there is no download rate left to reciprocate ([Client.SeedChoking]).
type SeedChoking int

const (
	// SeedFastest unchokes the peers we upload to fastest, so the seed's
	// data leaves as quickly as the peers can take it (the original
	// client's rule, and the lesson's).
	SeedFastest SeedChoking = iota
	// SeedFewestPieces unchokes the interested peers that hold the fewest
	// pieces. The seed's upload goes where the swarm lacks most: a newcomer
	// soon has something to trade, the slowest peer is not left to finish
	// last, and a slot is not spent on a nearly complete peer whose last
	// blocks are all already asked of others (it would request nothing).
	// On a swarm of equal links this is what the fluid model of the
	// distribution time assumes; libtorrent's round-robin and anti-leech
	// seed chokers pursue the same spreading.
	SeedFewestPieces
)

// seedRank is the rate decideChokes ranks a peer by while we seed under
// policy s: the bytes sent to it in the last round, or for
// SeedFewestPieces the negated count of its pieces, so the peer holding
// the fewest comes first (ties broken at random like any other).
func (s SeedChoking) seedRank(sent int64, pieces int) int64 {
	if s == SeedFewestPieces {
		return -int64(pieces)
	}
	return sent
}

// chokeCandidate is what the choker knows of one peer for one round.
type chokeCandidate struct {
	key        uint64
	interested bool
	// rate is what the peer is ranked by, highest first: bytes per round
	// received from the peer while we download; while we seed, its
	// [SeedChoking.seedRank].
	rate int64
}

// chokeDecision is the outcome of one round.
type chokeDecision struct {
	// top are the peers unchoked for their rate, fastest first.
	top []uint64
	// optimistic is the optimistically unchoked peer, or 0.
	optimistic uint64
}

// unchoked reports whether key is unchoked by d.
func (d chokeDecision) unchoked(key uint64) bool {
	return key != 0 && (key == d.optimistic || slices.Contains(d.top, key))
}

// decideChokes runs the lesson's tit-for-tat: unchoke the slots interested
// peers with the highest rate (ties broken at random so that peers with no
// history still get a turn). If newOptimistic is set a random choked
// interested peer becomes the optimistic unchoke; otherwise the previous
// optimistic peer keeps its slot while it is still interested and not
// already in the top.
func decideChokes(peers []chokeCandidate, slots int, prevOptimistic uint64, newOptimistic bool, rnd *rand.Rand) chokeDecision {
	var interested []chokeCandidate
	for _, p := range peers {
		if p.interested {
			interested = append(interested, p)
		}
	}
	rnd.Shuffle(len(interested), func(i, j int) { interested[i], interested[j] = interested[j], interested[i] })
	slices.SortStableFunc(interested, func(a, b chokeCandidate) int { return cmp.Compare(b.rate, a.rate) })
	var d chokeDecision
	for _, p := range interested[:min(slots, len(interested))] {
		d.top = append(d.top, p.key)
	}
	rest := interested[min(slots, len(interested)):]
	if !newOptimistic {
		for _, p := range rest {
			if p.key == prevOptimistic {
				d.optimistic = p.key
				return d
			}
		}
	}
	if len(rest) > 0 {
		d.optimistic = rest[rnd.IntN(len(rest))].key
	}
	return d
}
