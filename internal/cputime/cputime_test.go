package cputime

import (
	"crypto/sha256"
	"runtime"
	"testing"
)

// TestProcessAdvances checks that burning CPU shows in Process (on the
// systems that report it) and that it never goes backwards.
func TestProcessAdvances(t *testing.T) {
	before := Process()
	buf := make([]byte, 1<<20)
	for range 200 {
		sha256.Sum256(buf)
	}
	after := Process()
	if after < before {
		t.Fatalf("Process went from %v to %v", before, after)
	}
	if runtime.GOOS == "linux" && after == before {
		t.Errorf("Process did not advance after hashing 200 MiB")
	}
}
