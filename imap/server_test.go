package imap

import (
	"bufio"
	"context"
	"errors"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/applayer/applayer/sockets"
)

// testServer returns a server over an in-memory backend with user bob and
// a connected raw client.
func testServer(t *testing.T) (*MemBackend, *Server) {
	t.Helper()
	be := NewMemBackend()
	be.AddUser("bob", "hungry")
	srv := &Server{Backend: be, AllowInsecureAuth: true}
	return be, srv
}

// rawConn is the client end of a pipe to srv.
type rawConn struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dialPipe(t *testing.T, srv *Server) *rawConn {
	t.Helper()
	cc, sc := net.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { srv.ServeConn(ctx, sc); close(done) }()
	t.Cleanup(func() { cancel(); cc.Close(); <-done })
	rc := &rawConn{t: t, c: cc, br: bufio.NewReader(cc)}
	rc.line() // greeting
	return rc
}

func (rc *rawConn) line() string {
	rc.t.Helper()
	l, err := rc.br.ReadString('\n')
	if err != nil {
		rc.t.Fatalf("reading: %v", err)
	}
	return strings.TrimSuffix(l, "\r\n")
}

// run sends one command line and returns every response line up to and
// including the tagged one.
func (rc *rawConn) run(cmd string) []string {
	rc.t.Helper()
	tag, _, _ := strings.Cut(cmd, " ")
	return rc.runTag(tag, cmd)
}

// runTag sends a line that continues the command with the given tag.
func (rc *rawConn) runTag(tag, cmd string) []string {
	rc.t.Helper()
	if _, err := rc.c.Write([]byte(cmd + "\r\n")); err != nil {
		rc.t.Fatal(err)
	}
	var out []string
	for {
		l := rc.line()
		out = append(out, l)
		if strings.HasPrefix(l, tag+" ") {
			return out
		}
	}
}

// expect runs cmd and checks each response line against a regexp.
func (rc *rawConn) expect(cmd string, want ...string) {
	rc.t.Helper()
	tag, _, _ := strings.Cut(cmd, " ")
	rc.expectTag(tag, cmd, want...)
}

func (rc *rawConn) expectTag(tag, cmd string, want ...string) {
	rc.t.Helper()
	got := rc.runTag(tag, cmd)
	if len(got) != len(want) {
		rc.t.Fatalf("%s:\n got %q\nwant %q", cmd, got, want)
	}
	for i := range want {
		if !regexp.MustCompile("^(?:" + want[i] + ")$").MatchString(got[i]) {
			rc.t.Fatalf("%s: line %d\n got %q\nwant %q (all: %q)", cmd, i, got[i], want[i], got)
		}
	}
}

const testMsg = "From: Alice <alice@crepes.fr>\r\nTo: bob@hamburger.edu\r\nSubject: hello\r\nDate: Mon, 18 Sep 2006 19:40:19 -0400\r\n\r\nDo you like ketchup?\r\nHow about pickles?\r\n"

func TestServerBasicSession(t *testing.T) {
	be, srv := testServer(t)
	be.Deliver("bob", Inbox, []byte(testMsg))
	c := dialPipe(t, srv)
	c.expect("a1 CAPABILITY", `\* CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN .*`, `a1 OK CAPABILITY completed`)
	c.expect("a2 SELECT INBOX", `a2 BAD SELECT not allowed in the not authenticated state`)
	c.expect("a3 LOGIN bob wrong", `a3 NO \[AUTHENTICATIONFAILED\] invalid credentials`)
	c.expect("a4 LOGIN bob hungry", `a4 OK \[CAPABILITY .*\] logged in`)
	c.expect("a5 SELECT inbox",
		`\* FLAGS \(\\Answered \\Flagged \\Deleted \\Seen \\Draft\)`,
		`\* OK \[PERMANENTFLAGS \(\\Answered \\Flagged \\Deleted \\Seen \\Draft \\\*\)\] flags permitted`,
		`\* 1 EXISTS`, `\* 1 RECENT`, `\* OK \[UNSEEN 1\] first unseen`,
		`\* OK \[UIDVALIDITY 1\] UIDs valid`, `\* OK \[UIDNEXT 2\] predicted next UID`,
		`a5 OK \[READ-WRITE\] SELECT completed`)
	c.expect("a6 FETCH 1 (FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (Subject)])",
		`\* 1 FETCH \(FLAGS \(\\Recent\) RFC822.SIZE 153 BODY\[HEADER.FIELDS \(SUBJECT\)\] \{18\}`,
		`Subject: hello`, ``, `\)`, `a6 OK FETCH completed`)
	c.expect("a7 FETCH 1 BODY[TEXT]<3.3>", `\* 1 FETCH \(BODY\[TEXT\]<3> "you" FLAGS \(\\Seen \\Recent\)\)`, `a7 OK FETCH completed`)
	c.expect("a8 UID SEARCH FROM alice SEEN", `\* SEARCH 1`, `a8 OK UID SEARCH completed`)
	c.expect("a9 SEARCH RETURN (COUNT MIN) UNSEEN", `\* ESEARCH \(TAG "a9"\) COUNT 0`, `a9 OK SEARCH completed`)
	c.expect("b1 STORE 1 +FLAGS (\\Deleted)", `\* 1 FETCH \(FLAGS \(\\Deleted \\Seen \\Recent\)\)`, `b1 OK STORE completed`)
	c.expect("b2 EXPUNGE", `\* 1 EXPUNGE`, `b2 OK EXPUNGE completed`)
	c.expect("b3 LOGOUT", `\* BYE logging out`, `b3 OK LOGOUT completed`)
}

