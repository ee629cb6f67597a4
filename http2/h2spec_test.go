package http2

import (
	"github.com/applayer/applayer/internal/interop"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/applayer/applayer/http1"
)

// TestH2spec runs the h2spec conformance suite (RFC 9113 and RFC 7541
// cases) against the server over h2c and requires every case to pass. The
// server runs HTTP/2 only: with HTTP/1.1 on the same port, a connection
// that starts with something other than the preface is (rightly) answered
// as HTTP/1.1, which h2spec's invalid-preface case does not expect.
func TestH2spec(t *testing.T) {
	h2spec := interop.Require(t, "h2spec")
	if testing.Short() {
		t.Skip("h2spec takes several seconds")
	}
	addr := startH2C(t, &Server{DisableHTTP1: true, Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	})})
	host, port, _ := strings.Cut(addr, ":")
	out, err := exec.Command(h2spec, "-h", host, "-p", port, "-o", "2").CombinedOutput()
	summary := string(out)
	if i := strings.Index(summary, "Failures:"); i >= 0 {
		summary = summary[i:]
	}
	if err != nil {
		t.Errorf("h2spec failed: %v\n%s", err, summary)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	t.Log(lines[len(lines)-1])
}
