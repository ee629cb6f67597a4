package main_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/applayer/applayer/dns"
	"github.com/applayer/applayer/imap"
	"github.com/applayer/applayer/internal/interop"
	"github.com/applayer/applayer/internal/loopback"
	"github.com/applayer/applayer/mime"
	"github.com/applayer/applayer/pop3"
	"github.com/applayer/applayer/smtp"
)

// The two mail exchangers of the lesson, on two loopback addresses of one
// process and on the same SMTP port, as two real servers would both use 25.
const (
	crepesIP    = "127.0.0.2"
	hamburgerIP = "127.0.0.3"
)

var insecure = &tls.Config{InsecureSkipVerify: true} // the servers' certificates are self-signed

// TestMailSystem is the whole lesson in one process pair: one mailserver
// serves crepes.fr and hamburger.edu; our DNS server holds their MX
// records. Alice submits a message with a picture to crepes.fr, which relays
// it to hamburger.edu through the MX look-up, and Bob, waiting in IMAP IDLE,
// hears of it at once. He reads it over POP3 (keeping it on the server) and
// over IMAP (the structure first, then only the text), with our clients and
// with Python's; after a restart of the server the message is still there.
func TestMailSystem(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the mail server")
	}
	dir := t.TempDir()
	server := build(t, dir, "github.com/applayer/applayer/examples/mailserver")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	port := sharedPort(t, crepesIP, hamburgerIP)
	dnsAddr, asked := startMailDNS(t, map[string]string{"crepes.fr": crepesIP, "hamburger.edu": hamburgerIP})
	args := []string{
		"-domain", "crepes.fr,smtp=" + net.JoinHostPort(crepesIP, port) + ",submission=127.0.0.1:0",
		"-domain", "hamburger.edu,smtp=" + net.JoinHostPort(hamburgerIP, port) + ",pop3=127.0.0.1:0,imap=127.0.0.1:0",
		"-user", "alice@crepes.fr:ketchup", "-user", "bob@hamburger.edu:hungry",
		"-store", dir + "/store", "-dns", dnsAddr, "-mx-port", port, "-tls", "-retry", "100ms",
	}
	srv, addrs := startListening(t, ctx, server, 5, args...)

	// Bob waits for mail in IDLE; the handler hears the EXISTS push.
	exists := make(chan uint32, 4)
	idler := dialIMAP(t, ctx, addrs["imap@hamburger.edu"], &imap.ClientOptions{UnilateralHandler: func(r *imap.Response) {
		if r.Name == "EXISTS" {
			select {
			case exists <- r.Num:
			default: // the handler must never block the connection
			}
		}
	}})
	if sel, err := idler.Select(ctx, "INBOX", true); err != nil || sel.Messages != 0 {
		t.Fatalf("SELECT INBOX before the mail: %+v, %v; want empty", sel, err)
	}
	idle, err := idler.Idle(ctx)
	if err != nil {
		t.Fatalf("IDLE: %v", err)
	}

	// Alice writes a text with a picture and submits it to crepes.fr.
	picture := smallPNG(t)
	const text = "Bob, here is the crepe I had for lunch.\n"
	msg, err := (&mime.Builder{
		From:        []mime.Address{{Name: "Alice", Addr: "alice@crepes.fr"}},
		To:          []mime.Address{{Name: "Bob", Addr: "bob@hamburger.edu"}},
		Subject:     "Lunch",
		Date:        time.Now(),
		Text:        text,
		Attachments: []mime.Attachment{{Filename: "crepe.png", ContentType: "image/png", Data: picture}},
	}).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := smtp.Dial(ctx, addrs["submission@crepes.fr"])
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if err := sc.StartTLS(ctx, insecure); err != nil {
		t.Fatalf("submission STARTTLS: %v", err)
	}
	if err := sc.Auth(ctx, "alice", "ketchup"); err != nil {
		t.Fatalf("submission AUTH: %v", err)
	}
	if err := sc.SendMail(ctx, "alice@crepes.fr", []string{"bob@hamburger.edu"}, bytes.NewReader(msg)); err != nil {
		t.Fatalf("submission: %v", err)
	}
	sc.Quit(ctx)

	// crepes.fr's queue looks up hamburger.edu's MX and hands the message
	// to its SMTP port; the delivery into Bob's INBOX wakes the IDLE.
	select {
	case n := <-exists:
		if n != 1 {
			t.Errorf("IDLE pushed %d EXISTS, want 1", n)
		}
	case <-ctx.Done():
		t.Fatal("no EXISTS during IDLE: the message never reached Bob")
	}
	if q := asked(); !strings.Contains(q, "hamburger.edu. IN MX") {
		t.Errorf("the relay never asked our DNS server for hamburger.edu's MX; questions: %s", q)
	}
	if err := idle.Done(); err != nil {
		t.Fatalf("IDLE DONE: %v", err)
	}
	idler.Logout(ctx)

	wantB64 := base64.StdEncoding.EncodeToString(picture)
	// (a) POP3, download and keep: the whole message, no DELE.
	checkPOP3 := func(addr string) {
		t.Helper()
		raw := popRetrieve(t, ctx, addr)
		flat := strings.ReplaceAll(raw, "\r\n", "")
		if !strings.Contains(raw, "Bob, here is the crepe I had for lunch.") || !strings.Contains(flat, wantB64) ||
			strings.Count(raw, "Received: ") != 2 || !strings.Contains(raw, "by mx.hamburger.edu with ESMTPS;") ||
			!strings.Contains(raw, "by mx.crepes.fr with ESMTPSA;") {
			t.Errorf("POP3 message lacks the text, the picture or the two Received lines (TLS on both hops):\n%s", raw)
		}
	}
	checkPOP3(addrs["pop3@hamburger.edu"])
	checkPOP3(addrs["pop3@hamburger.edu"]) // still there: POP3 kept it

	// (b) IMAP: BODYSTRUCTURE first, then only the text part; the picture
	// never crosses the wire.
	checkIMAP := func(addr string) {
		t.Helper()
		var wire bytes.Buffer
		ic := dialIMAP(t, ctx, addr, &imap.ClientOptions{DebugWriter: &wire})
		if sel, err := ic.Select(ctx, "INBOX", true); err != nil || sel.Messages != 1 {
			t.Fatalf("IMAP SELECT: %+v, %v; want 1 message", sel, err)
		}
		fd, err := ic.Fetch(ctx, imap.SeqSetOf(1), false, imap.FetchItem{Name: imap.FetchBodyStructure})
		if err != nil || len(fd) != 1 || fd[0].BodyStructure == nil {
			t.Fatalf("FETCH BODYSTRUCTURE: %v, %v", fd, err)
		}
		textPart, imagePart := "", ""
		fd[0].BodyStructure.Walk(func(part string, p *imap.BodyStructure) bool {
			switch strings.ToLower(p.Type + "/" + p.Subtype) {
			case "text/plain":
				textPart = part
			case "image/png":
				imagePart = part
			}
			return true
		})
		if textPart == "" || imagePart == "" {
			t.Fatalf("BODYSTRUCTURE %+v: want a text/plain and an image/png part", fd[0].BodyStructure)
		}
		sec, err := imap.ParseSection(textPart)
		if err != nil {
			t.Fatal(err)
		}
		item := imap.FetchItem{Name: imap.FetchBody, Section: &sec, Peek: true}
		fd, err = ic.Fetch(ctx, imap.SeqSetOf(1), false, item)
		if err != nil || len(fd) != 1 {
			t.Fatalf("FETCH %s: %v, %v", item, fd, err)
		}
		if got := string(fd[0].Section(item.ResponseKey())); !strings.Contains(got, "Bob, here is the crepe I had for lunch.") {
			t.Errorf("text part %s = %q", textPart, got)
		}
		ic.Logout(ctx)
		if strings.Contains(strings.ReplaceAll(wire.String(), "\r\n", ""), wantB64[:40]) {
			t.Errorf("the picture crossed the wire though only the text was fetched:\n%s", wire.String())
		}
	}
	checkIMAP(addrs["imap@hamburger.edu"])

	// (c) Python's poplib and imaplib read the same mailbox (a subtest, so
	// that a missing python3 skips only this part).
	t.Run("python", func(t *testing.T) {
		checkPython(t, ctx, addrs["pop3@hamburger.edu"], addrs["imap@hamburger.edu"], wantB64)
	})

	// A restart loses nothing.
	srv.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(); err != nil {
		t.Fatalf("server exit after SIGTERM: %v", err)
	}
	_, addrs = startListening(t, ctx, server, 5, args...)
	checkPOP3(addrs["pop3@hamburger.edu"])
	checkIMAP(addrs["imap@hamburger.edu"])
}

