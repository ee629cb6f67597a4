package imap

import (
	"context"
	"errors"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/applayer/applayer/mime"
	"github.com/google/go-cmp/cmp"
)

// newClientServerPair returns our client connected over loopback TCP to our
// server with an in-memory backend holding user bob.
func newClientServerPair(t *testing.T, opts *ClientOptions) (*Client, *MemBackend) {
	t.Helper()
	be := NewMemBackend()
	be.AddUser("bob", "hungry")
	srv := &Server{Backend: be, AllowInsecureAuth: true}
	addr := serveLoopback(t, srv)
	ctx := context.Background()
	c, err := Dial(ctx, addr, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, be
}

// serveLoopback serves srv on 127.0.0.1:0 until the test ends.
func serveLoopback(t testing.TB, srv *Server) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Serve(l); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return l.Addr().String()
}

const mixedMsg = "From: Alice <alice@crepes.fr>\r\n" +
	"To: Bob <bob@hamburger.edu>\r\n" +
	"Subject: Picture of yummy crepe\r\n" +
	"Date: Mon, 18 Sep 2006 19:40:19 -0400\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"-------417CBA32DF8945BE748\"\r\n" +
	"\r\n" +
	"---------417CBA32DF8945BE748\r\n" +
	"Content-Type: text/plain; charset=us-ascii\r\n" +
	"Content-Transfer-Encoding: 7bit\r\n" +
	"\r\n" +
	"Bob,\r\nHere's something I collect.\r\nAlice\r\n" +
	"---------417CBA32DF8945BE748\r\n" +
	"Content-Type: image/jpeg; name=\"crepe.jpg\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"Content-Disposition: attachment; filename=\"crepe.jpg\"\r\n" +
	"\r\n" +
	"/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////\r\n" +
	"---------417CBA32DF8945BE748--\r\n"

