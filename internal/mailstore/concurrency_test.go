package mailstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentOperations runs deliveries, flag changes, expunges, copies
// and watchers on one folder at the same time (run it with -race). Every
// delivered message must get a distinct UID, every delivery must be seen by
// the watcher, and a reopened store must agree with the live one.
func TestConcurrentOperations(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	if err := s.Create(ctx, "bob", "Copies"); err != nil {
		t.Fatal(err)
	}
	w, err := s.Watch(ctx, "bob", Inbox)
	if err != nil {
		t.Fatal(err)
	}
	const writers, perWriter = 4, 10
	var newEvents int
	watchDone := make(chan struct{})
	stop := make(chan struct{})
	go func() {
		defer close(watchDone)
		for {
			select {
			case <-w.C:
			case <-stop:
				evs, _ := w.Events()
				for _, e := range evs {
					if e.Kind == EventNew {
						newEvents++
					}
				}
				return
			}
			evs, overflow := w.Events()
			if overflow {
				t.Error("watcher overflowed")
			}
			for _, e := range evs {
				if e.Kind == EventNew {
					newEvents++
				}
			}
		}
	}()

	var wg sync.WaitGroup
	uids := make([][]uint32, writers)
	for i := range writers {
		wg.Go(func() {
			for j := range perWriter {
				uid, err := s.Deliver(ctx, "bob", Inbox, strings.NewReader(fmt.Sprintf("msg %d/%d\r\n", i, j)))
				if err != nil {
					t.Error(err)
					return
				}
				uids[i] = append(uids[i], uid)
			}
		})
	}
	// Flaggers, expungers and copiers work on whatever is there.
	for range 2 {
		wg.Go(func() {
			for k := range perWriter {
				all := []uint32{uint32(k + 1), uint32(2*k + 1)}
				if _, err := s.SetFlags(ctx, "bob", Inbox, all, FlagsAdd, []string{FlagSeen}); err != nil {
					t.Error(err)
				}
				if _, err := s.Copy(ctx, "bob", Inbox, all, "Copies"); err != nil {
					t.Error(err)
				}
				if _, err := s.SetFlags(ctx, "bob", "Copies", all, FlagsAdd, []string{FlagDeleted}); err != nil {
					t.Error(err)
				}
				if _, err := s.Expunge(ctx, "bob", "Copies", nil); err != nil {
					t.Error(err)
				}
				if _, err := s.List(ctx, "bob", Inbox); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	<-watchDone
	w.Close()

	var all []uint32
	for _, u := range uids {
		if !slices.IsSorted(u) {
			t.Errorf("one writer's UIDs not increasing: %v", u)
		}
		all = append(all, u...)
	}
	slices.Sort(all)
	if len(slices.Compact(slices.Clone(all))) != writers*perWriter {
		t.Errorf("UIDs not distinct: %v", all)
	}
	if newEvents != writers*perWriter {
		t.Errorf("watcher saw %d deliveries, want %d", newEvents, writers*perWriter)
	}
	for _, f := range []string{Inbox, "Copies"} {
		live, _ := s.List(ctx, "bob", f)
		disk, _ := reopen(t, s).List(ctx, "bob", f)
		if !slices.EqualFunc(live.Messages, disk.Messages, func(a, b Message) bool {
			return a.UID == b.UID && slices.Equal(a.Flags, b.Flags) && a.Size == b.Size
		}) {
			t.Errorf("%s: reopened store disagrees:\nlive %+v\ndisk %+v", f, live.Messages, disk.Messages)
		}
	}
	if got := uidsOf(t, s, "bob", Inbox); !slices.Equal(got, all) {
		t.Errorf("INBOX UIDs = %v, want %v", got, all)
	}
}