// checkPython reads Bob's message with Python's poplib (download and keep)
// and imaplib (BODYSTRUCTURE, then the text part), both after STARTTLS.
func checkPython(t *testing.T, ctx context.Context, pop3Addr, imapAddr, wantB64 string) {
	t.Helper()
	python := interop.Require(t, "python3")
	const script = `
import imaplib, poplib, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
host, port = sys.argv[1].rsplit(":", 1)
p = poplib.POP3(host, int(port), timeout=10)
p.stls(context=ctx)
p.user("bob"); p.pass_("hungry")
count, _ = p.stat()
resp, lines, _ = p.retr(1)
p.quit()
print("POP3", count, "".join(l.decode() for l in lines))
host, port = sys.argv[2].rsplit(":", 1)
m = imaplib.IMAP4(host, int(port), timeout=10)
m.starttls(ssl_context=ctx)
m.login("bob", "hungry")
typ, data = m.select("INBOX", readonly=True)
print("IMAP", data[0].decode())
typ, data = m.fetch("1", "(BODYSTRUCTURE)")
print("STRUCTURE", data[0].decode())
typ, data = m.fetch("1", "(BODY.PEEK[1])")
print("TEXT", data[0][1].decode().strip())
m.logout()
`
	out, err := exec.CommandContext(ctx, python, "-c", script, pop3Addr, imapAddr).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	got := string(out)
	for _, want := range []string{
		"POP3 1 ", wantB64[:40], "IMAP 1\n", `"IMAGE" "PNG"`, "TEXT Bob, here is the crepe I had for lunch.",
	} {
		if !strings.Contains(strings.ToUpper(got), strings.ToUpper(want)) {
			t.Errorf("python3 output lacks %q:\n%s", want, got)
		}
	}
}

