package smtp

import (
	"os"
	"strings"
	"testing"

	"github.com/applayer/applayer/internal/wiretest"
)

// TestDocDialogue replays the first C:/S: block of doc.go against the
// server, so the package documentation cannot rot.
func TestDocDialogue(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	started := false
	for _, l := range strings.Split(string(src), "\n") {
		l = strings.TrimPrefix(l, "//\t")
		isStep := strings.HasPrefix(l, "S: ") || strings.HasPrefix(l, "C: ")
		if isStep {
			started = true
			lines = append(lines, l)
		} else if started {
			break
		}
	}
	if len(lines) < 10 {
		t.Fatalf("found %d dialogue lines in doc.go", len(lines))
	}
	addr := startServer(t, &Server{Hostname: "hamburger.edu", Backend: &memBackend{}})
	wiretest.Run(t, wiretest.Dial(t, addr), strings.Join(lines, "\n"))
}
