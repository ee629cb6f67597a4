package http2

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

func TestFrameWireForms(t *testing.T) {
	tests := []struct {
		name  string
		frame Frame
		wire  string
	}{
		{"DATA end stream", &DataFrame{FrameHeader: FrameHeader{Type: FrameData, Flags: FlagEndStream, StreamID: 1}, Data: []byte("hi")},
			"000002" + "00" + "01" + "00000001" + "6869"},
		{"DATA padded", &DataFrame{FrameHeader: FrameHeader{Type: FrameData, Flags: FlagPadded, StreamID: 3}, Data: []byte("a"), PadLen: 2},
			"000004" + "00" + "08" + "00000003" + "02" + "61" + "0000"},
		{"HEADERS with priority", &HeadersFrame{FrameHeader: FrameHeader{Type: FrameHeaders, Flags: FlagEndHeaders | FlagPriority, StreamID: 5},
			Priority: PriorityParam{StreamDep: 3, Exclusive: true, Weight: 15}, BlockFragment: []byte{0x82}},
			"000006" + "01" + "24" + "00000005" + "80000003" + "0f" + "82"},
		{"SETTINGS", NewSettingsFrame(false, Setting{SettingMaxConcurrentStreams, 100}, Setting{SettingInitialWindowSize, 65535}),
			"00000c" + "04" + "00" + "00000000" + "0003" + "00000064" + "0004" + "0000ffff"},
		{"SETTINGS ACK", NewSettingsFrame(true), "000000" + "04" + "01" + "00000000"},
		{"PING", &PingFrame{FrameHeader: FrameHeader{Type: FramePing}, Data: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}},
			"000008" + "06" + "00" + "00000000" + "0102030405060708"},
		{"GOAWAY", &GoAwayFrame{FrameHeader: FrameHeader{Type: FrameGoAway}, LastStreamID: 7, Code: ErrCodeEnhanceYourCalm, DebugData: []byte("x")},
			"000009" + "07" + "00" + "00000000" + "00000007" + "0000000b" + "78"},
		{"WINDOW_UPDATE", &WindowUpdateFrame{FrameHeader: FrameHeader{Type: FrameWindowUpdate, StreamID: 1}, Increment: 1000},
			"000004" + "08" + "00" + "00000001" + "000003e8"},
		{"RST_STREAM", &RSTStreamFrame{FrameHeader: FrameHeader{Type: FrameRSTStream, StreamID: 9}, Code: ErrCodeCancel},
			"000004" + "03" + "00" + "00000009" + "00000008"},
		{"PUSH_PROMISE", &PushPromiseFrame{FrameHeader: FrameHeader{Type: FramePushPromise, Flags: FlagEndHeaders, StreamID: 1}, PromisedID: 2, BlockFragment: []byte{0x82}},
			"000005" + "05" + "04" + "00000001" + "00000002" + "82"},
		{"PRIORITY_UPDATE", &PriorityUpdateFrame{FrameHeader: FrameHeader{Type: FramePriorityUpdate}, PrioritizedStreamID: 1, FieldValue: []byte("u=1")},
			"000007" + "10" + "00" + "00000000" + "00000001" + "753d31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hex.EncodeToString(AppendFrame(nil, tt.frame))
			if got != tt.wire {
				t.Errorf("AppendFrame = %s, want %s", got, tt.wire)
			}
			wire, _ := hex.DecodeString(tt.wire)
			fr := NewFramer(io.Discard, bytes.NewReader(wire))
			parsed, err := fr.ReadFrame()
			if err != nil {
				t.Fatalf("ReadFrame: %v", err)
			}
			if diff := cmp.Diff(AppendFrame(nil, tt.frame), AppendFrame(nil, parsed)); diff != "" {
				t.Errorf("re-encoded frame differs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFrameErrors(t *testing.T) {
	tests := []struct {
		name string
		wire string
		code ErrCode
		conn bool // connection error rather than stream error
	}{
		{"DATA on stream 0", "000001000000000000" + "61", ErrCodeProtocol, true},
		{"padding too long", "000002000800000001" + "0561", ErrCodeProtocol, true},
		{"SETTINGS on a stream", "000000040000000001", ErrCodeProtocol, true},
		{"SETTINGS ACK with payload", "000006040100000000" + "000300000001", ErrCodeFrameSize, true},
		{"SETTINGS odd length", "000005040000000000" + "0003000000", ErrCodeFrameSize, true},
		{"ENABLE_PUSH 2", "000006040000000000" + "000200000002", ErrCodeProtocol, true},
		{"window too large", "000006040000000000" + "000480000000", ErrCodeFlowControl, true},
		{"max frame size too small", "000006040000000000" + "000500000001", ErrCodeProtocol, true},
		{"PING short", "000004060000000000" + "00000000", ErrCodeFrameSize, true},
		{"PRIORITY wrong length", "000004020000000001" + "00000000", ErrCodeFrameSize, false},
		{"WINDOW_UPDATE zero on stream", "000004080000000001" + "00000000", ErrCodeProtocol, false},
		{"WINDOW_UPDATE zero on connection", "000004080000000000" + "00000000", ErrCodeProtocol, true},
		{"GOAWAY on a stream", "000008070000000003" + "0000000000000000", ErrCodeProtocol, true},
	}
	for _, tt := range tests {
		wire, _ := hex.DecodeString(tt.wire)
		_, err := NewFramer(io.Discard, bytes.NewReader(wire)).ReadFrame()
		var ce ConnectionError
		var se StreamError
		switch {
		case tt.conn && errors.As(err, &ce):
			if ce.Code != tt.code {
				t.Errorf("%s: code %v, want %v", tt.name, ce.Code, tt.code)
			}
		case !tt.conn && errors.As(err, &se):
			if se.Code != tt.code {
				t.Errorf("%s: code %v, want %v", tt.name, se.Code, tt.code)
			}
		default:
			t.Errorf("%s: ReadFrame = %v, want a %v (connection error: %v)", tt.name, err, tt.code, tt.conn)
		}
	}
}

func TestFrameTooLargeBeforeAllocation(t *testing.T) {
	wire, _ := hex.DecodeString("ffffff000000000001")
	fr := NewFramer(io.Discard, bytes.NewReader(wire))
	_, err := fr.ReadFrame()
	var ce ConnectionError
	if !errors.As(err, &ce) || ce.Code != ErrCodeFrameSize {
		t.Fatalf("ReadFrame of a 16 MiB frame = %v, want FRAME_SIZE_ERROR", err)
	}
	if len(fr.readBuf) > FrameHeaderLen+MinMaxFrameSize {
		t.Errorf("buffer grew to %d for a refused frame", len(fr.readBuf))
	}
}

func TestUnknownFrameTypeKept(t *testing.T) {
	wire, _ := hex.DecodeString("000003fa0000000005" + "616263")
	f, err := NewFramer(io.Discard, bytes.NewReader(wire)).ReadFrame()
	u, ok := f.(*UnknownFrame)
	if err != nil || !ok || string(u.Payload) != "abc" || u.Type.String() != "UNKNOWN_FRAME_TYPE_250" {
		t.Errorf("unknown frame = %#v, %v", f, err)
	}
}

func genFrame() *rapid.Generator[Frame] {
	bytesN := func(n int) *rapid.Generator[[]byte] { return rapid.SliceOfN(rapid.Byte(), 0, n) }
	streamID := rapid.Uint32Range(1, 1<<31-1)
	return rapid.Custom(func(t *rapid.T) Frame {
		switch rapid.IntRange(0, 10).Draw(t, "type") {
		case 0:
			f := &DataFrame{FrameHeader: FrameHeader{Type: FrameData, StreamID: streamID.Draw(t, "id")}, Data: bytesN(300).Draw(t, "data")}
			if rapid.Bool().Draw(t, "end") {
				f.Flags |= FlagEndStream
			}
			if rapid.Bool().Draw(t, "padded") {
				f.Flags |= FlagPadded
				f.PadLen = rapid.Uint8().Draw(t, "pad")
			}
			return f
		case 1:
			f := &HeadersFrame{FrameHeader: FrameHeader{Type: FrameHeaders, StreamID: streamID.Draw(t, "id"), Flags: FlagEndHeaders}, BlockFragment: bytesN(100).Draw(t, "block")}
			if rapid.Bool().Draw(t, "prio") {
				f.Flags |= FlagPriority
				f.Priority = PriorityParam{StreamDep: rapid.Uint32Range(0, 1<<31-1).Draw(t, "dep"), Exclusive: rapid.Bool().Draw(t, "excl"), Weight: rapid.Uint8().Draw(t, "w")}
			}
			return f
		case 2:
			return &PriorityFrame{FrameHeader: FrameHeader{Type: FramePriority, StreamID: streamID.Draw(t, "id")},
				PriorityParam: PriorityParam{StreamDep: rapid.Uint32Range(0, 1<<31-1).Draw(t, "dep"), Weight: rapid.Uint8().Draw(t, "w")}}
		case 3:
			return &RSTStreamFrame{FrameHeader: FrameHeader{Type: FrameRSTStream, StreamID: streamID.Draw(t, "id")}, Code: ErrCode(rapid.Uint32().Draw(t, "code"))}
		case 4:
			n := rapid.IntRange(0, 5).Draw(t, "n")
			var ss []Setting
			for range n {
				ss = append(ss, Setting{SettingMaxConcurrentStreams, rapid.Uint32().Draw(t, "v")})
			}
			return NewSettingsFrame(false, ss...)
		case 5:
			return &PushPromiseFrame{FrameHeader: FrameHeader{Type: FramePushPromise, StreamID: streamID.Draw(t, "id")}, PromisedID: streamID.Draw(t, "p"), BlockFragment: bytesN(50).Draw(t, "b")}
		case 6:
			f := &PingFrame{FrameHeader: FrameHeader{Type: FramePing}}
			copy(f.Data[:], rapid.SliceOfN(rapid.Byte(), 8, 8).Draw(t, "d"))
			return f
		case 7:
			return &GoAwayFrame{FrameHeader: FrameHeader{Type: FrameGoAway}, LastStreamID: rapid.Uint32Range(0, 1<<31-1).Draw(t, "last"), Code: ErrCode(rapid.Uint32().Draw(t, "c")), DebugData: bytesN(40).Draw(t, "dbg")}
		case 8:
			return &WindowUpdateFrame{FrameHeader: FrameHeader{Type: FrameWindowUpdate, StreamID: rapid.Uint32Range(0, 1<<31-1).Draw(t, "id")}, Increment: rapid.Uint32Range(1, 1<<31-1).Draw(t, "inc")}
		case 9:
			return &ContinuationFrame{FrameHeader: FrameHeader{Type: FrameContinuation, StreamID: streamID.Draw(t, "id")}, BlockFragment: bytesN(50).Draw(t, "b")}
		default:
			return &PriorityUpdateFrame{FrameHeader: FrameHeader{Type: FramePriorityUpdate}, PrioritizedStreamID: streamID.Draw(t, "id"), FieldValue: []byte(rapid.StringMatching(`u=[0-7](, i)?`).Draw(t, "v"))}
		}
	})
}

// Property: every valid frame survives a write and a read unchanged.
func TestFrameRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		frames := rapid.SliceOfN(genFrame(), 1, 10).Draw(t, "frames")
		var wire []byte
		for _, f := range frames {
			wire = AppendFrame(wire, f)
		}
		fr := NewFramer(io.Discard, bytes.NewReader(wire))
		for i, want := range frames {
			got, err := fr.ReadFrame()
			if err != nil {
				t.Fatalf("frame %d: %v", i, err)
			}
			opts := cmp.Options{cmpopts.EquateEmpty(), cmp.AllowUnexported(SettingsFrame{}), cmpopts.IgnoreFields(FrameHeader{}, "Length")}
			if diff := cmp.Diff(want, got, opts); diff != "" {
				t.Fatalf("frame %d mismatch (-want +got):\n%s", i, diff)
			}
		}
	})
}

func TestFramerPreface(t *testing.T) {
	if !strings.HasPrefix(ClientPreface, "PRI * HTTP/2.0") || len(ClientPreface) != 24 {
		t.Errorf("ClientPreface = %q", ClientPreface)
	}
}
