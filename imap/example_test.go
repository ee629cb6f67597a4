package imap_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/applayer/applayer/imap"
)

// crepeMessage is Alice's message to Bob: a text part and a JPEG attachment.
const crepeMessage = "From: Alice <alice@crepes.fr>\r\n" +
	"To: Bob <bob@hamburger.edu>\r\n" +
	"Subject: Picture of yummy crepe\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"-------417CBA32DF8945BE748\"\r\n" +
	"\r\n" +
	"---------417CBA32DF8945BE748\r\n" +
	"Content-Type: text/plain; charset=us-ascii\r\n" +
	"\r\n" +
	"Bob,\r\nHere's something I collect.\r\nAlice\r\n" +
	"---------417CBA32DF8945BE748\r\n" +
	"Content-Type: image/jpeg; name=\"crepe.jpg\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"Content-Disposition: attachment; filename=\"crepe.jpg\"\r\n" +
	"\r\n" +
	"/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////\r\n" +
	"---------417CBA32DF8945BE748--\r\n"

// startServer serves an in-memory backend with Bob's mailbox on loopback.
func startServer() (addr string, stop func()) {
	be := imap.NewMemBackend()
	be.AddUser("bob", "hungry")
	be.Deliver("bob", imap.Inbox, []byte(crepeMessage))
	srv := &imap.Server{Backend: be, AllowInsecureAuth: true}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go srv.Serve(l)
	return l.Addr().String(), func() { srv.Close() }
}

// On a slow link, fetch the message's structure first, then only its text
// part: the picture stays on the server.
func ExampleClient_slowLink() {
	addr, stop := startServer()
	defer stop()
	ctx := context.Background()
	c, err := imap.Dial(ctx, addr, nil)
	if err != nil {
		panic(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "bob", "hungry"); err != nil {
		panic(err)
	}
	if _, err := c.Select(ctx, imap.Inbox, false); err != nil {
		panic(err)
	}
	msgs, err := c.Fetch(ctx, imap.SeqSetOf(1), false, imap.FetchItem{Name: imap.FetchBodyStructure})
	if err != nil {
		panic(err)
	}
	var textPart string
	msgs[0].BodyStructure.Walk(func(part string, p *imap.BodyStructure) bool {
		if p.IsMultipart() {
			return true
		}
		what := "left on the server"
		if strings.EqualFold(p.Type, "TEXT") && textPart == "" {
			textPart, what = part, "fetch it"
		}
		fmt.Printf("part %s %s/%s, %d octets: %s\n", part, strings.ToLower(p.Type), strings.ToLower(p.Subtype), p.Size, what)
		return true
	})
	sec, err := imap.ParseSection(textPart)
	if err != nil {
		panic(err)
	}
	msgs, err = c.Fetch(ctx, imap.SeqSetOf(1), false, imap.FetchItem{Name: imap.FetchBody, Peek: true, Section: &sec})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.ReplaceAll(string(msgs[0].Section("BODY["+textPart+"]")), "\r\n", "\n"))
	c.Logout(ctx)
	// Output:
	// part 1 text/plain, 40 octets: fetch it
	// part 2 image/jpeg, 76 octets: left on the server
	// Bob,
	// Here's something I collect.
	// Alice
}

// Read a server's FETCH response, literal included, with the codec alone.
func ExampleReadResponse() {
	wire := "* 12 FETCH (UID 7 FLAGS (\\Seen) BODY[1] {5}\r\nhello)\r\n"
	r := imap.NewReader(bufio.NewReader(strings.NewReader(wire)))
	resp, err := imap.ReadResponse(r)
	if err != nil {
		panic(err)
	}
	d, err := imap.ParseFetchData(resp.Num, resp.Args)
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Seq, d.UID, d.Flags, string(d.Section("BODY[1]")))
	// Output: 12 7 [\Seen] hello
}

// Search with nested keys: mail from Alice since February 1994 that is
// either unseen or flagged.
func ExampleSearchKey() {
	keys := []imap.SearchKey{
		{Op: "FROM", Str: "alice"},
		{Op: "OR", Keys: []imap.SearchKey{{Op: "UNSEEN"}, {Op: "FLAGGED"}}},
	}
	cmd := &imap.Command{Tag: "a1", Name: imap.CmdSearch, UID: true, Args: imap.SearchValues(keys)}
	fmt.Printf("%s", imap.AppendCommand(nil, cmd, false))
	// Output: a1 UID SEARCH FROM "alice" OR UNSEEN FLAGGED
}

// A second session sees the first one's changes: here, new mail pushed
// during IDLE.
func ExampleClient_Idle() {
	addr, stop := startServer()
	defer stop()
	ctx := context.Background()
	exists := make(chan uint32, 4)
	watcher, err := imap.Dial(ctx, addr, &imap.ClientOptions{UnilateralHandler: func(r *imap.Response) {
		if r.Name == "EXISTS" {
			exists <- r.Num
		}
	}})
	if err != nil {
		panic(err)
	}
	defer watcher.Close()
	watcher.Login(ctx, "bob", "hungry")
	watcher.Select(ctx, imap.Inbox, true)
	idle, err := watcher.Idle(ctx)
	if err != nil {
		panic(err)
	}

	sender, err := imap.Dial(ctx, addr, nil)
	if err != nil {
		panic(err)
	}
	defer sender.Close()
	sender.Login(ctx, "bob", "hungry")
	if _, err := sender.Append(ctx, imap.Inbox, nil, time.Time{}, []byte("Subject: second\r\n\r\nhi\r\n")); err != nil {
		panic(err)
	}
	fmt.Println("messages now:", <-exists)
	idle.Done()
	// Output: messages now: 2
}

// A server over the in-memory backend; a client lists Bob's mailboxes.
// Shutdown says BYE to connected clients and waits for them.
func ExampleServer() {
	be := imap.NewMemBackend()
	be.AddUser("bob", "hungry")
	srv := &imap.Server{Backend: be, AllowInsecureAuth: true} // loopback only: no TLS
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go srv.Serve(l)

	ctx := context.Background()
	c, err := imap.Dial(ctx, l.Addr().String(), nil)
	if err != nil {
		panic(err)
	}
	defer c.Close()
	c.Login(ctx, "bob", "hungry")
	c.Create(ctx, "Work/2026", "")
	c.Create(ctx, "Sent", imap.AttrSent)
	list, _ := c.List(ctx, "", "*")
	for _, m := range list {
		fmt.Println(m.Name, m.Attrs)
	}
	c.Logout(ctx)
	srv.Shutdown(ctx)
	// Output:
	// INBOX [\HasNoChildren]
	// Sent [\HasNoChildren \Sent]
	// Work [\HasChildren]
	// Work/2026 [\HasNoChildren]
}

// An IMAP4rev1 client names the folder "Reçus" as "Re&AOc-us" on the wire
// (RFC 3501 section 5.1.3); the server gives its Backend the UTF-8 name.
func ExampleEncodeMailboxName() {
	wire, _ := imap.EncodeMailboxName("Reçus/日本語 & more")
	fmt.Println(wire)
	name, _ := imap.DecodeMailboxName(wire)
	fmt.Println(name)
	_, err := imap.DecodeMailboxName("Re&AOc-us&AGE-")
	fmt.Println(err)
	// Output:
	// Re&AOc-us/&ZeVnLIqe- &- more
	// Reçus/日本語 & more
	// imap: mailbox name "Re&AOc-us&AGE-": printable US-ASCII in a shift at offset 9
}
