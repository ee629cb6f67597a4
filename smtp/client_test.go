package smtp

import (
	"bufio"
	"context"
	"errors"
	"net"
	netsmtp "net/smtp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestClientServerTLSAuthPipelining(t *testing.T) {
	srvTLS, cliTLS, _, _ := testTLS(t)
	b := &memBackend{users: map[string]string{"alice": "secret"}, rejectTo: "nobody@x.org"}
	addr := startServer(t, &Server{Hostname: "mx.test", Backend: b, TLSConfig: srvTLS, RequireTLS: true})
	ctx := context.Background()
	c, err := Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.LocalName = "client.test"
	if err := c.Hello(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension(ExtAuth); ok {
		t.Errorf("AUTH offered before TLS")
	}
	var r *Reply
	if err := c.Mail(ctx, "a@b.c", nil); !errors.As(err, &r) || r.Code != 530 {
		t.Errorf("MAIL before STARTTLS: %v, want 530", err)
	}
	if err := c.StartTLS(ctx, cliTLS); err != nil {
		t.Fatal(err)
	}
	if ok, mechs := c.Extension(ExtAuth); !ok || mechs != "PLAIN LOGIN" {
		t.Errorf("AUTH after TLS = %v %q", ok, mechs)
	}
	if err := c.Auth(ctx, "alice", "wrong"); err == nil {
		t.Errorf("Auth with a wrong password succeeded")
	}
	if err := c.Auth(ctx, "alice", "secret"); err != nil {
		t.Fatal(err)
	}
	msg := "Subject: hi\r\n\r\n.dot line\r\nbare LF\nend\r\n"
	results, err := c.Send(ctx, Mail{From: "alice@b.c", Options: MailOptions{Size: int64(len(msg)), EnvelopeID: "id 1"}},
		[]Rcpt{{To: "bob@x.org", Options: RcptOptions{Notify: NotifyFailure}}, {To: "nobody@x.org"}, {To: "carol@x.org"}},
		strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if results[0] != nil || results[2] != nil || results[1] == nil {
		t.Errorf("results = %v", results)
	}
	// A second message on the same connection, with BDAT.
	if _, err := c.Send(ctx, Mail{From: "alice@b.c", Options: MailOptions{Body: BodyBinaryMIME}}, []Rcpt{{To: "bob@x.org"}},
		strings.NewReader("binary\x00data")); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := b.messages()
	if len(msgs) != 2 {
		t.Fatalf("stored %d messages, want 2", len(msgs))
	}
	want := memMsg{From: "alice@b.c", To: []string{"bob@x.org", "carol@x.org"}, User: "alice",
		Data: "Subject: hi\r\n\r\n.dot line\r\nbare LF\r\nend\r\n",
		Opts: MailOptions{Size: int64(len(msg)), EnvelopeID: "id 1"}, ROpts: []RcptOptions{{Notify: NotifyFailure}, {}}}
	if diff := cmp.Diff(want, msgs[0]); diff != "" {
		t.Errorf("message mismatch (-want +got):\n%s", diff)
	}
	if msgs[1].Data != "binary\x00data" {
		t.Errorf("BDAT message = %q", msgs[1].Data)
	}
}

func TestClientLMTP(t *testing.T) {
	b := &memBackend{}
	be := BackendFunc(func(ctx context.Context, c *Conn) (Session, error) {
		return &lmtpSession{&memSession{b: b, c: c}}, nil
	})
	addr := startServer(t, &Server{Backend: be, LMTP: true})
	ctx := context.Background()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewLMTPClient(ctx, conn, "localhost")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := c.Send(ctx, Mail{From: "a@b"}, []Rcpt{{To: "x@s"}, {To: "fail@s"}, {To: "y@s"}}, strings.NewReader("hi\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	var r *Reply
	if res[0] != nil || res[2] != nil || !errors.As(res[1], &r) || r.Code != 550 {
		t.Errorf("LMTP results = %v", res)
	}
}

// TestClientHELOFallback talks to a server that knows only HELO.
func TestClientHELOFallback(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		br := bufio.NewReader(conn)
		conn.Write([]byte("220 old.example\r\n"))
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			switch {
			case strings.HasPrefix(line, "EHLO"):
				conn.Write([]byte("500 Command unrecognized\r\n"))
			case strings.HasPrefix(line, "QUIT"):
				conn.Write([]byte("221 bye\r\n"))
				return
			default:
				conn.Write([]byte("250 ok\r\n"))
			}
		}
	}()
	ctx := context.Background()
	c, err := Dial(ctx, l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail(ctx, "a@b", []string{"c@d"}, strings.NewReader("x\r\n")); err == nil {
		// DATA got 250 instead of 354 from the toy server: an error is right.
		t.Errorf("SendMail to a toy server succeeded")
	}
	if ok, _ := c.Extension(ExtPipelining); ok || c.esmtp {
		t.Errorf("client thinks the HELO server speaks ESMTP")
	}
	c.Quit(ctx)
}

// TestStdlibClient sends with net/smtp, the standard library's client.
func TestStdlibClient(t *testing.T) {
	b := &memBackend{users: map[string]string{"alice": "secret"}}
	addr := startServer(t, &Server{Backend: b, AllowInsecureAuth: true})
	auth := netsmtp.PlainAuth("", "alice", "secret", "127.0.0.1")
	if err := netsmtp.SendMail(addr, auth, "alice@b.c", []string{"bob@x.org"}, []byte("Subject: x\r\n\r\nhello\r\n")); err != nil {
		t.Fatal(err)
	}
	if msgs := b.messages(); len(msgs) != 1 || msgs[0].User != "alice" || msgs[0].Data != "Subject: x\r\n\r\nhello\r\n" {
		t.Errorf("stored %+v", msgs)
	}
}

// TestConnectionLimit checks the 421 greeting for a connection over MaxConns.
func TestConnectionLimit(t *testing.T) {
	addr := startServer(t, &Server{Hostname: "mx", Backend: &memBackend{}, MaxConns: 1})
	ctx := context.Background()
	c1, err := Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	_, err = Dial(ctx, addr)
	var r *Reply
	if !errors.As(err, &r) || r.Code != 421 {
		t.Fatalf("second Dial = %v, want a 421 reply", err)
	}
}

// TestClientSMTPUTF8 sends to an internationalized address: the client
// adds SMTPUTF8 to MAIL by itself (RFC 6531).
func TestClientSMTPUTF8(t *testing.T) {
	b := &memBackend{}
	addr := startServer(t, &Server{Backend: b})
	ctx := context.Background()
	c, err := Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail(ctx, "alice@crepes.fr", []string{"José@hamburger.edu"}, strings.NewReader("x\r\n")); err != nil {
		t.Fatal(err)
	}
	if msgs := b.messages(); len(msgs) != 1 || !msgs[0].Opts.UTF8 || msgs[0].To[0] != "José@hamburger.edu" {
		t.Errorf("stored %+v", msgs)
	}
}
