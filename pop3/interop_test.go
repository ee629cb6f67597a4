//go:build unix

package pop3

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"github.com/applayer/applayer/internal/interop"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/applayer/applayer/internal/mailstore"
)

// The tests in this file run real third-party POP3 peers on loopback
// (PEERS.md): Python's poplib and curl as clients of our server, and
// Dovecot's POP3 server for our client.

const poplibScript = `
import poplib, ssl, sys
port, cafile = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=cafile)
p = poplib.POP3("127.0.0.1", port, timeout=10)
print("welcome", p.getwelcome().decode())
print("capa", sorted(p.capa().keys()))
p.stls(context=ctx)
p.user("bob")
p.pass_("hungry")
print("stat", p.stat())
resp, listing, _ = p.list()
print("list", [l.decode() for l in listing])
resp, lines, octets = p.retr(1)
print("retr", len(lines), octets, lines[4].decode())
resp, lines, _ = p.top(2, 0)
print("top", [l.decode() for l in lines])
print("uidl", [l.decode() for l in p.uidl()[1]])
print("dele", p.dele(1).decode())
print("quit", p.quit().decode())
p = poplib.POP3("127.0.0.1", port, timeout=10)
p.stls(context=ctx)
p.apop("bob", "hungry")
print("apop stat", p.stat())
p.quit()
`

func TestInteropPythonPoplib(t *testing.T) {
	py := interop.Require(t, "python3")
	cfg, _, certPEM, _ := testTLSConfig(t)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, certPEM, 0o600)
	b := lessonBackend()
	addr := startServer(t, &Server{Backend: b, TLSConfig: cfg})
	_, port, _ := net.SplitHostPort(addr)
	out, err := exec.Command(py, "-c", poplibScript, port, ca).CombinedOutput()
	if err != nil {
		t.Fatalf("poplib: %v\n%s", err, out)
	}
	want := []string{
		"capa ['AUTH-RESP-CODE', 'EXPIRE', 'IMPLEMENTATION', 'PIPELINING', 'RESP-CODES', 'STLS', 'TOP', 'UIDL']",
		"stat (2, 1410)",
		"list ['1 498', '2 912']",
		"retr 15 498 Do you like ketchup? How about pickles?",
		"top ['From: alice@crepes.fr', 'To: bob@hamburger.edu', 'Subject: message 2', '']",
		"uidl ['1 m1', '2 m2']",
		"dele +OK message 1 deleted",
		"quit +OK POP3 server signing off",
		"apop stat (1, 912)",
	}
	for _, w := range want {
		if !strings.Contains(string(out), w+"\n") {
			t.Errorf("poplib output lacks %q:\n%s", w, out)
		}
	}
}

