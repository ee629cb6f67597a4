package mailstore

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// killMessage is the body of the n-th message of the kill test: big enough
// that a write is caught half way now and then.
func killMessage(n int) string {
	return fmt.Sprintf("Subject: %d\r\n\r\n%s\r\n", n, strings.Repeat(strconv.Itoa(n%10), 64<<10))
}

// TestMain lets the test binary act as the child of TestKilledWhileDelivering.
func TestMain(m *testing.M) {
	if dir := os.Getenv("MAILSTORE_KILL_CHILD"); dir != "" {
		s, err := Open(dir)
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		for n := 1; ; n++ {
			if _, err := s.Deliver(context.Background(), "bob", Inbox, strings.NewReader(killMessage(n))); err != nil {
				fmt.Println("error", err)
				os.Exit(1)
			}
			fmt.Println("ok", n) // acknowledged: must survive the kill
		}
	}
	os.Exit(m.Run())
}

// TestKilledWhileDelivering kills a process that delivers as fast as it can
// (SIGKILL: no chance to clean up), then opens the store: every message the
// child acknowledged is there, whole, and no partial message appears.
func TestKilledWhileDelivering(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "MAILSTORE_KILL_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 || f[0] != "ok" {
			t.Fatalf("child: %q", sc.Text())
		}
		acked, _ = strconv.Atoi(f[1])
		if acked == 15 {
			break
		}
	}
	cmd.Process.Kill()
	io.Copy(io.Discard, out)
	cmd.Wait()

	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := s.List(context.Background(), "bob", Inbox)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Messages) < acked {
		t.Fatalf("%d messages after the kill, but %d were acknowledged", len(snap.Messages), acked)
	}
	for i, m := range snap.Messages {
		if m.UID != uint32(i+1) {
			t.Errorf("message %d has UID %d", i+1, m.UID)
		}
		if got := body(t, s, "bob", Inbox, m.UID); got != killMessage(i+1) {
			t.Errorf("message %d is damaged (%d octets)", i+1, len(got))
		}
	}
}
