package mailstore

import (
	"context"
	"errors"
	"testing"
)

func TestTakeRecent(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	deliver(t, s, "bob", Inbox, "a")
	deliver(t, s, "bob", Inbox, "b")
	if st, _ := s.Status(ctx, "bob", Inbox); st.Recent != 2 {
		t.Errorf("Status.Recent = %d, want 2", st.Recent)
	}
	// The first session sees both as recent, the second none.
	if from, err := s.TakeRecent(ctx, "bob", Inbox); err != nil || from != 1 {
		t.Fatalf("first TakeRecent = %d, %v; want 1", from, err)
	}
	if from, _ := s.TakeRecent(ctx, "bob", Inbox); from != 3 {
		t.Errorf("second TakeRecent = %d, want 3 (nothing recent)", from)
	}
	deliver(t, s, "bob", Inbox, "c")
	if st, _ := s.Status(ctx, "bob", Inbox); st.Recent != 1 {
		t.Errorf("Status.Recent after a delivery = %d, want 1", st.Recent)
	}
	// The mark survives a restart.
	if from, _ := reopen(t, s).TakeRecent(ctx, "bob", Inbox); from != 3 {
		t.Errorf("TakeRecent after reopen = %d, want 3", from)
	}
}

func TestSpecialUse(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	s.Create(ctx, "bob", "Sent Items")
	if err := s.SetSpecialUse(ctx, "bob", "Sent Items", UseSent); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSpecialUse(ctx, "bob", "Sent Items", `\Important`); !errors.Is(err, ErrBadFlag) {
		t.Errorf("SetSpecialUse(\\Important) = %v, want ErrBadFlag", err)
	}
	s.Rename(ctx, "bob", "Sent Items", "Sent")
	if st, _ := reopen(t, s).Status(ctx, "bob", "Sent"); st.SpecialUse != UseSent {
		t.Errorf("SpecialUse after rename and reopen = %q", st.SpecialUse)
	}
	if err := s.SetSpecialUse(ctx, "bob", "Nope", UseTrash); !errors.Is(err, ErrNoFolder) {
		t.Errorf("SetSpecialUse on a missing folder = %v", err)
	}
}
