package imap

import (
	"bufio"
	"context"
	"net"
	"regexp"
	"strings"
	"testing"
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
	if _, err := rc.c.Write([]byte(cmd + "\r\n")); err != nil {
		rc.t.Fatal(err)
	}
	tag, _, _ := strings.Cut(cmd, " ")
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
	got := rc.run(cmd)
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
		`\* 1 EXISTS`, `\* 0 RECENT`, `\* OK \[UNSEEN 1\] first unseen`,
		`\* OK \[UIDVALIDITY 1\] UIDs valid`, `\* OK \[UIDNEXT 2\] predicted next UID`,
		`a5 OK \[READ-WRITE\] SELECT completed`)
	c.expect("a6 FETCH 1 (FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (Subject)])",
		`\* 1 FETCH \(FLAGS \(\) RFC822.SIZE 153 BODY\[HEADER.FIELDS \(SUBJECT\)\] \{18\}`,
		`Subject: hello`, ``, `\)`, `a6 OK FETCH completed`)
	c.expect("a7 FETCH 1 BODY[TEXT]<3.3>", `\* 1 FETCH \(BODY\[TEXT\]<3> "you" FLAGS \(\\Seen\)\)`, `a7 OK FETCH completed`)
	c.expect("a8 UID SEARCH FROM alice SEEN", `\* SEARCH 1`, `a8 OK UID SEARCH completed`)
	c.expect("a9 SEARCH RETURN (COUNT MIN) UNSEEN", `\* ESEARCH \(TAG "a9"\) COUNT 0`, `a9 OK SEARCH completed`)
	c.expect("b1 STORE 1 +FLAGS (\\Deleted)", `\* 1 FETCH \(FLAGS \(\\Deleted \\Seen\)\)`, `b1 OK STORE completed`)
	c.expect("b2 EXPUNGE", `\* 1 EXPUNGE`, `b2 OK EXPUNGE completed`)
	c.expect("b3 LOGOUT", `\* BYE logging out`, `b3 OK LOGOUT completed`)
}
