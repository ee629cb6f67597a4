package dht

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParseMsg checks that any datagram either fails to parse or parses
// into a message that formats and parses back to the same value, and that
// formatting a parsed message is canonical.
func FuzzParseMsg(f *testing.F) {
	for _, tt := range bep5Examples {
		f.Add([]byte(tt.wire))
	}
	for _, tt := range badMessages {
		f.Add([]byte(tt.wire))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMsg(b)
		if err != nil {
			return
		}
		out, err := AppendMsg(nil, m)
		if err != nil {
			t.Fatalf("AppendMsg of a parsed message: %v", err)
		}
		m2, err := ParseMsg(out)
		if err != nil {
			if len(out) > MaxMessageSize {
				return
			}
			t.Fatalf("ParseMsg(AppendMsg(m)) = %v; wire %q", err, out)
		}
		if diff := cmp.Diff(m, m2, msgCmp...); diff != "" {
			t.Fatalf("mismatch (-first +second):\n%s", diff)
		}
		out2, _ := AppendMsg(nil, m2)
		if !bytes.Equal(out, out2) {
			t.Fatalf("format not canonical: %q vs %q", out, out2)
		}
	})
}
