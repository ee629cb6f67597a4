package imap

import (
	"context"
	"errors"
	"sync"
	"time"
)

// IdleCommand is a running IDLE (RFC 2177): while it runs, every untagged
// response goes to the UnilateralHandler as the server pushes it. End it
// with Done; servers may end an IDLE after 30 minutes, so long-lived
// clients re-issue it.
type IdleCommand struct {
	c    *Client
	tag  string
	done chan error
	once sync.Once
	err  error
}

// Idle starts IDLE and returns once the server has accepted it.
func (c *Client) Idle(ctx context.Context) (*IdleCommand, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.idle {
		return nil, errors.New("imap: IDLE already running")
	}
	stop := c.watch(ctx)
	tag := c.nextTag()
	c.bw.WriteString(tag + " IDLE\r\n")
	if err := c.bw.Flush(); err != nil {
		stop()
		return nil, err
	}
	for {
		r, err := ReadResponse(c.r)
		if err != nil {
			stop()
			return nil, err
		}
		if r.Tag == tag {
			stop()
			if err := r.Err(); err != nil {
				return nil, err
			}
			return nil, errors.New("imap: IDLE ended at once")
		}
		if r.Tag == "+" {
			break
		}
		c.deliver(r, nil)
	}
	stop()
	c.nc.SetDeadline(time.Time{}) // an IDLE may last long; Done ends it
	c.idle = true
	ic := &IdleCommand{c: c, tag: tag, done: make(chan error, 1)}
	go func() {
		_, err := c.readUntil(tag, nil)
		ic.done <- err
	}()
	return ic, nil
}

// Done ends the IDLE and waits for the server's completion.
func (ic *IdleCommand) Done() error {
	ic.once.Do(func() {
		c := ic.c
		c.mu.Lock()
		c.bw.WriteString("DONE\r\n")
		werr := c.bw.Flush()
		c.mu.Unlock()
		ic.err = <-ic.done
		if ic.err == nil {
			ic.err = werr
		}
		c.mu.Lock()
		c.idle = false
		c.mu.Unlock()
	})
	return ic.err
}

// Check asks the server to checkpoint the selected mailbox (IMAP4rev1
// CHECK; IMAP4rev2 servers treat it as NOOP).
func (c *Client) Check(ctx context.Context) error { return c.simple(ctx, CmdCheck) }

// CloseMailbox closes the selected mailbox, expunging messages marked
// \Deleted (CLOSE, RFC 9051 section 6.4.1).
func (c *Client) CloseMailbox(ctx context.Context) error { return c.simple(ctx, CmdClose) }

// Unselect closes the selected mailbox without expunging (RFC 3691).
func (c *Client) Unselect(ctx context.Context) error { return c.simple(ctx, CmdUnselect) }

// Expunge removes the messages marked \Deleted and returns the sequence
// numbers of the EXPUNGE responses, in the order sent (RFC 9051 section
// 6.4.3).
func (c *Client) Expunge(ctx context.Context) ([]uint32, error) {
	return c.expunge(ctx, &Command{Name: CmdExpunge})
}

// UIDExpunge removes only the messages of the UID set that are marked
// \Deleted (RFC 4315 section 2.1).
func (c *Client) UIDExpunge(ctx context.Context, uids SeqSet) ([]uint32, error) {
	return c.expunge(ctx, &Command{Name: CmdExpunge, UID: true, Args: []Value{Atom(uids.String())}})
}

func (c *Client) expunge(ctx context.Context, cmd *Command) ([]uint32, error) {
	var seqs []uint32
	_, err := c.Execute(ctx, cmd, func(r *Response) bool {
		if r.Name == "EXPUNGE" {
			seqs = append(seqs, r.Num)
		}
		return false // the handler learns of expunges too
	})
	return seqs, err
}

// SearchData is the result of SEARCH: the matching sequence numbers (or
// UIDs) and, when the server answered with ESEARCH, its summary.
type SearchData struct {
	All       []uint32
	Min, Max  uint32
	Count     uint32
	HasCount  bool
	IsESearch bool
	AllSet    SeqSet // ALL as the server sent it (ESEARCH)
}

