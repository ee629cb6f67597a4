package dht

import (
	"encoding/hex"
	"net/netip"
	"testing"
)

// The example IDs of BEP 42 (the first three bytes and the last one
// matter; the middle is random).
func TestBEP42Vectors(t *testing.T) {
	for _, tt := range []struct{ ip, id string }{
		{"124.31.75.21", "5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401"},
		{"21.75.31.124", "5a3ce9c14e7a08645677bbd1cfe7d8f956d53256"},
		{"65.23.51.170", "a5d43220bc8f112a3d426c84764f8c2a1150e616"},
		{"84.124.73.14", "1b0321dd1bb1fe518101ceef99462b947a01ff41"},
		{"43.213.53.83", "e56f6cbf5b7c4be0237986d5243b87aa6d51305a"},
	} {
		b, _ := hex.DecodeString(tt.id)
		var id ID
		copy(id[:], b)
		ip := netip.MustParseAddr(tt.ip)
		if !ValidID(id, ip) {
			t.Errorf("ValidID(%s, %s) = false", tt.id, tt.ip)
		}
		id[0] ^= 1
		if ValidID(id, ip) {
			t.Errorf("ValidID accepts a changed prefix for %s", tt.ip)
		}
	}
	for _, ip := range []string{"8.8.8.8", "2001:4860::1"} {
		a := netip.MustParseAddr(ip)
		if id := SecureID(a); !ValidID(id, a) {
			t.Errorf("SecureID(%s) = %v is not valid", ip, id)
		}
	}
	if !ValidID(RandomID(), netip.MustParseAddr("127.0.0.1")) {
		t.Error("loopback is not exempt")
	}
}
