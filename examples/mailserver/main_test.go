package main_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func build(t *testing.T, dir, pkg string) string {
	t.Helper()
	bin := filepath.Join(dir, filepath.Base(pkg))
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// TestMailserverAndSendmail runs the two programs as processes: a message
// submitted with AUTH lands in the user's INBOX in the mailstore, an unauthenticated relay
// attempt is refused, and SIGTERM stops the server cleanly.
func TestMailserverAndSendmail(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two programs")
	}
	dir := t.TempDir()
	server := build(t, dir, "github.com/applayer/applayer/examples/mailserver")
	sendmail := build(t, dir, "github.com/applayer/applayer/examples/sendmail")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	store := filepath.Join(dir, "store")
	srv := exec.CommandContext(ctx, server, "-domain", "hamburger.edu", "-user", "bob:hungry",
		"-smtp", "127.0.0.1:0", "-submission", "127.0.0.1:0", "-store", store, "-tls")
	stdout, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	addrs := map[string]string{}
	sc := bufio.NewScanner(stdout)
	for len(addrs) < 2 && sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 || f[0] != "listening" || f[1] != "on" {
			t.Fatalf("unexpected line %q", sc.Text())
		}
		addrs[f[2]] = f[3]
	}
	send := func(addr string, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, sendmail, append([]string{"-server", addr, "-insecure"}, args...)...)
		cmd.Stdin = strings.NewReader("Subject: ketchup\n\nDo you like ketchup?\nHow about pickles?\n")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := send(addrs["smtp"], "-from", "alice@crepes.fr", "-to", "bob@hamburger.edu"); err != nil {
		t.Fatalf("sendmail to smtp: %v\n%s", err, out)
	}
	if out, err := send(addrs["smtp"], "-from", "spam@x.example", "-to", "victim@elsewhere.example"); err == nil ||
		!strings.Contains(out, "554 5.7.1 Relay access denied") {
		t.Errorf("relay attempt: err %v, output %q; want 554 refusal", err, out)
	}
	if out, err := send(addrs["submission"], "-from", "bob@hamburger.edu", "-to", "bob@hamburger.edu"); err == nil ||
		!strings.Contains(out, "530") {
		t.Errorf("submission without AUTH: err %v, output %q; want 530", err, out)
	}
	if out, err := send(addrs["submission"], "-user", "bob:hungry", "-from", "bob@hamburger.edu", "-to", "bob@hamburger.edu"); err != nil {
		t.Fatalf("submission with AUTH: %v\n%s", err, out)
	}
	newDir := filepath.Join(store, "mailboxes", "bob", "INBOX", "new")
	var ents []os.DirEntry
	for i := 0; i < 200 && len(ents) < 2; i++ {
		ents, _ = os.ReadDir(newDir)
		time.Sleep(25 * time.Millisecond) // the queue delivers in the background
	}
	if len(ents) != 2 {
		t.Fatalf("bob's Maildir has %d messages, want 2", len(ents))
	}
	b, _ := os.ReadFile(filepath.Join(newDir, ents[0].Name()))
	if !strings.Contains(string(b), "Do you like ketchup?\r\nHow about pickles?\r\n") || !strings.HasPrefix(string(b), "Received: ") {
		t.Errorf("message:\n%s", b)
	}
	srv.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(); err != nil {
		t.Errorf("server exit after SIGTERM: %v", err)
	}
}
