package pop3

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/applayer/applayer/internal/wiretest"
)

// TestDocDialogue replays the sample dialogue of doc.go against the server,
// so the package documentation cannot drift from what the server says.
func TestDocDialogue(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	placeholder := regexp.MustCompile(`^S: \(the (\d+) octets of message (\d+)\)$`)
	var steps []string
	for _, line := range strings.Split(string(src), "\n") {
		step, ok := strings.CutPrefix(line, "//\t")
		if !ok || !(strings.HasPrefix(step, "C: ") || strings.HasPrefix(step, "S: ")) {
			continue
		}
		switch m := placeholder.FindStringSubmatch(step); {
		case m != nil:
			size, _ := strconv.Atoi(m[1])
			n, _ := strconv.Atoi(m[2])
			steps = append(steps, serverLines(lessonMessage(n, size)))
		case strings.HasPrefix(step, "S: +OK POP3 server ready <"):
			steps = append(steps, `S~ \+OK POP3 server ready <[^>]+@hamburger\.edu>`)
		default:
			steps = append(steps, step)
		}
	}
	if len(steps) < 20 {
		t.Fatalf("found only %d dialogue steps in doc.go", len(steps))
	}
	addr := startServer(t, &Server{Backend: lessonBackend()})
	wiretest.Run(t, wiretest.Dial(t, addr), strings.Join(steps, "\n"))
}
