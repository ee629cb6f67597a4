package pop3

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/applayer/applayer/sockets"
)

// startServer serves srv on a free loopback port until the test ends.
func startServer(t *testing.T, srv *Server) string {
	t.Helper()
	return startServerB(t, srv)
}

func startServerB(t testing.TB, srv *Server) string {
	t.Helper()
	if srv.Logger == nil {
		srv.Logger = slog.New(slog.DiscardHandler)
	}
	if srv.FailedLoginDelay == 0 {
		srv.FailedLoginDelay = -1 // tests do not wait
	}
	if srv.Hostname == "" {
		srv.Hostname = "hamburger.edu"
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		if err := <-done; !errors.Is(err, sockets.ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
	})
	return l.Addr().String()
}

// lessonMessage builds a message of exactly size octets with CRLF lines.
func lessonMessage(n, size int) string {
	head := fmt.Sprintf("From: alice@crepes.fr\r\nTo: bob@hamburger.edu\r\nSubject: message %d\r\n\r\n", n)
	line := "Do you like ketchup? How about pickles?"
	var b strings.Builder
	b.WriteString(head)
	for b.Len() < size {
		rest := size - b.Len()
		switch {
		case rest >= len(line)+2+3:
			b.WriteString(line + "\r\n")
		default:
			b.WriteString(strings.Repeat("!", rest-2) + "\r\n")
		}
	}
	return b.String()
}

// lessonBackend is bob's maildrop of the lesson: two messages of 498 and
// 912 octets.
func lessonBackend() *MemoryBackend {
	b := NewMemoryBackend()
	b.AddUser("bob", "hungry")
	b.Deliver("bob", []byte(lessonMessage(1, 498)))
	b.Deliver("bob", []byte(lessonMessage(2, 912)))
	return b
}

// testTLSConfig returns a server config with a fresh self-signed
// certificate for 127.0.0.1 and localhost, and the pool that trusts it.
func testTLSConfig(t testing.TB) (*tls.Config, *x509.CertPool, []byte, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	keyDER, _ := x509.MarshalECPrivateKey(key)
	certPEM := pemBlock("CERTIFICATE", der)
	keyPEM := pemBlock("EC PRIVATE KEY", keyDER)
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}}, pool, certPEM, keyPEM
}
