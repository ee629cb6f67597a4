package pop3

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"io"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/applayer/applayer/internal/wiretest"
)

// serverLines turns a message into the "S: " steps of its transfer.
func serverLines(msg string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(msg, "\r\n") {
		if l == "" {
			continue
		}
		l = strings.TrimSuffix(l, "\r\n")
		if strings.HasPrefix(l, ".") {
			l = "." + l
		}
		b.WriteString("S: " + l + "\n")
	}
	return b.String()
}

// TestLessonSession replays the lesson's session (CHECKLIST B.3) as RFC 1939
// wants the server to answer it.
func TestLessonSession(t *testing.T) {
	b := lessonBackend()
	addr := startServer(t, &Server{Backend: b})
	c := wiretest.Dial(t, addr)
	wiretest.Run(t, c, `
		S~ \+OK POP3 server ready <[0-9]+\.[0-9]+@hamburger\.edu>
		C: user bob
		S: +OK
		C: pass hungry
		S: +OK user successfully logged on
		C: list
		S: +OK 2 messages (1410 octets)
		S: 1 498
		S: 2 912
		S: .
		C: retr 1
		S: +OK 498 octets
	`+serverLines(lessonMessage(1, 498))+`
		S: .
		C: dele 1
		S: +OK message 1 deleted
		C: retr 2
		S: +OK 912 octets
	`+serverLines(lessonMessage(2, 912))+`
		S: .
		C: dele 2
		S: +OK message 2 deleted
		C: quit
		S: +OK POP3 server signing off
	`)
	if n := len(b.Messages("bob")); n != 0 {
		t.Errorf("after QUIT bob has %d messages, want 0", n)
	}
}

func TestTransactionCommands(t *testing.T) {
	b := NewMemoryBackend()
	b.AddUser("bob", "hungry")
	b.Deliver("bob", []byte("Subject: a\r\n\r\n.dotted\r\nline 2\r\nline 3\r\n"))
	b.Deliver("bob", []byte("Subject: b\r\n\r\nbody\r\n"))
	addr := startServer(t, &Server{Backend: b})
	c := wiretest.Dial(t, addr)
	wiretest.Run(t, c, `
		S~ \+OK .*
		C: STAT
		S: -ERR command not valid before login
		C: PASS hungry
		S: -ERR USER first
		C: USER bob
		S: +OK
		C: PASS hungry
		S: +OK user successfully logged on
		C: STAT
		S: +OK 2 59
		C: LIST 2
		S: +OK 2 20
		C: LIST 3
		S: -ERR no such message
		C: UIDL
		S: +OK
		S: 1 m1
		S: 2 m2
		S: .
		C: UIDL 2
		S: +OK 2 m2
		C: TOP 1 1
		S: +OK top of message follows
		S: Subject: a
		S: 
		S: ..dotted
		S: .
		C: TOP 1 0
		S: +OK top of message follows
		S: Subject: a
		S: 
		S: .
		C: DELE 1
		S: +OK message 1 deleted
		C: DELE 1
		S: -ERR message 1 already deleted
		C: RETR 1
		S: -ERR message 1 already deleted
		C: STAT
		S: +OK 1 20
		C: LIST
		S: +OK 1 messages (20 octets)
		S: 2 20
		S: .
		C: RSET
		S: +OK maildrop has 2 messages (59 octets)
		C: NOOP
		S: +OK
		C: USER bob
		S: -ERR command not valid in this state
		C: RETR x
		S: -ERR bad message number
		C: XTND
		S: -ERR unknown command
		C: RETR 1
		S: +OK 39 octets
		S: Subject: a
		S: 
		S: ..dotted
		S: line 2
		S: line 3
		S: .
		C: QUIT
		S: +OK POP3 server signing off
	`)
	if n := len(b.Messages("bob")); n != 2 {
		t.Errorf("after RSET and QUIT bob has %d messages, want 2", n)
	}
}

