package pop3

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func dialTest(t *testing.T, addr string) *Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func readAll(t *testing.T) func(r io.ReadCloser, err error) string {
	return func(r io.ReadCloser, err error) string {
		t.Helper()
		return readBody(t, r, err)
	}
}

func readBody(t *testing.T, r io.ReadCloser, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestClientEveryCommand(t *testing.T) {
	ctx := context.Background()
	b := lessonBackend()
	odd := "Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\nlast line without end"
	b.Deliver("bob", []byte(odd))
	addr := startServer(t, &Server{Backend: b})
	c := dialTest(t, addr)
	if !strings.HasPrefix(c.Greeting(), "POP3 server ready") || c.APOPTimestamp() == "" {
		t.Errorf("greeting %q, timestamp %q", c.Greeting(), c.APOPTimestamp())
	}
	caps, err := c.Capa(ctx)
	if err != nil || !caps.Has("UIDL") || !caps.Has("TOP") || caps["SASL"][0] != "PLAIN" {
		t.Fatalf("Capa = %v, %v", caps, err)
	}
	if err := c.User(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	var pe *Error
	if err := c.Pass(ctx, "wrong"); !errors.As(err, &pe) || pe.Code != CodeAuth {
		t.Fatalf("Pass(wrong) = %v, want -ERR [AUTH]", err)
	}
	if err := c.Login(ctx, "bob", "hungry"); err != nil {
		t.Fatal(err)
	}
	n, size, err := c.Stat(ctx)
	if err != nil || n != 3 || size != 1410+int64(len(odd)) {
		t.Fatalf("Stat = %d, %d, %v", n, size, err)
	}
	list, err := c.List(ctx)
	want := []MessageInfo{{Number: 1, Size: 498}, {Number: 2, Size: 912}, {Number: 3, Size: int64(len(odd))}}
	if err != nil || !cmp.Equal(list, want) {
		t.Fatalf("List = %v, %v", list, err)
	}
	one, err := c.ListOne(ctx, 2)
	if err != nil || one != (MessageInfo{Number: 2, Size: 912}) {
		t.Fatalf("ListOne = %v, %v", one, err)
	}
	uids, err := c.Uidl(ctx)
	if err != nil || len(uids) != 3 || uids[2].UID != "m3" {
		t.Fatalf("Uidl = %v, %v", uids, err)
	}
	u, err := c.UidlOne(ctx, 1)
	if err != nil || u.UID != "m1" {
		t.Fatalf("UidlOne = %v, %v", u, err)
	}
	if got := readAll(t)(c.Retr(ctx, 1)); got != lessonMessage(1, 498) {
		t.Errorf("Retr(1) = %q", got)
	}
	// Byte-stuffing undone; a last line without CRLF comes back with one.
	if got := readAll(t)(c.Retr(ctx, 3)); got != odd+"\r\n" {
		t.Errorf("Retr(3) = %q", got)
	}
	if got := readAll(t)(c.Top(ctx, 3, 2)); got != "Subject: dots\r\n\r\n.\r\n..\r\n" {
		t.Errorf("Top(3, 2) = %q", got)
	}
	// A body left unread is drained by the next command.
	if _, err := c.Retr(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Dele(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Retr(ctx, 1); !errors.As(err, &pe) {
		t.Errorf("Retr(deleted) = %v, want *Error", err)
	}
	if err := c.Rset(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Dele(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Noop(ctx); !errors.Is(err, ErrClientClosed) {
		t.Errorf("Noop after Quit = %v", err)
	}
	if got := len(b.Messages("bob")); got != 2 {
		t.Errorf("after Quit bob has %d messages, want 2", got)
	}
}

func TestClientAuthMethods(t *testing.T) {
	ctx := context.Background()
	cfg, pool, _, _ := testTLSConfig(t)
	addr := startServer(t, &Server{Backend: lessonBackend(), TLSConfig: cfg})

	c := dialTest(t, addr)
	if err := c.Login(ctx, "bob", "hungry"); err == nil {
		t.Fatal("plaintext login before STLS succeeded")
	}
	if err := c.APOP(ctx, "bob", "hungry"); err != nil {
		t.Fatalf("APOP = %v", err)
	}
	c.Quit(ctx)

	c = dialTest(t, addr)
	if err := c.StartTLS(ctx, &tls.Config{RootCAs: pool, ServerName: "localhost"}); err != nil {
		t.Fatal(err)
	}
	if !c.TLS() {
		t.Error("TLS() = false after StartTLS")
	}
	if err := c.AuthPlain(ctx, "bob", "hungry"); err != nil {
		t.Fatal(err)
	}
	if n, _, err := c.Stat(ctx); err != nil || n != 2 {
		t.Fatalf("Stat over TLS = %d, %v", n, err)
	}
	c.Quit(ctx)

	// The second session is refused with a typed [IN-USE] while one is open.
	a, bb := dialTest(t, addr), dialTest(t, addr)
	a.APOP(ctx, "bob", "hungry")
	var pe *Error
	if err := bb.APOP(ctx, "bob", "hungry"); !errors.As(err, &pe) || pe.Code != CodeInUse {
		t.Errorf("second session = %v, want [IN-USE]", err)
	}
}

func TestClientFetchModes(t *testing.T) {
	ctx := context.Background()
	b := lessonBackend()
	addr := startServer(t, &Server{Backend: b})

	// Download and keep: the first run fetches both, the second none, and
	// after a new delivery only the new one.
	seen := map[string]bool{}
	keep := func() []string {
		c := dialTest(t, addr)
		if err := c.Login(ctx, "bob", "hungry"); err != nil {
			t.Fatal(err)
		}
		var got []string
		_, err := c.Fetch(ctx, FetchOptions{Seen: func(uid string) bool { return seen[uid] }},
			func(m MessageInfo, r io.Reader) error {
				body, err := io.ReadAll(r)
				if int64(len(body)) != m.Size {
					t.Errorf("message %d: %d octets, LIST said %d", m.Number, len(body), m.Size)
				}
				seen[m.UID] = true
				got = append(got, m.UID)
				return err
			})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Quit(ctx); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := keep(); !cmp.Equal(got, []string{"m1", "m2"}) {
		t.Errorf("first keep run fetched %v", got)
	}
	if got := keep(); len(got) != 0 {
		t.Errorf("second keep run fetched %v", got)
	}
	b.Deliver("bob", []byte("Subject: new\r\n\r\nhi\r\n"))
	if got := keep(); !cmp.Equal(got, []string{"m3"}) {
		t.Errorf("third keep run fetched %v", got)
	}
	if n := len(b.Messages("bob")); n != 3 {
		t.Fatalf("keep mode left %d messages, want 3", n)
	}

	// Download and delete: a failing delivery stops the run, and only what
	// was delivered is deleted.
	c := dialTest(t, addr)
	c.Login(ctx, "bob", "hungry")
	var bodies [][]byte
	fail := errors.New("disk full")
	done, err := c.Fetch(ctx, FetchOptions{Delete: true}, func(m MessageInfo, r io.Reader) error {
		if m.Number == 3 {
			return fail
		}
		body, _ := io.ReadAll(r)
		bodies = append(bodies, body)
		return nil
	})
	if !errors.Is(err, fail) || len(done) != 2 {
		t.Fatalf("Fetch = %v, %v; want 2 done and the delivery error", done, err)
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	left := b.Messages("bob")
	if len(left) != 1 || !bytes.Contains(left[0], []byte("Subject: new")) {
		t.Errorf("after delete run: %q", left)
	}
}

func TestClientStreamsLargeMessage(t *testing.T) {
	ctx := context.Background()
	b := NewMemoryBackend()
	b.AddUser("bob", "hungry")
	var msg bytes.Buffer
	msg.WriteString("Subject: big\r\n\r\n")
	for i := 0; msg.Len() < 2<<20; i++ {
		msg.WriteString(".line " + strings.Repeat("x", i%3000) + "\r\n")
	}
	b.Deliver("bob", msg.Bytes())
	addr := startServer(t, &Server{Backend: b})
	c := dialTest(t, addr)
	c.Login(ctx, "bob", "hungry")
	r, err := c.Retr(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, msg.Bytes()) {
		t.Fatalf("Retr of %d octets: got %d, err %v", msg.Len(), len(got), err)
	}
	r.Close()
	c.MaxBodyLineLength = 100
	if _, err := c.Retr(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// Reading the body with too small a line limit breaks the session.
	if err := c.Noop(ctx); err == nil {
		t.Error("Noop after an over-long body line succeeded")
	}
}

func TestClientContextCancel(t *testing.T) {
	addr := startServer(t, &Server{Backend: lessonBackend()})
	c := dialTest(t, addr)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Noop(ctx); err == nil {
		t.Error("Noop with a cancelled context succeeded")
	}
	if err := c.Noop(context.Background()); err == nil {
		t.Error("session usable after a cancelled command")
	}
}

func TestImplicitTLS(t *testing.T) {
	ctx := context.Background()
	cfg, pool, _, _ := testTLSConfig(t)
	srv := &Server{Backend: lessonBackend(), TLSConfig: cfg, Logger: slog.New(slog.DiscardHandler)}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(tls.NewListener(l, cfg))
	defer srv.Close()
	c, err := DialTLS(ctx, l.Addr().String(), &tls.Config{RootCAs: pool, ServerName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	caps, err := c.Capa(ctx)
	if err != nil || caps.Has("STLS") || !caps.Has("USER") {
		t.Errorf("Capa over POP3S = %v, %v; want USER and no STLS", caps, err)
	}
	if err := c.Login(ctx, "bob", "hungry"); err != nil {
		t.Fatal(err)
	}
	if !c.TLS() {
		t.Error("TLS() = false over POP3S")
	}
	c.Quit(ctx)
}

// TestClientAgainstScriptedServer checks the client's handling of replies
// our server never sends.
func TestClientAgainstScriptedServer(t *testing.T) {
	tests := []struct {
		name   string
		server string // replies, in order
		run    func(ctx context.Context, c *Client) error
		ok     bool
	}{
		{"challenge after initial response", "+ \r\n-ERR cancelled\r\n",
			func(ctx context.Context, c *Client) error { return c.AuthPlain(ctx, "a", "b") }, false},
		{"garbage status", "HELLO\r\n",
			func(ctx context.Context, c *Client) error { return c.Noop(ctx) }, false},
		{"stat of empty maildrop", "+OK 0 0\r\n",
			func(ctx context.Context, c *Client) error {
				n, size, err := c.Stat(ctx)
				if n != 0 || size != 0 {
					return errors.New("wrong counts")
				}
				return err
			}, true},
		{"listing with trailing text", "+OK\r\n1 120 extra\r\n.\r\n",
			func(ctx context.Context, c *Client) error {
				l, err := c.List(ctx)
				if len(l) != 1 || l[0].Size != 120 {
					return errors.New("wrong listing")
				}
				return err
			}, true},
		{"bad listing line", "+OK\r\nx y\r\n.\r\n",
			func(ctx context.Context, c *Client) error { _, err := c.List(ctx); return err }, false},
		{"too long status", "+OK " + strings.Repeat("x", DefaultMaxLineLength) + "\r\n",
			func(ctx context.Context, c *Client) error { return c.Noop(ctx) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, ss := net.Pipe()
			defer cs.Close()
			go func() {
				defer ss.Close()
				io.WriteString(ss, "+OK ready\r\n")
				buf := make([]byte, 4096)
				ss.Read(buf) // the command
				io.WriteString(ss, tt.server)
				io.Copy(io.Discard, ss)
			}()
			c, err := NewClient(cs)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err = tt.run(ctx, c)
			if (err == nil) != tt.ok {
				t.Errorf("err = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
