package mailstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The tests in this file build the directory states that a crash at each
// step of an operation leaves behind, then open a fresh Store over them (as a
// restarted server would) and check what it sees.

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func reopen(t *testing.T, s *Store) *Store {
	t.Helper()
	s2, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	return s2
}

func inboxDir(s *Store, user string) string {
	return filepath.Join(s.Dir(), encodeName(user), Inbox)
}

func TestCrashLeftoverTmpIgnored(t *testing.T) {
	// Crash while writing tmp/ (before the rename): the message was never
	// acknowledged, so it must not appear, and the file is cleaned up.
	s := openStore(t)
	deliver(t, s, "bob", Inbox, "kept")
	writeFile(t, filepath.Join(inboxDir(s, "bob"), tmpDir, "123.1"), "half a mess")
	writeFile(t, filepath.Join(inboxDir(s, "bob"), indexName+".tmp"), "{garbage")
	s2 := reopen(t, s)
	if diff := cmp.Diff([]uint32{1}, uidsOf(t, s2, "bob", Inbox)); diff != "" {
		t.Errorf("UIDs mismatch (-want +got):\n%s", diff)
	}
	ents, _ := os.ReadDir(filepath.Join(inboxDir(s, "bob"), tmpDir))
	if len(ents) != 0 {
		t.Errorf("tmp/ still holds %d files", len(ents))
	}
	if _, err := os.Stat(filepath.Join(inboxDir(s, "bob"), indexName+".tmp")); !os.IsNotExist(err) {
		t.Errorf("index.tmp left: %v", err)
	}
}

func TestCrashAfterRenameBeforeIndex(t *testing.T) {
	// Crash after new/UID exists but before the index was saved: the message
	// was acknowledged and must be kept, with its UID.
	s := openStore(t)
	deliver(t, s, "bob", Inbox, "one")
	snap, _ := s.List(context.Background(), "bob", Inbox)
	writeFile(t, filepath.Join(inboxDir(s, "bob"), newDir, "2"), "two")
	s2 := reopen(t, s)
	after, _ := s2.List(context.Background(), "bob", Inbox)
	if after.UIDValidity != snap.UIDValidity || after.UIDNext != 3 || len(after.Messages) != 2 {
		t.Fatalf("after crash: %+v", after)
	}
	if got := body(t, s2, "bob", Inbox, 2); got != "two" {
		t.Errorf("adopted body = %q", got)
	}
	if uid := deliver(t, s2, "bob", Inbox, "three"); uid != 3 {
		t.Errorf("next UID = %d, want 3", uid)
	}
}

