package ftp

import (
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/applayer/applayer/internal/wiretest"
)

// TestDocDialogue replays the sample dialogue of doc.go against the server,
// so the package documentation cannot drift from what the server says. The
// PORT address in the doc is replaced by a real listener of the test.
func TestDocDialogue(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	must(t, err)
	var steps []string
	for _, line := range strings.Split(string(src), "\n") {
		if s, ok := strings.CutPrefix(line, "//\t"); ok && (strings.HasPrefix(s, "C: ") || strings.HasPrefix(s, "S: ")) {
			steps = append(steps, s)
		}
	}
	if len(steps) < 10 {
		t.Fatalf("found %d dialogue lines in doc.go", len(steps))
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	received := make(chan int, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			received <- -1
			return
		}
		defer c.Close()
		n := 0
		buf := make([]byte, 4096)
		for {
			k, err := c.Read(buf)
			n += k
			if err != nil {
				break
			}
		}
		received <- n
	}()
	transcript := strings.Join(steps, "\n")
	transcript = strings.ReplaceAll(transcript, "127,0,0,1,5,121", "127,0,0,1,"+strconv.Itoa(port>>8)+","+strconv.Itoa(port&0xFF))
	transcript = strings.ReplaceAll(transcript, "(127.0.0.1,1401)", "(127.0.0.1,"+strconv.Itoa(port)+")")
	addr, _ := newTestServer(t, nil)
	conn := dialRaw(t, addr)
	wiretest.Run(t, conn, transcript)
	if n := <-received; n != 4488 {
		t.Errorf("data connection carried %d octets, want 4488", n)
	}
}
