package imap

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// SelectData is what SELECT and EXAMINE report about a mailbox (RFC 9051
// section 6.3.2).
type SelectData struct {
	Flags          []Flag
	PermanentFlags []Flag
	Messages       uint32 // EXISTS
	Recent         uint32 // RECENT: IMAP4rev1 servers only (RFC 3501 section 7.3.2)
	UIDValidity    uint32
	UIDNext        uint32
	FirstUnseen    uint32 // IMAP4rev1 servers only, 0 if not sent
	ReadOnly       bool
}

// Select opens a mailbox; with readOnly it sends EXAMINE.
func (c *Client) Select(ctx context.Context, mailbox string, readOnly bool) (*SelectData, error) {
	name := CmdSelect
	if readOnly {
		name = CmdExamine
	}
	mv, err := c.mailbox(mailbox)
	if err != nil {
		return nil, err
	}
	d := &SelectData{}
	resp, err := c.Execute(ctx, &Command{Name: name, Args: []Value{mv}}, func(r *Response) bool {
		switch {
		case r.Name == "FLAGS" && len(r.Args) == 1:
			d.Flags, _ = ParseFlags(r.Args[0])
		case r.Name == "EXISTS":
			d.Messages = r.Num
		case r.Name == "RECENT":
			d.Recent = r.Num
		case r.Name == "LIST":
		case r.Status == StatusOK && r.Code == CodePermanentFlags && len(r.CodeArgs) == 1:
			d.PermanentFlags, _ = ParseFlags(r.CodeArgs[0])
		case r.Status == StatusOK && r.Code == CodeUIDValidity && len(r.CodeArgs) == 1:
			n, _ := AsNumber(r.CodeArgs[0])
			d.UIDValidity = uint32(n)
		case r.Status == StatusOK && r.Code == CodeUIDNext && len(r.CodeArgs) == 1:
			n, _ := AsNumber(r.CodeArgs[0])
			d.UIDNext = uint32(n)
		case r.Status == StatusOK && r.Code == "UNSEEN" && len(r.CodeArgs) == 1:
			n, _ := AsNumber(r.CodeArgs[0])
			d.FirstUnseen = uint32(n)
		case r.Status == StatusOK && r.Code == CodeClosed:
		default:
			return false
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	d.ReadOnly = resp.Code == CodeReadOnly
	return d, nil
}

// Create creates a mailbox (RFC 9051 section 6.3.4); use, if not "", asks
// for a special-use attribute such as \Sent (RFC 6154 section 3).
func (c *Client) Create(ctx context.Context, mailbox string, use MailboxAttr) error {
	mv, err := c.mailbox(mailbox)
	if err != nil {
		return err
	}
	args := []Value{mv}
	if use != "" {
		args = append(args, List{Atom("USE"), List{Atom(use)}})
	}
	return c.simple(ctx, CmdCreate, args...)
}

// Delete deletes a mailbox (RFC 9051 section 6.3.5).
func (c *Client) Delete(ctx context.Context, mailbox string) error {
	mv, err := c.mailbox(mailbox)
	if err != nil {
		return err
	}
	return c.simple(ctx, CmdDelete, mv)
}

// Rename renames a mailbox (RFC 9051 section 6.3.6).
func (c *Client) Rename(ctx context.Context, from, to string) error {
	fv, err := c.mailbox(from)
	if err != nil {
		return err
	}
	tv, err := c.mailbox(to)
	if err != nil {
		return err
	}
	return c.simple(ctx, CmdRename, fv, tv)
}

// Subscribe adds a mailbox to the subscription list (RFC 9051 section 6.3.7).
func (c *Client) Subscribe(ctx context.Context, mailbox string) error {
	mv, err := c.mailbox(mailbox)
	if err != nil {
		return err
	}
	return c.simple(ctx, CmdSubscribe, mv)
}

// Unsubscribe removes a mailbox from the subscription list.
func (c *Client) Unsubscribe(ctx context.Context, mailbox string) error {
	mv, err := c.mailbox(mailbox)
	if err != nil {
		return err
	}
	return c.simple(ctx, CmdUnsubscribe, mv)
}

// ListData is one LIST or LSUB response (RFC 9051 section 7.3.1).
type ListData struct {
	Attrs     []MailboxAttr
	Delimiter string // "" when the server has no hierarchy (NIL)
	Name      string
}

// List lists the mailboxes matching pattern ('*' and '%' wildcards) under
// ref (RFC 9051 section 6.3.9).
func (c *Client) List(ctx context.Context, ref, pattern string) ([]ListData, error) {
	return c.list(ctx, CmdList, ref, pattern)
}

// Lsub lists subscribed mailboxes (RFC 3501 section 6.3.9).
func (c *Client) Lsub(ctx context.Context, ref, pattern string) ([]ListData, error) {
	return c.list(ctx, CmdLsub, ref, pattern)
}

func (c *Client) list(ctx context.Context, name, ref, pattern string) ([]ListData, error) {
	var out []ListData
	if c.mutf7() {
		var err error
		if ref, err = EncodeMailboxName(ref); err != nil {
			return nil, err
		}
		if pattern, err = EncodeMailboxName(pattern); err != nil {
			return nil, err
		}
	}
	var nameErr error
	_, err := c.Execute(ctx, &Command{Name: name, Args: []Value{String(ref), String(pattern)}}, func(r *Response) bool {
		if r.Name != name || len(r.Args) < 3 {
			return false
		}
		var d ListData
		if l, ok := r.Args[0].(List); ok {
			for _, a := range l {
				s, _ := AsString(a)
				d.Attrs = append(d.Attrs, MailboxAttr(s))
			}
		}
		d.Delimiter, _ = AsNString(r.Args[1])
		var err error
		if d.Name, err = c.mailboxName(r.Args[2]); err != nil && nameErr == nil {
			nameErr = err
		}
		out = append(out, d)
		return true
	})
	if err == nil {
		err = nameErr
	}
	return out, err
}

// Namespace returns the prefix and delimiter of the first personal
// namespace (RFC 2342, RFC 9051 section 6.3.10).
func (c *Client) Namespace(ctx context.Context) (prefix, delim string, err error) {
	_, err = c.Execute(ctx, &Command{Name: CmdNamespace}, func(r *Response) bool {
		if r.Name != "NAMESPACE" || len(r.Args) < 1 {
			return false
		}
		if l, ok := r.Args[0].(List); ok && len(l) > 0 {
			if d, ok := l[0].(List); ok && len(d) >= 2 {
				prefix, _ = AsString(d[0])
				delim, _ = AsNString(d[1])
			}
		}
		return true
	})
	return prefix, delim, err
}

// StatusData is a STATUS response (RFC 9051 section 7.3.5). Items not
// asked for are zero.
type StatusData struct {
	Mailbox     string
	Messages    uint32
	UIDNext     uint32
	UIDValidity uint32
	Unseen      uint32
	Deleted     uint32
	Size        int64
}

// Status asks for items such as "MESSAGES", "UIDNEXT", "UNSEEN" of a
// mailbox that need not be selected (RFC 9051 section 6.3.11).
func (c *Client) Status(ctx context.Context, mailbox string, items ...string) (*StatusData, error) {
	l := make(List, len(items))
	for i, it := range items {
		l[i] = Atom(it)
	}
	mv, err := c.mailbox(mailbox)
	if err != nil {
		return nil, err
	}
	d := &StatusData{}
	var nameErr error
	_, err = c.Execute(ctx, &Command{Name: CmdStatus, Args: []Value{mv, l}}, func(r *Response) bool {
		if r.Name != "STATUS" || len(r.Args) != 2 {
			return false
		}
		d.Mailbox, nameErr = c.mailboxName(r.Args[0])
		vals, _ := r.Args[1].(List)
		for i := 0; i+1 < len(vals); i += 2 {
			k, _ := AsString(vals[i])
			n, _ := AsNumber(vals[i+1])
			switch upper(k) {
			case "MESSAGES":
				d.Messages = uint32(n)
			case "UIDNEXT":
				d.UIDNext = uint32(n)
			case "UIDVALIDITY":
				d.UIDValidity = uint32(n)
			case "UNSEEN":
				d.Unseen = uint32(n)
			case "DELETED":
				d.Deleted = uint32(n)
			case "SIZE":
				d.Size = int64(n)
			}
		}
		return true
	})
	if err == nil {
		err = nameErr
	}
	return d, err
}

// AppendData is the APPENDUID result (RFC 4315); zero when the server has
// no UIDPLUS.
type AppendData struct {
	UIDValidity uint32
	UID         uint32
}

// Append adds a message to a mailbox with the given flags and internal
// date (zero: the server's clock), RFC 9051 section 6.3.12.
func (c *Client) Append(ctx context.Context, mailbox string, flags []Flag, date time.Time, msg []byte) (*AppendData, error) {
	mv, err := c.mailbox(mailbox)
	if err != nil {
		return nil, err
	}
	args := []Value{mv}
	if len(flags) > 0 {
		args = append(args, FlagsValue(flags))
	}
	if !date.IsZero() {
		args = append(args, String(FormatDateTime(date)))
	}
	if limit := c.appendLimit(); limit >= 0 && int64(len(msg)) > limit {
		// RFC 7889: the server would refuse it; do not send it at all.
		return nil, &Error{Type: StatusNO, Code: CodeTooBig, Text: "message exceeds the server's APPENDLIMIT"}
	}
	// A message always goes as a literal, even when it would fit in quotes.
	args = append(args, literalString(msg))
	resp, err := c.Execute(ctx, &Command{Name: CmdAppend, Args: args}, nil)
	if err != nil {
		return nil, err
	}
	d := &AppendData{}
	if resp.Code == CodeAppendUID && len(resp.CodeArgs) == 2 {
		v, _ := AsNumber(resp.CodeArgs[0])
		u, _ := AsNumber(resp.CodeArgs[1])
		d.UIDValidity, d.UID = uint32(v), uint32(u)
	}
	return d, nil
}

// appendLimit returns the APPENDLIMIT=n the server announced, or -1.
func (c *Client) appendLimit() int64 {
	for cp := range c.Caps() {
		if v, ok := strings.CutPrefix(string(cp), string(CapAppendLimit)+"="); ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return n
			}
		}
	}
	return -1
}

// literalString returns msg as a value that is always sent as a literal.
func literalString(msg []byte) Value { return literal(msg) }
