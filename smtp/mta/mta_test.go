package mta

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/applayer/applayer/internal/wiretest"
	"github.com/applayer/applayer/mime"
	"github.com/applayer/applayer/smtp"
)

// memStore is a LocalStore in memory.
type memStore struct {
	mu    sync.Mutex
	boxes map[string][]string
}

func (m *memStore) Deliver(ctx context.Context, user string, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.boxes == nil {
		m.boxes = map[string][]string{}
	}
	m.boxes[user] = append(m.boxes[user], string(b))
	return nil
}

func (m *memStore) box(user string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.boxes[user]...)
}

// fakeTransport answers with a scripted result per call and records calls.
type fakeTransport struct {
	mu      sync.Mutex
	results []error // one per call; nil entries mean success; beyond the end: success
	calls   []string
	bodies  []string
}

func (f *fakeTransport) Deliver(ctx context.Context, domain string, mail smtp.Mail, rcpts []smtp.Rcpt, msg io.ReaderAt, size int64) ([]error, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, _ := io.ReadAll(io.NewSectionReader(msg, 0, size))
	var to []string
	for _, r := range rcpts {
		to = append(to, r.To)
	}
	f.calls = append(f.calls, domain+":"+strings.Join(to, ","))
	f.bodies = append(f.bodies, string(b))
	var err error
	if n := len(f.calls) - 1; n < len(f.results) {
		err = f.results[n]
	}
	if err != nil {
		return nil, err
	}
	return make([]error, len(rcpts)), nil
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newQueue(t *testing.T, dir string, tr Transport, st LocalStore, clk *clock) *Queue {
	t.Helper()
	sp, err := OpenSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	return &Queue{Spool: sp, Transport: tr, Local: st, LocalDomains: []string{"crepes.fr"},
		Hostname: "mx.crepes.fr", Now: clk.now, RetryInitial: time.Minute, RetryMax: 10 * time.Minute, Expire: time.Hour}
}

var temp = &smtp.Reply{Code: 451, Enhanced: smtp.EnhancedCode{Class: 4, Subject: 3, Detail: 0}, Lines: []string{"try later"}}
var perm = &smtp.Reply{Code: 550, Enhanced: smtp.EnhancedCode{Class: 5, Subject: 1, Detail: 1}, Lines: []string{"no such user"}}

func TestQueueRetryBackoff(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	tr := &fakeTransport{results: []error{temp, temp, nil}}
	q := newQueue(t, t.TempDir(), tr, &memStore{}, clk)
	ctx := context.Background()
	if _, err := q.Enqueue(ctx, "alice@crepes.fr", smtp.MailOptions{}, []smtp.Rcpt{{To: "bob@hamburger.edu"}}, strings.NewReader("hi\r\n")); err != nil {
		t.Fatal(err)
	}
	next, _ := q.RunOnce(ctx)
	if want := clk.now().Add(time.Minute); !next.Equal(want) {
		t.Errorf("after 1 failure next = %v, want %v", next, want)
	}
	q.RunOnce(ctx) // not due: no call
	if len(tr.calls) != 1 {
		t.Fatalf("calls = %v, want 1 before the retry is due", tr.calls)
	}
	clk.add(time.Minute)
	next, _ = q.RunOnce(ctx)
	if want := clk.now().Add(2 * time.Minute); !next.Equal(want) {
		t.Errorf("after 2 failures next = %v, want %v (doubled)", next, want)
	}
	clk.add(2 * time.Minute)
	next, _ = q.RunOnce(ctx)
	if !next.IsZero() || len(tr.calls) != 3 {
		t.Errorf("after success next = %v, calls = %v", next, tr.calls)
	}
	if envs, _ := q.Spool.Load(); len(envs) != 0 {
		t.Errorf("spool still holds %d messages", len(envs))
	}
}

func TestQueueBounce(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	tr := &fakeTransport{results: []error{perm}}
	st := &memStore{}
	q := newQueue(t, t.TempDir(), tr, st, clk)
	ctx := context.Background()
	msg := "From: alice@crepes.fr\r\nSubject: ketchup\r\n\r\nDo you like ketchup?\r\n"
	_, err := q.Enqueue(ctx, "alice@crepes.fr", smtp.MailOptions{EnvelopeID: "e1"},
		[]smtp.Rcpt{{To: "nobody@hamburger.edu", Options: smtp.RcptOptions{OriginalRecipientType: "rfc822", OriginalRecipient: "nobody@hamburger.edu"}}}, strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	q.RunOnce(ctx) // fails for good, queues a bounce
	q.RunOnce(ctx) // delivers the bounce to alice's local mailbox
	box := st.box("alice")
	if len(box) != 1 {
		t.Fatalf("alice has %d messages, want the bounce", len(box))
	}
	for _, want := range []string{
		"Content-Type: multipart/report; report-type=delivery-status;",
		"Content-Type: message/delivery-status",
		"Reporting-MTA: dns; mx.crepes.fr",
		"Original-Envelope-Id: e1",
		"Final-Recipient: rfc822; nobody@hamburger.edu",
		"Original-Recipient: rfc822; nobody@hamburger.edu",
		"Action: failed",
		"Status: 5.1.1",
		"Diagnostic-Code: smtp; 550 5.1.1 no such user",
		"Content-Type: text/rfc822-headers",
		"Subject: ketchup",
	} {
		if !strings.Contains(box[0], want) {
			t.Errorf("bounce lacks %q:\n%s", want, box[0])
		}
	}
	if strings.Contains(box[0], "Do you like ketchup?") {
		t.Errorf("bounce with RET unset returned the body")
	}
	// The mime package reads it as RFC 6522 says.
	m := mime.ParseBytes([]byte(box[0]))
	var types []string
	for _, p := range m.Parts {
		types = append(types, p.Type+"/"+p.Subtype)
	}
	if m.Type+"/"+m.Subtype != "multipart/report" || strings.Join(types, " ") != "text/plain message/delivery-status text/rfc822-headers" || len(m.Problems) != 0 {
		t.Errorf("bounce structure %s/%s %v, problems %v", m.Type, m.Subtype, types, m.Problems)
	}
	if m.Header.Get("Auto-Submitted") != "auto-replied" {
		t.Errorf("bounce lacks Auto-Submitted")
	}
	// A bounce that fails is not bounced again.
	tr2 := &fakeTransport{results: []error{perm}}
	q.Transport = tr2
	q.Enqueue(ctx, "", smtp.MailOptions{}, []smtp.Rcpt{{To: "x@far.example"}}, strings.NewReader("bounce\r\n"))
	q.RunOnce(ctx)
	q.RunOnce(ctx)
	if envs, _ := q.Spool.Load(); len(envs) != 0 || len(tr2.calls) != 1 {
		t.Errorf("double bounce: spool %d, calls %v", len(envs), tr2.calls)
	}
}

func TestQueueExpiry(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	tr := &fakeTransport{results: []error{temp, temp, temp, temp, temp, temp, temp, temp, temp, temp}}
	st := &memStore{}
	q := newQueue(t, t.TempDir(), tr, st, clk)
	ctx := context.Background()
	q.Enqueue(ctx, "alice@crepes.fr", smtp.MailOptions{}, []smtp.Rcpt{{To: "b@slow.example", Options: smtp.RcptOptions{Notify: smtp.NotifyFailure}}}, strings.NewReader("x\r\n"))
	for i := 0; i < 10 && len(st.box("alice")) == 0; i++ {
		q.RunOnce(ctx)
		clk.add(10 * time.Minute)
	}
	box := st.box("alice")
	if len(box) != 1 || !strings.Contains(box[0], "Status: 5.4.7") && !strings.Contains(box[0], "Status: 5.3.0") {
		t.Fatalf("no expiry bounce: %q", box)
	}
}

// TestQueueResumesAfterRestart: a queue opened again on the same spool
// delivers what the first left, once.
func TestQueueResumesAfterRestart(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	q1 := newQueue(t, dir, &fakeTransport{}, &memStore{}, clk)
	ctx := context.Background()
	q1.Enqueue(ctx, "alice@crepes.fr", smtp.MailOptions{}, []smtp.Rcpt{{To: "bob@hamburger.edu"}, {To: "alice@crepes.fr"}}, strings.NewReader("hi\r\n"))
	// "Crash": q1 never runs. A new queue on the same directory.
	tr := &fakeTransport{}
	st := &memStore{}
	q2 := newQueue(t, dir, tr, st, clk)
	q2.RunOnce(ctx)
	q2.RunOnce(ctx)
	q3 := newQueue(t, dir, tr, st, clk)
	q3.RunOnce(ctx)
	if len(tr.calls) != 1 || len(st.box("alice")) != 1 {
		t.Errorf("after restart: remote calls %v, local %d; want 1 and 1", tr.calls, len(st.box("alice")))
	}
}

// TestNoOpenRelay drives the Backend through an SMTP server: local mail
// from anyone, relaying only after AUTH.
func TestNoOpenRelay(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	q := newQueue(t, t.TempDir(), &fakeTransport{}, &memStore{}, clk)
	be := &Backend{Queue: q, Users: map[string]string{"alice": "secret"}, Hostname: "mx.crepes.fr", RestrictSender: true}
	srv := &smtp.Server{Hostname: "mx.crepes.fr", Backend: be, AllowInsecureAuth: true}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	wiretest.Run(t, wiretest.Dial(t, l.Addr().String()), `
		S~ 220 .*
		C: HELO spammer.example
		S~ 250 .*
		C: MAIL FROM:<spam@spammer.example>
		S~ 250 .*
		C: RCPT TO:<victim@elsewhere.example>
		S: 554 Relay access denied
		C: RCPT TO:<nobody@crepes.fr>
		S: 550 User unknown in local recipient table
		C: RCPT TO:<Alice@crepes.fr>
		S~ 250 .*
		C: QUIT
		S~ 221 .*
	`)
	ctx := context.Background()
	c, err := smtp.Dial(ctx, l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(ctx, "alice", "secret"); err != nil {
		t.Fatal(err)
	}
	err = c.SendMail(ctx, "ceo@crepes.fr", []string{"bob@hamburger.edu"}, strings.NewReader("Subject: x\r\n\r\nhi\r\n"))
	if r := (*smtp.Reply)(nil); !errors.As(err, &r) || r.Code != 553 {
		t.Errorf("alice sending as ceo@crepes.fr: %v, want 553", err)
	}
	if err := c.SendMail(ctx, "alice@crepes.fr", []string{"bob@hamburger.edu"}, strings.NewReader("Subject: x\r\n\r\nhi\r\n")); err != nil {
		t.Fatalf("authenticated relay refused: %v", err)
	}
	envs, _ := q.Spool.Load()
	if len(envs) != 1 {
		t.Fatalf("spool has %d messages, want 1", len(envs))
	}
	f, _ := q.Spool.Open(envs[0].ID)
	defer f.Close()
	b, _ := io.ReadAll(f)
	if !bytes.HasPrefix(b, []byte("Received: from localhost ([127.0.0.1])\r\n\tby mx.crepes.fr with ESMTPA;")) {
		t.Errorf("no trace header: %q", b)
	}
}

func TestBounceReturnFull(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	st := &memStore{}
	q := newQueue(t, t.TempDir(), &fakeTransport{results: []error{perm}}, st, clk)
	ctx := context.Background()
	q.Enqueue(ctx, "alice@crepes.fr", smtp.MailOptions{Return: smtp.ReturnFull}, []smtp.Rcpt{{To: "x@far.example"}},
		strings.NewReader("Subject: full\r\n\r\nthe whole body\r\n"))
	q.RunOnce(ctx)
	q.RunOnce(ctx)
	box := st.box("alice")
	if len(box) != 1 {
		t.Fatalf("alice has %d messages", len(box))
	}
	m := mime.ParseBytes([]byte(box[0]))
	if len(m.Parts) != 3 || m.Parts[2].Type != "message" || m.Parts[2].Message == nil || m.Parts[2].Message.Header.Get("Subject") != "full" ||
		!strings.Contains(box[0], "the whole body") {
		t.Errorf("RET=FULL bounce:\n%s", box[0])
	}
}

// TestMailLoop refuses a message that has been through too many servers
// (RFC 5321 section 6.3) and stores nothing of it.
func TestMailLoop(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	q := newQueue(t, t.TempDir(), &fakeTransport{}, &memStore{}, clk)
	srv := &smtp.Server{Backend: &Backend{Queue: q, Users: map[string]string{"alice": "x"}}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	ctx := context.Background()
	c, err := smtp.Dial(ctx, l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	hops := func(n int) string {
		return strings.Repeat("Received: from a by b; Thu, 1 Jan 2026 00:00:00 +0000\r\n", n) + "Subject: loop\r\n\r\nbody\r\nReceived: in the body does not count\r\n"
	}
	if err := c.SendMail(ctx, "a@x.example", []string{"alice@crepes.fr"}, strings.NewReader(hops(MaxReceivedHeaders))); err != nil {
		t.Fatalf("%d hops refused: %v", MaxReceivedHeaders, err)
	}
	err = c.SendMail(ctx, "a@x.example", []string{"alice@crepes.fr"}, strings.NewReader(hops(MaxReceivedHeaders+1)))
	var r *smtp.Reply
	if !errors.As(err, &r) || r.Code != 554 {
		t.Fatalf("%d hops: %v, want 554", MaxReceivedHeaders+1, err)
	}
	if envs, _ := q.Spool.Load(); len(envs) != 1 {
		t.Errorf("spool holds %d messages, want 1", len(envs))
	}
}

// TestSuccessNotification: NOTIFY=SUCCESS on a local recipient brings the
// sender a "delivered" report (RFC 3461 section 4.1); NOTIFY unset does not.
func TestSuccessNotification(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	st := &memStore{}
	tr := &fakeTransport{}
	q := newQueue(t, t.TempDir(), tr, st, clk)
	ctx := context.Background()
	q.Enqueue(ctx, "sender@far.example", smtp.MailOptions{EnvelopeID: "e2"},
		[]smtp.Rcpt{{To: "bob@crepes.fr", Options: smtp.RcptOptions{Notify: smtp.NotifySuccess | smtp.NotifyFailure}}, {To: "carol@crepes.fr"}},
		strings.NewReader("Subject: hi\r\n\r\nbody\r\n"))
	q.RunOnce(ctx) // delivers locally, queues the report to the remote sender
	q.RunOnce(ctx) // relays the report
	if len(st.box("bob")) != 1 || len(st.box("carol")) != 1 {
		t.Fatalf("local delivery failed")
	}
	if len(tr.bodies) != 1 {
		t.Fatalf("%d reports relayed, want 1", len(tr.bodies))
	}
	report := tr.bodies[0]
	for _, want := range []string{"Subject: Successful Mail Delivery Report", "Final-Recipient: rfc822; bob@crepes.fr", "Action: delivered", "Status: 2.0.0", "Original-Envelope-Id: e2"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, "carol@") {
		t.Errorf("report mentions carol, who did not ask")
	}
}

// gateTransport holds deliveries to "slow.example" until one to
// "fast.example" has happened: it only finishes if the queue delivers
// messages in parallel.
type gateTransport struct {
	fastDone chan struct{}
	once     sync.Once
}

func (g *gateTransport) Deliver(ctx context.Context, domain string, mail smtp.Mail, rcpts []smtp.Rcpt, msg io.ReaderAt, size int64) ([]error, error) {
	switch domain {
	case "slow.example":
		select {
		case <-g.fastDone:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	case "fast.example":
		g.once.Do(func() { close(g.fastDone) })
	}
	return make([]error, len(rcpts)), nil
}

func TestQueueParallel(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	q := newQueue(t, t.TempDir(), &gateTransport{fastDone: make(chan struct{})}, &memStore{}, clk)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	q.Enqueue(ctx, "a@crepes.fr", smtp.MailOptions{}, []smtp.Rcpt{{To: "x@slow.example"}}, strings.NewReader("1\r\n"))
	q.Enqueue(ctx, "a@crepes.fr", smtp.MailOptions{}, []smtp.Rcpt{{To: "x@fast.example"}}, strings.NewReader("2\r\n"))
	if _, err := q.RunOnce(ctx); err != nil {
		t.Fatalf("RunOnce: %v (a slow exchanger blocked the queue)", err)
	}
	if envs, _ := q.Spool.Load(); len(envs) != 0 {
		t.Errorf("spool still holds %d messages", len(envs))
	}
}