func TestInteropCurl(t *testing.T) {
	curl := interop.Require(t, "curl")
	cfg, _, certPEM, _ := testTLSConfig(t)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, certPEM, 0o600)
	b := lessonBackend()
	addr := startServer(t, &Server{Backend: b, TLSConfig: cfg})
	run := func(args ...string) string {
		t.Helper()
		args = append([]string{"-sS", "--max-time", "10", "--ssl-reqd", "--cacert", ca, "--user", "bob:hungry"}, args...)
		out, err := exec.Command(curl, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("curl %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if got := run("pop3://" + addr + "/"); got != "1 498\r\n2 912\r\n" {
		t.Errorf("curl LIST = %q", got)
	}
	if got := run("pop3://" + addr + "/2"); got != lessonMessage(2, 912) {
		t.Errorf("curl RETR 2 = %q", got)
	}
	// A custom command: DELE, applied at curl's QUIT.
	run("-X", "DELE", "-I", "pop3://"+addr+"/1")
	if n := len(b.Messages("bob")); n != 1 {
		t.Errorf("after curl DELE bob has %d messages, want 1", n)
	}
}

// dovecot starts Dovecot's POP3 service on loopback (config of PEERS.md
// 3.3) for user alice/secret with the given messages in her Maildir, and
// returns the address of its POP3 listener.
func dovecot(t *testing.T, messages []string) (addr string, pool *x509.CertPool) {
	bin := interop.Require(t, "dovecot")
	if os.Geteuid() != 0 {
		t.Skip("Dovecot needs root to start here")
	}
	cfg, pool, certPEM, keyPEM := testTLSConfig(t)
	_ = cfg
	dir, err := os.MkdirTemp("", "pop3-dovecot")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	home := filepath.Join(dir, "home", "alice")
	for _, d := range []string{"run", "state", "Maildir/new", "Maildir/cur", "Maildir/tmp"} {
		p := filepath.Join(dir, d)
		if strings.HasPrefix(d, "Maildir") {
			p = filepath.Join(home, d)
		}
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i, m := range messages {
		os.WriteFile(filepath.Join(home, "Maildir", "new", fmt.Sprintf("100000000%d.M%dP1.test", i, i)), []byte(m), 0o644)
	}
	filepath.Walk(filepath.Join(dir, "home"), func(p string, _ os.FileInfo, _ error) error {
		return os.Chown(p, 65534, 65534)
	})
	os.WriteFile(filepath.Join(dir, "cert.pem"), certPEM, 0o644)
	os.WriteFile(filepath.Join(dir, "key.pem"), keyPEM, 0o600)
	os.WriteFile(filepath.Join(dir, "users"), []byte("alice:{PLAIN}secret:65534:65534::"+home+"::\n"), 0o644)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = pop3
listen = 127.0.0.1
ssl = yes
ssl_cert = <%[1]s/cert.pem
ssl_key = <%[1]s/key.pem
ssl_dh = </usr/share/dovecot/dh.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
pop3_uidl_format = %%08Xu%%08Xv
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/users
}
userdb {
  driver = passwd-file
  args = username_format=%%u %[1]s/users
}
service pop3-login {
  inet_listener pop3 {
    port = %[2]d
  }
  inet_listener pop3s {
    port = 0
  }
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = 0
  }
}
service auth {
  inet_listener {
    port = 0
  }
}
`, dir, port)
	confPath := filepath.Join(dir, "dovecot.conf")
	os.WriteFile(confPath, []byte(conf), 0o644)
	cmd := exec.Command(bin, "-F", "-c", confPath)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		cmd.Wait()
	})
	addr = fmt.Sprintf("127.0.0.1:%d", port)
	// Wait for the listener: poll with a bound, the only readiness signal
	// Dovecot gives.
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return addr, pool
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			t.Fatalf("Dovecot did not start: %v\n%s\n%s", err, stderr.String(), log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestInteropDovecot(t *testing.T) {
	msgs := []string{lessonMessage(1, 498), lessonMessage(2, 912), "Subject: dots\r\n\r\n.\r\n.leading\r\n"}
	addr, pool := dovecot(t, msgs)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	caps, err := c.Capa(ctx)
	if err != nil || !caps.Has("STLS") || !caps.Has("UIDL") {
		t.Fatalf("Capa = %v, %v", caps, err)
	}
	if err := c.StartTLS(ctx, &tls.Config{RootCAs: pool, ServerName: "localhost"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Login(ctx, "alice", "wrong"); err == nil {
		t.Fatal("wrong password accepted")
	}
	if err := c.AuthPlain(ctx, "alice", "secret"); err != nil {
		t.Fatal(err)
	}
	n, size, err := c.Stat(ctx)
	if err != nil || n != 3 || size != int64(498+912+len(msgs[2])) {
		t.Fatalf("Stat = %d, %d, %v", n, size, err)
	}
	list, err := c.List(ctx)
	if err != nil || len(list) != 3 || list[1].Size != 912 {
		t.Fatalf("List = %v, %v", list, err)
	}
	one, err := c.ListOne(ctx, 1)
	if err != nil || one.Size != 498 {
		t.Fatalf("ListOne = %v, %v", one, err)
	}
	uids, err := c.Uidl(ctx)
	if err != nil || len(uids) != 3 {
		t.Fatalf("Uidl = %v, %v", uids, err)
	}
	if u, err := c.UidlOne(ctx, 3); err != nil || u.UID != uids[2].UID {
		t.Fatalf("UidlOne = %v, %v", u, err)
	}
	for i, m := range msgs {
		r, err := c.Retr(ctx, i+1)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || string(got) != m {
			t.Errorf("Retr(%d) = %q, %v", i+1, got, err)
		}
	}
	r, err := c.Top(ctx, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(r); string(got) != "Subject: dots\r\n\r\n.\r\n" {
		t.Errorf("Top = %q", got)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
	c.Dele(ctx, 1)
	c.Rset(ctx)
	if err := c.Dele(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}

	// Download and keep against Dovecot: only the unseen are fetched.
	c, err = Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "alice", "secret"); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{uids[0].UID: true}
	var got []string
	_, err = c.Fetch(ctx, FetchOptions{Seen: func(u string) bool { return seen[u] }}, func(m MessageInfo, r io.Reader) error {
		got = append(got, m.UID)
		_, err := io.Copy(io.Discard, r)
		return err
	})
	if err != nil || len(got) != 1 || got[0] != uids[2].UID {
		t.Errorf("Fetch(keep) = %v, %v; want only %s", got, err, uids[2].UID)
	}
	c.Quit(ctx)
}

// TestInteropMailstoreWithPoplib serves the durable store to poplib: the
// mail server's real configuration.
func TestInteropMailstoreWithPoplib(t *testing.T) {
	py := interop.Require(t, "python3")
	store, err := mailstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store.Deliver(ctx, "bob", mailstore.Inbox, strings.NewReader(lessonMessage(1, 498)))
	store.Deliver(ctx, "bob", mailstore.Inbox, strings.NewReader(lessonMessage(2, 912)))
	srv := NewStoreServer(store, map[string]string{"bob": "hungry"}, nil)
	addr := startServer(t, srv)
	_, port, _ := net.SplitHostPort(addr)
	script := `
import poplib, sys
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=10)
p.user("bob"); p.pass_("hungry")
print(p.stat())
for i in (1, 2):
    p.retr(i); p.dele(i)
