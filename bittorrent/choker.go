package bittorrent

import (
	"cmp"
	"math/rand/v2"
	"slices"
)

// chokeCandidate is what the choker knows of one peer for one round.
type chokeCandidate struct {
	key        uint64
	interested bool
	// rate is bytes per round: received from the peer while we download,
	// sent to the peer while we seed.
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
