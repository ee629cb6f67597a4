package smtp

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// requirePeer finds a third-party program for an interop test: missing,
// the test is skipped, unless APPLAYER_INTEROP=require makes it fail.
func requirePeer(t *testing.T, bin string) string {
	t.Helper()
	path, err := exec.LookPath(bin)
	if err != nil {
		if os.Getenv("APPLAYER_INTEROP") == "require" {
			t.Fatalf("interop peer %s not installed (APPLAYER_INTEROP=require)", bin)
		}
		t.Skipf("interop peer %s not installed; skipping", bin)
	}
	return path
}

func runPeer(t *testing.T, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// tlsAuthServer starts a server with STARTTLS and AUTH for interop tests.
func tlsAuthServer(t *testing.T) (addr, certFile string, b *memBackend) {
	srvTLS, _, certFile, _ := testTLS(t)
	b = &memBackend{users: map[string]string{"alice": "secret"}}
	addr = startServer(t, &Server{Hostname: "localhost", Backend: b, TLSConfig: srvTLS, RequireTLS: true})
	return addr, certFile, b
}

func checkOne(t *testing.T, b *memBackend, wantBody string) {
	t.Helper()
	msgs := b.messages()
	if len(msgs) != 1 {
		t.Fatalf("server stored %d messages, want 1", len(msgs))
	}
	if msgs[0].User != "alice" || !strings.Contains(msgs[0].Data, wantBody) {
		t.Errorf("stored %+v, want user alice and body %q", msgs[0], wantBody)
	}
}

func TestInteropPythonSmtplib(t *testing.T) {
	py := requirePeer(t, "python3")
	addr, certFile, b := tlsAuthServer(t)
	host, port, _ := net.SplitHostPort(addr)
	script := fmt.Sprintf(`
import smtplib, ssl
ctx = ssl.create_default_context(cafile=%q)
s = smtplib.SMTP(%q, %s, local_hostname="py.test")
s.ehlo(); s.starttls(context=ctx); s.ehlo()
s.login("alice", "secret")
s.sendmail("alice@crepes.fr", ["bob@hamburger.edu"], "Subject: py\r\n\r\n.leading dot from python\r\n")
print(s.noop()[0]); s.quit()
`, certFile, host, port)
	out := runPeer(t, py, "-c", script)
	if strings.TrimSpace(out) != "250" {
		t.Errorf("python printed %q", out)
	}
	checkOne(t, b, ".leading dot from python\r\n")
}

func TestInteropCurl(t *testing.T) {
	curl := requirePeer(t, "curl")
	addr, certFile, b := tlsAuthServer(t)
	msg := filepath.Join(t.TempDir(), "msg.eml")
	os.WriteFile(msg, []byte("Subject: curl\r\n\r\nhello from curl\r\n"), 0o600)
	runPeer(t, curl, "-sS", "--ssl-reqd", "--cacert", certFile, "--user", "alice:secret",
		"--mail-from", "alice@crepes.fr", "--mail-rcpt", "bob@hamburger.edu", "-T", msg,
		"smtp://localhost:"+portOf(addr))
	checkOne(t, b, "hello from curl\r\n")
}

func TestInteropSwaks(t *testing.T) {
	swaks := requirePeer(t, "swaks")
	addr, _, b := tlsAuthServer(t)
	out := runPeer(t, swaks, "-s", "127.0.0.1", "-p", portOf(addr), "-tls", "-a", "LOGIN", "-au", "alice", "-ap", "secret",
		"-f", "alice@crepes.fr", "-t", "bob@hamburger.edu", "--body", "hello from swaks", "--pipeline")
	if !strings.Contains(out, "235 2.7.0") {
		t.Errorf("swaks transcript lacks the AUTH success:\n%s", out)
	}
	checkOne(t, b, "hello from swaks")
}

func portOf(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// TestInteropSmtpSink sends with our client to Postfix's smtp-sink, which
// offers PIPELINING and accepts everything.
func TestInteropSmtpSink(t *testing.T) {
	sink := requirePeer(t, "smtp-sink")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, sink, "-u", "nobody", addr, "10")
	cmd.Dir = t.TempDir()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	go bufio.NewReader(stderr).WriteTo(os.Stderr)
	var c *Client
	for i := 0; i < 100; i++ {
		if c, err = Dial(ctx, addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond) // smtp-sink has no readiness signal
	}
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension(ExtPipelining); !ok {
		t.Errorf("smtp-sink did not offer PIPELINING")
	}
	for i := 0; i < 3; i++ {
		if err := c.SendMail(ctx, "a@example.test", []string{"b@example.test", "c@example.test"}, strings.NewReader("Subject: sink\r\n\r\n.dot\r\n")); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
}