func login(t *testing.T, srv *Server) *rawConn {
	c := dialPipe(t, srv)
	c.expect("l1 LOGIN bob hungry", `l1 OK .*`)
	return c
}

func TestServerMailboxes(t *testing.T) {
	_, srv := testServer(t)
	c := login(t, srv)
	c.expect(`a1 CREATE Work/2026`, `a1 OK CREATE completed`)
	c.expect(`a2 CREATE "Sent Items" (USE (\Sent))`, `a2 OK CREATE completed`)
	c.expect(`a3 CREATE inbox`, `a3 NO \[ALREADYEXISTS\] mailbox exists`)
	c.expect(`a4 LIST "" *`,
		`\* LIST \(\\HasNoChildren\) "/" INBOX`,
		`\* LIST \(\\HasNoChildren \\Sent\) "/" "Sent Items"`,
		`\* LIST \(\\HasChildren\) "/" Work`,
		`\* LIST \(\\HasNoChildren\) "/" Work/2026`,
		`a4 OK LIST completed`)
	c.expect(`a5 LIST "" %`,
		`\* LIST \(\\HasNoChildren\) "/" INBOX`,
		`\* LIST \(\\HasNoChildren \\Sent\) "/" "Sent Items"`,
		`\* LIST \(\\HasChildren\) "/" Work`,
		`a5 OK LIST completed`)
	c.expect(`a6 LIST "" ""`, `\* LIST \(\\Noselect\) "/" ""`, `a6 OK LIST completed`)
	c.expect(`a7 LIST (SPECIAL-USE) "" *`, `\* LIST \(\\HasNoChildren \\Sent\) "/" "Sent Items"`, `a7 OK LIST completed`)
	c.expect(`a8 SUBSCRIBE Work`, `a8 OK SUBSCRIBE completed`)
	c.expect(`a9 LSUB "" *`, `\* LSUB \(\\HasNoChildren\) "/" INBOX`, `\* LSUB \(\\HasChildren\) "/" Work`, `a9 OK LSUB completed`)
	c.expect(`b1 RENAME Work Job`, `b1 OK RENAME completed`)
	c.expect(`b2 LIST Job/ %`, `\* LIST \(\\HasNoChildren\) "/" Job/2026`, `b2 OK LIST completed`)
	c.expect(`b3 APPEND INBOX (\Seen) "21-Nov-2026 15:31:00 +0000" {13+}`+"\r\n"+`Subject: hi`+"\r\n", `b3 OK \[APPENDUID 1 1\] APPEND completed`)
	c.expect(`b4 STATUS INBOX (MESSAGES UIDNEXT UNSEEN SIZE)`, `\* STATUS INBOX \(MESSAGES 1 UIDNEXT 2 UNSEEN 0 SIZE 13\)`, `b4 OK STATUS completed`)
	// RFC 9051 section 6.3.6: renaming INBOX moves its messages.
	c.expect(`b5 RENAME INBOX Old`, `b5 OK RENAME completed`)
	c.expect(`b6 STATUS INBOX (MESSAGES)`, `\* STATUS INBOX \(MESSAGES 0\)`, `b6 OK STATUS completed`)
	c.expect(`b7 STATUS Old (MESSAGES)`, `\* STATUS Old \(MESSAGES 1\)`, `b7 OK STATUS completed`)
	c.expect(`b8 DELETE INBOX`, `b8 NO \[CANNOT\] INBOX cannot be deleted`)
	c.expect(`b9 DELETE Old`, `b9 OK DELETE completed`)
	c.expect(`c1 NAMESPACE`, `\* NAMESPACE \(\("" "/"\)\) NIL NIL`, `c1 OK NAMESPACE completed`)
	c.expect(`c2 APPEND Nope {1+}`+"\r\nx", `c2 NO \[TRYCREATE\] no such mailbox`)
}

