package bittorrent

import (
	"os"
	"os/exec"
	"testing"
)

// requirePeer returns the path of a real BitTorrent program for an interop
// test, skipping when it is missing unless APPLAYER_INTEROP=require.
func requirePeer(t *testing.T, bin string) string {
	t.Helper()
	p, err := exec.LookPath(bin)
	if err != nil {
		if os.Getenv("APPLAYER_INTEROP") == "require" {
			t.Fatalf("%s not installed (APPLAYER_INTEROP=require)", bin)
		}
		t.Skipf("%s not installed; skipping interop test", bin)
	}
	return p
}
