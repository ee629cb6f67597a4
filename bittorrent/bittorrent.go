package bittorrent

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
)

// An InfoHash is the SHA-1 of a torrent's bencoded info dictionary: the
// torrent's name in the handshake, at trackers, in magnet links and in the
// DHT (BEP 3).
type InfoHash [20]byte

// String returns the hash in lowercase hex, as magnet links and logs show it.
func (h InfoHash) String() string { return hex.EncodeToString(h[:]) }

// ParseInfoHash parses 40 hex digits.
func ParseInfoHash(s string) (InfoHash, error) {
	var h InfoHash
	if len(s) != 2*len(h) {
		return h, errors.New("bittorrent: info-hash must be 40 hex digits")
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, errors.New("bittorrent: info-hash must be 40 hex digits")
	}
	return h, nil
}

// A PeerID names one client instance in the handshake and at the tracker
// (BEP 3). By convention (BEP 20) it starts with a client tag.
type PeerID [20]byte

// String returns the ID with printable bytes as they are and others as '.'.
func (id PeerID) String() string {
	b := make([]byte, len(id))
	for i, c := range id {
		if c < 0x20 || c > 0x7e {
			c = '.'
		}
		b[i] = c
	}
	return string(b)
}

// PeerIDPrefix is the Azureus-style client tag of this library (BEP 20).
const PeerIDPrefix = "-AL0001-"

// NewPeerID returns PeerIDPrefix followed by random bytes.
func NewPeerID() PeerID {
	var id PeerID
	copy(id[:], PeerIDPrefix)
	_, _ = rand.Read(id[len(PeerIDPrefix):])
	return id
}

// BlockSize is the size of the requests this package sends: 16 KiB, the
// size every client accepts (BEP 3 "request").
const BlockSize = 16 << 10