// popRetrieve logs in as Bob over POP3 with STLS, retrieves message 1 and
// quits without deleting it.
func popRetrieve(t *testing.T, ctx context.Context, addr string) string {
	t.Helper()
	pc, err := pop3.Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if err := pc.StartTLS(ctx, insecure); err != nil {
		t.Fatalf("STLS: %v", err)
	}
	if err := pc.Login(ctx, "bob", "hungry"); err != nil {
		t.Fatalf("POP3 login: %v", err)
	}
	if n, _, err := pc.Stat(ctx); err != nil || n != 1 {
		t.Fatalf("POP3 STAT: %d messages, %v; want 1", n, err)
	}
	r, err := pc.Retr(ctx, 1)
	if err != nil {
		t.Fatalf("RETR: %v", err)
	}
	b, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		t.Fatalf("RETR: %v", err)
	}
	if err := pc.Quit(ctx); err != nil {
		t.Fatalf("QUIT: %v", err)
	}
	return string(b)
}

// dialIMAP connects to addr, upgrades with STARTTLS and logs in as Bob.
func dialIMAP(t *testing.T, ctx context.Context, addr string, opts *imap.ClientOptions) *imap.Client {
	t.Helper()
	ic, err := imap.Dial(ctx, addr, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ic.Close() })
	if err := ic.StartTLS(ctx, insecure); err != nil {
		t.Fatalf("IMAP STARTTLS: %v", err)
	}
	if err := ic.Login(ctx, "bob", "hungry"); err != nil {
		t.Fatalf("IMAP LOGIN: %v", err)
	}
	return ic
}

