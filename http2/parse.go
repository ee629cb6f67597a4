package http2

import "encoding/binary"

// frameCache holds one frame value of each type, reused by every parse so
// that steady-state reading does not allocate.
type frameCache struct {
	data         DataFrame
	headers      HeadersFrame
	priority     PriorityFrame
	rst          RSTStreamFrame
	settings     SettingsFrame
	pushPromise  PushPromiseFrame
	ping         PingFrame
	goAway       GoAwayFrame
	windowUpdate WindowUpdateFrame
	continuation ContinuationFrame
	prioUpdate   PriorityUpdateFrame
	unknown      UnknownFrame
}

// ParseFrame parses a frame's payload, checking everything RFC 9113 section
// 6 says about the frame alone (lengths, stream identifiers, padding,
// setting values). The frame it returns points into payload. Errors are
// ConnectionError or StreamError values, ready to be sent.
func ParseFrame(h FrameHeader, payload []byte) (Frame, error) {
	return parseFrame(new(frameCache), h, payload)
}

func parseFrame(fc *frameCache, h FrameHeader, p []byte) (Frame, error) {
	switch h.Type {
	case FrameData:
		if h.StreamID == 0 {
			return nil, connError(ErrCodeProtocol, "DATA on stream 0")
		}
		data, pad, err := unpad(h, p)
		if err != nil {
			return nil, err
		}
		fc.data = DataFrame{FrameHeader: h, Data: data, PadLen: pad}
		return &fc.data, nil
	case FrameHeaders:
		if h.StreamID == 0 {
			return nil, connError(ErrCodeProtocol, "HEADERS on stream 0")
		}
		block, pad, err := unpad(h, p)
		if err != nil {
			return nil, err
		}
		f := &fc.headers
		*f = HeadersFrame{FrameHeader: h, PadLen: pad}
		if h.Flags.Has(FlagPriority) {
			if len(block) < 5 {
				return nil, connError(ErrCodeFrameSize, "HEADERS priority block truncated")
			}
			f.Priority = parsePriority(block)
			block = block[5:]
		}
		f.BlockFragment = block
		return f, nil
	case FramePriority:
		if h.StreamID == 0 {
			return nil, connError(ErrCodeProtocol, "PRIORITY on stream 0")
		}
		if len(p) != 5 {
			return nil, StreamError{StreamID: h.StreamID, Code: ErrCodeFrameSize}
		}
		fc.priority = PriorityFrame{FrameHeader: h, PriorityParam: parsePriority(p)}
		return &fc.priority, nil
	case FrameRSTStream:
		if h.StreamID == 0 {
			return nil, connError(ErrCodeProtocol, "RST_STREAM on stream 0")
		}
		if len(p) != 4 {
			return nil, connError(ErrCodeFrameSize, "RST_STREAM of %d bytes", len(p))
		}
		fc.rst = RSTStreamFrame{FrameHeader: h, Code: ErrCode(binary.BigEndian.Uint32(p))}
		return &fc.rst, nil
	case FrameSettings:
		if h.StreamID != 0 {
			return nil, connError(ErrCodeProtocol, "SETTINGS on stream %d", h.StreamID)
		}
		if h.Flags.Has(FlagAck) && len(p) != 0 {
			return nil, connError(ErrCodeFrameSize, "SETTINGS ACK with a payload")
		}
		if len(p)%6 != 0 {
			return nil, connError(ErrCodeFrameSize, "SETTINGS of %d bytes", len(p))
		}
		f := &fc.settings
		*f = SettingsFrame{FrameHeader: h, raw: p}
		for i := range f.NumSettings() {
			if err := f.Setting(i).Valid(); err != nil {
				return nil, err
			}
		}
		return f, nil
	case FramePushPromise:
		if h.StreamID == 0 {
			return nil, connError(ErrCodeProtocol, "PUSH_PROMISE on stream 0")
		}
		block, pad, err := unpad(h, p)
		if err != nil {
			return nil, err
		}
		if len(block) < 4 {
			return nil, connError(ErrCodeFrameSize, "PUSH_PROMISE truncated")
		}
		fc.pushPromise = PushPromiseFrame{FrameHeader: h, PromisedID: binary.BigEndian.Uint32(block) & (1<<31 - 1), BlockFragment: block[4:], PadLen: pad}
		return &fc.pushPromise, nil
	case FramePing:
		if h.StreamID != 0 {
			return nil, connError(ErrCodeProtocol, "PING on stream %d", h.StreamID)
		}
		if len(p) != 8 {
			return nil, connError(ErrCodeFrameSize, "PING of %d bytes", len(p))
		}
		fc.ping = PingFrame{FrameHeader: h}
		copy(fc.ping.Data[:], p)
		return &fc.ping, nil
	case FrameGoAway:
		if h.StreamID != 0 {
			return nil, connError(ErrCodeProtocol, "GOAWAY on stream %d", h.StreamID)
		}
		if len(p) < 8 {
			return nil, connError(ErrCodeFrameSize, "GOAWAY of %d bytes", len(p))
		}
		fc.goAway = GoAwayFrame{FrameHeader: h,
			LastStreamID: binary.BigEndian.Uint32(p) & (1<<31 - 1),
			Code:         ErrCode(binary.BigEndian.Uint32(p[4:])),
			DebugData:    p[8:]}
		return &fc.goAway, nil
	case FrameWindowUpdate:
		if len(p) != 4 {
			return nil, connError(ErrCodeFrameSize, "WINDOW_UPDATE of %d bytes", len(p))
		}
		inc := binary.BigEndian.Uint32(p) & (1<<31 - 1)
		if inc == 0 {
			if h.StreamID == 0 {
				return nil, connError(ErrCodeProtocol, "WINDOW_UPDATE of 0 on the connection")
			}
			return nil, StreamError{StreamID: h.StreamID, Code: ErrCodeProtocol}
		}
		fc.windowUpdate = WindowUpdateFrame{FrameHeader: h, Increment: inc}
		return &fc.windowUpdate, nil
	case FrameContinuation:
		if h.StreamID == 0 {
			return nil, connError(ErrCodeProtocol, "CONTINUATION on stream 0")
		}
		fc.continuation = ContinuationFrame{FrameHeader: h, BlockFragment: p}
		return &fc.continuation, nil
	case FramePriorityUpdate:
		if h.StreamID != 0 {
			return nil, connError(ErrCodeProtocol, "PRIORITY_UPDATE on stream %d", h.StreamID)
		}
		if len(p) < 4 {
			return nil, connError(ErrCodeFrameSize, "PRIORITY_UPDATE of %d bytes", len(p))
		}
		fc.prioUpdate = PriorityUpdateFrame{FrameHeader: h,
			PrioritizedStreamID: binary.BigEndian.Uint32(p) & (1<<31 - 1), FieldValue: p[4:]}
		return &fc.prioUpdate, nil
	}
	fc.unknown = UnknownFrame{FrameHeader: h, Payload: p}
	return &fc.unknown, nil
}

// unpad strips the padding of a frame with FlagPadded (section 6.1).
func unpad(h FrameHeader, p []byte) ([]byte, uint8, error) {
	if !h.Flags.Has(FlagPadded) {
		return p, 0, nil
	}
	if len(p) == 0 {
		return nil, 0, connError(ErrCodeFrameSize, "%v padded with no pad length", h.Type)
	}
	pad := int(p[0])
	if pad >= len(p) {
		return nil, 0, connError(ErrCodeProtocol, "%v padding %d longer than the payload", h.Type, pad)
	}
	return p[1 : len(p)-pad], uint8(pad), nil
}

func parsePriority(p []byte) PriorityParam {
	v := binary.BigEndian.Uint32(p)
	return PriorityParam{StreamDep: v & (1<<31 - 1), Exclusive: v>>31 == 1, Weight: p[4]}
}
