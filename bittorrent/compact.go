package bittorrent

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// Compact peer lists (BEP 23 for IPv4, BEP 7 for IPv6): each peer is its
// address bytes followed by a big-endian port.
const (
	compactLen4 = 4 + 2
	compactLen6 = 16 + 2
)

// ParseCompactPeers parses a compact peer string of IPv4 (ipv6 false, 6
// bytes each) or IPv6 (18 bytes each) peers.
func ParseCompactPeers(b []byte, ipv6 bool) ([]netip.AddrPort, error) {
	size := compactLen4
	if ipv6 {
		size = compactLen6
	}
	if len(b)%size != 0 {
		return nil, fmt.Errorf("%w: compact peers of %d bytes", ErrBadMessage, len(b))
	}
	out := make([]netip.AddrPort, 0, len(b)/size)
	for ; len(b) > 0; b = b[size:] {
		var addr netip.Addr
		if ipv6 {
			addr = netip.AddrFrom16([16]byte(b[:16]))
		} else {
			addr = netip.AddrFrom4([4]byte(b[:4]))
		}
		out = append(out, netip.AddrPortFrom(addr, binary.BigEndian.Uint16(b[size-2:])))
	}
	return out, nil
}

// AppendCompactPeer appends ap in compact form: 6 bytes for IPv4 (including
// IPv4-mapped IPv6), 18 for IPv6.
func AppendCompactPeer(b []byte, ap netip.AddrPort) []byte {
	a := ap.Addr().Unmap()
	b = append(b, a.AsSlice()...)
	return binary.BigEndian.AppendUint16(b, ap.Port())
}
