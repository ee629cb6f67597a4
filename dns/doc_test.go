package dns

import (
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// TestDocWireDump keeps the annotated hex dump in doc.go true: its bytes are
// what Pack produces for the typical response.
func TestDocWireDump(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	start := strings.Index(text, "On the wire")
	end := strings.Index(text, "# How this package is organized")
	if start < 0 || end < start {
		t.Fatal("doc.go has no wire dump")
	}
	var dump strings.Builder
	for _, line := range strings.Split(text[start:end], "\n") {
		if !strings.HasPrefix(line, "//\t") {
			continue
		}
		for _, f := range strings.Fields(line[3:]) {
			if _, err := hex.DecodeString(f); err != nil {
				break // the annotation starts
			}
			dump.WriteString(f)
		}
	}
	got, err := hex.DecodeString(dump.String())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := benchMsg().Pack()
	if string(got) != string(want) {
		t.Errorf("doc.go dump:\n%x\nPack:\n%x", got, want)
	}
}
