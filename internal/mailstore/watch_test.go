package mailstore

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type evSummary struct {
	Kind EventKind
	UID  uint32
}

func drain(w *Watcher) []evSummary {
	evs, _ := w.Events()
	var out []evSummary
	for _, e := range evs {
		out = append(out, evSummary{e.Kind, e.Message.UID})
	}
	return out
}

func TestWatch(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	w, err := s.Watch(ctx, "bob", Inbox)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	mine, _ := s.Watch(ctx, "bob", Inbox)
	defer mine.Close()

	deliver(t, s, "bob", Inbox, "a")
	<-w.C // a delivery wakes the watcher at once
	deliver(t, s, "bob", Inbox, "b")
	own := WithOrigin(ctx, mine)
	s.SetFlags(own, "bob", Inbox, []uint32{1}, FlagsAdd, []string{FlagDeleted})
	s.SetFlags(own, "bob", Inbox, []uint32{1}, FlagsAdd, []string{FlagDeleted}) // no change, no event
	s.Expunge(own, "bob", Inbox, nil)
	s.Create(ctx, "bob", "X")
	s.Move(ctx, "bob", Inbox, []uint32{2}, "X")

	want := []evSummary{{EventNew, 1}, {EventNew, 2}, {EventFlags, 1}, {EventExpunge, 1}, {EventExpunge, 2}}
	if diff := cmp.Diff(want, drain(w)); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	// The origin does not hear its own changes.
	want = []evSummary{{EventNew, 1}, {EventNew, 2}, {EventExpunge, 2}}
	if diff := cmp.Diff(want, drain(mine)); diff != "" {
		t.Errorf("origin events mismatch (-want +got):\n%s", diff)
	}
}

func TestWatchFolderGone(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	s.Create(ctx, "bob", "A")
	w, _ := s.Watch(ctx, "bob", "A")
	s.Rename(ctx, "bob", "A", "B")
	<-w.C
	if diff := cmp.Diff([]evSummary{{EventFolderGone, 0}}, drain(w)); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	// The old name is gone; deliveries to the new name do not reach w.
	if _, err := s.Deliver(ctx, "bob", "A", strings.NewReader("x")); err == nil {
		t.Error("Deliver to renamed-away folder succeeded")
	}
	deliver(t, s, "bob", "B", "x")
	if got := drain(w); len(got) != 0 {
		t.Errorf("closed watcher got %v", got)
	}
}

func TestWatchOverflow(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	w, _ := s.Watch(ctx, "bob", Inbox)
	defer w.Close()
	// The watcher is never drained: after DefaultMaxPendingEvents the queue is
	// dropped and the overflow reported; the next event starts a new queue.
	f := w.folder
	for range DefaultMaxPendingEvents + 2 {
		f.mu.Lock()
		f.notify(ctx, Event{Kind: EventFlags, Message: Message{UID: 1}})
		f.mu.Unlock()
	}
	evs, overflow := w.Events()
	if !overflow || len(evs) != 1 {
		t.Errorf("Events() = %d events, overflow %v; want 1 event and overflow", len(evs), overflow)
	}
	if _, overflow := w.Events(); overflow {
		t.Error("overflow not cleared by Events")
	}
}
