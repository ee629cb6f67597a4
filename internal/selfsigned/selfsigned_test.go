package selfsigned

import (
	"crypto/tls"
	"io"
	"net"
	"testing"
	"time"
)

func TestPairHandshake(t *testing.T) {
	srvCfg, cliCfg, err := Pair("localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", srvCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.SetDeadline(time.Now().Add(5 * time.Second))
			io.WriteString(c, "hi")
			c.Close()
		}
	}()
	for _, name := range []string{"localhost", "127.0.0.1"} {
		cfg := cliCfg.Clone()
		cfg.ServerName = name
		c, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", l.Addr().String(), cfg)
		if err != nil {
			t.Fatalf("verified handshake as %s: %v", name, err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		b, _ := io.ReadAll(c)
		c.Close()
		if string(b) != "hi" {
			t.Errorf("as %s read %q", name, b)
		}
	}
	// A client that does not trust the certificate refuses it.
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", l.Addr().String(), &tls.Config{ServerName: "localhost"})
	if err == nil {
		c.Close()
		t.Error("an untrusting client accepted the self-signed certificate")
	}
}

func TestCertificateCoversHosts(t *testing.T) {
	cert, err := New("mx.example.test", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"mx.example.test", "127.0.0.1"} {
		if err := cert.Leaf.VerifyHostname(h); err != nil {
			t.Errorf("VerifyHostname(%s): %v", h, err)
		}
	}
	if err := cert.Leaf.VerifyHostname("other.example"); err == nil {
		t.Error("the certificate covers a host it was not made for")
	}
}
