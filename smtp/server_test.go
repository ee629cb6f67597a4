package smtp

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/applayer/applayer/internal/wiretest"
	"github.com/applayer/applayer/sockets"
	"github.com/google/go-cmp/cmp"
)

// TestSeedTranscript replays the lesson's dialogue (hamburger.edu and
// crepes.fr, RFC 5321 appendix D.1 in the lecture's words).
func TestSeedTranscript(t *testing.T) {
	b := &memBackend{}
	addr := startServer(t, &Server{Hostname: "hamburger.edu", Backend: b})
	wiretest.Run(t, wiretest.Dial(t, addr), `
		S: 220 hamburger.edu ESMTP ready
		C: HELO crepes.fr
		S: 250 hamburger.edu Hello crepes.fr, pleased to meet you
		C: MAIL FROM: <alice@crepes.fr>
		S: 250 alice@crepes.fr... Sender ok
		C: RCPT TO: <bob@hamburger.edu>
		S: 250 bob@hamburger.edu... Recipient ok
		C: DATA
		S: 354 Enter mail, end with "." on a line by itself
		C: Do you like ketchup?
		C: How about pickles?
		C: .
		S: 250 Message accepted for delivery
		C: QUIT
		S: 221 hamburger.edu closing connection
	`)
	want := []memMsg{{From: "alice@crepes.fr", To: []string{"bob@hamburger.edu"},
		Data: "Do you like ketchup?\r\nHow about pickles?\r\n", ROpts: []RcptOptions{{}}}}
	if diff := cmp.Diff(want, b.messages()); diff != "" {
		t.Errorf("stored messages mismatch (-want +got):\n%s", diff)
	}
}

func TestEHLOAndMistakes(t *testing.T) {
	b := &memBackend{rejectTo: "nobody@x.org"}
	srv := &Server{Hostname: "mx.test", Backend: b, MaxMessageBytes: 100, Limits: Limits{MaxRecipients: 2}}
	addr := startServer(t, srv)
	wiretest.Run(t, wiretest.Dial(t, addr), `
		S: 220 mx.test ESMTP ready
		C: MAIL FROM:<a@b.c>
		S: 503 Send HELO or EHLO first
		C: EHLO client.test
		S: 250-mx.test Hello client.test
		S: 250-PIPELINING
		S: 250-8BITMIME
		S: 250-ENHANCEDSTATUSCODES
		S: 250-CHUNKING
		S: 250-BINARYMIME
		S: 250-SMTPUTF8
		S: 250-DSN
		S: 250 SIZE 100
		C: FOO
		S: 500 5.5.2 Command unrecognized
		C: EXPN list
		S: 502 5.5.1 Command not implemented
		C: VRFY bob
		S: 252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery
		C: RCPT TO:<x@y.z>
		S: 503 5.5.1 Need MAIL before RCPT
		C: DATA
		S: 503 5.5.1 Need MAIL command
		C: MAIL FROM:<a@b.c> SIZE=101
		S: 552 5.3.4 Message size exceeds fixed maximum message size
		C: MAIL FROM:<a@b.c> FOO=BAR
		S: 555 5.5.4 Unrecognized parameter
		C: MAIL FROM:a@b.c
		S: 501 5.1.7 Expected <address>
		C: MAIL FROM:<a@b.c> SIZE=50 BODY=8BITMIME
		S: 250 2.1.0 a@b.c... Sender ok
		C: MAIL FROM:<a@b.c>
		S: 503 5.5.1 Nested MAIL command
		C: DATA
		S: 554 5.5.1 No valid recipients
		C: RCPT TO:<nobody@x.org>
		S: 550 5.1.1 No such user
		C: RCPT TO:<José@x.org>
		S: 553 5.6.7 Non-ASCII address needs SMTPUTF8
		C: RCPT TO:<one@x.org> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;one@x.org
		S: 250 2.1.5 one@x.org... Recipient ok
		C: RCPT TO:<two@x.org>
		S: 250 2.1.5 two@x.org... Recipient ok
		C: RCPT TO:<three@x.org>
		S: 452 4.5.3 Too many recipients
		C: STARTTLS
		S: 502 5.5.1 Command not implemented
		C: AUTH PLAIN AGEAYg==
		S: 502 5.5.1 Command not implemented
		C: DATA
		S: 354 Enter mail, end with "." on a line by itself
		C: ..leading dot
		C: x
		C: .
		S: 250 2.0.0 Message accepted for delivery
		C: NOOP
		S: 250 2.0.0 OK
		C: QUIT
		S: 221 2.0.0 mx.test closing connection
	`)
	msgs := b.messages()
	if len(msgs) != 1 || msgs[0].Data != ".leading dot\r\nx\r\n" || msgs[0].Opts.Size != 50 || msgs[0].ROpts[0].Notify != NotifySuccess|NotifyDelay {
		t.Errorf("stored %+v", msgs)
	}
}

