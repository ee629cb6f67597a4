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
	// recent holds the UIDs that are \Recent in this session (RFC 3501
	// section 2.3.2); nil for IMAP4rev2 sessions, which have no \Recent,
	// and for backends without RecentMailbox.
	recent map[uint32]bool
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
	var from uint32
	if _, ok := mbox.(RecentMailbox); ok && !c.rev2 {
		s.recent = map[uint32]bool{}
		if from, err = s.claimRecent(ctx); err != nil {
			s.stop()
			return nil, err
		}
	}
	msgs, next, err := mbox.Messages(ctx)
	if err != nil {
		s.stop()
		return nil, err
	}
	s.msgs, s.uidNext = msgs, next
	if s.recent != nil {
		if err := s.markRecent(ctx, msgs, from); err != nil {
			s.stop()
			return nil, err
		}
	}
	return s, nil
}

// claimRecent claims the mailbox's recent messages for a session that
// SELECTed it, before the session reads the messages, and returns the first
// UID recent for it; a read-only session claims nothing. Claiming first
// means a message that arrives between the claim and the read is recent
// here and possibly in the next session too, the side RFC 3501 section
// 2.3.2 prefers when it cannot tell who saw a message first.
func (s *selected) claimRecent(ctx context.Context) (uint32, error) {
	rm, ok := s.mbox.(RecentMailbox)
	if !ok || s.recent == nil || s.readOnly {
		return 0, nil
	}
	return rm.ClaimRecent(ctx)
}

// markRecent adds to the session's recent set those of msgs (the newest
// messages of the view) that are recent here: for SELECT the UIDs from
// the claim on; for EXAMINE, which claims nothing (RFC 3501 section
// 6.3.2), the newest messages no session has claimed.
func (s *selected) markRecent(ctx context.Context, msgs []MessageInfo, from uint32) error {
	if s.readOnly {
		n, err := s.mbox.(RecentMailbox).CountRecent(ctx)
		if err != nil {
			return err
		}
		for _, m := range msgs[max(len(msgs)-n, 0):] {
			s.recent[m.UID] = true
		}
		return nil
	}
	for _, m := range msgs {
		if m.UID >= from {
			s.recent[m.UID] = true
		}
	}
	return nil
}

// flags returns the FLAGS value of m as this session sees it: the stored
// flags, and \Recent when m is recent here.
func (s *selected) flags(m MessageInfo) List {
	v := FlagsValue(m.Flags)
	if s.recent[m.UID] {
		v = append(v, Atom(FlagRecent))
	}
	return v
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
	from, err := s.claimRecent(ctx)
	if err != nil {
		return err
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
		delete(s.recent, m.UID)
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
		c.untaggedNum(uint32(i+1), "FETCH", List{Atom("UID"), Number(cur[j].UID), Atom("FLAGS"), s.flags(cur[j])})
	}
	// New messages.
	last := s.maxUID()
	var added []MessageInfo
	for _, m := range cur {
		if m.UID > last {
			added = append(added, m)
		}
	}
	if len(added) > 0 {
		s.msgs = append(s.msgs, added...)
		c.untaggedNum(uint32(len(s.msgs)), "EXISTS")
		if s.recent != nil {
			if err := s.markRecent(ctx, added, from); err != nil {
				return err
			}
			c.untaggedNum(uint32(len(s.recent)), "RECENT")
		}
	}
	s.uidNext = next
	return nil
}
