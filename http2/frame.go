package http2

import (
	"encoding/binary"
	"fmt"
)

// FrameHeaderLen is the size of every frame's header (RFC 9113 section 4.1).
const FrameHeaderLen = 9

// Frame size limits (RFC 9113 section 4.2).
const (
	// MinMaxFrameSize is the initial SETTINGS_MAX_FRAME_SIZE and the
	// smallest value it may take.
	MinMaxFrameSize = 1 << 14
	// MaxMaxFrameSize is the largest SETTINGS_MAX_FRAME_SIZE.
	MaxMaxFrameSize = 1<<24 - 1
)

// ClientPreface starts every HTTP/2 connection from the client (RFC 9113
// section 3.4); its odd request line makes an HTTP/1.1 server fail fast.
const ClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// FrameType is the type of a frame (RFC 9113 section 6).
type FrameType uint8

// The frame types of RFC 9113 section 6, and PRIORITY_UPDATE of RFC 9218.
const (
	FrameData           FrameType = 0x0
	FrameHeaders        FrameType = 0x1
	FramePriority       FrameType = 0x2
	FrameRSTStream      FrameType = 0x3
	FrameSettings       FrameType = 0x4
	FramePushPromise    FrameType = 0x5
	FramePing           FrameType = 0x6
	FrameGoAway         FrameType = 0x7
	FrameWindowUpdate   FrameType = 0x8
	FrameContinuation   FrameType = 0x9
	FramePriorityUpdate FrameType = 0x10
)

// String returns the frame type's name in the RFCs.
func (t FrameType) String() string {
	switch t {
	case FrameData:
		return "DATA"
	case FrameHeaders:
		return "HEADERS"
	case FramePriority:
		return "PRIORITY"
	case FrameRSTStream:
		return "RST_STREAM"
	case FrameSettings:
		return "SETTINGS"
	case FramePushPromise:
		return "PUSH_PROMISE"
	case FramePing:
		return "PING"
	case FrameGoAway:
		return "GOAWAY"
	case FrameWindowUpdate:
		return "WINDOW_UPDATE"
	case FrameContinuation:
		return "CONTINUATION"
	case FramePriorityUpdate:
		return "PRIORITY_UPDATE"
	}
	return fmt.Sprintf("UNKNOWN_FRAME_TYPE_%d", uint8(t))
}

// Flags are a frame's flag bits; their meaning depends on the type.
type Flags uint8

// The flags of RFC 9113 section 6.
const (
	FlagEndStream  Flags = 0x1  // DATA, HEADERS: the sender's last frame on the stream
	FlagAck        Flags = 0x1  // SETTINGS, PING: an acknowledgement
	FlagEndHeaders Flags = 0x4  // HEADERS, PUSH_PROMISE, CONTINUATION: the header block is complete
	FlagPadded     Flags = 0x8  // DATA, HEADERS, PUSH_PROMISE: padding follows
	FlagPriority   Flags = 0x20 // HEADERS: a priority block follows
)

// Has reports whether all bits of v are set in f.
func (f Flags) Has(v Flags) bool { return f&v == v }

// FrameHeader is the 9-byte header of every frame.
type FrameHeader struct {
	Length   uint32 // payload length, 24 bits
	Type     FrameType
	Flags    Flags
	StreamID uint32 // 31 bits; 0 for the connection
}

func (h FrameHeader) String() string {
	return fmt.Sprintf("%v len=%d flags=0x%x stream=%d", h.Type, h.Length, uint8(h.Flags), h.StreamID)
}

// ParseFrameHeader decodes a frame header from the first 9 bytes of b.
// The reserved bit of the stream identifier is ignored, as required.
func ParseFrameHeader(b []byte) FrameHeader {
	_ = b[8]
	return FrameHeader{
		Length:   uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2]),
		Type:     FrameType(b[3]),
		Flags:    Flags(b[4]),
		StreamID: binary.BigEndian.Uint32(b[5:9]) & (1<<31 - 1),
	}
}

// AppendFrameHeader appends the wire form of h to b.
func AppendFrameHeader(b []byte, h FrameHeader) []byte {
	return append(b, byte(h.Length>>16), byte(h.Length>>8), byte(h.Length),
		byte(h.Type), byte(h.Flags),
		byte(h.StreamID>>24)&0x7f, byte(h.StreamID>>16), byte(h.StreamID>>8), byte(h.StreamID))
}
