package imap

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"
)

// mailboxValue returns a mailbox name as an astring value.
func mailboxValue(name string) Value {
	if validAtom(name) && !strings.ContainsAny(name, "[]%*\\") {
		return Atom(name)
	}
	return String(name)
}

func (c *conn) cmdSelect(ctx context.Context, cmd *Command) error {
	if len(cmd.Args) < 1 {
		return bad("SELECT needs a mailbox")
	}
	name, err := c.mailboxArg(cmd.Args[0])
	if err != nil {
		return err
	}
	if c.sel != nil {
		c.closeSelected()
		c.state = StateAuthenticated
		c.writeStatus("*", StatusOK, CodeClosed, nil, "previous mailbox closed")
	}
	readOnly := cmd.Name == CmdExamine
	s, err := c.openSelected(ctx, name, readOnly)
	if err != nil {
		return err
	}
	c.sel, c.state = s, StateSelected
	flags := List{Atom(FlagAnswered), Atom(FlagFlagged), Atom(FlagDeleted), Atom(FlagSeen), Atom(FlagDraft)}
	c.untagged("FLAGS", flags)
	perm := List{}
	if !readOnly {
		perm = append(slices.Clone(flags), Atom(FlagWildcard))
	}
	c.writeStatus("*", StatusOK, CodePermanentFlags, []Value{perm}, "flags permitted")
	c.untaggedNum(uint32(len(s.msgs)), "EXISTS")
	if !c.rev2 {
		c.untaggedNum(uint32(len(s.recent)), "RECENT")
		for i, m := range s.msgs {
			if !slices.Contains(m.Flags, FlagSeen) {
				c.writeStatus("*", StatusOK, "UNSEEN", []Value{Number(i + 1)}, "first unseen")
				break
			}
		}
	}
	c.writeStatus("*", StatusOK, CodeUIDValidity, []Value{Number(s.validity)}, "UIDs valid")
	c.writeStatus("*", StatusOK, CodeUIDNext, []Value{Number(s.uidNext)}, "predicted next UID")
	if c.rev2 {
		c.untagged("LIST", List{}, String(string(Delimiter)), mailboxValue(name))
	}
	if readOnly {
		c.okCode = CodeReadOnly
	} else {
		c.okCode = CodeReadWrite
	}
	return nil
}

func (c *conn) cmdCreate(ctx context.Context, cmd *Command) error {
	if len(cmd.Args) < 1 {
		return bad("CREATE needs a mailbox")
	}
	name, err := c.mailboxArg(cmd.Args[0])
	if err != nil {
		return err
	}
	name = strings.TrimSuffix(name, string(Delimiter))
	if name == "" || name == Inbox {
		return &Error{Type: StatusNO, Code: CodeAlreadyExists, Text: "mailbox exists"}
	}
	var use MailboxAttr
	// CREATE name (USE (\Sent)) from RFC 6154 section 3.
	if len(cmd.Args) == 2 {
		if l, ok := cmd.Args[1].(List); ok && len(l) == 2 {
			if a, ok := l[0].(Atom); ok && equalFold(string(a), "USE") {
				if attrs, ok := l[1].(List); ok && len(attrs) == 1 {
					s, _ := AsString(attrs[0])
					use = MailboxAttr(s)
				}
			}
		}
	}
	// Create missing parents too (RFC 9051 section 6.3.4).
	parts := strings.Split(name, string(Delimiter))
	for i := 1; i < len(parts); i++ {
		parent := strings.Join(parts[:i], string(Delimiter))
		if err := c.user.CreateMailbox(ctx, parent, ""); err != nil && err != ErrMailboxExists {
			return err
		}
	}
	return c.user.CreateMailbox(ctx, name, use)
}

func (c *conn) cmdDelete(ctx context.Context, cmd *Command) error {
	if err := wantArgs(cmd, 1); err != nil {
		return err
	}
	name, err := c.mailboxArg(cmd.Args[0])
	if err != nil {
		return err
	}
	if name == Inbox {
		return &Error{Type: StatusNO, Code: CodeCannot, Text: "INBOX cannot be deleted"}
	}
	if c.sel != nil && c.sel.name == name {
		return &Error{Type: StatusNO, Code: CodeInUse, Text: "mailbox is selected"}
	}
	return c.user.DeleteMailbox(ctx, name)
}

