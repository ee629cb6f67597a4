package http2

import (
	"encoding/binary"
)

// Frame is one parsed frame. Slices in a frame point into the buffer it was
// read from and are valid only until the next read.
type Frame interface {
	Header() FrameHeader
}

// PriorityParam is the stream dependency of RFC 7540 section 5.3, carried
// by PRIORITY frames and by HEADERS with FlagPriority. (RFC 9113 deprecates
// the scheme; peers still send it, and this package still honours it.)
type PriorityParam struct {
	StreamDep uint32 // the stream this one depends on; 0 is the root
	Exclusive bool   // become the only child of StreamDep
	Weight    uint8  // the weight minus one: 0 means 1, 255 means 256
}

// DataFrame carries a stream's body (section 6.1).
type DataFrame struct {
	FrameHeader
	Data   []byte // without padding
	PadLen uint8  // bytes of padding, when FlagPadded is set
}

// StreamEnded reports whether FlagEndStream is set.
func (f *DataFrame) StreamEnded() bool { return f.Flags.Has(FlagEndStream) }

// HeadersFrame opens a stream and carries a header block fragment (6.2).
type HeadersFrame struct {
	FrameHeader
	Priority      PriorityParam // valid when FlagPriority is set
	BlockFragment []byte
	PadLen        uint8 // bytes of padding, when FlagPadded is set
}

// StreamEnded reports whether FlagEndStream is set.
func (f *HeadersFrame) StreamEnded() bool { return f.Flags.Has(FlagEndStream) }

// HeadersEnded reports whether FlagEndHeaders is set.
func (f *HeadersFrame) HeadersEnded() bool { return f.Flags.Has(FlagEndHeaders) }

// HasPriority reports whether the frame carries a priority block.
func (f *HeadersFrame) HasPriority() bool { return f.Flags.Has(FlagPriority) }

// PriorityFrame changes a stream's priority (6.3).
type PriorityFrame struct {
	FrameHeader
	PriorityParam
}

// RSTStreamFrame ends a stream at once (6.4).
type RSTStreamFrame struct {
	FrameHeader
	Code ErrCode
}

// SettingID names a setting (section 6.5.2).
type SettingID uint16

// The settings of RFC 9113 section 6.5.2, and RFC 9218's.
const (
	SettingHeaderTableSize       SettingID = 0x1
	SettingEnablePush            SettingID = 0x2
	SettingMaxConcurrentStreams  SettingID = 0x3
	SettingInitialWindowSize     SettingID = 0x4
	SettingMaxFrameSize          SettingID = 0x5
	SettingMaxHeaderListSize     SettingID = 0x6
	SettingNoRFC7540Priorities   SettingID = 0x9 // RFC 9218 section 2.1
	SettingEnableConnectProtocol SettingID = 0x8 // RFC 8441
)

// String returns the setting's name in the RFC.
func (s SettingID) String() string {
	switch s {
	case SettingHeaderTableSize:
		return "HEADER_TABLE_SIZE"
	case SettingEnablePush:
		return "ENABLE_PUSH"
	case SettingMaxConcurrentStreams:
		return "MAX_CONCURRENT_STREAMS"
	case SettingInitialWindowSize:
		return "INITIAL_WINDOW_SIZE"
	case SettingMaxFrameSize:
		return "MAX_FRAME_SIZE"
	case SettingMaxHeaderListSize:
		return "MAX_HEADER_LIST_SIZE"
	case SettingNoRFC7540Priorities:
		return "NO_RFC7540_PRIORITIES"
	case SettingEnableConnectProtocol:
		return "ENABLE_CONNECT_PROTOCOL"
	}
	return "UNKNOWN_SETTING_" + itoa(uint32(s))
}

// Setting is one setting and its value.
type Setting struct {
	ID  SettingID
	Val uint32
}

// MaxWindowSize is the largest flow-control window (section 6.9.1).
const MaxWindowSize = 1<<31 - 1

// Valid checks the value against the range its setting allows (6.5.2).
// Unknown settings are always valid: they must be ignored.
func (s Setting) Valid() error {
	switch s.ID {
	case SettingEnablePush, SettingNoRFC7540Priorities, SettingEnableConnectProtocol:
		if s.Val > 1 {
			return connError(ErrCodeProtocol, "%v = %d, want 0 or 1", s.ID, s.Val)
		}
	case SettingInitialWindowSize:
		if s.Val > MaxWindowSize {
			return connError(ErrCodeFlowControl, "INITIAL_WINDOW_SIZE %d too large", s.Val)
		}
	case SettingMaxFrameSize:
		if s.Val < MinMaxFrameSize || s.Val > MaxMaxFrameSize {
			return connError(ErrCodeProtocol, "MAX_FRAME_SIZE %d out of range", s.Val)
		}
	}
	return nil
}

// SettingsFrame conveys configuration, or acknowledges it (6.5).
type SettingsFrame struct {
	FrameHeader
	raw []byte // 6 bytes per setting
}

// IsAck reports whether the frame acknowledges the peer's SETTINGS.
func (f *SettingsFrame) IsAck() bool { return f.Flags.Has(FlagAck) }

// NumSettings returns the number of settings in the frame.
func (f *SettingsFrame) NumSettings() int { return len(f.raw) / 6 }

// Setting returns the i'th setting, in the order sent.
func (f *SettingsFrame) Setting(i int) Setting {
	b := f.raw[6*i:]
	return Setting{ID: SettingID(binary.BigEndian.Uint16(b)), Val: binary.BigEndian.Uint32(b[2:])}
}

// PushPromiseFrame announces a stream the server will push (6.6).
type PushPromiseFrame struct {
	FrameHeader
	PromisedID    uint32
	BlockFragment []byte
	PadLen        uint8 // bytes of padding, when FlagPadded is set
}

// HeadersEnded reports whether FlagEndHeaders is set.
func (f *PushPromiseFrame) HeadersEnded() bool { return f.Flags.Has(FlagEndHeaders) }

// PingFrame measures a round trip and checks the connection is alive (6.7).
type PingFrame struct {
	FrameHeader
	Data [8]byte
}

// IsAck reports whether the frame answers a PING.
func (f *PingFrame) IsAck() bool { return f.Flags.Has(FlagAck) }

// GoAwayFrame starts a connection's shutdown, or reports a fatal error (6.8).
type GoAwayFrame struct {
	FrameHeader
	LastStreamID uint32
	Code         ErrCode
	DebugData    []byte
}

// WindowUpdateFrame grants flow-control credit (6.9).
type WindowUpdateFrame struct {
	FrameHeader
	Increment uint32
}

// ContinuationFrame carries the rest of a header block (6.10).
type ContinuationFrame struct {
	FrameHeader
	BlockFragment []byte
}

// HeadersEnded reports whether FlagEndHeaders is set.
func (f *ContinuationFrame) HeadersEnded() bool { return f.Flags.Has(FlagEndHeaders) }

// PriorityUpdateFrame carries a stream's RFC 9218 priority as the value of
// a Priority header field (RFC 9218 section 7.1).
type PriorityUpdateFrame struct {
	FrameHeader
	PrioritizedStreamID uint32
	FieldValue          []byte
}

// UnknownFrame is a frame of a type this package does not know; RFC 9113
// section 4.1 says to ignore it (outside a header block).
type UnknownFrame struct {
	FrameHeader
	Payload []byte
}

// Header returns the frame header.
func (h FrameHeader) Header() FrameHeader { return h }

func itoa(v uint32) string {
	var b [10]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}
