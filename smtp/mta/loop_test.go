package mta

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzLoopDetector: the detector passes any input through unchanged unless
// it reports a loop, and it reports one only with more Received fields
// than its limit.
func FuzzLoopDetector(f *testing.F) {
	f.Add("Received: a\r\nReceived: b\r\n\r\nbody\r\n", 1)
	f.Add("received:x\nRECEIVED: y\n\nReceived: z\n", 1)
	f.Add("Subject: x\r\n\r\n", 0)
	f.Fuzz(func(t *testing.T, in string, max int) {
		if max < 0 || max > 1000 {
			return
		}
		out, err := io.ReadAll(newLoopDetector(strings.NewReader(in), max))
		if err != nil {
			if !errors.Is(err, ErrMailLoop) {
				t.Fatalf("unexpected error %v", err)
			}
			if n := strings.Count(strings.ToLower(in), "received:"); n <= max {
				t.Fatalf("loop reported with %d Received fields, limit %d", n, max)
			}
			return
		}
		if !bytes.Equal(out, []byte(in)) {
			t.Fatalf("output differs from input")
		}
	})
}
