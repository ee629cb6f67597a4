package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/applayer/applayer/dns"
	"github.com/applayer/applayer/internal/mailstore"
	"github.com/applayer/applayer/mime"
	"github.com/applayer/applayer/smtp"
	"github.com/applayer/applayer/smtp/mta"
)

// runSMTP is the e-mail lesson end to end: Alice's user agent submits a
// message to her server at crepes.fr, which finds hamburger.edu's mail
// exchanger through an MX look-up and pushes the message there over SMTP;
// hamburger.edu's server puts it into Bob's mailbox.
func runSMTP(ctx context.Context, w io.Writer, short bool) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	quiet := slog.New(slog.DiscardHandler)
	tmp, err := os.MkdirTemp("", "applayer-tour-smtp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// hamburger.edu: Bob's mail server with his mailbox, in the durable
	// store its POP3 and IMAP servers would read.
	store, err := mailstore.Open(filepath.Join(tmp, "hamburger-mailboxes"))
	if err != nil {
		return err
	}
	bob := &notifyStore{LocalStore: mta.MailstoreDelivery{Store: store}, got: make(chan struct{}, 1)}
	hamburger, err := startMailServer(ctx, filepath.Join(tmp, "hamburger-queue"), "hamburger.edu", map[string]string{"bob": "hungry"}, bob, nil, quiet)
	if err != nil {
		return err
	}
	defer hamburger.stop()

	// The DNS of the lesson: an authoritative server for hamburger.edu,
	// whose MX record names its mail exchanger.
	dnsAddr, stopDNS, err := startTourDNS(quiet)
	if err != nil {
		return err
	}
	defer stopDNS()
	resolver := smtp.DNSResolver{R: &dns.Resolver{Servers: []string{dnsAddr}}}

	// crepes.fr: Alice's server; its relay dials port 25 of the exchanger,
	// which the tour maps to hamburger.edu's loopback port, and prints the
	// dialogue as it goes.
	var dialogue bytes.Buffer
	tap := &transcript{w: &dialogue, closed: make(chan struct{}, 1)}
	relay := &smtp.Relay{
		Resolver:  resolver,
		LocalName: "mx.crepes.fr",
		Logger:    quiet,
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			fmt.Fprintf(&dialogue, "\ncrepes.fr's SMTP client connects to %s (the tour maps it to %s):\n", addr, hamburger.addr)
			var d net.Dialer
			c, err := d.DialContext(ctx, network, hamburger.addr)
			if err != nil {
				return nil, err
			}
			return tap.wrap(c), nil
		},
	}
	crepes, err := startMailServer(ctx, filepath.Join(tmp, "crepes-queue"), "crepes.fr", map[string]string{"alice": "ketchup"}, newMemStore(), relay, quiet)
	if err != nil {
		return err
	}
	defer crepes.stop()

	// Step 1-2: Alice's user agent submits to her own server, which queues it.
	fmt.Fprintln(w, "Alice's user agent submits her message to crepes.fr's mail server (SMTP with AUTH):")
	conn, err := net.Dial("tcp", crepes.addr)
	if err != nil {
		return err
	}
	ua := &transcript{w: w, closed: make(chan struct{}, 1)}
	c, err := smtp.NewClient(ctx, ua.wrap(conn), "mx.crepes.fr")
	if err != nil {
		conn.Close()
		return err
	}
	c.LocalName = "alice-laptop.crepes.fr"
	if err := c.Auth(ctx, "alice", "ketchup"); err != nil {
		return err
	}
	// The user agent composes the message (header lines To:, From:,
	// Subject: are part of the message, not the SMTP envelope).
	compose := &mime.Builder{
		From:    []mime.Address{{Name: "Alice", Addr: "alice@crepes.fr"}},
		To:      []mime.Address{{Name: "Bob", Addr: "bob@hamburger.edu"}},
		Subject: "Lunch",
		Date:    time.Now(),
		Text:    "Do you like ketchup?\nHow about pickles?\n",
	}
	msg, err := compose.Bytes()
	if err != nil {
		return err
	}
	if err := c.SendMail(ctx, "alice@crepes.fr", []string{"bob@hamburger.edu"}, bytes.NewReader(msg)); err != nil {
		return err
	}
	c.Quit(ctx)
	<-ua.closed
	fmt.Fprintln(w, "The 250 after DATA came once the message was on disk in crepes.fr's outgoing queue.")

	// Steps 3-5: the queue looks up the MX and pushes the message.
	hosts, err := relay.Hosts(ctx, "hamburger.edu")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\ncrepes.fr asks the DNS server at %s for the MX of hamburger.edu: %s\n", dnsAddr, strings.Join(hosts, ", "))
	for _, ch := range []chan struct{}{bob.got, tap.closed} {
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("the message never reached Bob: %w", ctx.Err())
		}
	}
	tap.mu.Lock()
	w.Write(dialogue.Bytes())
	tap.mu.Unlock()

	// Step 6: Bob's user agent would now read it with POP3 or IMAP.
	snap, err := store.List(ctx, "bob", "INBOX")
	if err != nil || len(snap.Messages) != 1 {
		return fmt.Errorf("bob's INBOX: %v messages, %v", len(snap.Messages), err)
	}
	rd, err := store.Open(ctx, "bob", "INBOX", snap.Messages[0].UID)
	if err != nil {
		return err
	}
	defer rd.Close()
	body, err := io.ReadAll(rd)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nBob's INBOX at hamburger.edu now holds message UID %d (%d octets):\n", snap.Messages[0].UID, len(body))
	for _, line := range strings.Split(strings.TrimRight(string(body), "\r\n"), "\r\n") {
		fmt.Fprintf(w, "  | %s\n", line)
	}
	return nil
}

