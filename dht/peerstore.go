package dht

import (
	"math/rand/v2"
	"net/netip"
	"time"
)

// peerStore remembers the peers announced for each info-hash until they
// expire. It is bounded twice: at most maxPeers per info-hash and at most
// maxHashes info-hashes; past either limit the oldest entry gives way. Not
// safe for concurrent use.
type peerStore struct {
	ttl       time.Duration
	maxPeers  int
	maxHashes int
	hashes    map[ID]map[netip.AddrPort]time.Time
}

func newPeerStore(ttl time.Duration, maxPeers, maxHashes int) *peerStore {
	return &peerStore{ttl: ttl, maxPeers: maxPeers, maxHashes: maxHashes, hashes: map[ID]map[netip.AddrPort]time.Time{}}
}

func (s *peerStore) add(ih ID, p netip.AddrPort, now time.Time) {
	peers := s.hashes[ih]
	if peers == nil {
		if len(s.hashes) >= s.maxHashes {
			s.expire(now)
			if len(s.hashes) >= s.maxHashes {
				return // full of live entries: refuse rather than grow
			}
		}
		peers = map[netip.AddrPort]time.Time{}
		s.hashes[ih] = peers
	}
	if _, ok := peers[p]; !ok && len(peers) >= s.maxPeers {
		var oldest netip.AddrPort
		var ot time.Time
		for q, t := range peers {
			if ot.IsZero() || t.Before(ot) {
				oldest, ot = q, t
			}
		}
		delete(peers, oldest)
	}
	peers[p] = now
}

// get returns up to n live peers of ih, a random sample when there are more.
func (s *peerStore) get(ih ID, n int, now time.Time) []netip.AddrPort {
	var out []netip.AddrPort
	for p, t := range s.hashes[ih] {
		if now.Sub(t) < s.ttl {
			out = append(out, p)
		}
	}
	rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// expire drops every peer older than the TTL.
func (s *peerStore) expire(now time.Time) {
	for ih, peers := range s.hashes {
		for p, t := range peers {
			if now.Sub(t) >= s.ttl {
				delete(peers, p)
			}
		}
		if len(peers) == 0 {
			delete(s.hashes, ih)
		}
	}
}