// Search finds the messages matching all keys; with uid the result holds
// UIDs (RFC 9051 section 6.4.4). Strings are sent as UTF-8.
func (c *Client) Search(ctx context.Context, uid bool, keys ...SearchKey) (*SearchData, error) {
	d := &SearchData{}
	cmd := &Command{Name: CmdSearch, UID: uid, Args: SearchValues(keys)}
	_, err := c.Execute(ctx, cmd, func(r *Response) bool {
		switch r.Name {
		case "SEARCH":
			for _, a := range r.Args {
				if n, ok := AsNumber(a); ok {
					d.All = append(d.All, uint32(n))
				}
			}
			return true
		case "ESEARCH":
			d.IsESearch = true
			args := r.Args
			if len(args) > 0 {
				if _, ok := args[0].(List); ok {
					args = args[1:] // (TAG "x")
				}
			}
			for i := 0; i < len(args); i++ {
				k, _ := AsString(args[i])
				if i+1 >= len(args) {
					break
				}
				switch upper(k) {
				case "UID":
					continue
				case "MIN":
					n, _ := AsNumber(args[i+1])
					d.Min = uint32(n)
				case "MAX":
					n, _ := AsNumber(args[i+1])
					d.Max = uint32(n)
				case "COUNT":
					n, _ := AsNumber(args[i+1])
					d.Count, d.HasCount = uint32(n), true
				case "ALL":
					s, _ := AsString(args[i+1])
					set, err := ParseSeqSet(s)
					if err == nil && !set.Dynamic() && setSize(set) <= maxExpand {
						d.AllSet = set
						d.All = set.Nums(^uint32(0))
					} else if err == nil {
						d.AllSet = set // too large to list one by one
					}
				}
				i++
			}
			return true
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	if !d.IsESearch {
		d.Count, d.HasCount = uint32(len(d.All)), true
		if len(d.All) > 0 {
			d.Min, d.Max = d.All[0], d.All[len(d.All)-1]
		}
	}
	return d, nil
}

// maxExpand caps how many numbers the client lists from a sequence set a
// server sent, so a set like 1:4294967295 cannot exhaust memory.
const maxExpand = 1 << 20

func setSize(s SeqSet) uint64 {
	var n uint64
	for _, r := range s {
		a, b := r.Start, r.Stop
		if a > b {
			a, b = b, a
		}
		n += uint64(b-a) + 1
	}
	return n
}

// Fetch retrieves data items of the messages in set; with uid the set
// holds UIDs (RFC 9051 section 6.4.5). The result is in the order the
// server sent it.
func (c *Client) Fetch(ctx context.Context, set SeqSet, uid bool, items ...FetchItem) ([]*FetchData, error) {
	l := make(List, len(items))
	for i, it := range items {
		l[i] = Atom(it.String())
	}
	var out []*FetchData
	var perr error
	_, err := c.Execute(ctx, &Command{Name: CmdFetch, UID: uid, Args: []Value{Atom(set.String()), l}}, func(r *Response) bool {
		if r.Name != "FETCH" {
			return false
		}
		d, err := ParseFetchData(r.Num, r.Args)
		if err != nil {
			perr = err
			return true
		}
		// A flag change of another message, pushed meanwhile, is not
		// part of the result (when the set says which messages are).
		if !set.Dynamic() {
			n := d.Seq
			if uid {
				n = d.UID
			}
			if n != 0 && !set.Contains(n, 0) {
				return false
			}
		}
		out = append(out, d)
		return true
	})
	if err == nil {
		err = perr
	}
	return out, err
}

// Store changes flags (RFC 9051 section 6.4.6) and returns the FETCH
// responses with the new flags (none with Silent).
func (c *Client) Store(ctx context.Context, set SeqSet, uid bool, action StoreAction) ([]*FetchData, error) {
	var out []*FetchData
	args := append([]Value{Atom(set.String())}, action.Values()...)
	_, err := c.Execute(ctx, &Command{Name: CmdStore, UID: uid, Args: args}, func(r *Response) bool {
		if r.Name != "FETCH" {
			return false
		}
		if d, err := ParseFetchData(r.Num, r.Args); err == nil {
			out = append(out, d)
		}
		return true
	})
	return out, err
}

// CopyData is the COPYUID result (RFC 4315): the source UIDs and the UIDs
// the copies got, in matching order. Zero when the server has no UIDPLUS.
type CopyData struct {
	UIDValidity uint32
	Source      SeqSet
	Dest        SeqSet
}

func copyData(code string, args []Value) *CopyData {
	if code != CodeCopyUID || len(args) != 3 {
		return nil
	}
	v, _ := AsNumber(args[0])
	s1, _ := AsString(args[1])
	s2, _ := AsString(args[2])
	src, err1 := ParseSeqSet(s1)
	dst, err2 := ParseSeqSet(s2)
	if err1 != nil || err2 != nil {
		return nil
	}
	return &CopyData{UIDValidity: uint32(v), Source: src, Dest: dst}
}

// Copy copies messages to another mailbox (RFC 9051 section 6.4.7).
func (c *Client) Copy(ctx context.Context, set SeqSet, uid bool, dest string) (*CopyData, error) {
	dv, err := c.mailbox(dest)
	if err != nil {
		return nil, err
	}
	resp, err := c.Execute(ctx, &Command{Name: CmdCopy, UID: uid, Args: []Value{Atom(set.String()), dv}}, nil)
	if err != nil {
		return nil, err
	}
	if d := copyData(resp.Code, resp.CodeArgs); d != nil {
		return d, nil
	}
	return &CopyData{}, nil
}

// Move moves messages to another mailbox (RFC 6851, RFC 9051 section
// 6.4.8); the EXPUNGE responses go to the UnilateralHandler.
func (c *Client) Move(ctx context.Context, set SeqSet, uid bool, dest string) (*CopyData, error) {
	dv, err := c.mailbox(dest)
	if err != nil {
		return nil, err
	}
	d := &CopyData{}
	resp, err := c.Execute(ctx, &Command{Name: CmdMove, UID: uid, Args: []Value{Atom(set.String()), dv}}, func(r *Response) bool {
		if r.Status == StatusOK {
			if cd := copyData(r.Code, r.CodeArgs); cd != nil {
				d = cd
				return true
			}
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	if cd := copyData(resp.Code, resp.CodeArgs); cd != nil {
		d = cd
	}
	return d, nil
}