func TestClientAgainstServer(t *testing.T) {
	var mu sync.Mutex
	var unilateral []string
	c, be := newClientServerPair(t, &ClientOptions{UnilateralHandler: func(r *Response) {
		mu.Lock()
		unilateral = append(unilateral, string(AppendResponse(nil, r)))
		mu.Unlock()
	}})
	ctx := context.Background()
	if !c.Caps().Has(CapIMAP4rev2) {
		t.Errorf("greeting capabilities %v lack IMAP4rev2", c.Caps())
	}
	if err := c.Login(ctx, "bob", "wrong"); err == nil {
		t.Fatal("Login with a wrong password succeeded")
	}
	if err := c.Login(ctx, "bob", "hungry"); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, "Crepes", ""); err != nil {
		t.Fatal(err)
	}
	ad, err := c.Append(ctx, Inbox, []Flag{FlagFlagged}, time.Date(2026, 11, 21, 15, 31, 0, 0, time.UTC), []byte(mixedMsg))
	if err != nil {
		t.Fatal(err)
	}
	if ad.UID != 1 || ad.UIDValidity == 0 {
		t.Errorf("Append = %+v", ad)
	}
	// Without LITERAL+ the client waits for the continuation.
	c.mu.Lock()
	c.caps = CapSet{}
	c.mu.Unlock()
	if _, err := c.Append(ctx, Inbox, nil, time.Time{}, []byte(testMsg)); err != nil {
		t.Fatal(err)
	}
	list, err := c.List(ctx, "", "*")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range list {
		names = append(names, l.Name)
	}
	if diff := cmp.Diff([]string{"Crepes", "INBOX"}, names); diff != "" {
		t.Errorf("List mismatch (-want +got):\n%s", diff)
	}
	sd, err := c.Select(ctx, Inbox, false)
	if err != nil {
		t.Fatal(err)
	}
	if sd.Messages != 2 || sd.UIDNext != 3 || sd.ReadOnly {
		t.Errorf("Select = %+v", sd)
	}
	res, err := c.Search(ctx, true, SearchKey{Op: "SUBJECT", Str: "crepe"}, SearchKey{Op: "FLAGGED"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]uint32{1}, res.All); diff != "" {
		t.Errorf("Search mismatch (-want +got):\n%s", diff)
	}
	// The slow-link lesson: structure first, then the text part only.
	msgs, err := c.Fetch(ctx, SeqSetOf(1), true, FetchItem{Name: FetchBodyStructure}, FetchItem{Name: FetchEnvelope})
	if err != nil {
		t.Fatal(err)
	}
	bs := msgs[0].BodyStructure
	var textPart string
	bs.Walk(func(part string, p *BodyStructure) bool {
		if equalFold(p.Type, "TEXT") && textPart == "" {
			textPart = part
		}
		return true
	})
	if textPart != "1" || len(bs.Parts) != 2 || bs.Parts[1].Disposition != "attachment" {
		t.Fatalf("BODYSTRUCTURE = %+v (text part %q)", bs, textPart)
	}
	if got := msgs[0].Envelope.From[0]; got != (Address{Name: "Alice", Mailbox: "alice", Host: "crepes.fr"}) {
		t.Errorf("envelope From = %+v", got)
	}
	sec, _ := ParseSection(textPart)
	msgs, err = c.Fetch(ctx, SeqSetOf(1), true, FetchItem{Name: FetchBody, Peek: true, Section: &sec}, FetchItem{Name: FetchBinarySize, Section: &Section{Part: []int{2}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(msgs[0].Section("BODY[1]")); got != "Bob,\r\nHere's something I collect.\r\nAlice" {
		t.Errorf("BODY[1] = %q", got)
	}
	if got := msgs[0].BinarySizes["BINARY.SIZE[2]"]; got != 57 {
		t.Errorf("BINARY.SIZE[2] = %d", got)
	}
	st, err := c.Store(ctx, SeqSetOf(2), false, StoreAction{Op: StoreAdd, Flags: []Flag{FlagSeen}})
	if err != nil || len(st) != 1 || !slices.Contains(st[0].Flags, FlagSeen) {
		t.Fatalf("Store = %v, %v", st, err)
	}
	cd, err := c.Move(ctx, SeqSetOf(1), true, "Crepes")
	if err != nil {
		t.Fatal(err)
	}
	if cd.Source.String() != "1" || cd.Dest.String() != "1" {
		t.Errorf("Move = %+v", cd)
	}
	// IDLE: a delivery is pushed to the handler.
	idle, err := c.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	be.Deliver("bob", Inbox, []byte(testMsg))
	waitFor(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return slices.Contains(unilateral, "* 2 EXISTS\r\n")
	})
	if err := idle.Done(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if !slices.Contains(unilateral, "* 1 EXPUNGE\r\n") {
		t.Errorf("unilateral responses %q lack the MOVE's EXPUNGE", unilateral)
	}
	mu.Unlock()
	stat, err := c.Status(ctx, "Crepes", "MESSAGES", "UIDNEXT")
	if err != nil || stat.Messages != 1 || stat.UIDNext != 2 {
		t.Errorf("Status = %+v, %v", stat, err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond; the push it waits for comes from another goroutine.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestClientErrors(t *testing.T) {
	c, _ := newClientServerPair(t, nil)
	ctx := context.Background()
	c.Login(ctx, "bob", "hungry")
	_, err := c.Select(ctx, "Nope", false)
	var ie *Error
	if !asError(err, &ie) || ie.Type != StatusNO || ie.Code != CodeNonExistent {
		t.Errorf("Select(Nope) error = %v", err)
	}
	ctx2, cancel := context.WithCancel(ctx)
	cancel()
	if err := c.Noop(ctx2); !errors.Is(err, context.Canceled) {
		t.Errorf("Noop with a cancelled context = %v, want context.Canceled", err)
	}
	// Nothing was sent, so the session is still usable.
	if err := c.Noop(ctx); err != nil {
		t.Errorf("Noop after the cancelled one = %v", err)
	}
}

func asError(err error, target **Error) bool { return errors.As(err, target) }

func parseForTest(s string) *mime.Message { return mime.ParseBytes([]byte(s)) }

func TestClientAppendLimit(t *testing.T) {
	be := NewMemBackend()
	be.AddUser("bob", "hungry")
	srv := &Server{Backend: be, AllowInsecureAuth: true, MaxMessageBytes: 100}
	c, err := Dial(context.Background(), serveLoopback(t, srv), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	c.Login(ctx, "bob", "hungry")
	_, err = c.Append(ctx, Inbox, nil, time.Time{}, make([]byte, 101))
	var ie *Error
	if !asError(err, &ie) || ie.Code != CodeTooBig {
		t.Fatalf("Append over APPENDLIMIT = %v", err)
	}
	// The connection is still usable.
	if _, err := c.Append(ctx, Inbox, nil, time.Time{}, []byte("Subject: small\r\n\r\nhi\r\n")); err != nil {
		t.Fatal(err)
	}
}
