// Package interop is what every package's tests use to drive real
// third-party peers (curl, dig, Dovecot, vsftpd, aria2, ...): find the
// program, and skip the test with a clear message when it is missing,
// unless the environment asks for every peer (APPLAYER_INTEROP=require, as
// .ci/run sets it), where a missing peer is a failure.
package interop

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// EnvVar is the environment variable that makes peers required.
const EnvVar = "APPLAYER_INTEROP"

// Required reports whether a missing peer must fail the test.
func Required() bool { return os.Getenv(EnvVar) == "require" }

// sbinDirs are searched too: daemons (nsd, dovecot, vsftpd) live there and
// are often not on a user's PATH.
var sbinDirs = [...]string{"/usr/sbin", "/usr/local/sbin", "/sbin"}

// Require returns the path of the program bin, or ends the test: skipped
// with a message naming the program, or failed under APPLAYER_INTEROP=require.
func Require(t testing.TB, bin string) string {
	t.Helper()
	if p, err := exec.LookPath(bin); err == nil {
		return p
	}
	for _, dir := range sbinDirs {
		p := filepath.Join(dir, bin)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	Unavailable(t, "interop peer %s is not installed (see .ci/peers.txt)", bin)
	return ""
}

// Unavailable ends a test whose peer cannot run here for the reason given:
// a skip, or a failure under APPLAYER_INTEROP=require.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if Required() {
		t.Fatalf(format+" ("+EnvVar+"=require)", args...)
	}
	t.Skipf(format+"; set "+EnvVar+"=require to make this a failure", args...)
}

// Buffer collects a peer process's output: its Stdout and Stderr may write
// from different goroutines while the test reads it.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
