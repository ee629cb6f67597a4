package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/applayer/applayer/internal/mailstore"
	"github.com/applayer/applayer/internal/textwire"
	"github.com/applayer/applayer/pop3"
)

// runPOP3 is the POP3 lesson: Bob's user agent, typing the lesson's
// commands as one would in telnet, downloads and deletes the two messages
// waiting in his mailbox; then a second client shows "download and keep",
// fetching only what it has not seen, by unique-id.
func runPOP3(ctx context.Context, w io.Writer, short bool) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	store, remove, err := tempMailstore("tour-pop3")
	if err != nil {
		return err
	}
	defer remove()
	// Bob's mailbox at hamburger.edu, as SMTP delivered it: two messages of
	// 498 and 912 octets, the sizes of the lesson.
	for i, size := range []int{498, 912} {
		if _, err := store.Deliver(ctx, "bob", mailstore.Inbox, strings.NewReader(tourMessage(i+1, size))); err != nil {
			return err
		}
	}

	srv := pop3.NewStoreServer(store, map[string]string{"bob": "hungry"}, nil)
	srv.Hostname = "hamburger.edu"
	srv.Logger = slog.New(slog.DiscardHandler)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go srv.Serve(l)
	defer srv.Close()

	fmt.Fprintf(w, "Bob's user agent opens a TCP connection to the POP3 server (port 110; here %s).\n", l.Addr())
	fmt.Fprintln(w, "AUTHORIZATION state: user and pass. TRANSACTION state: list, retr, dele. UPDATE state: after quit.")
	fmt.Fprintln(w)
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", l.Addr().String())
	if err != nil {
		return err
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	t := &pop3Transcript{w: w, r: textwire.NewReader(conn, 0), conn: conn}
	if err := t.reply(false); err != nil {
		return err
	}
	for _, step := range []struct {
		cmd   string
		multi bool
	}{
		{"user bob", false}, {"pass hungry", false}, {"list", true},
		{"retr 1", true}, {"dele 1", false}, {"retr 2", true}, {"dele 2", false}, {"quit", false},
	} {
		if err := t.send(step.cmd, step.multi); err != nil {
			return err
		}
	}
	st, err := store.Status(ctx, "bob", mailstore.Inbox)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nDownload and delete: after quit the server removed them; Bob's mailbox now holds %d messages.\n", st.Messages)
	fmt.Fprintln(w, "Had the connection dropped before quit, nothing would have been deleted.")

	// Download and keep.
	fmt.Fprintln(w, "\nDownload and keep: a new message arrives; Bob's laptop fetches with UIDL and remembers what it saw.")
	if _, err := store.Deliver(ctx, "bob", mailstore.Inbox, strings.NewReader(tourMessage(3, 300))); err != nil {
		return err
	}
	seen := map[string]bool{}
	for run := 1; run <= 2; run++ {
		c, err := pop3.Dial(ctx, l.Addr().String())
		if err != nil {
			return err
		}
		if err := c.Login(ctx, "bob", "hungry"); err != nil {
			c.Close()
			return err
		}
		got, err := c.Fetch(ctx, pop3.FetchOptions{Seen: func(uid string) bool { return seen[uid] }},
			func(m pop3.MessageInfo, body io.Reader) error {
				seen[m.UID] = true
				_, err := io.Copy(io.Discard, body)
				return err
			})
		if err != nil {
			c.Close()
			return err
		}
		if err := c.Quit(ctx); err != nil {
			return err
		}
		fmt.Fprintf(w, "  session %d: fetched %d message(s)", run, len(got))
		for _, m := range got {
			fmt.Fprintf(w, " [unique-id %s, %d octets]", m.UID, m.Size)
		}
		fmt.Fprintln(w)
	}
	st, err = store.Status(ctx, "bob", mailstore.Inbox)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "The server still holds %d message(s): POP3 itself keeps no state across sessions, the client did.\n", st.Messages)
	return nil
}

// pop3Transcript prints a raw POP3 dialogue as the lesson shows it.
type pop3Transcript struct {
	w    io.Writer
	r    *textwire.Reader
	conn net.Conn
}

func (t *pop3Transcript) send(cmd string, multi bool) error {
	fmt.Fprintf(t.w, "C: %s\n", cmd)
	if _, err := io.WriteString(t.conn, cmd+"\r\n"); err != nil {
		return err
	}
	return t.reply(multi)
}

// reply prints a status line and, for a positive multi-line reply, every
// line up to the terminating ".".
func (t *pop3Transcript) reply(multi bool) error {
	line, err := t.r.ReadLineString()
	if err != nil {
		return err
	}
	fmt.Fprintf(t.w, "S: %s\n", line)
	if !multi || !strings.HasPrefix(line, "+OK") {
		return nil
	}
	for {
		line, err := t.r.ReadLineString()
		if err != nil {
			return err
		}
		fmt.Fprintf(t.w, "S: %s\n", line)
		if line == "." {
			return nil
		}
	}
}

// tourText is the body text the tour's messages are cut from.
const tourText = `Do you like ketchup? How about pickles? I am planning the dinner for
Saturday and I would like to get the menu right this time. Last year
the crepes were a success but nobody touched the salad, so this year
there will be more crepes and less salad. Tell me if you can bring the
cider from Normandy; the shop near the station has run out of it and
the one by the river is closed until the end of the month. We start at
seven. The address is the same as last time, third floor, the door
with the blue bell. If you come by bus, take the 21 and get off at the
market square; it is a five minute walk from there. Please answer
before Thursday so that I know how many crepes to make. And do not
forget the pickles!`

// tourMessage builds message n of exactly size octets from Alice to Bob:
// header, blank line, as many lines of tourText as fit, and a signature,
// padded with spaces to the exact size.
func tourMessage(n, size int) string {
	head := fmt.Sprintf("From: alice@crepes.fr\r\nTo: bob@hamburger.edu\r\nSubject: dinner, part %d\r\nMessage-ID: <%d.tour@crepes.fr>\r\n\r\n", n, n)
	sig := "-- \r\nAlice\r\n"
	body := ""
	for _, line := range strings.Split(tourText, "\n") {
		if len(head)+len(body)+len(line)+2+len(sig) > size {
			break
		}
		body += line + "\r\n"
	}
	pad := size - len(head) - len(body) - len(sig)
	if pad >= 2 {
		body += strings.Repeat(" ", pad-2) + "\r\n"
	}
	return head + body + sig
}

// tempMailstore opens a mail store in a new temporary directory, for a
// chapter's server; remove deletes it.
func tempMailstore(prefix string) (store *mailstore.Store, remove func(), err error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, nil, err
	}
	if store, err = mailstore.Open(dir); err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return store, func() { os.RemoveAll(dir) }, nil
}
