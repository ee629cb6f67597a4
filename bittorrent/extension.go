package bittorrent

import (
	"fmt"

	"github.com/applayer/applayer/bittorrent/bencode"
)

// Extension names in the extension handshake's "m" dictionary.
const (
	// ExtMetadata is ut_metadata (BEP 9): fetching the info dictionary.
	ExtMetadata = "ut_metadata"
	// ExtPEX is ut_pex (BEP 11): peer exchange.
	ExtPEX = "ut_pex"
)

// ExtHandshakeID is the extended message ID of the extension handshake
// (BEP 10); other IDs are the ones the receiver chose in its "m".
const ExtHandshakeID = 0

// MaxExtendedHandshake bounds the bencoded extension handshake we accept.
const MaxExtendedHandshake = 64 << 10

// An ExtHandshake is the extension protocol's handshake (BEP 10): which
// extensions the sender speaks, under which message IDs it wants to receive
// them, and a few facts about it.
type ExtHandshake struct {
	// M maps extension names to the IDs the sender wants them sent with;
	// 0 disables an extension.
	M map[string]int `bencode:"m"`
	// V is the client name and version.
	V string `bencode:"v,omitempty"`
	// Port is the sender's listening TCP port.
	Port int `bencode:"p,omitempty"`
	// Reqq is how many outstanding requests the sender allows.
	Reqq int `bencode:"reqq,omitempty"`
	// MetadataSize is the size of the info dictionary (BEP 9).
	MetadataSize int `bencode:"metadata_size,omitempty"`
	// YourIP is the receiver's address as the sender sees it (4 or 16 bytes).
	YourIP []byte `bencode:"yourip,omitempty"`
}

// ParseExtHandshake decodes an extension handshake payload.
func ParseExtHandshake(b []byte) (ExtHandshake, error) {
	var h ExtHandshake
	if len(b) > MaxExtendedHandshake {
		return h, fmt.Errorf("%w: extension handshake of %d bytes", ErrBadMessage, len(b))
	}
	if err := bencode.Unmarshal(b, &h); err != nil {
		return h, fmt.Errorf("%w: extension handshake: %w", ErrBadMessage, err)
	}
	for name, id := range h.M {
		if id < 0 || id > 255 {
			return h, fmt.Errorf("%w: extension %q id %d", ErrBadMessage, name, id)
		}
	}
	return h, nil
}

// MetadataPieceSize is the size of each ut_metadata piece but the last
// (BEP 9).
const MetadataPieceSize = 16 << 10

// MaxMetadataSize bounds the info dictionary size a peer may announce.
const MaxMetadataSize = MaxMetaInfoSize

// MetadataMsgType is ut_metadata's msg_type.
type MetadataMsgType int

// The ut_metadata message types (BEP 9).
const (
	MetadataRequest MetadataMsgType = 0
	MetadataData    MetadataMsgType = 1
	MetadataReject  MetadataMsgType = 2
)

// A MetadataMsg is a ut_metadata message; Data follows the dictionary in
// data messages.
type MetadataMsg struct {
	Type      MetadataMsgType `bencode:"msg_type"`
	Piece     int             `bencode:"piece"`
	TotalSize int             `bencode:"total_size,omitempty"`
	Data      []byte          `bencode:"-"`
}

// ParseMetadataMsg decodes a ut_metadata payload.
func ParseMetadataMsg(b []byte) (MetadataMsg, error) {
	var m MetadataMsg
	var d bencode.Decoder
	n, err := d.UnmarshalPrefix(b, &m)
	if err != nil {
		return m, fmt.Errorf("%w: ut_metadata: %w", ErrBadMessage, err)
	}
	if m.Piece < 0 || m.Piece > MaxMetadataSize/MetadataPieceSize {
		return m, fmt.Errorf("%w: ut_metadata piece %d", ErrBadMessage, m.Piece)
	}
	if m.Type == MetadataData {
		if len(b)-n > MetadataPieceSize {
			return m, fmt.Errorf("%w: ut_metadata piece of %d bytes", ErrBadMessage, len(b)-n)
		}
		m.Data = b[n:]
	} else if n != len(b) {
		return m, fmt.Errorf("%w: ut_metadata trailing data", ErrBadMessage)
	}
	return m, nil
}

// AppendMetadataMsg appends the payload of a ut_metadata message.
func AppendMetadataMsg(b []byte, m MetadataMsg) []byte {
	b, _ = bencode.Append(b, m) // cannot fail: only integers
	return append(b, m.Data...)
}