print(p.quit().decode())
`
	out, err := exec.Command(py, "-c", script, port).CombinedOutput()
	if err != nil {
		t.Fatalf("poplib: %v\n%s", err, out)
	}
	if string(out) != "(2, 1410)\n+OK POP3 server signing off\n" {
		t.Errorf("poplib output %q", out)
	}
	if st, _ := store.Status(ctx, "bob", mailstore.Inbox); st.Messages != 0 {
		t.Errorf("store holds %d messages after poplib's QUIT", st.Messages)
	}
}

// TestInteropMpop runs mpop, a real POP3 mail retriever, against our server
// with STLS and AUTH PLAIN, delivering into a Maildir, first keeping the
// messages and then deleting them.
func TestInteropMpop(t *testing.T) {
	mpop := interop.Require(t, "mpop")
	cfg, _, certPEM, _ := testTLSConfig(t)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, certPEM, 0o600)
	maildir := filepath.Join(dir, "Maildir")
	for _, d := range []string{"tmp", "new", "cur"} {
		os.MkdirAll(filepath.Join(maildir, d), 0o700)
	}
	b := lessonBackend()
	addr := startServer(t, &Server{Backend: b, TLSConfig: cfg})
	host, port, _ := net.SplitHostPort(addr)
	rc := filepath.Join(dir, "mpoprc")
	conf := fmt.Sprintf(`account default
host %s
port %s
user bob
password hungry
auth plain
tls on
tls_starttls on
tls_trust_file %s
tls_host_override localhost
delivery maildir %s
uidls_file %s
keep %%s
`, host, port, ca, maildir, filepath.Join(dir, "uidls"))
	run := func(keep string) string {
		os.WriteFile(rc, []byte(fmt.Sprintf(conf, keep)), 0o600)
		out, err := exec.Command(mpop, "-C", rc, "-a", "-q").CombinedOutput()
		if err != nil {
			t.Fatalf("mpop: %v\n%s", err, out)
		}
		ents, _ := os.ReadDir(filepath.Join(maildir, "new"))
		return fmt.Sprint(len(ents))
	}
	if got := run("on"); got != "2" {
		t.Errorf("mpop (keep on) delivered %s messages, want 2", got)
	}
	if n := len(b.Messages("bob")); n != 2 {
		t.Errorf("keep mode left %d on the server, want 2", n)
	}
	// With keep off, mpop deletes; it skips what its UIDL file says it has.
	if got := run("off"); got != "2" {
		t.Errorf("second mpop run left %s messages in the Maildir, want 2 (nothing fetched twice)", got)
	}
	if n := len(b.Messages("bob")); n != 0 {
		t.Errorf("after mpop with keep off, %d messages on the server, want 0", n)
	}
}