// smallPNG is Alice's picture: an 8x8 image with a gradient.
func smallPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := range 8 {
		for y := range 8 {
			img.Set(x, y, color.RGBA{uint8(32 * x), uint8(32 * y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// startListening runs the mail server and waits for its n listening lines;
// it returns the addresses by the line's protocol field (proto@domain).
func startListening(t *testing.T, ctx context.Context, bin string, n int, args ...string) (*exec.Cmd, map[string]string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = testWriter{t}
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() { once.Do(func() { cmd.Process.Kill(); cmd.Wait() }) }
	t.Cleanup(stop)
	addrs := map[string]string{}
	sc := bufio.NewScanner(stdout)
	for len(addrs) < n && sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 4 && f[0] == "listening" {
			addrs[f[2]] = f[3]
		}
	}
	if len(addrs) < n {
		t.Fatalf("%s printed %d listening lines, want %d: %v", bin, len(addrs), n, addrs)
	}
	return cmd, addrs
}

// sharedPort finds a TCP port free on every one of the loopback addresses
// ips (Linux routes all of 127.0.0.0/8 to the loopback interface).
func sharedPort(t *testing.T, ips ...string) string {
	t.Helper()
	if err := loopback.Check(ips...); errors.Is(err, loopback.ErrNoAlias) {
		t.Skipf("the two mail exchangers need loopback addresses this machine lacks: %v", err)
	}
	for range 20 {
		l, err := net.Listen("tcp", net.JoinHostPort(ips[0], "0"))
		if err != nil {
			t.Fatalf("cannot listen on %s: %v", ips[0], err)
		}
		_, port, _ := net.SplitHostPort(l.Addr().String())
		free := true
		var others []net.Listener
		for _, ip := range ips[1:] {
			o, err := net.Listen("tcp", net.JoinHostPort(ip, port))
			if err != nil {
				free = false
				break
			}
			others = append(others, o)
		}
		l.Close()
		for _, o := range others {
			o.Close()
		}
		if free {
			return port
		}
	}
	t.Fatal("no port free on all of", ips)
	return ""
}

// startMailDNS serves a zone per domain whose MX is mx.DOMAIN at the given
// address. It returns the server's address and a function listing the
// questions asked so far.
func startMailDNS(t *testing.T, domains map[string]string) (string, func() string) {
	t.Helper()
	var mux dns.ServeMux
	for domain, addr := range domains {
		zone := "$ORIGIN " + domain + ".\n@ 3600 SOA ns hostmaster 1 10800 3600 604800 300\n@ NS ns\nns A 127.0.0.1\n" +
			"@ MX 10 mx\nmx A " + addr + "\n"
		rrs, err := dns.ParseZone(strings.NewReader(zone), dns.Root, domain+".zone")
		if err != nil {
			t.Fatal(err)
		}
		z, err := dns.NewZone(dns.MustName(domain+"."), rrs)
		if err != nil {
			t.Fatal(err)
		}
		mux.Handle(dns.MustName(domain+"."), z)
	}
	pc, l, err := dns.ListenUDPTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var questions []string
	record := dns.HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) {
		mu.Lock()
		for _, q := range r.Question {
			questions = append(questions, strings.Join(strings.Fields(q.String()), " "))
		}
		mu.Unlock()
		mux.ServeDNS(ctx, w, r)
	})
	srv := &dns.Server{Handler: record, Logger: slog.New(slog.DiscardHandler)}
	go srv.ServePacket(pc)
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return pc.LocalAddr().String(), func() string {
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(questions, "; ")
	}
}
