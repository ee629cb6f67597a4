package imap

import (
	"context"
	"slices"
)

// selected is a connection's view of its selected mailbox: the message
// sequence numbers it has told the client about (RFC 9051 section 2.3.1.2).
// The view changes only when the server reports the change (EXISTS,
// EXPUNGE, FETCH), so the client's numbering and the server's agree.
type selected struct {
	name     string
	mbox     Mailbox
	readOnly bool
	validity uint32
	uidNext  uint32
	msgs     []MessageInfo // index = sequence number - 1

	// changed receives a token when the mailbox changes (from the
	// backend's goroutine); the connection drains it at a safe moment.
	changed chan struct{}
	stop    func()
	// pendingExpunge is set when a sync had to hold back EXPUNGEs.
	pendingExpunge bool
}

func (c *conn) openSelected(ctx context.Context, name string, readOnly bool) (*selected, error) {
	mbox, err := c.user.Mailbox(ctx, name)
	if err != nil {
		return nil, err
	}
	s := &selected{name: name, mbox: mbox, readOnly: readOnly, validity: mbox.UIDValidity(), changed: make(chan struct{}, 1)}
	s.stop = mbox.Watch(func() {
		select {
		case s.changed <- struct{}{}:
		default:
		}
	})
	msgs, next, err := mbox.Messages(ctx)
	if err != nil {
		s.stop()
		return nil, err
	}
	s.msgs, s.uidNext = msgs, next
	return s, nil
}

// seqOf returns the sequence number of uid, or 0.
func (s *selected) seqOf(uid uint32) uint32 {
	i, ok := slices.BinarySearchFunc(s.msgs, uid, func(m MessageInfo, uid uint32) int {
		return int(int64(m.UID) - int64(uid))
	})
	if !ok {
		return 0
	}
	return uint32(i + 1)
}

// maxUID is the largest UID in the view, "*" of a UID set.
func (s *selected) maxUID() uint32 {
	if len(s.msgs) == 0 {
		return 0
	}
	return s.msgs[len(s.msgs)-1].UID
}

// resolve turns a sequence set (or a UID set when uid is set) into indexes
// into s.msgs, ascending. UIDs that are not in the view are skipped, as
// RFC 9051 section 6.4.9 says; sequence numbers past the end are an error.
func (s *selected) resolve(set SeqSet, uid bool) ([]int, error) {
	var out []int
	if uid {
		max := s.maxUID()
		for i, m := range s.msgs {
			if set.Contains(m.UID, max) {
				out = append(out, i)
			}
		}
		return out, nil
	}
	n := uint32(len(s.msgs))
	for _, r := range set {
		if (r.Start > n) || (r.Stop > n) {
			return nil, bad("invalid message sequence number")
		}
	}
	for _, seq := range set.Nums(n) {
		out = append(out, int(seq-1))
	}
	return out, nil
}

// sync reports the changes others made to the mailbox since the last sync:
// EXPUNGE (only when allowExpunge), FETCH FLAGS and EXISTS.
func (c *conn) sync(ctx context.Context, allowExpunge bool) error {
	s := c.sel
	select {
	case <-s.changed:
	default:
		if !(allowExpunge && s.pendingExpunge) {
			return nil
		}
	}
	cur, next, err := s.mbox.Messages(ctx)
	if err != nil {
		return err
	}
	byUID := make(map[uint32]int, len(cur))
	for i, m := range cur {
		byUID[m.UID] = i
	}
	// Expunges first, in order, renumbering as we go.
	s.pendingExpunge = false
	kept := s.msgs[:0]
	removed := 0
	for i, m := range s.msgs {
		if _, ok := byUID[m.UID]; ok || !allowExpunge {
			if !ok {
				s.pendingExpunge = true
			}
			kept = append(kept, m)
			continue
		}
		c.untaggedNum(uint32(i+1-removed), "EXPUNGE")
		removed++
	}
	s.msgs = kept
	// Flag changes.
	for i := range s.msgs {
		j, ok := byUID[s.msgs[i].UID]
		if !ok || slices.Equal(s.msgs[i].Flags, cur[j].Flags) {
			continue
		}
		s.msgs[i] = cur[j]
		c.untaggedNum(uint32(i+1), "FETCH", List{Atom("UID"), Number(cur[j].UID), Atom("FLAGS"), FlagsValue(cur[j].Flags)})
	}
	// New messages.
	last := s.maxUID()
	added := false
	for _, m := range cur {
		if m.UID > last {
			s.msgs = append(s.msgs, m)
			added = true
		}
	}
	if added {
		c.untaggedNum(uint32(len(s.msgs)), "EXISTS")
	}
	s.uidNext = next
	return nil
}