func TestServerCopyMoveUID(t *testing.T) {
	be, srv := testServer(t)
	for range 3 {
		be.Deliver("bob", Inbox, []byte(testMsg))
	}
	c := login(t, srv)
	c.expect(`a1 CREATE Archive`, `a1 OK CREATE completed`)
	c.expect(`a2 SELECT INBOX`, `.*`, `.*`, `.*`, `.*`, `.*`, `.*`, `.*`, `a2 OK .*`)
	c.expect(`a3 COPY 1:2 Archive`, `a3 OK \[COPYUID 2 1:2 1:2\] COPY completed`)
	c.expect(`a4 UID MOVE 2 Archive`, `\* OK \[COPYUID 2 2 3\] moved`, `\* 2 EXPUNGE`, `a4 OK UID MOVE completed`)
	c.expect(`a5 UID FETCH 1:* FLAGS`, `\* 1 FETCH \(UID 1 FLAGS \(\\Recent\)\)`, `\* 2 FETCH \(UID 3 FLAGS \(\\Recent\)\)`, `a5 OK UID FETCH completed`)
	c.expect(`a6 UID STORE 3 +FLAGS.SILENT (\Deleted)`, `a6 OK UID STORE completed`)
	c.expect(`a7 UID EXPUNGE 1`, `a7 OK UID EXPUNGE completed`)
	c.expect(`a8 UID EXPUNGE 1:*`, `\* 2 EXPUNGE`, `a8 OK UID EXPUNGE completed`)
	c.expect(`a9 FETCH 5 FLAGS`, `a9 BAD invalid message sequence number`)
	c.expect(`b1 COPY 1 Nowhere`, `b1 NO \[TRYCREATE\] no such mailbox`)
	c.expect(`b2 EXAMINE Archive`, `\* OK \[CLOSED\] previous mailbox closed`, `.*`, `.*`, `\* 3 EXISTS`, `.*`, `.*`, `.*`, `.*`, `b2 OK \[READ-ONLY\] EXAMINE completed`)
	c.expect(`b3 STORE 1 +FLAGS (\Seen)`, `b3 NO \[READ-ONLY\] mailbox is read-only`)
	c.expect(`b4 FETCH 1 BODY[TEXT]`, `\* 1 FETCH \(BODY\[TEXT\] \{42\}`, `Do you like ketchup\?`, `How about pickles\?`, `\)`, `b4 OK FETCH completed`)
	c.expect(`b5 UNSELECT`, `b5 OK UNSELECT completed`)
	c.expect(`b6 FETCH 1 FLAGS`, `b6 BAD FETCH not allowed in the authenticated state`)
}

// TestServerSessionsSeeChanges runs two sessions on one mailbox with a
// delivery in the middle: the other session learns of flags, new mail and
// expunges only at the moments RFC 9051 section 7.5.1 allows, and IDLE
// pushes them at once.
func TestServerSessionsSeeChanges(t *testing.T) {
	be, srv := testServer(t)
	be.Deliver("bob", Inbox, []byte(testMsg))
	be.Deliver("bob", Inbox, []byte(testMsg))
	a, b := login(t, srv), login(t, srv)
	for _, c := range []*rawConn{a, b} {
		c.expect(`s1 SELECT INBOX`, `.*`, `.*`, `\* 2 EXISTS`, `.*`, `.*`, `.*`, `.*`, `s1 OK .*`)
	}
	a.expect(`a1 STORE 1 +FLAGS (\Deleted)`, `\* 1 FETCH \(FLAGS \(\\Deleted \\Recent\)\)`, `a1 OK STORE completed`)
	be.Deliver("bob", Inbox, []byte(testMsg))
	// a selected first, so the first two messages were recent in a alone;
	// a's sync claims the new one too (RFC 3501 section 2.3.2).
	a.expect(`a2 EXPUNGE`, `\* 1 EXPUNGE`, `\* 2 EXISTS`, `\* 2 RECENT`, `a2 OK EXPUNGE completed`)
	// b still numbers the old way during FETCH: no EXPUNGE allowed there.
	b.expect(`b1 FETCH 2 UID`, `\* 2 FETCH \(UID 2\)`, `\* 3 EXISTS`, `\* 0 RECENT`, `b1 OK FETCH completed`)
	b.expect(`b2 NOOP`, `\* 1 EXPUNGE`, `b2 OK NOOP completed`)
	b.expect(`b3 FETCH 1:* UID`, `\* 1 FETCH \(UID 2\)`, `\* 2 FETCH \(UID 3\)`, `b3 OK FETCH completed`)
	// IDLE pushes a delivery and a flag change.
	b.c.Write([]byte("b4 IDLE\r\n"))
	if l := b.line(); l != "+ idling" {
		t.Fatalf("IDLE: got %q", l)
	}
	be.Deliver("bob", Inbox, []byte(testMsg))
	if l := b.line(); l != "* 3 EXISTS" {
		t.Fatalf("IDLE push: got %q", l)
	}
	if l := b.line(); l != "* 1 RECENT" {
		t.Fatalf("IDLE push: got %q", l)
	}
	a.expect(`a3 STORE 1 FLAGS.SILENT (\Flagged)`, `\* 3 EXISTS`, `\* 2 RECENT`, `a3 OK STORE completed`)
	if l := b.line(); l != `* 1 FETCH (UID 2 FLAGS (\Flagged))` {
		t.Fatalf("IDLE push: got %q", l)
	}
	b.expectTag("b4", "DONE", `b4 OK IDLE completed`)
}

