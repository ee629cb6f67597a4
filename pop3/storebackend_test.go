package pop3

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/applayer/applayer/internal/mailstore"
	"github.com/applayer/applayer/internal/wiretest"
)

func TestStoreBackend(t *testing.T) {
	ctx := context.Background()
	store, err := mailstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{lessonMessage(1, 498), lessonMessage(2, 912), lessonMessage(3, 100)} {
		if _, err := store.Deliver(ctx, "bob", mailstore.Inbox, strings.NewReader(m)); err != nil {
			t.Fatal(err)
		}
	}
	snap, _ := store.List(ctx, "bob", mailstore.Inbox)
	v := snap.UIDValidity
	addr := startServer(t, &Server{Backend: NewStoreBackend(store, map[string]string{"bob": "hungry"})})

	c := wiretest.Dial(t, addr)
	wiretest.Run(t, c, fmt.Sprintf(`
		S~ \+OK .*
		C: USER bob
		S: +OK
		C: PASS hungry
		S: +OK user successfully logged on
		C: UIDL
		S: +OK
		S: 1 %[1]d.1
		S: 2 %[1]d.2
		S: 3 %[1]d.3
		S: .
		C: RETR 2
		S: +OK 912 octets
		%[2]s
		S: .
		C: DELE 1
		S: +OK message 1 deleted
	`, v, serverLines(lessonMessage(2, 912))))

	// A second session is refused while the first holds the lock.
	c2 := wiretest.Dial(t, addr)
	wiretest.Run(t, c2, `
		S~ \+OK .*
		C: USER bob
		S: +OK
		C: PASS hungry
		S: -ERR [IN-USE] maildrop already locked by another session
		C: USER bob
		S: +OK
		C: PASS nope
		S: -ERR [AUTH] authentication failed
	`)
	wiretest.Run(t, c, `
		C: QUIT
		S: +OK POP3 server signing off
	`)
	// Message 1 is gone, message 2 was retrieved and is \Seen, UIDs stay.
	after, _ := store.List(ctx, "bob", mailstore.Inbox)
	if len(after.Messages) != 2 || after.Messages[0].UID != 2 || after.Messages[1].UID != 3 {
		t.Fatalf("after QUIT: %+v", after.Messages)
	}
	if got := after.Messages[0].Flags; len(got) != 1 || got[0] != mailstore.FlagSeen {
		t.Errorf("retrieved message flags = %v, want [\\Seen]", got)
	}
	c3 := wiretest.Dial(t, addr)
	wiretest.Run(t, c3, fmt.Sprintf(`
		S~ \+OK .*
		C: USER bob
		S: +OK
		C: PASS hungry
		S: +OK user successfully logged on
		C: UIDL
		S: +OK
		S: 1 %[1]d.2
		S: 2 %[1]d.3
		S: .
		C: QUIT
		S: +OK POP3 server signing off
	`, v))
}

func TestStoreBackendDroppedConnection(t *testing.T) {
	ctx := context.Background()
	store, err := mailstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	store.Deliver(ctx, "bob", mailstore.Inbox, strings.NewReader(lessonMessage(1, 498)))
	addr := startServer(t, NewStoreServer(store, map[string]string{"bob": "hungry"}, nil))
	c := wiretest.Dial(t, addr)
	wiretest.Run(t, c, `
		S~ \+OK .*
		C: USER bob
		S: +OK
		C: PASS hungry
		S: +OK user successfully logged on
		C: RETR 1
		S: +OK 498 octets
	`+serverLines(lessonMessage(1, 498))+`
		S: .
		C: DELE 1
		S: +OK message 1 deleted
	`)
	c.Close()
	// Log in again (retrying while the server has not yet seen the drop):
	// the message is still there, unflagged.
	for {
		cl, err := Dial(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		err = cl.Login(ctx, "bob", "hungry")
		if err == nil {
			n, _, _ := cl.Stat(ctx)
			cl.Quit(ctx)
			if n != 1 {
				t.Errorf("after a dropped session: %d messages, want 1", n)
			}
			break
		}
		cl.Close()
		var pe *Error
		if !errors.As(err, &pe) || pe.Code != CodeInUse {
			t.Fatal(err)
		}
	}
	m, _ := store.Message(ctx, "bob", mailstore.Inbox, 1)
	if len(m.Flags) != 0 {
		t.Errorf("flags after a dropped session = %v, want none", m.Flags)
	}
}
