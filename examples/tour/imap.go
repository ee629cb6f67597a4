package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/applayer/applayer/imap"
	"github.com/applayer/applayer/internal/mailstore"
)

// imapCrepe is Alice's message with a picture: a text part and a JPEG.
const imapCrepe = "From: Alice <alice@crepes.fr>\r\n" +
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
	"\r\n"

// imapPicture makes the picture part about size octets of base64 lines.
func imapPicture(size int) string {
	line := strings.Repeat("/9j/4AAQSkZJRgABAQEASABIAAD", 3)[:76] + "\r\n"
	return strings.Repeat(line, size/len(line)+1) + "---------417CBA32DF8945BE748--\r\n"
}

// runIMAP is the IMAP lesson: Bob's mail stays on the server. On his
// laptop he makes a folder, searches, reads only the text of a message whose
// picture stays on the server, flags it and files it; his phone, connected
// at the same time and idling, is told of every change, and a new message
// from SMTP reaches it at once.
func runIMAP(ctx context.Context, w io.Writer, short bool) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	store, remove, err := tempMailstore("tour-imap")
	if err != nil {
		return err
	}
	defer remove()
	pictureSize := 200 << 10
	if short {
		pictureSize = 20 << 10
	}
	msgs := []string{
		imapCrepe + imapPicture(pictureSize),
		"From: alice@crepes.fr\r\nTo: bob@hamburger.edu\r\nSubject: dinner on Saturday\r\n\r\nDo you like ketchup? How about pickles?\r\n",
		"From: news@hamburger.edu\r\nTo: bob@hamburger.edu\r\nSubject: campus newsletter\r\n\r\nThe library opens at eight.\r\n",
	}
	for _, m := range msgs {
		if _, err := store.Deliver(ctx, "bob", mailstore.Inbox, strings.NewReader(m)); err != nil {
			return err
		}
	}
	srv := imap.NewStoreServer(store, map[string]string{"bob": "hungry"}, nil)
	srv.Logger = slog.New(slog.DiscardHandler)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go srv.Serve(l)
	defer srv.Close()
	addr := l.Addr().String()

	fmt.Fprintf(w, "Bob's mail stays on the IMAP server (port 143; here %s), kept in a Maildir store.\n", addr)
	fmt.Fprintln(w, "His phone connects first, selects INBOX and IDLEs: the server will push changes to it.")

	// The phone: every unsolicited response is printed as it arrives.
	var mu sync.Mutex
	var phoneSaw []string
	phone, err := imap.Dial(ctx, addr, &imap.ClientOptions{UnilateralHandler: func(r *imap.Response) {
		mu.Lock()
		phoneSaw = append(phoneSaw, strings.TrimRight(string(imap.AppendResponse(nil, r)), "\r\n"))
		mu.Unlock()
	}})
	if err != nil {
		return err
	}
	defer phone.Close()
	if err := phone.Login(ctx, "bob", "hungry"); err != nil {
		return err
	}
	if _, err := phone.Select(ctx, imap.Inbox, false); err != nil {
		return err
	}
	idle, err := phone.Idle(ctx)
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "\nOn his laptop, the dialogue (the picture is never sent):")
	fmt.Fprintln(w)
	trace := &tourTrace{w: w, max: 160}
	laptop, err := imap.Dial(ctx, addr, &imap.ClientOptions{DebugWriter: trace})
	if err != nil {
		return err
	}
	defer laptop.Close()
	if err := laptop.Login(ctx, "bob", "hungry"); err != nil {
		return err
	}
	if err := laptop.Create(ctx, "Crepes", ""); err != nil {
		return err
	}
	if _, err := laptop.List(ctx, "", "*"); err != nil {
		return err
	}
	if _, err := laptop.Select(ctx, imap.Inbox, false); err != nil {
		return err
	}
	found, err := laptop.Search(ctx, true, imap.SearchKey{Op: "FROM", Str: "alice"}, imap.SearchKey{Op: "SUBJECT", Str: "crepe"})
	if err != nil {
		return err
	}
	if len(found.All) != 1 {
		return fmt.Errorf("search found %v", found.All)
	}
	uid := imap.SeqSetOf(found.All...)
	got, err := laptop.Fetch(ctx, uid, true, imap.FetchItem{Name: imap.FetchBodyStructure})
	if err != nil {
		return err
	}
	bs := got[0].BodyStructure
	textPart := ""
	var left int64
	bs.Walk(func(part string, p *imap.BodyStructure) bool {
		if p.IsMultipart() {
			return true
		}
		if strings.EqualFold(p.Type, "TEXT") && textPart == "" {
			textPart = part
		} else {
			left += int64(p.Size)
		}
		return true
	})
	sec, err := imap.ParseSection(textPart)
	if err != nil {
		return err
	}
	got, err = laptop.Fetch(ctx, uid, true, imap.FetchItem{Name: imap.FetchBody, Section: &sec})
	if err != nil {
		return err
	}
	text := got[0].Section("BODY[" + textPart + "]")
	if _, err := laptop.Store(ctx, uid, true, imap.StoreAction{Op: imap.StoreAdd, Flags: []imap.Flag{imap.FlagFlagged}}); err != nil {
		return err
	}
	if _, err := laptop.Move(ctx, uid, true, "Crepes"); err != nil {
		return err
	}
	if err := laptop.Logout(ctx); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nThe laptop fetched %d octets of text (part %s) and left %d octets of picture on the server.\n", len(text), textPart, left)

	// SMTP delivers while the phone idles.
	if _, err := store.Deliver(ctx, "bob", mailstore.Inbox, strings.NewReader("From: alice@crepes.fr\r\nTo: bob@hamburger.edu\r\nSubject: did you see it?\r\n\r\nThe picture!\r\n")); err != nil {
		return err
	}
	for deadline := time.Now().Add(5 * time.Second); ; {
		// An IMAP4rev1 session hears "* n EXISTS" and then "* n RECENT":
		// the phone selected INBOX first, so the new message is \Recent
		// for it and for no other session (RFC 3501 section 2.3.2).
		mu.Lock()
		n := len(phoneSaw)
		told := n >= 2 && strings.HasSuffix(phoneSaw[n-2], "EXISTS") && strings.HasSuffix(phoneSaw[n-1], "RECENT")
		mu.Unlock()
		if told {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the phone was not told of the new message (saw %q)", phoneSaw)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := idle.Done(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nMeanwhile the phone, idling, was pushed every change as it happened:")
	mu.Lock()
	for _, s := range phoneSaw {
		fmt.Fprintf(w, "  S: %s\n", s)
	}
	mu.Unlock()
	st, err := phone.Status(ctx, "Crepes", "MESSAGES", "UNSEEN")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "From the phone, STATUS Crepes: %d message(s), %d unseen: the laptop's folder, flag and move are the server's state.\n", st.Messages, st.Unseen)
	return phone.Logout(ctx)
}

// tourTrace prints a client's protocol trace, cutting long lines.
type tourTrace struct {
	w   io.Writer
	max int
	buf []byte
}

func (t *tourTrace) Write(b []byte) (int, error) {
	t.buf = append(t.buf, b...)
	for {
		i := strings.IndexByte(string(t.buf), '\n')
		if i < 0 {
			return len(b), nil
		}
		line := strings.TrimRight(string(t.buf[:i]), "\r")
		t.buf = t.buf[i+1:]
		if len(line) > t.max {
			line = line[:t.max] + " ..."
		}
		fmt.Fprintf(t.w, "  %s\n", line)
	}
}