func TestCrashDuringExpunge(t *testing.T) {
	// Expunge saves the index, then removes files. A crash in between leaves a
	// file whose UID is below UIDNEXT and not in the index: it stays expunged.
	ctx := context.Background()
	s := openStore(t)
	deliver(t, s, "bob", Inbox, "one")
	deliver(t, s, "bob", Inbox, "two")
	s.SetFlags(ctx, "bob", Inbox, []uint32{1}, FlagsAdd, []string{FlagDeleted})
	s.Expunge(ctx, "bob", Inbox, nil)
	writeFile(t, filepath.Join(inboxDir(s, "bob"), newDir, "1"), "one") // as if the unlink never happened
	s2 := reopen(t, s)
	if diff := cmp.Diff([]uint32{2}, uidsOf(t, s2, "bob", Inbox)); diff != "" {
		t.Errorf("UIDs mismatch (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(inboxDir(s, "bob"), newDir, "1")); !os.IsNotExist(err) {
		t.Errorf("expunged file not removed: %v", err)
	}
}

func TestCrashIndexLost(t *testing.T) {
	// An index that is missing or unreadable is rebuilt from the files, with a
	// new UIDVALIDITY (old UIDs can no longer be trusted by clients).
	for _, name := range []string{"missing", "corrupt"} {
		t.Run(name, func(t *testing.T) {
			s := openStore(t)
			deliver(t, s, "bob", Inbox, "one")
			deliver(t, s, "bob", Inbox, "two")
			old, _ := s.List(context.Background(), "bob", Inbox)
			idx := filepath.Join(inboxDir(s, "bob"), indexName)
			if name == "missing" {
				os.Remove(idx)
			} else {
				writeFile(t, idx, `{"version":1,"uidvalidity":`)
			}
			s2 := reopen(t, s)
			snap, _ := s2.List(context.Background(), "bob", Inbox)
			if snap.UIDValidity == old.UIDValidity {
				t.Errorf("UIDVALIDITY kept after index loss")
			}
			if len(snap.Messages) != 2 || body(t, s2, "bob", Inbox, 2) != "two" {
				t.Errorf("messages after rebuild: %+v", snap)
			}
		})
	}
}

func TestIndexRecordWithoutFileDropped(t *testing.T) {
	s := openStore(t)
	deliver(t, s, "bob", Inbox, "one")
	deliver(t, s, "bob", Inbox, "two")
	os.Remove(filepath.Join(inboxDir(s, "bob"), newDir, "1"))
	s2 := reopen(t, s)
	if diff := cmp.Diff([]uint32{2}, uidsOf(t, s2, "bob", Inbox)); diff != "" {
		t.Errorf("UIDs mismatch (-want +got):\n%s", diff)
	}
}

func TestHalfCreatedAndDeletedFolders(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	deliver(t, s, "bob", Inbox, "x")
	user := filepath.Join(s.Dir(), "bob")
	writeFile(t, filepath.Join(user, "New.creating", indexName), "{}")
	writeFile(t, filepath.Join(user, "Old.deleting", newDir, "1"), "x")
	s2 := reopen(t, s)
	names, _ := s2.Folders(ctx, "bob")
	if diff := cmp.Diff([]string{Inbox}, names); diff != "" {
		t.Errorf("Folders mismatch (-want +got):\n%s", diff)
	}
	for _, d := range []string{"New.creating", "Old.deleting"} {
		if _, err := os.Stat(filepath.Join(user, d)); !os.IsNotExist(err) {
			t.Errorf("%s not cleaned: %v", d, err)
		}
	}
}

func TestForeignFileAdopted(t *testing.T) {
	// A message dropped into new/ by hand (as for Dovecot) gets the next UID.
	s := openStore(t)
	deliver(t, s, "bob", Inbox, "one")
	writeFile(t, filepath.Join(inboxDir(s, "bob"), newDir, "1700000000.M1.host"), "dropped")
	s2 := reopen(t, s)
	if got := body(t, s2, "bob", Inbox, 2); got != "dropped" {
		t.Errorf("adopted body = %q", got)
	}
	s3 := reopen(t, s2)
	if diff := cmp.Diff([]uint32{1, 2}, uidsOf(t, s3, "bob", Inbox)); diff != "" {
		t.Errorf("UIDs after second reopen mismatch (-want +got):\n%s", diff)
	}
}

func TestReloadKeepsEverything(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	for range 3 {
		deliver(t, s, "bob", Inbox, "m")
	}
	s.SetFlags(ctx, "bob", Inbox, []uint32{2}, FlagsAdd, []string{FlagSeen, "$Label1"})
	s.Create(ctx, "bob", "Sent")
	s.Copy(ctx, "bob", Inbox, []uint32{2}, "Sent")
	for _, f := range []string{Inbox, "Sent"} {
		want, _ := s.List(ctx, "bob", f)
		got, _ := reopen(t, s).List(ctx, "bob", f)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s after reopen mismatch (-want +got):\n%s", f, diff)
		}
	}
}

func TestUIDsExhausted(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	deliver(t, s, "bob", Inbox, "one")
	f, _ := s.folder("bob", Inbox)
	f.mu.Lock()
	f.uidNext = maxUID + 1
	old := f.uidValidity
	f.writeIndex()
	f.mu.Unlock()
	if _, err := s.Deliver(ctx, "bob", Inbox, strings.NewReader("two")); !errors.Is(err, ErrUIDsExhausted) {
		t.Fatalf("Deliver with no UIDs left = %v", err)
	}
	// A message dropped in by hand forces the renumbering on the next load.
	writeFile(t, filepath.Join(inboxDir(s, "bob"), newDir, "dropped"), "two")
	s2 := reopen(t, s)
	snap, _ := s2.List(ctx, "bob", Inbox)
	if snap.UIDValidity == old || snap.UIDNext != 3 || len(snap.Messages) != 2 {
		t.Fatalf("after renumbering: %+v", snap)
	}
	if body(t, s2, "bob", Inbox, 1) != "one" || body(t, s2, "bob", Inbox, 2) != "two" {
		t.Error("bodies wrong after renumbering")
	}
}