func TestCapaAndLimits(t *testing.T) {
	addr := startServer(t, &Server{Backend: lessonBackend(), MaxLineLength: 40, LoginDelay: time.Hour})
	c := wiretest.Dial(t, addr)
	wiretest.Run(t, c, `
		S~ \+OK .*
		C: CAPA
		S: +OK capability list follows
		S: TOP
		S: UIDL
		S: RESP-CODES
		S: AUTH-RESP-CODE
		S: PIPELINING
		S: EXPIRE NEVER
		S: USER
		S: SASL PLAIN
		S: LOGIN-DELAY 3600
		S: IMPLEMENTATION applayer
		S: .
		C: USER `+strings.Repeat("x", 60)+`
		S: -ERR line too long
		C: AUTH
		S: +OK SASL mechanisms follow
		S: PLAIN
		S: .
		C: AUTH CRAM-MD5
		S: -ERR unsupported SASL mechanism
		C: USER bob
		S: +OK
		C: PASS hungry
		S: +OK user successfully logged on
		C: QUIT
		S: +OK POP3 server signing off
	`)
	// LOGIN-DELAY: the second login within the hour is refused.
	c2 := wiretest.Dial(t, addr)
	wiretest.Run(t, c2, `
		S~ \+OK .*
		C: USER bob
		S: +OK
		C: PASS hungry
		S: -ERR [LOGIN-DELAY] logged in too recently
	`)
}

func TestExclusiveLockAndDroppedConnection(t *testing.T) {
	b := lessonBackend()
	addr := startServer(t, &Server{Backend: b})
	first := wiretest.Dial(t, addr)
	wiretest.Run(t, first, `
		S~ \+OK .*
		C: USER bob
		S: +OK
		C: PASS hungry
		S: +OK user successfully logged on
		C: DELE 1
		S: +OK message 1 deleted
		C: DELE 2
		S: +OK message 2 deleted
	`)
	second := wiretest.Dial(t, addr)
	wiretest.Run(t, second, `
		S~ \+OK .*
		C: USER bob
		S: +OK
		C: PASS hungry
		S: -ERR [IN-USE] maildrop already locked by another session
	`)
	// The first client vanishes without QUIT: nothing is deleted, and the
	// lock is released.
	first.Close()
	third := wiretest.Dial(t, addr)
	for {
		// Wait for the server to notice the drop (no sleeping: retry the
		// login, which fails with IN-USE until the lock is gone).
		wiretest.Run(t, third, `
			S~ \+OK .*
			C: USER bob
			S: +OK
			C: PASS hungry
		`)
		line, _ := bufio.NewReader(third).ReadString('\n')
		if strings.HasPrefix(line, "+OK") {
			break
		}
		if !strings.Contains(line, "[IN-USE]") {
			t.Fatalf("login after drop: %q", line)
		}
		third.Close()
		third = wiretest.Dial(t, addr)
	}
	wiretest.Run(t, third, `
		C: STAT
		S: +OK 2 1410
		C: QUIT
		S: +OK POP3 server signing off
	`)
	if n := len(b.Messages("bob")); n != 2 {
		t.Errorf("after a dropped session bob has %d messages, want 2", n)
	}
}

func TestFailedLoginsCloseConnection(t *testing.T) {
	addr := startServer(t, &Server{Backend: lessonBackend(), MaxLoginFailures: 2, FailedLoginDelay: time.Millisecond})
	c := wiretest.Dial(t, addr)
	wiretest.Run(t, c, `
		S~ \+OK .*
		C: USER bob
		S: +OK
		C: PASS wrong
		S: -ERR [AUTH] authentication failed
		C: USER nobody
		S: +OK
		C: PASS wrong
		S: -ERR [AUTH] authentication failed
	`)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("after MaxLoginFailures: read %d, %v; want EOF", n, err)
	}
}

