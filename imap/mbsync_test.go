package imap

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestInteropMbsync synchronizes our server's mailboxes into a local
// Maildir with isync's mbsync, a real-world IMAP client that uses UIDs,
// UIDPLUS and flags heavily, then pushes a flag change back.
func TestInteropMbsync(t *testing.T) {
	bin := requirePeer(t, "mbsync")
	addr, be := interopServer(t)
	be.Deliver("bob", Inbox, []byte(testMsg))
	be.Deliver("bob", Inbox, []byte(mixedMsg))
	u, _ := be.Login(context.Background(), "bob", "hungry")
	u.CreateMailbox(context.Background(), "Work", "")
	be.Deliver("bob", "Work", []byte(testMsg))
	host, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	local := filepath.Join(dir, "mail") + "/"
	os.MkdirAll(local, 0o700)
	conf := filepath.Join(dir, "mbsyncrc")
	os.WriteFile(conf, []byte(fmt.Sprintf(`IMAPAccount test
Host %s
Port %s
User bob
Pass hungry
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account test

MaildirStore local
Path %s
Inbox %sINBOX
SubFolders Verbatim

Channel test
Far :remote:
Near :local:
Patterns *
Create Near
SyncState *
Sync All
`, host, port, local, local)), 0o600)
	run := func() string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, bin, "-c", conf, "-a").CombinedOutput()
		if err != nil {
			t.Fatalf("mbsync: %v\n%s", err, out)
		}
		return string(out)
	}
	run()
	count := func(box string) int {
		n := 0
		for _, sub := range []string{"cur", "new"} {
			es, _ := os.ReadDir(filepath.Join(local, box, sub))
			n += len(es)
		}
		return n
	}
	if got := count("INBOX"); got != 2 {
		t.Errorf("mbsync copied %d INBOX messages, want 2", got)
	}
	if got := count("Work"); got != 1 {
		t.Errorf("mbsync copied %d Work messages, want 1", got)
	}
	// Flag a message locally (Maildir info ":2,F") and sync it back.
	cur := filepath.Join(local, "INBOX", "cur")
	es, _ := os.ReadDir(cur)
	if len(es) == 0 {
		es, _ = os.ReadDir(filepath.Join(local, "INBOX", "new"))
		cur = filepath.Join(local, "INBOX", "new")
	}
	if len(es) == 0 {
		t.Fatal("no local message to flag")
	}
	name := es[0].Name()
	base, _, _ := strings.Cut(name, ":2,")
	if err := os.Rename(filepath.Join(cur, name), filepath.Join(local, "INBOX", "cur", base+":2,FS")); err != nil {
		t.Fatal(err)
	}
	run()
	mb, _ := u.Mailbox(context.Background(), Inbox)
	msgs, _, _ := mb.Messages(context.Background())
	flagged := 0
	for _, m := range msgs {
		for _, f := range m.Flags {
			if f == FlagFlagged {
				flagged++
			}
		}
	}
	if flagged != 1 {
		t.Errorf("after syncing a local flag back, %d server messages are \\Flagged: %+v", flagged, msgs)
	}
}
