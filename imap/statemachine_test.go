package imap

import (
	"context"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestPropSessionModel drives one session through random deliveries, flag
// changes, expunges and copies, against a model of the mailbox: after each
// step the server's FETCH 1:* (UID FLAGS) must equal the model, with
// \Recent on every message, since all arrived after the SELECT.
func TestPropSessionModel(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		be := NewMemBackend()
		be.AddUser("bob", "hungry")
		srv := &Server{Backend: be, AllowInsecureAuth: true}
		addr := serveLoopback(t, srv)
		defer srv.Close()
		ctx := context.Background()
		c, err := Dial(ctx, addr, nil)
		if err != nil {
			rt.Fatal(err)
		}
		defer c.Close()
		c.Login(ctx, "bob", "hungry")
		c.Create(ctx, "Other", "")
		c.Select(ctx, Inbox, false)
		type msg struct {
			uid   uint32
			flags []Flag
		}
		var model []msg
		next := uint32(1)
		flags := []Flag{FlagSeen, FlagFlagged, FlagDeleted, "$Work"}
		pick := func(rt *rapid.T) int { return rapid.IntRange(0, len(model)-1).Draw(rt, "i") }
		rt.Repeat(map[string]func(*rapid.T){
			"deliver": func(rt *rapid.T) {
				be.Deliver("bob", Inbox, []byte(testMsg))
				model = append(model, msg{uid: next, flags: []Flag{}})
				next++
			},
			"store": func(rt *rapid.T) {
				if len(model) == 0 {
					rt.Skip("empty")
				}
				i := pick(rt)
				f := rapid.SampledFrom(flags).Draw(rt, "flag")
				op := rapid.SampledFrom([]StoreOp{StoreAdd, StoreRemove, StoreReplace}).Draw(rt, "op")
				uid := rapid.Bool().Draw(rt, "uid")
				set := SeqSetOf(uint32(i + 1))
				if uid {
					set = SeqSetOf(model[i].uid)
				}
				if _, err := c.Store(ctx, set, uid, StoreAction{Op: op, Flags: []Flag{f}}); err != nil {
					rt.Fatal(err)
				}
				model[i].flags = applyFlags(model[i].flags, op, []Flag{f})
			},
			"expunge": func(rt *rapid.T) {
				if _, err := c.Expunge(ctx); err != nil {
					rt.Fatal(err)
				}
				model = slices.DeleteFunc(model, func(m msg) bool { return slices.Contains(m.flags, FlagDeleted) })
			},
			"move": func(rt *rapid.T) {
				if len(model) == 0 {
					rt.Skip("empty")
				}
				i := pick(rt)
				if _, err := c.Move(ctx, SeqSetOf(uint32(i+1)), false, "Other"); err != nil {
					rt.Fatal(err)
				}
				model = slices.Delete(model, i, i+1)
			},
			"": func(rt *rapid.T) {
				if err := c.Noop(ctx); err != nil {
					rt.Fatal(err)
				}
				if len(model) == 0 {
					return
				}
				got, err := c.Fetch(ctx, SeqSet{{1, 0}}, false, FetchItem{Name: FetchUID}, FetchItem{Name: FetchFlags})
				if err != nil {
					rt.Fatal(err)
				}
				if len(got) != len(model) {
					rt.Fatalf("server has %d messages, model %d", len(got), len(model))
				}
				for i, d := range got {
					// Every message arrived while this session had INBOX
					// selected: all are \Recent here (RFC 3501 section 2.3.2).
					if !slices.Contains(d.Flags, FlagRecent) {
						rt.Fatalf("message %d: no \\Recent in %v", i+1, d.Flags)
					}
					d.Flags = slices.DeleteFunc(d.Flags, func(f Flag) bool { return f == FlagRecent })
					if d.Seq != uint32(i+1) || d.UID != model[i].uid || !slices.Equal(d.Flags, normalizeFlags(model[i].flags)) {
						rt.Fatalf("message %d: server (seq %d, UID %d, %v), model (UID %d, %v)", i+1, d.Seq, d.UID, d.Flags, model[i].uid, model[i].flags)
					}
				}
			},
		})
	})
}
