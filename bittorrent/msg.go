package bittorrent

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
)

// MessageType is the byte after a message's length prefix (BEP 3, BEP 6,
// BEP 10).
type MessageType uint8

// The message types.
const (
	// BEP 3.
	Choke         MessageType = 0
	Unchoke       MessageType = 1
	Interested    MessageType = 2
	NotInterested MessageType = 3
	Have          MessageType = 4
	Bitfield      MessageType = 5
	Request       MessageType = 6
	Piece         MessageType = 7
	Cancel        MessageType = 8
	// BEP 5: the sender's DHT port.
	Port MessageType = 9
	// BEP 6, the Fast extension.
	Suggest     MessageType = 0x0D
	HaveAll     MessageType = 0x0E
	HaveNone    MessageType = 0x0F
	Reject      MessageType = 0x10
	AllowedFast MessageType = 0x11
	// BEP 10, the extension protocol.
	Extended MessageType = 20
)

var messageNames = map[MessageType]string{
	Choke: "choke", Unchoke: "unchoke", Interested: "interested", NotInterested: "not interested",
	Have: "have", Bitfield: "bitfield", Request: "request", Piece: "piece", Cancel: "cancel",
	Port: "port", Suggest: "suggest", HaveAll: "have all", HaveNone: "have none",
	Reject: "reject request", AllowedFast: "allowed fast", Extended: "extended",
}

// String returns the message type's name.
func (t MessageType) String() string {
	if s, ok := messageNames[t]; ok {
		return s
	}
	return "unknown message " + strconv.Itoa(int(t))
}

// A Message is one peer wire message. KeepAlive marks the empty message;
// otherwise Type says which fields are used:
//
//	Have, Suggest, AllowedFast       Index
//	Request, Cancel, Reject          Index, Begin, Length
//	Piece                            Index, Begin, Block
//	Bitfield                         Bitfield
//	Port                             Port
//	Extended                         ExtendedID, Payload
type Message struct {
	KeepAlive  bool
	Type       MessageType
	Index      uint32
	Begin      uint32
	Length     uint32
	Bitfield   []byte
	Block      []byte
	Port       uint16
	ExtendedID uint8
	Payload    []byte
}

// ErrMessageTooLarge means a length prefix above the reader's limit.
var ErrMessageTooLarge = errors.New("bittorrent: message too large")

// ErrBadMessage means a message whose length does not fit its type, or an
// unknown type.
var ErrBadMessage = errors.New("bittorrent: malformed message")

func badMsg(t MessageType, n int) error {
	return fmt.Errorf("%w: %v with %d payload bytes", ErrBadMessage, t, n)
}

// ParseMessage parses one message body: the bytes after the 4-byte length
// prefix. An empty body is a keep-alive. Byte slices in the result alias b.
func ParseMessage(b []byte) (Message, error) {
	if len(b) == 0 {
		return Message{KeepAlive: true}, nil
	}
	m := Message{Type: MessageType(b[0])}
	p := b[1:]
	switch m.Type {
	case Choke, Unchoke, Interested, NotInterested, HaveAll, HaveNone:
		if len(p) != 0 {
			return m, badMsg(m.Type, len(p))
		}
	case Have, Suggest, AllowedFast:
		if len(p) != 4 {
			return m, badMsg(m.Type, len(p))
		}
		m.Index = binary.BigEndian.Uint32(p)
	case Request, Cancel, Reject:
		if len(p) != 12 {
			return m, badMsg(m.Type, len(p))
		}
		m.Index = binary.BigEndian.Uint32(p)
		m.Begin = binary.BigEndian.Uint32(p[4:])
		m.Length = binary.BigEndian.Uint32(p[8:])
	case Piece:
		if len(p) < 8 {
			return m, badMsg(m.Type, len(p))
		}
		m.Index = binary.BigEndian.Uint32(p)
		m.Begin = binary.BigEndian.Uint32(p[4:])
		m.Block = p[8:]
	case Bitfield:
		m.Bitfield = p
	case Port:
		if len(p) != 2 {
			return m, badMsg(m.Type, len(p))
		}
		m.Port = binary.BigEndian.Uint16(p)
	case Extended:
		if len(p) < 1 {
			return m, badMsg(m.Type, len(p))
		}
		m.ExtendedID = p[0]
		m.Payload = p[1:]
	default:
		return m, fmt.Errorf("%w: unknown type %d", ErrBadMessage, m.Type)
	}
	return m, nil
}

// AppendMessage appends m with its 4-byte length prefix.
func AppendMessage(b []byte, m Message) []byte {
	if m.KeepAlive {
		return binary.BigEndian.AppendUint32(b, 0)
	}
	n := 1
	switch m.Type {
	case Have, Suggest, AllowedFast:
		n += 4
	case Request, Cancel, Reject:
		n += 12
	case Piece:
		n += 8 + len(m.Block)
	case Bitfield:
		n += len(m.Bitfield)
	case Port:
		n += 2
	case Extended:
		n += 1 + len(m.Payload)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(n))
	b = append(b, byte(m.Type))
	switch m.Type {
	case Have, Suggest, AllowedFast:
		b = binary.BigEndian.AppendUint32(b, m.Index)
	case Request, Cancel, Reject:
		b = binary.BigEndian.AppendUint32(b, m.Index)
		b = binary.BigEndian.AppendUint32(b, m.Begin)
		b = binary.BigEndian.AppendUint32(b, m.Length)
	case Piece:
		b = binary.BigEndian.AppendUint32(b, m.Index)
		b = binary.BigEndian.AppendUint32(b, m.Begin)
		b = append(b, m.Block...)
	case Bitfield:
		b = append(b, m.Bitfield...)
	case Port:
		b = binary.BigEndian.AppendUint16(b, m.Port)
	case Extended:
		b = append(b, m.ExtendedID)
		b = append(b, m.Payload...)
	}
	return b
}

// String describes the message for logs: type and fields.
func (m Message) String() string {
	if m.KeepAlive {
		return "keep-alive"
	}
	switch m.Type {
	case Have, Suggest, AllowedFast:
		return fmt.Sprintf("%v %d", m.Type, m.Index)
	case Request, Cancel, Reject:
		return fmt.Sprintf("%v %d+%d:%d", m.Type, m.Index, m.Begin, m.Length)
	case Piece:
		return fmt.Sprintf("piece %d+%d:%d", m.Index, m.Begin, len(m.Block))
	case Bitfield:
		return fmt.Sprintf("bitfield %d bytes", len(m.Bitfield))
	case Port:
		return fmt.Sprintf("port %d", m.Port)
	case Extended:
		return fmt.Sprintf("extended %d (%d bytes)", m.ExtendedID, len(m.Payload))
	}
	return m.Type.String()
}
