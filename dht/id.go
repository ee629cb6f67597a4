package dht

import (
	"bytes"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"math/bits"
)

// IDLen is the length of a node ID or info-hash in bytes (160 bits).
const IDLen = 20

// An ID is a 160-bit identifier: a node's ID or a key (info-hash, BEP 44
// target). Kademlia measures closeness between IDs with [ID.Xor].
type ID [IDLen]byte

// RandomID returns a uniformly random ID.
func RandomID() ID {
	var id ID
	rand.Read(id[:])
	return id
}

// HashID returns the SHA-1 of b as an ID (the target of a BEP 44 item).
func HashID(b []byte) ID { return ID(sha1.Sum(b)) }

// ParseID parses 40 hexadecimal digits.
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != 2*IDLen {
		return id, errors.New("dht: an ID is 40 hex digits")
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return id, errors.New("dht: an ID is 40 hex digits")
	}
	return id, nil
}

// String returns the ID in hexadecimal.
func (id ID) String() string { return hex.EncodeToString(id[:]) }

// IsZero reports whether every bit is zero.
func (id ID) IsZero() bool { return id == ID{} }

// Xor returns the Kademlia distance between id and o: their bitwise
// exclusive or, read as a 160-bit unsigned number.
func (id ID) Xor(o ID) ID {
	var d ID
	for i := range id {
		d[i] = id[i] ^ o[i]
	}
	return d
}

// Cmp compares two IDs (or distances) as unsigned big-endian numbers.
func (id ID) Cmp(o ID) int { return bytes.Compare(id[:], o[:]) }

// CommonPrefixLen returns how many leading bits id and o share (160 when
// they are equal). The routing table files a node under this number.
func (id ID) CommonPrefixLen(o ID) int {
	for i := range id {
		if x := id[i] ^ o[i]; x != 0 {
			return i*8 + bits.LeadingZeros8(x)
		}
	}
	return IDLen * 8
}

// Closer reports whether a is closer to target than b.
func (target ID) Closer(a, b ID) bool {
	return a.Xor(target).Cmp(b.Xor(target)) < 0
}

// Bit returns bit i of id, counting from the most significant.
func (id ID) Bit(i int) int { return int(id[i/8]>>(7-uint(i%8))) & 1 }

// randomInBucket returns a random ID sharing exactly prefix leading bits with
// id (the range of bucket prefix), or at least prefix bits if last.
func (id ID) randomWithPrefix(prefix int, exact bool) ID {
	r := RandomID()
	for i := 0; i < prefix && i < IDLen*8; i++ {
		r[i/8] = r[i/8]&^(0x80>>uint(i%8)) | id[i/8]&(0x80>>uint(i%8))
	}
	if exact && prefix < IDLen*8 {
		i := prefix
		r[i/8] = r[i/8]&^(0x80>>uint(i%8)) | ^id[i/8]&(0x80>>uint(i%8))
	}
	return r
}