func (c *conn) cmdRename(ctx context.Context, cmd *Command) error {
	if err := wantArgs(cmd, 2); err != nil {
		return err
	}
	from, err := c.mailboxArg(cmd.Args[0])
	if err != nil {
		return err
	}
	to, err := c.mailboxArg(cmd.Args[1])
	if err != nil {
		return err
	}
	if to == Inbox {
		return &Error{Type: StatusNO, Code: CodeAlreadyExists, Text: "INBOX exists"}
	}
	return c.user.RenameMailbox(ctx, from, to)
}

func (c *conn) cmdSubscribe(ctx context.Context, cmd *Command) error {
	if err := wantArgs(cmd, 1); err != nil {
		return err
	}
	name, err := c.mailboxArg(cmd.Args[0])
	if err != nil {
		return err
	}
	return c.user.SetSubscribed(ctx, name, cmd.Name == CmdSubscribe)
}

func (c *conn) cmdNamespace(ctx context.Context, cmd *Command) error {
	// One personal namespace with no prefix (RFC 2342).
	c.untagged("NAMESPACE", List{List{String(""), String(string(Delimiter))}}, Nil{}, Nil{})
	return nil
}

// matchPattern reports whether name matches a LIST pattern: '*' matches
// anything, '%' anything but the delimiter (RFC 9051 section 6.3.9).
func matchPattern(name, pattern string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*', '%':
			wild := pattern[0]
			rest := pattern[1:]
			for i := 0; i <= len(name); i++ {
				if matchPattern(name[i:], rest) {
					return true
				}
				if i < len(name) && wild == '%' && name[i] == Delimiter {
					return false
				}
			}
			return false
		default:
			if len(name) == 0 || name[0] != pattern[0] {
				return false
			}
			name, pattern = name[1:], pattern[1:]
		}
	}
	return len(name) == 0
}

func (c *conn) cmdList(ctx context.Context, cmd *Command) error {
	args := cmd.Args
	var selSpecialUse, selSubscribed bool
	// LIST-EXTENDED selection options: LIST (SPECIAL-USE) "" "*".
	if len(args) > 0 {
		if l, ok := args[0].(List); ok && cmd.Name == CmdList {
			for _, o := range l {
				s, _ := AsString(o)
				switch upper(s) {
				case "SPECIAL-USE":
					selSpecialUse = true
				case "SUBSCRIBED":
					selSubscribed = true
				}
			}
			args = args[1:]
		}
	}
	if len(args) < 2 {
		return bad("LIST needs a reference and a pattern")
	}
	ref, err := stringArg(args[0])
	if err != nil {
		return err
	}
	if ref, err = c.decodeName(ref); err != nil {
		return err
	}
	var patterns []string
	if l, ok := args[1].(List); ok {
		for _, p := range l {
			s, _ := AsString(p)
			if s, err = c.decodeName(s); err != nil {
				return err
			}
			patterns = append(patterns, s)
		}
	} else {
		p, err := stringArg(args[1])
		if err != nil {
			return err
		}
		if p, err = c.decodeName(p); err != nil {
			return err
		}
		patterns = []string{p}
	}
	resp := cmd.Name
	if len(patterns) == 1 && patterns[0] == "" {
		// The hierarchy delimiter query (RFC 9051 section 6.3.9).
		c.untagged(resp, List{Atom(AttrNoSelect)}, String(string(Delimiter)), String(""))
		return nil
	}
	boxes, err := c.user.Mailboxes(ctx)
	if err != nil {
		return err
	}
	exists := map[string]MailboxInfo{}
	for _, b := range boxes {
		exists[b.Name] = b
	}
	// Names implied by a child ("Work" for "Work/2026") are listed as
	// \Noselect so % can walk the hierarchy.
	all := map[string]bool{}
	for _, b := range boxes {
		all[b.Name] = true
		for i := 0; i < len(b.Name); i++ {
			if b.Name[i] == Delimiter {
				all[b.Name[:i]] = true
			}
		}
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		matched := false
		for _, p := range patterns {
			full := p
			if ref != "" && !strings.HasPrefix(p, string(Delimiter)) {
				full = ref + p
			}
			if matchPattern(name, canonicalMailbox(full)) || (name == Inbox && equalFold(full, Inbox)) {
				matched = true
			}
		}
		if !matched {
			continue
		}
		info, real := exists[name]
		if resp == CmdLsub || selSubscribed {
			if !info.Subscribed {
				continue
			}
		}
		if selSpecialUse && len(info.Attrs) == 0 {
			continue
		}
		var attrs List
		if !real {
			attrs = append(attrs, Atom(AttrNoSelect))
		}
		hasChildren := false
		for _, other := range names {
			if strings.HasPrefix(other, name+string(Delimiter)) {
				hasChildren = true
				break
			}
		}
		if hasChildren {
			attrs = append(attrs, Atom(AttrHasChildren))
		} else {
			attrs = append(attrs, Atom(AttrHasNoChildren))
		}
		if selSubscribed && info.Subscribed {
			attrs = append(attrs, Atom(AttrSubscribed))
		}
		for _, a := range info.Attrs {
			attrs = append(attrs, Atom(a))
		}
		if attrs == nil {
			attrs = List{}
		}
		c.untagged(resp, attrs, String(string(Delimiter)), c.mailboxValue(name))
	}
	return nil
}

