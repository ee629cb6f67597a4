package imap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"github.com/applayer/applayer/internal/interop"
	"github.com/applayer/applayer/internal/selfsigned"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// testCert returns a self-signed certificate for 127.0.0.1 and localhost,
// its PEM encoding, and a client config that trusts it.
func testCert(t *testing.T) (*tls.Config, []byte, *tls.Config) {
	t.Helper()
	certPEM, keyPEM, err := selfsigned.PEM("localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	return &tls.Config{Certificates: []tls.Certificate{cert}}, certPEM, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

func tlsServer(t *testing.T) (addr string, pemBytes []byte, clientCfg *tls.Config) {
	srvCfg, pemBytes, clientCfg := testCert(t)
	be := NewMemBackend()
	be.AddUser("bob", "hungry")
	be.Deliver("bob", Inbox, []byte(testMsg))
	srv := &Server{Backend: be, TLSConfig: srvCfg}
	return serveLoopback(t, srv), pemBytes, clientCfg
}

// TestStartTLS: login is refused before STARTTLS and works after it, and
// the capabilities change (RFC 9051 section 6.2.1).
func TestStartTLS(t *testing.T) {
	addr, _, clientCfg := tlsServer(t)
	ctx := context.Background()
	c, err := Dial(ctx, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !c.Caps().Has(CapStartTLS) || !c.Caps().Has(CapLoginDisabled) {
		t.Errorf("before TLS: caps %v", c.Caps())
	}
	err = c.Login(ctx, "bob", "hungry")
	var ie *Error
	if !asError(err, &ie) || ie.Code != CodePrivacyRequired {
		t.Fatalf("Login before TLS = %v", err)
	}
	if err := c.StartTLS(ctx, clientCfg); err != nil {
		t.Fatal(err)
	}
	caps, err := c.Capability(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if caps.Has(CapStartTLS) || caps.Has(CapLoginDisabled) || !caps.Has(CapAuthPlain) {
		t.Errorf("after TLS: caps %v", caps)
	}
	if err := c.AuthenticatePlain(ctx, "bob", "hungry"); err != nil {
		t.Fatal(err)
	}
	sd, err := c.Select(ctx, Inbox, true)
	if err != nil || sd.Messages != 1 {
		t.Fatalf("Select = %+v, %v", sd, err)
	}
}

// TestStartTLSInjection: commands pipelined behind STARTTLS are refused.
func TestStartTLSInjection(t *testing.T) {
	addr, _, _ := tlsServer(t)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rc := &rawConn{t: t, c: conn}
	rc.br = newBufReader(conn)
	rc.line()
	rc.expect("a1 STARTTLS\r\na2 LOGIN bob hungry", `a1 BAD data after STARTTLS`)
}

// TestInteropCurlSTARTTLS fetches over STARTTLS with curl --ssl-reqd.
func TestInteropCurlSTARTTLS(t *testing.T) {
	curl := interop.Require(t, "curl")
	addr, pemBytes, _ := tlsServer(t)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, pemBytes, 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, curl, "-sS", "--max-time", "20", "--ssl-reqd", "--cacert", ca,
		"-u", "bob:hungry", "imap://"+addr+"/INBOX/;UID=1").CombinedOutput()
	if err != nil {
		t.Fatalf("curl: %v\n%s", err, out)
	}
	if string(out) != testMsg {
		t.Errorf("curl over STARTTLS got %q", out)
	}
}

// TestInteropImaplibSTARTTLS logs in with imaplib after starttls().
func TestInteropImaplibSTARTTLS(t *testing.T) {
	py := interop.Require(t, "python3")
	addr, pemBytes, _ := tlsServer(t)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, pemBytes, 0o644)
	host, port, _ := net.SplitHostPort(addr)
	script := `
import imaplib, ssl, sys
M = imaplib.IMAP4(sys.argv[1], int(sys.argv[2]))
print("before", "LOGINDISABLED" in M.capabilities)
M.starttls(ssl.create_default_context(cafile=sys.argv[3]))
print("after", "LOGINDISABLED" in M.capabilities)
print(M.login("bob", "hungry")[0], M.select("INBOX", readonly=True))
M.logout()
`
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "-c", script, host, port, ca).CombinedOutput()
	if err != nil {
		t.Fatalf("imaplib: %v\n%s", err, out)
	}
	if want := "before True\nafter False\nOK ('OK', [b'1'])\n"; string(out) != want {
		t.Errorf("imaplib STARTTLS output %q, want %q", out, want)
	}
}
