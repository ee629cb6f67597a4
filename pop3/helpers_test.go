package pop3

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"github.com/applayer/applayer/internal/selfsigned"
	"log/slog"
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
	certPEM, keyPEM, err := selfsigned.PEM("localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(pair.Leaf)
	return &tls.Config{Certificates: []tls.Certificate{pair}}, pool, certPEM, keyPEM
}
