package dht

import (
	"hash/crc32"
	"net/netip"
)

// BEP 42 ties a node's ID to its IP address so that an attacker cannot
// choose IDs next to a target key: the first 21 bits of the ID must equal
// the CRC-32C of the masked address with three random bits r mixed in, and
// the last byte of the ID carries r.

var (
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
	bep42Mask4 = [4]byte{0x03, 0x0f, 0x3f, 0xff}
	bep42Mask6 = [8]byte{0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, 0xff}
)

func bep42Prefix(ip netip.Addr, r byte) uint32 {
	ip = ip.Unmap()
	var b []byte
	if ip.Is4() {
		a := ip.As4()
		for i := range a {
			a[i] &= bep42Mask4[i]
		}
		b = a[:]
	} else {
		a := ip.As16()
		for i := range bep42Mask6 {
			a[i] &= bep42Mask6[i]
		}
		b = a[:8]
	}
	b[0] |= (r & 7) << 5
	return crc32.Checksum(b, castagnoli)
}

// SecureID returns a random node ID that satisfies BEP 42 for the external
// address ip.
func SecureID(ip netip.Addr) ID {
	id := RandomID()
	r := id[19]
	crc := bep42Prefix(ip, r)
	id[0] = byte(crc >> 24)
	id[1] = byte(crc >> 16)
	id[2] = byte(crc>>8)&0xf8 | id[2]&7
	return id
}

// BEP42Exempt reports whether ip is a local address that BEP 42 does not
// constrain: loopback, private and link-local ranges.
func BEP42Exempt(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified()
}

// ValidID reports whether id is acceptable for a node at ip under BEP 42:
// always for exempt addresses, otherwise when the first 21 bits match.
func ValidID(id ID, ip netip.Addr) bool {
	if BEP42Exempt(ip) {
		return true
	}
	crc := bep42Prefix(ip, id[19])
	return id[0] == byte(crc>>24) && id[1] == byte(crc>>16) && id[2]&0xf8 == byte(crc>>8)&0xf8
}
