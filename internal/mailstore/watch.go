package mailstore

import (
	"context"
	"slices"
	"sync"
)

// EventKind says what changed in a watched folder.
type EventKind int

const (
	EventNew        EventKind = iota + 1 // a message was delivered, appended, copied or moved in
	EventFlags                           // a message's flags changed
	EventExpunge                         // a message was expunged (or moved out)
	EventFolderGone                      // the folder was deleted or renamed; the Watcher is closed
)

// String returns the kind's name.
func (k EventKind) String() string {
	switch k {
	case EventNew:
		return "new"
	case EventFlags:
		return "flags"
	case EventExpunge:
		return "expunge"
	case EventFolderGone:
		return "folder-gone"
	}
	return "EventKind(?)"
}

// Event is one change to a folder. Events of one folder are delivered in the
// order the changes were made.
type Event struct {
	Kind    EventKind
	Message Message // the message (for EventExpunge only UID is meaningful)
}

// DefaultMaxPendingEvents is the number of undrained events a [Watcher] holds
// before it gives up and reports an overflow.
const DefaultMaxPendingEvents = 10000

// Watcher receives the changes of one folder. Receive from C, then call
// Events to take what is pending; C never blocks the store and no event is
// lost: if more than [DefaultMaxPendingEvents] pile up undrained, the queue is
// dropped and Events reports overflow, so the reader must re-read the folder
// with [Store.List]. A Watcher is safe for concurrent use.
type Watcher struct {
	// C receives a value when events are pending (capacity 1, coalescing).
	C <-chan struct{}

	c      chan struct{}
	folder *folder

	mu       sync.Mutex
	pending  []Event
	overflow bool
	closed   bool
}

// Events returns and clears the pending events. overflow is true when events
// were dropped because the queue was full.
func (w *Watcher) Events() (events []Event, overflow bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	events, overflow = w.pending, w.overflow
	w.pending, w.overflow = nil, false
	return events, overflow
}

// Close stops the Watcher. It is safe to call more than once.
func (w *Watcher) Close() error {
	f := w.folder
	f.mu.Lock()
	delete(f.watchers, w)
	f.mu.Unlock()
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	return nil
}

func (w *Watcher) push(ev Event) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	if len(w.pending) >= DefaultMaxPendingEvents {
		w.pending, w.overflow = nil, true
	} else {
		ev.Message.Flags = slices.Clone(ev.Message.Flags)
		w.pending = append(w.pending, ev)
	}
	w.mu.Unlock()
	select {
	case w.c <- struct{}{}:
	default:
	}
}

// originKey is the context key of WithOrigin.
type originKey struct{}

// WithOrigin returns a context that marks the operations made with it as
// coming from w's owner: their events are not sent to w (an IMAP session does
// not need to hear about its own STORE). The events still reach every other
// Watcher.
func WithOrigin(ctx context.Context, w *Watcher) context.Context {
	return context.WithValue(ctx, originKey{}, w)
}

// notify sends evs to the folder's watchers except the origin. f.mu is held.
func (f *folder) notify(ctx context.Context, evs ...Event) {
	origin, _ := ctx.Value(originKey{}).(*Watcher)
	for w := range f.watchers {
		if w == origin {
			continue
		}
		for _, ev := range evs {
			w.push(ev)
		}
	}
}