func TestAPOP(t *testing.T) {
	addr := startServer(t, &Server{Backend: lessonBackend()})
	c := wiretest.Dial(t, addr)
	r := bufio.NewReader(c)
	greeting, _ := r.ReadString('\n')
	stamp := regexp.MustCompile(`<[^>]*>`).FindString(greeting)
	if stamp == "" {
		t.Fatalf("greeting without timestamp: %q", greeting)
	}
	io.WriteString(c, "APOP bob "+APOPDigest(stamp, "wrong")+"\r\nAPOP bob "+APOPDigest(stamp, "hungry")+"\r\nSTAT\r\n")
	for _, want := range []string{"-ERR [AUTH] authentication failed", "+OK user successfully logged on", "+OK 2 1410"} {
		line, _ := r.ReadString('\n')
		if got := strings.TrimSpace(line); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestAPOPDigestRFC1939(t *testing.T) {
	// The example of RFC 1939 section 7.
	got := APOPDigest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf")
	if want := "c4c9334bac560ecc979e58001b3e22fb"; got != want {
		t.Errorf("APOPDigest = %s, want %s", got, want)
	}
}

func TestAuthPlain(t *testing.T) {
	addr := startServer(t, &Server{Backend: lessonBackend()})
	creds := base64.StdEncoding.EncodeToString([]byte("\x00bob\x00hungry"))
	bad := base64.StdEncoding.EncodeToString([]byte("alice\x00bob\x00hungry"))
	c := wiretest.Dial(t, addr)
	wiretest.Run(t, c, `
		S~ \+OK .*
		C: AUTH PLAIN
		S: + 
		C: *
		S: -ERR authentication cancelled
		C: AUTH PLAIN !!!
		S: -ERR invalid base64 in SASL response
		C: AUTH PLAIN `+bad+`
		S: -ERR [AUTH] authorization identity not permitted
		C: AUTH PLAIN
		S: + 
		C: `+creds+`
		S: +OK user successfully logged on
		C: QUIT
		S: +OK POP3 server signing off
	`)
	c2 := wiretest.Dial(t, addr)
	wiretest.Run(t, c2, `
		S~ \+OK .*
		C: AUTH PLAIN `+creds+`
		S: +OK user successfully logged on
	`)
}

func TestSTLS(t *testing.T) {
	cfg, pool, _, _ := testTLSConfig(t)
	addr := startServer(t, &Server{Backend: lessonBackend(), TLSConfig: cfg})
	c := wiretest.Dial(t, addr)
	wiretest.Run(t, c, `
		S~ \+OK .*
		C: CAPA
		S: +OK capability list follows
		S: TOP
		S: UIDL
		S: RESP-CODES
		S: AUTH-RESP-CODE
		S: PIPELINING
		S: EXPIRE NEVER
		S: STLS
		S: IMPLEMENTATION applayer
		S: .
		C: USER bob
		S: -ERR [AUTH] TLS required: use STLS first
		C: AUTH PLAIN AGJvYgBodW5ncnk=
		S: -ERR [AUTH] TLS required: use STLS first
		C: STLS
		S: +OK Begin TLS negotiation
	`)
	tc := tls.Client(c, &tls.Config{RootCAs: pool, ServerName: "localhost"})
	wiretest.Run(t, tc, `
		C: CAPA
		S: +OK capability list follows
		S: TOP
		S: UIDL
		S: RESP-CODES
		S: AUTH-RESP-CODE
		S: PIPELINING
		S: EXPIRE NEVER
		S: USER
		S: SASL PLAIN
		S: IMPLEMENTATION applayer
		S: .
		C: STLS
		S: -ERR TLS already active
		C: USER bob
		S: +OK
		C: PASS hungry
		S: +OK user successfully logged on
		C: QUIT
		S: +OK POP3 server signing off
	`)
}

func TestSTLSInjectionRefused(t *testing.T) {
	cfg, _, _, _ := testTLSConfig(t)
	addr := startServer(t, &Server{Backend: lessonBackend(), TLSConfig: cfg})
	c := wiretest.Dial(t, addr)
	wiretest.Run(t, c, `
		S~ \+OK .*
		C: STLS
		C: USER bob
		S: +OK Begin TLS negotiation
	`)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("plaintext after STLS: read err %v, want EOF (connection closed)", err)
	}
}

func TestPipelining(t *testing.T) {
	addr := startServer(t, &Server{Backend: lessonBackend()})
	c := wiretest.Dial(t, addr)
	r := bufio.NewReader(c)
	r.ReadString('\n')
	io.WriteString(c, "USER bob\r\nPASS hungry\r\nSTAT\r\nLIST 1\r\nNOOP\r\nQUIT\r\n")
	var got []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			break
		}
		got = append(got, strings.TrimRight(line, "\r\n"))
	}
	want := "+OK|+OK user successfully logged on|+OK 2 1410|+OK 1 498|+OK|+OK POP3 server signing off"
	if strings.Join(got, "|") != want {
		t.Errorf("pipelined replies = %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestShutdownDeletesNothing(t *testing.T) {
	b := lessonBackend()
	srv := &Server{Backend: b}
	addr := startServer(t, srv)
	c := wiretest.Dial(t, addr)
	wiretest.Run(t, c, `
		S~ \+OK .*
		C: USER bob
		S: +OK
		C: PASS hungry
		S: +OK user successfully logged on
		C: DELE 1
		S: +OK message 1 deleted
	`)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	wiretest.Run(t, c, `S: -ERR [SYS/TEMP] server shutting down`)
	if n := len(b.Messages("bob")); n != 2 {
		t.Errorf("after shutdown bob has %d messages, want 2", n)
	}
}

func TestBusy(t *testing.T) {
	addr := startServer(t, &Server{Backend: lessonBackend(), MaxConns: 1})
	c := wiretest.Dial(t, addr)
	wiretest.Run(t, c, `S~ \+OK .*`)
	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	wiretest.Run(t, c2, `S: -ERR [SYS/TEMP] too many connections, try later`)
}
