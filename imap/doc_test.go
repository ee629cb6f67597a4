package imap

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/applayer/applayer/internal/wiretest"
)

// TestDocDialogue replays the sample dialogue of doc.go against the server,
// so the package documentation cannot drift from what the server says. A
// "..." in a server line matches anything.
func TestDocDialogue(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimPrefix(line, "//\t")
		switch {
		case strings.HasPrefix(line, "C: "):
			steps = append(steps, line)
		case strings.HasPrefix(line, "S: ") && strings.Contains(line, "..."):
			parts := strings.Split(strings.TrimPrefix(line, "S: "), "...")
			for i := range parts {
				parts[i] = regexp.QuoteMeta(parts[i])
			}
			steps = append(steps, "S~ "+strings.Join(parts, ".*"))
		case strings.HasPrefix(line, "S: "):
			steps = append(steps, line)
		}
	}
	if len(steps) < 10 {
		t.Fatalf("found only %d dialogue lines in doc.go", len(steps))
	}
	be := NewMemBackend()
	be.AddUser("bob", "hungry")
	be.Deliver("bob", Inbox, []byte(mixedMsg))
	srv := &Server{Backend: be, AllowInsecureAuth: true}
	addr := serveLoopback(t, srv)
	wiretest.Run(t, wiretest.Dial(t, addr), strings.Join(steps, "\n"))
}