// TestMessageTooLarge checks that the size is enforced while the data
// streams in, that the session stays usable, and nothing is stored.
func TestMessageTooLarge(t *testing.T) {
	b := &memBackend{}
	addr := startServer(t, &Server{Backend: b, MaxMessageBytes: 20})
	wiretest.Run(t, wiretest.Dial(t, addr), `
		S~ 220 .*
		C: EHLO c
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S: 250 SIZE 20
		C: MAIL FROM:<a@b>
		S~ 250 .*
		C: RCPT TO:<c@d>
		S~ 250 .*
		C: DATA
		S~ 354 .*
		C: 0123456789
		C: 0123456789
		C: 0123456789
		C: .
		S: 552 5.3.4 Message size exceeds fixed maximum message size
		C: RCPT TO:<c@d>
		S: 503 5.5.1 Need MAIL before RCPT
		C: QUIT
		S~ 221 .*
	`)
	if n := len(b.messages()); n != 0 {
		t.Errorf("%d messages stored, want 0", n)
	}
}

func TestDataErrorIsNotShown(t *testing.T) {
	b := &memBackend{failData: true}
	addr := startServer(t, &Server{Backend: b})
	wiretest.Run(t, wiretest.Dial(t, addr), `
		S~ 220 .*
		C: HELO c
		S~ 250 .*
		C: MAIL FROM:<>
		S: 250 ... Sender ok
		C: RCPT TO:<postmaster>
		S~ 250 .*
		C: DATA
		S~ 354 .*
		C: hi
		C: .
		S: 451 Requested action aborted: local error in processing
	`)
}

func TestBDAT(t *testing.T) {
	b := &memBackend{}
	addr := startServer(t, &Server{Backend: b, MaxMessageBytes: 30})
	conn := wiretest.Dial(t, addr)
	wiretest.Run(t, conn, `
		S~ 220 .*
		C: LHLO c
		S: 500 Syntax error, command unrecognized
		C: EHLO c
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250 .*
		C: MAIL FROM:<a@b> BODY=BINARYMIME
		S~ 250 .*
		C: RCPT TO:<c@d>
		S~ 250 .*
		C: DATA
		S: 503 5.5.1 BODY=BINARYMIME needs BDAT
		C: BDAT 7
		C: hello
		S: 250 2.0.0 7 octets received
		C: NOOP
		S~ 250 .*
		C: MAIL FROM:<a@b>
		S: 503 5.5.1 Bad sequence of commands
		C: BDAT 8 LAST
		C:  world
		S: 250 2.0.0 Message accepted for delivery
		C: MAIL FROM:<a@b>
		S~ 250 .*
		C: RCPT TO:<c@d>
		S~ 250 .*
		C: BDAT 40 LAST
		C: 01234567890123456789012345678901234567
		S: 552 5.3.4 Message size exceeds fixed maximum message size
		C: BDAT 3
		C: x
		S: 503 5.5.1 Need MAIL command
		C: QUIT
		S~ 221 .*
	`)
	msgs := b.messages()
	if len(msgs) != 1 || msgs[0].Data != "hello\r\n world\r\n" {
		t.Errorf("stored %+v", msgs)
	}
}

func TestLMTP(t *testing.T) {
	b := &memBackend{}
	be := BackendFunc(func(ctx context.Context, c *Conn) (Session, error) {
		return &lmtpSession{&memSession{b: b, c: c}}, nil
	})
	addr := startServer(t, &Server{Hostname: "store", Backend: be, LMTP: true})
	wiretest.Run(t, wiretest.Dial(t, addr), `
		S: 220 store LMTP ready
		C: HELO c
		S: 500 This is an LMTP server: use LHLO
		C: LHLO c
		S: 250-store Hello c
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250 .*
		C: MAIL FROM:<a@b>
		S~ 250 .*
		C: RCPT TO:<bob@store>
		S~ 250 .*
		C: RCPT TO:<fail@store>
		S~ 250 .*
		C: RCPT TO:<carol@store>
		S~ 250 .*
		C: DATA
		S~ 354 .*
		C: hi
		C: .
		S: 250 2.0.0 Message accepted for delivery
		S: 550 5.2.2 Mailbox full
		S: 250 2.0.0 Message accepted for delivery
		C: QUIT
		S~ 221 .*
	`)
}

