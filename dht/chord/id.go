package chord

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"math/big"
)

// MaxBits is the largest identifier size: SHA-1's 160 bits.
const MaxBits = 160

// An ID is a point on the identifier circle of a ring with M bits: a
// number in [0, 2^M), stored big-endian in 20 bytes.
type ID [20]byte

// Ring describes an identifier circle of Bits bits (modulo 2^Bits).
// Bits of zero means MaxBits.
type Ring struct {
	Bits int
}

func (r Ring) bits() int {
	if r.Bits <= 0 || r.Bits > MaxBits {
		return MaxBits
	}
	return r.Bits
}

// mask clears the bits above Bits.
func (r Ring) mask(id ID) ID {
	m := r.bits()
	full := MaxBits - m // leading bits to clear
	for i := 0; i < full/8; i++ {
		id[i] = 0
	}
	if full%8 != 0 {
		id[full/8] &= 0xff >> uint(full%8)
	}
	return id
}

// Hash maps b to the ring with consistent hashing: SHA-1, reduced modulo
// 2^Bits (its low Bits bits).
func (r Ring) Hash(b []byte) ID { return r.mask(ID(sha1.Sum(b))) }

// FromUint64 returns the ID with value v mod 2^Bits.
func (r Ring) FromUint64(v uint64) ID {
	var id ID
	for i := 0; i < 8; i++ {
		id[19-i] = byte(v >> (8 * i))
	}
	return r.mask(id)
}

// AddPow2 returns id + 2^i mod 2^Bits: the start of finger i+1 of id.
func (r Ring) AddPow2(id ID, i int) ID {
	byteIdx := 19 - i/8
	carry := uint16(1) << uint(i%8)
	for j := byteIdx; j >= 0 && carry != 0; j-- {
		s := uint16(id[j]) + carry
		id[j] = byte(s)
		carry = s >> 8
	}
	return r.mask(id)
}

// Cmp compares a and b as numbers.
func (a ID) Cmp(b ID) int { return bytes.Compare(a[:], b[:]) }

// Uint64 returns the low 64 bits of id (its whole value when Bits <= 64).
func (a ID) Uint64() uint64 {
	var v uint64
	for _, b := range a[12:] {
		v = v<<8 | uint64(b)
	}
	return v
}

// String returns the ID in decimal when it fits 64 bits (small rings),
// in hexadecimal otherwise.
func (a ID) String() string {
	if bytes.Equal(a[:12], make([]byte, 12)) {
		return new(big.Int).SetUint64(a.Uint64()).String()
	}
	return hex.EncodeToString(a[:])
}

// between reports whether x lies on the arc from a to b going clockwise,
// a excluded; b included if incl. When a == b the arc is the whole circle
// (minus a, unless b is included).
func between(x, a, b ID, incl bool) bool {
	if incl && x == b {
		return true
	}
	switch c := a.Cmp(b); {
	case c < 0:
		return a.Cmp(x) < 0 && x.Cmp(b) < 0
	case c > 0:
		return a.Cmp(x) < 0 || x.Cmp(b) < 0
	default:
		return x != a
	}
}

// Successor returns successor(k) among ids: the first identifier equal
// to or following k on the circle. It is the definition a ring must agree
// with; ids need not be sorted. It panics on an empty set.
func Successor(ids []ID, k ID) ID {
	var best, min ID
	found := false
	for i, id := range ids {
		if i == 0 || id.Cmp(min) < 0 {
			min = id
		}
		if id.Cmp(k) >= 0 && (!found || id.Cmp(best) < 0) {
			best, found = id, true
		}
	}
	if !found {
		return min // wrap around
	}
	return best
}
