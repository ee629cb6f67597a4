package bittorrent

import (
	"fmt"
	"math/bits"
)

// A Bitset is a bitfield over pieces as the BITFIELD message carries it
// (BEP 3): piece 0 is the high bit of the first byte, and spare bits at the
// end are zero.
type Bitset struct {
	n    int
	bits []byte
}

// NewBitset returns an empty bitset of n pieces.
func NewBitset(n int) Bitset { return Bitset{n: n, bits: make([]byte, (n+7)/8)} }

// ParseBitfield checks a BITFIELD payload for n pieces: the right length and
// zero spare bits.
func ParseBitfield(b []byte, n int) (Bitset, error) {
	if len(b) != (n+7)/8 {
		return Bitset{}, fmt.Errorf("%w: bitfield of %d bytes for %d pieces", ErrBadMessage, len(b), n)
	}
	if n%8 != 0 && b[len(b)-1]&(0xff>>(n%8)) != 0 {
		return Bitset{}, fmt.Errorf("%w: bitfield spare bits set", ErrBadMessage)
	}
	return Bitset{n: n, bits: append([]byte(nil), b...)}, nil
}

// Len returns the number of pieces.
func (s Bitset) Len() int { return s.n }

// Has reports whether piece i is set; out of range is false.
func (s Bitset) Has(i int) bool {
	return i >= 0 && i < s.n && s.bits[i/8]&(0x80>>(i%8)) != 0
}

// Set marks piece i; out of range is ignored.
func (s Bitset) Set(i int) {
	if i >= 0 && i < s.n {
		s.bits[i/8] |= 0x80 >> (i % 8)
	}
}

// Clear unmarks piece i.
func (s Bitset) Clear(i int) {
	if i >= 0 && i < s.n {
		s.bits[i/8] &^= 0x80 >> (i % 8)
	}
}

// SetAll marks every piece.
func (s Bitset) SetAll() {
	for i := range s.n {
		s.Set(i)
	}
}

// Count returns the number of pieces set.
func (s Bitset) Count() int {
	c := 0
	for _, b := range s.bits {
		c += bits.OnesCount8(b)
	}
	return c
}

// All reports whether every piece is set.
func (s Bitset) All() bool { return s.Count() == s.n }

// Bytes returns the BITFIELD payload (shared, do not modify).
func (s Bitset) Bytes() []byte { return s.bits }

// Clone returns an independent copy.
func (s Bitset) Clone() Bitset { return Bitset{n: s.n, bits: append([]byte(nil), s.bits...)} }
