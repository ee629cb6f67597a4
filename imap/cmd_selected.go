package imap

import (
	"context"
	"slices"
)

func (c *conn) poke() {
	if c.sel != nil {
		select {
		case c.sel.changed <- struct{}{}:
		default:
		}
	}
}

// cmdClose handles CLOSE (which expunges \Deleted messages silently when
// the mailbox is read-write) and UNSELECT (which does not), RFC 9051
// sections 6.4.1-6.4.2.
func (c *conn) cmdClose(ctx context.Context, cmd *Command) error {
	s := c.sel
	c.closeSelected()
	c.state = StateAuthenticated
	if cmd.Name == CmdClose && !s.readOnly {
		msgs, _, err := s.mbox.Messages(ctx)
		if err != nil {
			return err
		}
		var del []uint32
		for _, m := range msgs {
			if slices.Contains(m.Flags, FlagDeleted) {
				del = append(del, m.UID)
			}
		}
		if len(del) > 0 {
			return s.mbox.Expunge(ctx, del)
		}
	}
	return nil
}

// cmdExpunge handles EXPUNGE and UID EXPUNGE (RFC 4315 section 2.1). The
// EXPUNGE responses come from the sync at the end of the command.
func (c *conn) cmdExpunge(ctx context.Context, cmd *Command) error {
	s := c.sel
	if s.readOnly {
		return &Error{Type: StatusNO, Code: CodeReadOnly, Text: "mailbox is read-only"}
	}
	var set SeqSet
	if cmd.UID {
		if err := wantArgs(cmd, 1); err != nil {
			return err
		}
		a, _ := cmd.Args[0].(Atom)
		var err error
		if set, err = ParseSeqSet(string(a)); err != nil {
			return err
		}
	} else if len(cmd.Args) != 0 {
		return bad("EXPUNGE takes no arguments")
	}
	msgs, _, err := s.mbox.Messages(ctx)
	if err != nil {
		return err
	}
	max := s.maxUID()
	var del []uint32
	for _, m := range msgs {
		if !slices.Contains(m.Flags, FlagDeleted) || s.seqOf(m.UID) == 0 {
			continue
		}
		if set != nil && !set.Contains(m.UID, max) {
			continue
		}
		del = append(del, m.UID)
	}
	if len(del) == 0 {
		return nil
	}
	if err := s.mbox.Expunge(ctx, del); err != nil {
		return err
	}
	c.poke()
	return nil
}

func seqSetArg(v Value) (SeqSet, error) {
	a, ok := v.(Atom)
	if !ok {
		return nil, bad("expected a sequence set")
	}
	return ParseSeqSet(string(a))
}

// cmdStore handles STORE and UID STORE (RFC 9051 section 6.4.6).
func (c *conn) cmdStore(ctx context.Context, cmd *Command) error {
	s := c.sel
	if len(cmd.Args) != 3 {
		return bad("STORE needs a set, an item and flags")
	}
	set, err := seqSetArg(cmd.Args[0])
	if err != nil {
		return err
	}
	act, err := ParseStoreAction(cmd.Args[1:])
	if err != nil {
		return err
	}
	if s.readOnly {
		return &Error{Type: StatusNO, Code: CodeReadOnly, Text: "mailbox is read-only"}
	}
	idx, err := s.resolve(set, cmd.UID)
	if err != nil {
		return err
	}
	if len(idx) == 0 {
		return nil
	}
	uids := make([]uint32, len(idx))
	for i, j := range idx {
		uids[i] = s.msgs[j].UID
	}
	if err := s.mbox.StoreFlags(ctx, uids, act.Op, act.Flags); err != nil {
		return err
	}
	return c.refreshFlags(ctx, idx, !act.Silent, cmd.UID)
}

// refreshFlags reads the flags of the given messages back from the store,
// updates the view and, with report, sends them as FETCH responses.
func (c *conn) refreshFlags(ctx context.Context, idx []int, report, withUID bool) error {
	s := c.sel
	msgs, _, err := s.mbox.Messages(ctx)
	if err != nil {
		return err
	}
	for _, j := range idx {
		uid := s.msgs[j].UID
		k, ok := slices.BinarySearchFunc(msgs, uid, func(m MessageInfo, uid uint32) int { return int(int64(m.UID) - int64(uid)) })
		if !ok {
			continue // expunged meanwhile; the sync will say so
		}
		s.msgs[j].Flags = msgs[k].Flags
		if report {
			items := List{}
			if withUID {
				items = append(items, Atom("UID"), Number(uid))
			}
			items = append(items, Atom("FLAGS"), s.flags(msgs[k]))
			c.untaggedNum(uint32(j+1), "FETCH", items)
		}
	}
	return nil
}

// cmdCopy handles COPY, MOVE and their UID forms (RFC 9051 sections
// 6.4.7-6.4.8, RFC 6851, RFC 4315 COPYUID).
func (c *conn) cmdCopy(ctx context.Context, cmd *Command) error {
	s := c.sel
	if err := wantArgs(cmd, 2); err != nil {
		return err
	}
	set, err := seqSetArg(cmd.Args[0])
	if err != nil {
		return err
	}
	dest, err := c.mailboxArg(cmd.Args[1])
	if err != nil {
		return err
	}
	if cmd.Name == CmdMove && s.readOnly {
		return &Error{Type: StatusNO, Code: CodeReadOnly, Text: "mailbox is read-only"}
	}
	idx, err := s.resolve(set, cmd.UID)
	if err != nil {
		return err
	}
	if len(idx) == 0 {
		return nil
	}
	if _, err := c.user.Mailbox(ctx, dest); err != nil {
		return &Error{Type: StatusNO, Code: CodeTryCreate, Text: "no such mailbox"}
	}
	uids := make([]uint32, len(idx))
	for i, j := range idx {
		uids[i] = s.msgs[j].UID
	}
	var validity uint32
	var newUIDs []uint32
	if mv, ok := s.mbox.(Mover); ok && cmd.Name == CmdMove {
		validity, newUIDs, err = mv.MoveTo(ctx, uids, dest)
	} else {
		validity, newUIDs, err = s.mbox.CopyTo(ctx, uids, dest)
		if err == nil && cmd.Name == CmdMove {
			err = s.mbox.Expunge(ctx, uids)
		}
	}
	if err != nil {
		return err
	}
	code := []Value{Number(validity), Atom(SeqSetOf(uids...).String()), Atom(SeqSetOf(newUIDs...).String())}
	if len(newUIDs) != len(uids) {
		code = nil // some vanished meanwhile: no COPYUID rather than a wrong one
	}
	if cmd.Name == CmdMove {
		if code != nil {
			c.writeStatus("*", StatusOK, CodeCopyUID, code, "moved")
		}
		c.poke()
		return nil
	}
	if code != nil {
		c.okCode, c.okArgs = CodeCopyUID, code
	}
	return nil
}
