package bittorrent

import (
	"crypto/sha1"
	"encoding/binary"
	"net/netip"
)

// AllowedFastSetSize is how many pieces we let a choked peer request
// (BEP 6 suggests 10).
const AllowedFastSetSize = 10

// AllowedFastSet computes the canonical allowed-fast set of BEP 6 for a
// peer at ip: k distinct piece indexes derived from SHA-1 of the peer's /24
// network and the info-hash, so both sides can compute it. It is defined
// for IPv4 only and returns nil otherwise, or when there are no more
// pieces than k.
func AllowedFastSet(ip netip.Addr, ih InfoHash, numPieces, k int) []uint32 {
	ip = ip.Unmap()
	if !ip.Is4() || numPieces <= k || k <= 0 {
		return nil
	}
	a4 := ip.As4()
	x := make([]byte, 0, 24)
	x = append(x, a4[0], a4[1], a4[2], 0)
	x = append(x, ih[:]...)
	var out []uint32
	for len(out) < k {
		h := sha1.Sum(x)
		x = h[:]
		for i := 0; i < 5 && len(out) < k; i++ {
			idx := binary.BigEndian.Uint32(x[4*i:]) % uint32(numPieces)
			dup := false
			for _, v := range out {
				dup = dup || v == idx
			}
			if !dup {
				out = append(out, idx)
			}
		}
	}
	return out
}

// allowedFastNet returns the network an allowed-fast set is computed for:
// the /24 of an IPv4 address (BEP 6); false for IPv6, which has no set.
func allowedFastNet(ip netip.Addr) (netip.Prefix, bool) {
	ip = ip.Unmap()
	if !ip.Is4() {
		return netip.Prefix{}, false
	}
	p, _ := ip.Prefix(24)
	return p, true
}