func TestServerAuth(t *testing.T) {
	be := NewMemBackend()
	be.AddUser("bob", "hungry")
	srv := &Server{Backend: be}
	c := dialPipe(t, srv)
	c.expect("a1 CAPABILITY", `\* CAPABILITY .*LOGINDISABLED.*`, `a1 OK CAPABILITY completed`)
	c.expect("a2 LOGIN bob hungry", `a2 NO \[PRIVACYREQUIRED\] .*`)
	srv.AllowInsecureAuth = true
	c = dialPipe(t, srv)
	// AUTHENTICATE PLAIN with SASL-IR and with a continuation.
	c.expect("a3 AUTHENTICATE PLAIN AGJvYgB3cm9uZw==", `a3 NO \[AUTHENTICATIONFAILED\] invalid credentials`)
	c.c.Write([]byte("a4 AUTHENTICATE PLAIN\r\n"))
	if l := c.line(); l != "+ " {
		t.Fatalf("got %q", l)
	}
	c.expectTag("a4", "AGJvYgBodW5ncnk=", `a4 OK \[CAPABILITY .*\] logged in`)
	c.expect("a5 ENABLE IMAP4rev2", `\* ENABLED IMAP4rev2`, `a5 OK ENABLE completed`)
	c.expect("a6 SELECT INBOX", `.*`, `.*`, `\* 0 EXISTS`, `.*`, `.*`, `\* LIST \(\) "/" INBOX`, `a6 OK .*`)
	c.expect("a7 SEARCH ALL", `\* ESEARCH \(TAG "a7"\)`, `a7 OK SEARCH completed`)
}

func TestServerBadInput(t *testing.T) {
	_, srv := testServer(t)
	srv.MaxMessageBytes = 100
	c := login(t, srv)
	c.expect(`a1 FOO`, `a1 BAD unknown command`)
	c.expect(`a2 LOGIN "unterminated`, `a2 BAD syntax error: .*`)
	c.expect(`a3 APPEND INBOX {101}`, `a3 NO \[TOOBIG\] literal too large`)
	c.expect(`a4 UID NOOP`, `a4 BAD unknown command`)
	c.expect(`a5 SELECT INBOX`, `.*`, `.*`, `.*`, `.*`, `.*`, `.*`, `a5 OK .*`)
	c.expect(`a6 FETCH 1:x FLAGS`, `a6 BAD syntax error: .*`)
	c.expect(`a7 SEARCH CHARSET KOI8-R ALL`, `a7 NO \[BADCHARSET \(UTF-8 US-ASCII\)\] unsupported charset`)
	c.expect(`a8 STORE 1 FLAGZ (x)`, `a8 BAD .*`)
	// Found by FuzzServerSession: a line without a tag once made the server
	// answer BAD forever without consuming it.
	c.expectTag("*", ` SEARCH ALL`, `\* BAD syntax error: expected tag.*`)
	c.expect(`a9 NOOP`, `a9 OK NOOP completed`)
}

func newBufReader(c net.Conn) *bufio.Reader { return bufio.NewReader(c) }

// TestServerShutdown: Shutdown says BYE to a connection waiting for its
// next command and to one in IDLE, and returns once they are gone.
func TestServerShutdown(t *testing.T) {
	be := NewMemBackend()
	be.AddUser("bob", "hungry")
	srv := &Server{Backend: be, AllowInsecureAuth: true}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	waiting := dialRaw(t, l.Addr().String())
	idling := dialRaw(t, l.Addr().String())
	idling.expect("a1 LOGIN bob hungry", `a1 OK .*`)
	idling.c.Write([]byte("a2 IDLE\r\n"))
	if got := idling.line(); got != "+ idling" {
		t.Fatalf("IDLE: %q", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	for _, c := range []*rawConn{waiting, idling} {
		if got := c.line(); got != "* BYE server shutting down" {
			t.Errorf("got %q, want the BYE", got)
		}
	}
	if err := <-served; !errors.Is(err, sockets.ErrServerClosed) {
		t.Errorf("Serve = %v", err)
	}
}

func dialRaw(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	rc := &rawConn{t: t, c: c, br: bufio.NewReader(c)}
	rc.line()
	return rc
}
