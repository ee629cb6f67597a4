package http2

import (
	"crypto/tls"
	"crypto/x509"
	"github.com/applayer/applayer/internal/selfsigned"
	"net"
	"testing"
)

// testCert makes a self-signed certificate for 127.0.0.1 and localhost,
// and writes it to files for peers that want them.
func testCert(t testing.TB) (cert tls.Certificate, certFile, keyFile string) {
	t.Helper()
	certFile, keyFile, cert, err := selfsigned.Files(t.TempDir(), "localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return cert, certFile, keyFile
}

// startTLS serves s with TLS (h2 and http/1.1 by ALPN) on a loopback port.
func startTLS(t testing.TB, s *Server) (addr string, pool *x509.CertPool) {
	t.Helper()
	cert, _, _ := testCert(t)
	s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.ServeTLS(l) }()
	t.Cleanup(func() {
		s.Close()
		<-done
	})
	return l.Addr().String(), certPool(cert)
}

// certPool trusts cert.
func certPool(cert tls.Certificate) *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	return pool
}
