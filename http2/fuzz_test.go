package http2

import (
	"bytes"
	"encoding/hex"
	"io"
	"testing"
)

// FuzzReadFrame feeds arbitrary bytes to the frame reader: it must fail
// cleanly or return frames that re-encode to an equivalent frame.
func FuzzReadFrame(f *testing.F) {
	for _, s := range []string{
		"000002000100000001" + "6869",
		"000006012400000005" + "800000030f82",
		"00000c040000000000" + "000300000064" + "00040000ffff",
		"000008060000000000" + "0102030405060708",
		"000004080000000001" + "000003e8",
		"ffffff000000000001",
	} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, wire []byte) {
		fr := NewFramer(io.Discard, bytes.NewReader(wire))
		for range 64 {
			frame, err := fr.ReadFrame()
			if err != nil {
				return
			}
			again, err := ParseFrame(frame.Header(), AppendFrame(nil, frame)[FrameHeaderLen:])
			if err != nil {
				t.Fatalf("re-parsing %v: %v", frame.Header(), err)
			}
			if again.Header().Type != frame.Header().Type {
				t.Fatalf("type changed: %v -> %v", frame.Header().Type, again.Header().Type)
			}
		}
	})
}