// mailServer is one domain's mail server in the tour.
type mailServer struct {
	addr string
	stop func()
}

func startMailServer(ctx context.Context, dir, domain string, users map[string]string, store mta.LocalStore, transport mta.Transport, log *slog.Logger) (*mailServer, error) {
	spool, err := mta.OpenSpool(dir)
	if err != nil {
		return nil, err
	}
	q := &mta.Queue{Spool: spool, Transport: transport, Local: store, LocalDomains: []string{domain},
		Hostname: "mx." + domain, Logger: log}
	srv := &smtp.Server{Hostname: "mx." + domain, Backend: &mta.Backend{Queue: q, Users: users, Hostname: "mx." + domain},
		AllowInsecureAuth: true, Logger: log}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	qctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); srv.Serve(l) }()
	go func() { defer wg.Done(); q.Run(qctx) }()
	return &mailServer{addr: l.Addr().String(), stop: func() {
		srv.Close()
		cancel()
		wg.Wait()
	}}, nil
}

// transcript prints an SMTP connection as the lesson's "S:"/"C:" lines.
type transcript struct {
	mu     sync.Mutex
	w      io.Writer
	part   map[string]*bytes.Buffer
	closed chan struct{} // signalled when a tapped connection closes
}

func (t *transcript) wrap(c net.Conn) net.Conn { return &tapConn{Conn: c, t: t} }

func (t *transcript) add(who string, p []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.part == nil {
		t.part = map[string]*bytes.Buffer{}
	}
	b := t.part[who]
	if b == nil {
		b = new(bytes.Buffer)
		t.part[who] = b
	}
	b.Write(p)
	for {
		line, err := b.ReadString('\n')
		if err != nil {
			b.WriteString(line) // incomplete: keep for later
			return
		}
		fmt.Fprintf(t.w, "  %s: %s\n", who, strings.TrimRight(line, "\r\n"))
	}
}

type tapConn struct {
	net.Conn
	t *transcript
}

func (c *tapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.t.add("S", p[:n])
	return n, err
}

func (c *tapConn) Close() error {
	err := c.Conn.Close()
	select {
	case c.t.closed <- struct{}{}:
	default:
	}
	return err
}

func (c *tapConn) Write(p []byte) (int, error) {
	c.t.add("C", p)
	return c.Conn.Write(p)
}

// memStore keeps mailboxes in memory.
type memStore struct {
	mu    sync.Mutex
	boxes map[string][]string
}

func newMemStore() *memStore { return &memStore{boxes: map[string][]string{}} }

func (m *memStore) Deliver(ctx context.Context, user string, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.boxes[user] = append(m.boxes[user], string(b))
	return nil
}

// notifyStore signals each delivery.
type notifyStore struct {
	mta.LocalStore
	got chan struct{}
}

func (n *notifyStore) Deliver(ctx context.Context, user string, r io.Reader) error {
	err := n.LocalStore.Deliver(ctx, user, r)
	if err == nil {
		select {
		case n.got <- struct{}{}:
		default:
		}
	}
	return err
}

// tourZone is hamburger.edu's zone: its mail exchanger is mx.hamburger.edu,
// which the tour puts on loopback.
const tourZone = `$ORIGIN hamburger.edu.
$TTL 3600
@      SOA dns hostmaster 1 10800 3600 604800 300
@      NS  dns
dns    A   127.0.0.1
@      MX  10 mx
mx     A   127.0.0.1
`

// startTourDNS serves the zone on a loopback port (UDP and TCP).
func startTourDNS(log *slog.Logger) (addr string, stop func(), err error) {
	rrs, err := dns.ParseZone(strings.NewReader(tourZone), dns.Root, "hamburger.edu.zone")
	if err != nil {
		return "", nil, err
	}
	zone, err := dns.NewZone(dns.MustName("hamburger.edu."), rrs)
	if err != nil {
		return "", nil, err
	}
	pc, l, err := dns.ListenUDPTCP("127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &dns.Server{Handler: zone, Logger: log}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); srv.ServePacket(pc) }()
	go func() { defer wg.Done(); srv.Serve(l) }()
	return pc.LocalAddr().String(), func() { srv.Close(); wg.Wait() }, nil
}
