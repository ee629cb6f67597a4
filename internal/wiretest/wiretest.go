// Package wiretest runs protocol transcripts against servers in tests: the
// same "C: ..." / "S: ..." dialogues that the package docs print, checked
// line by line.
package wiretest

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/applayer/applayer/sockets"
)

// StepTimeout bounds each step of a transcript.
const StepTimeout = 10 * time.Second

// Run drives conn through a transcript. Each line is one step:
//
//	C: text     the client sends text and CRLF
//	S: text     the next line from the server must be exactly text
//	S~ regexp   the next line must match regexp (anchored at both ends)
//
// Blank lines and lines starting with '#' are ignored, and leading tabs or
// spaces are trimmed, so a transcript can be indented in the test source.
// The first mismatch fails t, quoting the step and what came instead.
func Run(t testing.TB, conn net.Conn, transcript string) {
	t.Helper()
	r := bufio.NewReader(conn)
	for n, raw := range strings.Split(transcript, "\n") {
		step := strings.TrimLeft(strings.TrimRight(raw, "\r"), " \t")
		if step == "" || strings.HasPrefix(step, "#") {
			continue
		}
		if len(step) < 3 {
			t.Fatalf("transcript line %d: malformed step %q", n+1, step)
		}
		kind, text := step[:3], step[3:]
		conn.SetDeadline(time.Now().Add(StepTimeout))
		switch kind {
		case "C: ":
			if _, err := conn.Write([]byte(text + "\r\n")); err != nil {
				t.Fatalf("transcript line %d: sending %q: %v", n+1, text, err)
			}
		case "S: ", "S~ ":
			got, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("transcript line %d: want %q, read error %v (partial %q)", n+1, text, err, got)
			}
			got = strings.TrimSuffix(strings.TrimSuffix(got, "\n"), "\r")
			if kind == "S: " && got != text {
				t.Fatalf("transcript line %d:\n  want S: %s\n   got S: %s", n+1, text, got)
			}
			if kind == "S~ " && !regexp.MustCompile("^(?:"+text+")$").MatchString(got) {
				t.Fatalf("transcript line %d:\n  want S~ %s\n    got S: %s", n+1, text, got)
			}
		default:
			t.Fatalf("transcript line %d: step must start with \"C: \", \"S: \" or \"S~ \": %q", n+1, step)
		}
	}
	conn.SetDeadline(time.Time{})
}

// Serve serves h with a sockets.Server on a free loopback port, shuts it
// down when the test ends, and returns the address.
func Serve(t testing.TB, h sockets.Handler) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &sockets.Server{Handler: h, Logger: slog.New(slog.DiscardHandler)}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		if err := <-done; !errors.Is(err, sockets.ErrServerClosed) {
			t.Errorf("wiretest: Serve returned %v", err)
		}
	})
	return l.Addr().String()
}

// Dial connects to addr and closes the connection when the test ends.
func Dial(t testing.TB, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, StepTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
