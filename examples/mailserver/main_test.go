package main_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/applayer/applayer/imap"
	"github.com/applayer/applayer/pop3"
	"time"

	"github.com/applayer/applayer/dns"
)

// binDir holds the programs, built once for all tests (TestMain).
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "applayer-mailserver-test-")
	if err != nil {
		panic(err)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var buildMu sync.Mutex

// build compiles pkg into binDir the first time it is asked for.
func build(t *testing.T, _ string, pkg string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	bin := filepath.Join(binDir, filepath.Base(pkg))
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// TestMailserverAndSendmail runs the two programs as processes: a message
// submitted with AUTH lands in the user's INBOX in the mailstore, an unauthenticated relay
// attempt is refused, and SIGTERM stops the server cleanly.
func TestMailserverAndSendmail(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two programs")
	}
	dir := t.TempDir()
	server := build(t, dir, "github.com/applayer/applayer/examples/mailserver")
	sendmail := build(t, dir, "github.com/applayer/applayer/examples/sendmail")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	store := filepath.Join(dir, "store")
	srv := exec.CommandContext(ctx, server, "-domain", "hamburger.edu", "-user", "bob:hungry",
		"-smtp", "127.0.0.1:0", "-submission", "127.0.0.1:0", "-pop3", "127.0.0.1:0", "-imap", "127.0.0.1:0", "-store", store, "-tls")
	stdout, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	addrs := map[string]string{}
	sc := bufio.NewScanner(stdout)
	for len(addrs) < 4 && sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 || f[0] != "listening" || f[1] != "on" {
			t.Fatalf("unexpected line %q", sc.Text())
		}
		addrs[f[2]] = f[3]
	}
	send := func(addr string, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, sendmail, append([]string{"-server", addr, "-insecure"}, args...)...)
		cmd.Stdin = strings.NewReader("Subject: ketchup\n\nDo you like ketchup?\nHow about pickles?\n")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := send(addrs["smtp"], "-from", "alice@crepes.fr", "-to", "bob@hamburger.edu"); err != nil {
		t.Fatalf("sendmail to smtp: %v\n%s", err, out)
	}
	if out, err := send(addrs["smtp"], "-from", "spam@x.example", "-to", "victim@elsewhere.example"); err == nil ||
		!strings.Contains(out, "554 5.7.1 Relay access denied") {
		t.Errorf("relay attempt: err %v, output %q; want 554 refusal", err, out)
	}
	if out, err := send(addrs["submission"], "-from", "bob@hamburger.edu", "-to", "bob@hamburger.edu"); err == nil ||
		!strings.Contains(out, "530") {
		t.Errorf("submission without AUTH: err %v, output %q; want 530", err, out)
	}
	if out, err := send(addrs["submission"], "-user", "bob:hungry", "-from", "bob@hamburger.edu", "-to", "bob@hamburger.edu"); err != nil {
		t.Fatalf("submission with AUTH: %v\n%s", err, out)
	}
	newDir := filepath.Join(store, "mailboxes", "bob", "INBOX", "new")
	var ents []os.DirEntry
	for i := 0; i < 200 && len(ents) < 2; i++ {
		ents, _ = os.ReadDir(newDir)
		time.Sleep(25 * time.Millisecond) // the queue delivers in the background
	}
	if len(ents) != 2 {
		t.Fatalf("bob's Maildir has %d messages, want 2", len(ents))
	}
	b, _ := os.ReadFile(filepath.Join(newDir, ents[0].Name()))
	if !strings.Contains(string(b), "Do you like ketchup?\r\nHow about pickles?\r\n") || !strings.HasPrefix(string(b), "Received: ") {
		t.Errorf("message:\n%s", b)
	}
	// Bob reads the same mailbox over POP3, after STLS.
	pc, err := pop3.Dial(ctx, addrs["pop3"])
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if err := pc.StartTLS(ctx, &tls.Config{InsecureSkipVerify: true}); err != nil {
		t.Fatalf("STLS: %v", err)
	}
	if err := pc.Login(ctx, "bob", "hungry"); err != nil {
		t.Fatalf("POP3 login: %v", err)
	}
	msgs, err := pc.List(ctx)
	if err != nil || len(msgs) != 2 {
		t.Fatalf("POP3 LIST: %v, %v; want 2 messages", msgs, err)
	}
	pc.Quit(ctx)
	// And over IMAP, after STARTTLS: the same two messages, kept on the server.
	ic, err := imap.Dial(ctx, addrs["imap"], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ic.Close()
	if err := ic.StartTLS(ctx, &tls.Config{InsecureSkipVerify: true}); err != nil {
		t.Fatalf("IMAP STARTTLS: %v", err)
	}
	if err := ic.Login(ctx, "bob", "hungry"); err != nil {
		t.Fatalf("IMAP LOGIN: %v", err)
	}
	sel, err := ic.Select(ctx, "INBOX", true)
	if err != nil || sel.Messages != 2 {
		t.Fatalf("IMAP SELECT INBOX: %+v, %v; want 2 messages", sel, err)
	}
	ic.Logout(ctx)
	srv.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(); err != nil {
		t.Errorf("server exit after SIGTERM: %v", err)
	}
}

// TestRelayThroughMXAcrossCrash is the lesson across processes: Alice
// submits to crepes.fr, whose MX look-up (in a DNS server of ours) points at
// hamburger.edu. hamburger.edu is down at first, so the message waits in
// crepes.fr's queue; crepes.fr is then killed (SIGKILL), hamburger.edu comes
// up, crepes.fr restarts, and Bob gets the message exactly once.
func TestRelayThroughMXAcrossCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs programs")
	}
	dir := t.TempDir()
	server := build(t, dir, "github.com/applayer/applayer/examples/mailserver")
	sendmail := build(t, dir, "github.com/applayer/applayer/examples/sendmail")
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	dnsAddr := startDNS(t, "hamburger.edu", "mx.hamburger.edu", "127.0.0.1")
	hamburgerPort := freePort(t)

	crepesStore := filepath.Join(dir, "crepes")
	startCrepes := func() (*exec.Cmd, map[string]string) {
		return start(t, ctx, server, "-domain", "crepes.fr", "-user", "alice:ketchup", "-smtp", "", "-submission", "127.0.0.1:0",
			"-store", crepesStore, "-dns", dnsAddr, "-mx-port", hamburgerPort, "-retry", "100ms")
	}
	crepes, addrs := startCrepes()
	cmd := exec.CommandContext(ctx, sendmail, "-server", addrs["submission"], "-user", "alice:ketchup",
		"-from", "alice@crepes.fr", "-to", "bob@hamburger.edu")
	cmd.Stdin = strings.NewReader("Subject: Lunch\n\nDo you like ketchup?\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sendmail: %v\n%s", err, out)
	}
	crepes.Process.Kill() // SIGKILL: no chance to clean up
	crepes.Wait()

	hamburgerStore := filepath.Join(dir, "hamburger")
	hamburger, _ := start(t, ctx, server, "-domain", "hamburger.edu", "-user", "bob:hungry", "-smtp", "127.0.0.1:"+hamburgerPort, "-store", hamburgerStore)
	defer func() { hamburger.Process.Signal(syscall.SIGTERM); hamburger.Wait() }()
	crepes, _ = startCrepes()
	defer func() { crepes.Process.Signal(syscall.SIGTERM); crepes.Wait() }()

	// Wait until both queues are empty: crepes.fr handed the message over
	// and hamburger.edu delivered it into Bob's INBOX.
	for _, queue := range []string{filepath.Join(crepesStore, "queue", "msg"), filepath.Join(hamburgerStore, "queue", "msg")} {
		for {
			ents, err := os.ReadDir(queue)
			if err == nil && len(ents) == 0 {
				break
			}
			select {
			case <-ctx.Done():
				t.Fatalf("queue %s never emptied: %d files, %v", queue, len(ents), err)
			case <-time.After(50 * time.Millisecond): // the queues work in the background
			}
		}
	}
	inbox := filepath.Join(hamburgerStore, "mailboxes", "bob", "INBOX", "new")
	ents, _ := os.ReadDir(inbox)
	if len(ents) != 1 {
		t.Fatalf("Bob's INBOX holds %d messages, want exactly 1", len(ents))
	}
	b, _ := os.ReadFile(filepath.Join(inbox, ents[0].Name()))
	if !strings.Contains(string(b), "Do you like ketchup?") || strings.Count(string(b), "Received: ") != 2 {
		t.Errorf("Bob's message:\n%s", b)
	}
}

