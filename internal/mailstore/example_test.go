package mailstore_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/applayer/applayer/internal/mailstore"
)

// A delivery is on disk when Deliver returns, and a session watching the
// folder (an IMAP client in IDLE) hears of it at once.
func Example() {
	dir, _ := os.MkdirTemp("", "mailstore-example")
	defer os.RemoveAll(dir)
	store, err := mailstore.Open(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	w, _ := store.Watch(ctx, "bob", mailstore.Inbox)
	defer w.Close()

	uid, _ := store.Deliver(ctx, "bob", mailstore.Inbox, strings.NewReader("Subject: ketchup\r\n\r\nDo you like ketchup?\r\n"))
	<-w.C
	evs, _ := w.Events()
	fmt.Println("event:", evs[0].Kind, evs[0].Message.UID)

	store.SetFlags(ctx, "bob", mailstore.Inbox, []uint32{uid}, mailstore.FlagsAdd, []string{mailstore.FlagSeen})

	// A new Store over the same directory (a restarted server) sees it all.
	again, _ := mailstore.Open(dir)
	snap, _ := again.List(ctx, "bob", mailstore.Inbox)
	m := snap.Messages[0]
	fmt.Println("uid", m.UID, "flags", m.Flags, "size", m.Size, "uidnext", snap.UIDNext)
	r, _ := again.Open(ctx, "bob", mailstore.Inbox, m.UID)
	defer r.Close()
	b, _ := io.ReadAll(r)
	fmt.Printf("%q\n", b)
	// Output:
	// event: new 1
	// uid 1 flags [\Seen] size 42 uidnext 2
	// "Subject: ketchup\r\n\r\nDo you like ketchup?\r\n"
}