func (c *conn) cmdStatus(ctx context.Context, cmd *Command) error {
	if err := wantArgs(cmd, 2); err != nil {
		return err
	}
	name, err := c.mailboxArg(cmd.Args[0])
	if err != nil {
		return err
	}
	items, ok := cmd.Args[1].(List)
	if !ok || len(items) == 0 {
		return bad("STATUS needs a list of items")
	}
	mbox, err := c.user.Mailbox(ctx, name)
	if err != nil {
		return err
	}
	msgs, next, err := mbox.Messages(ctx)
	if err != nil {
		return err
	}
	out := List{}
	for _, it := range items {
		s, _ := AsString(it)
		var n uint64
		switch upper(s) {
		case "MESSAGES":
			n = uint64(len(msgs))
		case "UIDNEXT":
			n = uint64(next)
		case "UIDVALIDITY":
			n = uint64(mbox.UIDValidity())
		case "UNSEEN":
			for _, m := range msgs {
				if !slices.Contains(m.Flags, FlagSeen) {
					n++
				}
			}
		case "DELETED":
			for _, m := range msgs {
				if slices.Contains(m.Flags, FlagDeleted) {
					n++
				}
			}
		case "SIZE":
			for _, m := range msgs {
				n += uint64(m.Size)
			}
		case "RECENT":
			// IMAP4rev1 only (RFC 3501 section 6.3.10); the selected
			// mailbox's recent messages belong to this session.
			if c.sel != nil && c.sel.name == name && c.sel.recent != nil {
				n = uint64(len(c.sel.recent))
			} else if rm, ok := mbox.(RecentMailbox); ok {
				r, err := rm.CountRecent(ctx)
				if err != nil {
					return err
				}
				n = uint64(r)
			}
		default:
			return bad("unknown STATUS item " + s)
		}
		out = append(out, Atom(upper(s)), Number(n))
	}
	c.untagged("STATUS", c.mailboxValue(name), out)
	return nil
}

func (c *conn) cmdAppend(ctx context.Context, cmd *Command) error {
	if len(cmd.Args) < 2 || len(cmd.Args) > 4 {
		return bad("APPEND needs a mailbox and a message")
	}
	name, err := c.mailboxArg(cmd.Args[0])
	if err != nil {
		return err
	}
	var flags []Flag
	var date time.Time
	for _, a := range cmd.Args[1 : len(cmd.Args)-1] {
		switch a := a.(type) {
		case List:
			if flags, err = ParseFlags(a); err != nil {
				return err
			}
		case String:
			if date, err = ParseDateTime(string(a)); err != nil {
				return err
			}
		default:
			return bad("bad APPEND argument")
		}
	}
	msg, ok := cmd.Args[len(cmd.Args)-1].(String)
	if !ok {
		return bad("APPEND needs the message as a literal")
	}
	mbox, err := c.user.Mailbox(ctx, name)
	if err != nil {
		return &Error{Type: StatusNO, Code: CodeTryCreate, Text: "no such mailbox"}
	}
	if date.IsZero() {
		date = time.Now()
	}
	uid, err := mbox.Append(ctx, []byte(msg), flags, date)
	if err != nil {
		return err
	}
	c.okCode, c.okArgs = CodeAppendUID, []Value{Number(mbox.UIDValidity()), Number(uid)}
	return nil
}
