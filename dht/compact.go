package dht

import (
	"encoding/binary"
	"net/netip"
)

// Sizes of the compact encodings of BEP 5 and BEP 32.
const (
	// CompactNodeLen is a node in "nodes": 20-byte ID, IPv4 address, port.
	CompactNodeLen = IDLen + 4 + 2
	// CompactNode6Len is a node in "nodes6" (BEP 32): ID, IPv6 address, port.
	CompactNode6Len = IDLen + 16 + 2
	// CompactPeerLen and CompactPeer6Len are one entry of "values".
	CompactPeerLen  = 4 + 2
	CompactPeer6Len = 16 + 2
)

// A NodeInfo is a node's contact: its ID and UDP address.
type NodeInfo struct {
	ID   ID
	Addr netip.AddrPort
}

// AppendCompactNodes appends the compact node info of nodes: 26 bytes
// each for IPv4 (BEP 5), 38 for IPv6 (BEP 32). Nodes of the other family
// are skipped.
func AppendCompactNodes(b []byte, nodes []NodeInfo, ipv6 bool) []byte {
	for _, n := range nodes {
		a := n.Addr.Addr().Unmap()
		if a.Is4() == ipv6 || !a.IsValid() {
			continue
		}
		b = append(b, n.ID[:]...)
		b = append(b, a.AsSlice()...)
		b = binary.BigEndian.AppendUint16(b, n.Addr.Port())
	}
	return b
}

// ParseCompactNodes parses a "nodes" (ipv6 false) or "nodes6" string.
func ParseCompactNodes(b []byte, ipv6 bool) ([]NodeInfo, error) {
	size := CompactNodeLen
	if ipv6 {
		size = CompactNode6Len
	}
	if len(b)%size != 0 {
		return nil, &ParseError{Field: "nodes", Err: ErrMalformed, Detail: "length not a multiple of the entry size"}
	}
	out := make([]NodeInfo, 0, len(b)/size)
	for ; len(b) > 0; b = b[size:] {
		var n NodeInfo
		copy(n.ID[:], b)
		a, _ := netip.AddrFromSlice(b[IDLen : size-2])
		n.Addr = netip.AddrPortFrom(a, binary.BigEndian.Uint16(b[size-2:]))
		out = append(out, n)
	}
	return out, nil
}

// AppendCompactPeer appends a peer's compact form: 6 bytes for IPv4, 18 for
// IPv6.
func AppendCompactPeer(b []byte, p netip.AddrPort) []byte {
	b = append(b, p.Addr().Unmap().AsSlice()...)
	return binary.BigEndian.AppendUint16(b, p.Port())
}

// ParseCompactPeer parses one 6- or 18-byte compact peer.
func ParseCompactPeer(b []byte) (netip.AddrPort, error) {
	if len(b) != CompactPeerLen && len(b) != CompactPeer6Len {
		return netip.AddrPort{}, &ParseError{Field: "values", Err: ErrMalformed, Detail: "compact peer is neither 6 nor 18 bytes"}
	}
	a, _ := netip.AddrFromSlice(b[:len(b)-2])
	return netip.AddrPortFrom(a, binary.BigEndian.Uint16(b[len(b)-2:])), nil
}
