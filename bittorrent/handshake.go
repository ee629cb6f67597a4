package bittorrent

import (
	"bytes"
	"errors"
	"fmt"
)

// ProtocolName is the string every handshake starts with, after its length
// byte 19 (BEP 3 "peer protocol").
const ProtocolName = "BitTorrent protocol"

// HandshakeLen is the length of a handshake: 1+19 protocol bytes, 8
// reserved bytes, the 20-byte info-hash and the 20-byte peer ID.
const HandshakeLen = 1 + len(ProtocolName) + 8 + 20 + 20

// ErrBadHandshake means the first bytes on a connection were not a
// BitTorrent handshake.
var ErrBadHandshake = errors.New("bittorrent: bad handshake")

// Reserved is the handshake's 8 reserved bytes, whose bits advertise
// extensions.
type Reserved [8]byte

// Reserved bits this package knows, as (byte index, mask) pairs.
var (
	// ReservedExtended advertises the extension protocol (BEP 10): bit 20
	// counted from the right, 0x10 in byte 5.
	ReservedExtended = [2]byte{5, 0x10}
	// ReservedFast advertises the Fast extension (BEP 6): 0x04 in byte 7.
	ReservedFast = [2]byte{7, 0x04}
	// ReservedDHT advertises a DHT node and the PORT message (BEP 5): 0x01
	// in byte 7.
	ReservedDHT = [2]byte{7, 0x01}
)

// Has reports whether bit (from the Reserved* variables) is set.
func (r Reserved) Has(bit [2]byte) bool { return r[bit[0]]&bit[1] != 0 }

// Set sets bit.
func (r *Reserved) Set(bit [2]byte) { r[bit[0]] |= bit[1] }

// A Handshake is the first message in each direction (BEP 3).
type Handshake struct {
	Reserved Reserved
	InfoHash InfoHash
	PeerID   PeerID
}

// AppendHandshake appends the 68-byte handshake.
func AppendHandshake(b []byte, h Handshake) []byte {
	b = append(b, byte(len(ProtocolName)))
	b = append(b, ProtocolName...)
	b = append(b, h.Reserved[:]...)
	b = append(b, h.InfoHash[:]...)
	return append(b, h.PeerID[:]...)
}

// ParseHandshake parses a 68-byte handshake.
func ParseHandshake(b []byte) (Handshake, error) {
	var h Handshake
	if len(b) != HandshakeLen {
		return h, fmt.Errorf("%w: %d bytes", ErrBadHandshake, len(b))
	}
	if b[0] != byte(len(ProtocolName)) || !bytes.Equal(b[1:20], []byte(ProtocolName)) {
		return h, fmt.Errorf("%w: protocol string %q", ErrBadHandshake, b[:20])
	}
	copy(h.Reserved[:], b[20:28])
	copy(h.InfoHash[:], b[28:48])
	copy(h.PeerID[:], b[48:68])
	return h, nil
}
