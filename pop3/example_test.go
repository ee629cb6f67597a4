package pop3_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/applayer/applayer/internal/mailstore"
	"github.com/applayer/applayer/pop3"
)

// The lesson's mailbox: a server with bob's two messages, and a client that
// downloads and deletes them.
func Example() {
	backend := pop3.NewMemoryBackend()
	backend.AddUser("bob", "hungry")
	backend.Deliver("bob", []byte("Subject: one\r\n\r\nDo you like ketchup?\r\n"))
	backend.Deliver("bob", []byte("Subject: two\r\n\r\nHow about pickles?\r\n"))

	srv := &pop3.Server{Backend: backend, Logger: slog.New(slog.DiscardHandler)}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	defer srv.Close()

	ctx := context.Background()
	c, err := pop3.Dial(ctx, l.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	if err := c.Login(ctx, "bob", "hungry"); err != nil {
		fmt.Println(err)
		return
	}
	count, size, _ := c.Stat(ctx)
	fmt.Printf("%d messages, %d octets\n", count, size)
	c.Fetch(ctx, pop3.FetchOptions{Delete: true}, func(m pop3.MessageInfo, body io.Reader) error {
		b, err := io.ReadAll(body)
		fmt.Printf("message %d (%s): %q\n", m.Number, m.UID, b)
		return err
	})
	c.Quit(ctx) // the UPDATE state: now the server deletes them
	fmt.Println("left on the server:", len(backend.Messages("bob")))
	// Output:
	// 2 messages, 74 octets
	// message 1 (m1): "Subject: one\r\n\r\nDo you like ketchup?\r\n"
	// message 2 (m2): "Subject: two\r\n\r\nHow about pickles?\r\n"
	// left on the server: 0
}

// Download and keep: the client remembers the unique-ids it has fetched
// and the next session fetches only what is new.
func ExampleClient_Fetch_keep() {
	backend := pop3.NewMemoryBackend()
	backend.AddUser("bob", "hungry")
	backend.Deliver("bob", []byte("Subject: old\r\n\r\n\r\n"))
	srv := &pop3.Server{Backend: backend, Logger: slog.New(slog.DiscardHandler)}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	defer srv.Close()

	ctx := context.Background()
	seen := map[string]bool{}
	session := func() {
		c, err := pop3.Dial(ctx, l.Addr().String())
		if err != nil {
			fmt.Println(err)
			return
		}
		defer c.Quit(ctx)
		c.Login(ctx, "bob", "hungry")
		got, _ := c.Fetch(ctx, pop3.FetchOptions{Seen: func(uid string) bool { return seen[uid] }},
			func(m pop3.MessageInfo, body io.Reader) error {
				seen[m.UID] = true
				_, err := io.Copy(io.Discard, body)
				return err
			})
		fmt.Println("fetched", len(got))
	}
	session()
	backend.Deliver("bob", []byte("Subject: new\r\n\r\n\r\n"))
	session()
	session()
	// Output:
	// fetched 1
	// fetched 1
	// fetched 0
}

func ExampleParseCommand() {
	for _, line := range []string{"retr 1", "TOP 2 10", "PASS my secret", "RETR 0", "HELO"} {
		cmd, err := pop3.ParseCommand([]byte(line))
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s %q\n", cmd.Verb, cmd.Args)
	}
	// Output:
	// RETR ["1"]
	// TOP ["2" "10"]
	// PASS ["my secret"]
	// pop3: bad message number: "RETR 0"
	// pop3: unknown command: "HELO"
}

func ExampleParseStatus() {
	st, _ := pop3.ParseStatus([]byte("-ERR [IN-USE] maildrop already locked by another session"))
	fmt.Println(st.Kind, st.Code, st.Text)
	fmt.Println(st.Err())
	// Output:
	// -ERR IN-USE maildrop already locked by another session
	// pop3: -ERR [IN-USE] maildrop already locked by another session
}

// A POP3 server over the durable mail store that SMTP delivers into: the
// one line a mail server needs is NewStoreServer.
func ExampleNewStoreServer() {
	dir, _ := os.MkdirTemp("", "pop3-example")
	defer os.RemoveAll(dir)
	store, _ := mailstore.Open(dir)
	ctx := context.Background()
	store.Deliver(ctx, "bob", mailstore.Inbox, strings.NewReader("Subject: hi\r\n\r\nDo you like ketchup?\r\n"))

	srv := pop3.NewStoreServer(store, map[string]string{"bob": "hungry"}, nil)
	srv.Logger = slog.New(slog.DiscardHandler)
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	defer srv.Shutdown(ctx)

	c, err := pop3.Dial(ctx, l.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	c.Login(ctx, "bob", "hungry")
	r, _ := c.Top(ctx, 1, 0)
	head, _ := io.ReadAll(r)
	fmt.Printf("%q\n", head)
	c.Dele(ctx, 1)
	c.Quit(ctx)
	st, _ := store.Status(ctx, "bob", mailstore.Inbox)
	fmt.Println("messages left:", st.Messages)
	// Output:
	// "Subject: hi\r\n\r\n"
	// messages left: 0
}