func TestAuthAndPolicy(t *testing.T) {
	b := &memBackend{users: map[string]string{"alice": "secret"}}
	// Without TLS, AUTH is refused unless allowed.
	addr := startServer(t, &Server{Backend: b})
	wiretest.Run(t, wiretest.Dial(t, addr), `
		S~ 220 .*
		C: EHLO c
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250 SIZE .*
		C: AUTH PLAIN AGFsaWNlAHNlY3JldA==
		S: 538 5.7.11 Encryption required for requested authentication mechanism
	`)
	addr = startServer(t, &Server{Backend: b, AllowInsecureAuth: true, RequireAuth: true})
	wiretest.Run(t, wiretest.Dial(t, addr), `
		S~ 220 .*
		C: EHLO c
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-SIZE .*
		S: 250 AUTH PLAIN LOGIN
		C: MAIL FROM:<a@b>
		S: 530 5.7.0 Authentication required
		C: AUTH CRAM-MD5
		S: 504 5.5.4 Unrecognized authentication type
		C: AUTH PLAIN AGFsaWNlAHdyb25n
		S: 535 5.7.8 Authentication credentials invalid
		C: AUTH LOGIN
		S: 334 VXNlcm5hbWU6
		C: *
		S: 501 5.0.0 Authentication cancelled
		C: AUTH LOGIN YWxpY2U=
		S: 334 UGFzc3dvcmQ6
		C: c2VjcmV0
		S: 235 2.7.0 Authentication successful
		C: AUTH PLAIN AGFsaWNlAHNlY3JldA==
		S: 503 5.5.1 Already authenticated
		C: MAIL FROM:<a@b>
		S~ 250 .*
	`)
}

func TestLongLine(t *testing.T) {
	addr := startServer(t, &Server{Backend: &memBackend{}})
	wiretest.Run(t, wiretest.Dial(t, addr), `
		S~ 220 .*
		C: NOOP `+strings.Repeat("x", 3000)+`
		S: 500 Line too long
		C: NOOP
		S: 250 OK
	`)
}

// TestCommandTimeout: a client that says nothing is told 421 and closed
// (RFC 5321 section 4.5.3.2.7, here with a short timeout).
func TestCommandTimeout(t *testing.T) {
	addr := startServer(t, &Server{Hostname: "mx", Backend: &memBackend{}, CommandTimeout: 50 * time.Millisecond})
	wiretest.Run(t, wiretest.Dial(t, addr), `
		S: 220 mx ESMTP ready
		S: 421 mx Timeout waiting for command, closing connection
	`)
}

// TestShutdownIdle: Shutdown tells an idle client 421 and waits for it.
func TestShutdownIdle(t *testing.T) {
	srv := &Server{Hostname: "mx", Backend: &memBackend{}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	conn := wiretest.Dial(t, l.Addr().String())
	wiretest.Run(t, conn, `
		S: 220 mx ESMTP ready
		C: EHLO c
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250-.*
		S~ 250 .*
	`)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	wiretest.Run(t, conn, `S: 421 4.3.2 Service not available, closing transmission channel`)
	if err := <-served; !errors.Is(err, sockets.ErrServerClosed) {
		t.Errorf("Serve = %v, want ErrServerClosed", err)
	}
}

// TestDataBadLines: an over-long line or a bare LF in the message gets a
// 500 after the final dot, nothing is stored, and a bare-LF "dot" does not
// end the message (SMTP smuggling).
func TestDataBadLines(t *testing.T) {
	b := &memBackend{}
	addr := startServer(t, &Server{Backend: b, Limits: Limits{MaxTextLine: 100}, Logger: slog.New(slog.DiscardHandler)})
	conn := wiretest.Dial(t, addr)
	wiretest.Run(t, conn, `
		S~ 220 .*
		C: HELO c
		S~ 250 .*
		C: MAIL FROM:<a@b>
		S~ 250 .*
		C: RCPT TO:<c@d>
		S~ 250 .*
		C: DATA
		S~ 354 .*
		C: `+strings.Repeat("y", 200)+`
		C: after
		C: .
		S: 500 Message line too long
		C: MAIL FROM:<a@b>
		S~ 250 .*
		C: RCPT TO:<c@d>
		S~ 250 .*
		C: DATA
		S~ 354 .*
	`)
	conn.Write([]byte("one\n.\nMAIL FROM:<evil@x>\r\n.\r\n"))
	wiretest.Run(t, conn, `
		S: 500 Bare LF in message text
		C: NOOP
		S: 250 OK
	`)
	if n := len(b.messages()); n != 0 {
		t.Errorf("%d messages stored, want 0", n)
	}
}
