package http2

import "encoding/binary"

// AppendFrame appends the wire form of f to b. The header's Length is
// computed from the payload; its Type, Flags and StreamID are used as they
// are (set FlagPadded to write PadLen bytes of zero padding, FlagPriority
// to write a HEADERS priority block). It does not check the frame against
// the rules ParseFrame enforces, so a test can write a bad one on purpose.
func AppendFrame(b []byte, f Frame) []byte {
	h := f.Header()
	start := len(b)
	b = AppendFrameHeader(b, h)
	switch f := f.(type) {
	case *DataFrame:
		b = appendPadded(b, h, f.PadLen, nil, f.Data)
	case *HeadersFrame:
		var prio []byte
		if h.Flags.Has(FlagPriority) {
			prio = appendPriority(make([]byte, 0, 5), f.Priority)
		}
		b = appendPadded(b, h, f.PadLen, prio, f.BlockFragment)
	case *PriorityFrame:
		b = appendPriority(b, f.PriorityParam)
	case *RSTStreamFrame:
		b = binary.BigEndian.AppendUint32(b, uint32(f.Code))
	case *SettingsFrame:
		b = append(b, f.raw...)
	case *PushPromiseFrame:
		b = appendPadded(b, h, f.PadLen, binary.BigEndian.AppendUint32(nil, f.PromisedID&(1<<31-1)), f.BlockFragment)
	case *PingFrame:
		b = append(b, f.Data[:]...)
	case *GoAwayFrame:
		b = binary.BigEndian.AppendUint32(b, f.LastStreamID&(1<<31-1))
		b = binary.BigEndian.AppendUint32(b, uint32(f.Code))
		b = append(b, f.DebugData...)
	case *WindowUpdateFrame:
		b = binary.BigEndian.AppendUint32(b, f.Increment&(1<<31-1))
	case *ContinuationFrame:
		b = append(b, f.BlockFragment...)
	case *PriorityUpdateFrame:
		b = binary.BigEndian.AppendUint32(b, f.PrioritizedStreamID&(1<<31-1))
		b = append(b, f.FieldValue...)
	case *UnknownFrame:
		b = append(b, f.Payload...)
	}
	n := len(b) - start - FrameHeaderLen
	b[start], b[start+1], b[start+2] = byte(n>>16), byte(n>>8), byte(n)
	return b
}

func appendPadded(b []byte, h FrameHeader, pad uint8, prefix, body []byte) []byte {
	if h.Flags.Has(FlagPadded) {
		b = append(b, pad)
	}
	b = append(append(b, prefix...), body...)
	if h.Flags.Has(FlagPadded) {
		for range pad {
			b = append(b, 0)
		}
	}
	return b
}

func appendPriority(b []byte, p PriorityParam) []byte {
	v := p.StreamDep & (1<<31 - 1)
	if p.Exclusive {
		v |= 1 << 31
	}
	return append(binary.BigEndian.AppendUint32(b, v), p.Weight)
}

// NewSettingsFrame returns a SETTINGS frame with the given settings (none
// and ack for an acknowledgement).
func NewSettingsFrame(ack bool, settings ...Setting) *SettingsFrame {
	f := &SettingsFrame{FrameHeader: FrameHeader{Type: FrameSettings}}
	if ack {
		f.Flags = FlagAck
	}
	for _, s := range settings {
		f.raw = binary.BigEndian.AppendUint16(f.raw, uint16(s.ID))
		f.raw = binary.BigEndian.AppendUint32(f.raw, s.Val)
	}
	f.Length = uint32(len(f.raw))
	return f
}