// start runs a server program and returns it with its listeners by proto.
func start(t *testing.T, ctx context.Context, bin string, args ...string) (*exec.Cmd, map[string]string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = testWriter{t}
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addrs := map[string]string{}
	sc := bufio.NewScanner(stdout)
	want := 0
	for i := 0; i+1 < len(args); i++ {
		if (args[i] == "-smtp" || args[i] == "-submission") && args[i+1] != "" {
			want++
		}
	}
	for len(addrs) < want && sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 4 && f[0] == "listening" {
			addrs[f[2]] = f[3]
		}
	}
	if len(addrs) < want {
		t.Fatalf("%s printed %d listening lines, want %d", bin, len(addrs), want)
	}
	return cmd, addrs
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

// startDNS serves a zone for domain whose MX is mx at addr.
func startDNS(t *testing.T, domain, mx, addr string) string {
	zone := fmt.Sprintf("$ORIGIN %s.\n@ 3600 SOA ns hostmaster 1 10800 3600 604800 300\n@ NS ns\nns A 127.0.0.1\n@ MX 10 %s.\n%s. A %s\n", domain, mx, mx, addr)
	rrs, err := dns.ParseZone(strings.NewReader(zone), dns.Root, domain+".zone")
	if err != nil {
		t.Fatal(err)
	}
	z, err := dns.NewZone(dns.MustName(domain+"."), rrs)
	if err != nil {
		t.Fatal(err)
	}
	pc, l, err := dns.ListenUDPTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{Handler: z, Logger: slog.New(slog.DiscardHandler)}
	go srv.ServePacket(pc)
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return pc.LocalAddr().String()
}

// testWriter sends a program's log to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
