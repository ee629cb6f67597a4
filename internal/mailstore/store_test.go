package mailstore

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func openStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func deliver(t *testing.T, s *Store, user, folder, body string) uint32 {
	t.Helper()
	uid, err := s.Deliver(context.Background(), user, folder, strings.NewReader(body))
	if err != nil {
		t.Fatalf("Deliver(%q, %q) = %v", user, folder, err)
	}
	return uid
}

func body(t *testing.T, s *Store, user, folder string, uid uint32) string {
	t.Helper()
	r, err := s.Open(context.Background(), user, folder, uid)
	if err != nil {
		t.Fatalf("Open(%q, %q, %d) = %v", user, folder, uid, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func uidsOf(t *testing.T, s *Store, user, folder string) []uint32 {
	t.Helper()
	snap, err := s.List(context.Background(), user, folder)
	if err != nil {
		t.Fatalf("List(%q, %q) = %v", user, folder, err)
	}
	var u []uint32
	for _, m := range snap.Messages {
		u = append(u, m.UID)
	}
	return u
}

func TestDeliverListOpen(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	u1 := deliver(t, s, "bob", "inbox", "Subject: one\r\n\r\nhello\r\n")
	u2 := deliver(t, s, "bob", "INBOX", "Subject: two\r\n\r\nworld\r\n")
	if u1 != 1 || u2 != 2 {
		t.Fatalf("UIDs = %d, %d, want 1, 2", u1, u2)
	}
	snap, err := s.List(ctx, "bob", "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if snap.UIDNext != 3 || snap.UIDValidity == 0 || len(snap.Messages) != 2 {
		t.Fatalf("List = %+v", snap)
	}
	if got, want := snap.Messages[0].Size, int64(len("Subject: one\r\n\r\nhello\r\n")); got != want {
		t.Errorf("Size = %d, want %d", got, want)
	}
	if got := body(t, s, "bob", "INBOX", 2); got != "Subject: two\r\n\r\nworld\r\n" {
		t.Errorf("body = %q", got)
	}
	st, err := s.Status(ctx, "bob", "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if st.Messages != 2 || st.Unseen != 2 || st.Size != snap.Messages[0].Size+snap.Messages[1].Size {
		t.Errorf("Status = %+v", st)
	}
	if _, err := s.Open(ctx, "bob", "INBOX", 9); !errors.Is(err, ErrNoMessage) {
		t.Errorf("Open(9) = %v, want ErrNoMessage", err)
	}
	if _, err := s.Deliver(ctx, "bob", "Nope", strings.NewReader("x")); !errors.Is(err, ErrNoFolder) {
		t.Errorf("Deliver to missing folder = %v, want ErrNoFolder", err)
	}
}

func TestMessageTooLarge(t *testing.T) {
	s := openStore(t)
	s.MaxMessageBytes = 10
	_, err := s.Deliver(context.Background(), "bob", Inbox, strings.NewReader(strings.Repeat("x", 11)))
	if !errors.Is(err, ErrMessageTooLarge) {
		t.Fatalf("Deliver(11 bytes) = %v, want ErrMessageTooLarge", err)
	}
	deliver(t, s, "bob", Inbox, strings.Repeat("x", 10))
	ents, _ := os.ReadDir(filepath.Join(s.Dir(), "bob", Inbox, tmpDir))
	if len(ents) != 0 {
		t.Errorf("tmp/ holds %d files after a refused message", len(ents))
	}
}

func TestFlagsAndExpunge(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	for range 4 {
		deliver(t, s, "bob", Inbox, "m\r\n")
	}
	got, err := s.SetFlags(ctx, "bob", Inbox, []uint32{1, 3, 99}, FlagsAdd, []string{`\seen`, "Work", `\DELETED`})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Work", `\Deleted`, `\Seen`}
	if len(got) != 2 || !cmp.Equal(got[0].Flags, want) || !cmp.Equal(got[1].Flags, want) {
		t.Fatalf("SetFlags = %+v", got)
	}
	got, err = s.SetFlags(ctx, "bob", Inbox, []uint32{3}, FlagsRemove, []string{`\Deleted`, "work"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{`\Seen`}, got[0].Flags); diff != "" {
		t.Errorf("after -FLAGS mismatch (-want +got):\n%s", diff)
	}
	got, _ = s.SetFlags(ctx, "bob", Inbox, []uint32{4}, FlagsReplace, []string{`\Flagged`, `\Deleted`})
	if diff := cmp.Diff([]string{`\Deleted`, `\Flagged`}, got[0].Flags); diff != "" {
		t.Errorf("after FLAGS mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.SetFlags(ctx, "bob", Inbox, []uint32{1}, FlagsAdd, []string{`\Recent`}); !errors.Is(err, ErrBadFlag) {
		t.Errorf("SetFlags(\\Recent) = %v, want ErrBadFlag", err)
	}
	if _, err := s.SetFlags(ctx, "bob", Inbox, []uint32{1}, FlagsAdd, []string{"a b"}); !errors.Is(err, ErrBadFlag) {
		t.Errorf("SetFlags(\"a b\") = %v, want ErrBadFlag", err)
	}
	// UID EXPUNGE form: only 4 of the deleted ones.
	ex, err := s.Expunge(ctx, "bob", Inbox, []uint32{3, 4})
	if err != nil || !cmp.Equal(ex, []uint32{4}) {
		t.Fatalf("Expunge([3 4]) = %v, %v; want [4]", ex, err)
	}
	ex, err = s.Expunge(ctx, "bob", Inbox, nil)
	if err != nil || !cmp.Equal(ex, []uint32{1}) {
		t.Fatalf("Expunge(nil) = %v, %v; want [1]", ex, err)
	}
	if diff := cmp.Diff([]uint32{2, 3}, uidsOf(t, s, "bob", Inbox)); diff != "" {
		t.Errorf("UIDs mismatch (-want +got):\n%s", diff)
	}
	// UIDs are never reused.
	if uid := deliver(t, s, "bob", Inbox, "m\r\n"); uid != 5 {
		t.Errorf("next UID = %d, want 5", uid)
	}
}

func TestAppendOptions(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	date := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("", -5*3600))
	m, err := s.Append(ctx, "bob", Inbox, strings.NewReader("x"), AppendOptions{Flags: []string{`\Draft`}, Date: date})
	if err != nil {
		t.Fatal(err)
	}
	if !m.InternalDate.Equal(date) || !cmp.Equal(m.Flags, []string{`\Draft`}) {
		t.Errorf("Append = %+v", m)
	}
	s2, _ := Open(s.Dir())
	m2, err := s2.Message(ctx, "bob", Inbox, m.UID)
	if err != nil {
		t.Fatal(err)
	}
	if !m2.InternalDate.Equal(date) || !cmp.Equal(m2.Flags, m.Flags) || m2.Size != 1 {
		t.Errorf("after reopen = %+v, want %+v", m2, m)
	}
}

func TestCopyMove(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	for _, b := range []string{"a", "b", "c"} {
		deliver(t, s, "bob", Inbox, b)
	}
	s.SetFlags(ctx, "bob", Inbox, []uint32{2}, FlagsAdd, []string{`\Flagged`})
	if err := s.Create(ctx, "bob", "Archive"); err != nil {
		t.Fatal(err)
	}
	deliver(t, s, "bob", "Archive", "z")
	res, err := s.Copy(ctx, "bob", Inbox, []uint32{2, 3, 42}, "Archive")
	if err != nil {
		t.Fatal(err)
	}
	arch, _ := s.List(ctx, "bob", "Archive")
	want := CopyResult{UIDValidity: arch.UIDValidity, Src: []uint32{2, 3}, Dst: []uint32{2, 3}}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("Copy mismatch (-want +got):\n%s", diff)
	}
	if got := body(t, s, "bob", "Archive", 2); got != "b" {
		t.Errorf("copied body = %q", got)
	}
	if !cmp.Equal(arch.Messages[1].Flags, []string{`\Flagged`}) {
		t.Errorf("copied flags = %v", arch.Messages[1].Flags)
	}
	res, err = s.Move(ctx, "bob", Inbox, []uint32{1, 2}, "Archive")
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(res.Dst, []uint32{4, 5}) {
		t.Errorf("Move Dst = %v", res.Dst)
	}
	if diff := cmp.Diff([]uint32{3}, uidsOf(t, s, "bob", Inbox)); diff != "" {
		t.Errorf("INBOX after move mismatch (-want +got):\n%s", diff)
	}
	if got := body(t, s, "bob", "Archive", 4); got != "a" {
		t.Errorf("moved body = %q", got)
	}
	if _, err := s.Copy(ctx, "bob", Inbox, []uint32{3}, "Missing"); !errors.Is(err, ErrNoFolder) {
		t.Errorf("Copy to missing = %v", err)
	}
}

func TestFolders(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	if err := s.Create(ctx, "bob", "Work/2026/Q1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, "bob", "Work"); !errors.Is(err, ErrFolderExists) {
		t.Errorf("Create existing = %v", err)
	}
	if err := s.Create(ctx, "bob", "inbox"); !errors.Is(err, ErrFolderExists) {
		t.Errorf("Create inbox = %v", err)
	}
	for _, bad := range []string{"", "/a", "a/", "a//b", "a\x00b", "a\rb", strings.Repeat("x", MaxNameBytes+1), "\xff"} {
		if err := s.Create(ctx, "bob", bad); !errors.Is(err, ErrBadName) {
			t.Errorf("Create(%q) = %v, want ErrBadName", bad, err)
		}
	}
	deliver(t, s, "bob", "Work/2026", "x")
	before, _ := s.List(ctx, "bob", "Work/2026")
	if err := s.Rename(ctx, "bob", "Work", "Old/Work"); err != nil {
		t.Fatal(err)
	}
	names, _ := s.Folders(ctx, "bob")
	if diff := cmp.Diff([]string{"INBOX", "Old", "Old/Work", "Old/Work/2026", "Old/Work/2026/Q1"}, names); diff != "" {
		t.Errorf("Folders mismatch (-want +got):\n%s", diff)
	}
	after, err := s.List(ctx, "bob", "Old/Work/2026")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("renamed folder mismatch (-want +got):\n%s", diff)
	}
	if err := s.Rename(ctx, "bob", "Old", "Old/Inside"); !errors.Is(err, ErrBadName) {
		t.Errorf("Rename into itself = %v", err)
	}
	if err := s.Delete(ctx, "bob", "Old/Work"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "bob", "Inbox"); !errors.Is(err, ErrInbox) {
		t.Errorf("Delete INBOX = %v", err)
	}
	if err := s.Delete(ctx, "bob", "Nope"); !errors.Is(err, ErrNoFolder) {
		t.Errorf("Delete missing = %v", err)
	}
	// Re-created folders get a new UIDVALIDITY.
	if err := s.Create(ctx, "bob", "Old/Work"); err != nil {
		t.Fatal(err)
	}
	again, _ := s.List(ctx, "bob", "Old/Work")
	if again.UIDValidity == before.UIDValidity {
		t.Errorf("UIDVALIDITY reused: %d", again.UIDValidity)
	}
	// Reload from disk sees the same.
	s2, _ := Open(s.Dir())
	names2, _ := s2.Folders(ctx, "bob")
	names, _ = s.Folders(ctx, "bob")
	if diff := cmp.Diff(names, names2); diff != "" {
		t.Errorf("Folders after reopen mismatch (-want +got):\n%s", diff)
	}
}

func TestRenameInbox(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	deliver(t, s, "bob", Inbox, "a")
	deliver(t, s, "bob", Inbox, "b")
	if err := s.Rename(ctx, "bob", "INBOX", "Saved/Old"); err != nil {
		t.Fatal(err)
	}
	if got := uidsOf(t, s, "bob", Inbox); len(got) != 0 {
		t.Errorf("INBOX after rename holds %v", got)
	}
	if diff := cmp.Diff([]uint32{1, 2}, uidsOf(t, s, "bob", "Saved/Old")); diff != "" {
		t.Errorf("Saved/Old mismatch (-want +got):\n%s", diff)
	}
	if uid := deliver(t, s, "bob", Inbox, "c"); uid != 3 {
		t.Errorf("INBOX UID after rename = %d, want 3 (UIDs not reused)", uid)
	}
}

func TestSubscribe(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	for _, n := range []string{"b", "a", "inbox", "a"} {
		if err := s.Subscribe(ctx, "bob", n, true); err != nil {
			t.Fatal(err)
		}
	}
	s.Subscribe(ctx, "bob", "b", false)
	s2, _ := Open(s.Dir())
	got, _ := s2.Subscriptions(ctx, "bob")
	if diff := cmp.Diff([]string{"INBOX", "a"}, got); diff != "" {
		t.Errorf("Subscriptions mismatch (-want +got):\n%s", diff)
	}
}

func TestUserNamesAreContained(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	for _, u := range []string{"..", "../x", "a/b", ".hidden", "user@example.org"} {
		deliver(t, s, u, Inbox, "x")
		if got := body(t, s, u, Inbox, 1); got != "x" {
			t.Errorf("user %q: body %q", u, got)
		}
	}
	ents, _ := os.ReadDir(filepath.Dir(s.Dir()))
	for _, e := range ents {
		if e.Name() != filepath.Base(s.Dir()) {
			t.Errorf("store wrote outside its root: %s", e.Name())
		}
	}
	if _, err := s.Deliver(ctx, "", Inbox, strings.NewReader("x")); !errors.Is(err, ErrBadName) {
		t.Errorf("empty user = %v", err)
	}
}

func TestEncodeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"INBOX", "INBOX"},
		{"a/b", "a%2Fb"},
		{"..", "%2E%2E"},
		{"Entwürfe", "Entw%C3%BCrfe"},
		{"x y", "x%20y"},
		{"100%", "100%25"},
	}
	for _, tt := range tests {
		if got := encodeName(tt.in); got != tt.want {
			t.Errorf("encodeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got, ok := decodeName(tt.want); !ok || got != tt.in {
			t.Errorf("decodeName(%q) = %q, %v", tt.want, got, ok)
		}
	}
	for _, bad := range []string{"%2", "%zz", "%2e", "a.b", "%41"} {
		if got, ok := decodeName(bad); ok {
			t.Errorf("decodeName(%q) = %q, want refusal", bad, got)
		}
	}
}
