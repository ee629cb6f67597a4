package smtp

import (
	"crypto/tls"
	"crypto/x509"
	"github.com/applayer/applayer/internal/selfsigned"
	"testing"
)

// testTLS returns a server config with a fresh self-signed certificate for
// localhost and 127.0.0.1, a client config that trusts it, and the PEM
// files written to a temp dir (for external peers).
func testTLS(t testing.TB) (srv, cli *tls.Config, certFile, keyFile string) {
	t.Helper()
	certFile, keyFile, cert, err := selfsigned.Files(t.TempDir(), "localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	return &tls.Config{Certificates: []tls.Certificate{cert}}, &tls.Config{RootCAs: pool, ServerName: "localhost"}, certFile, keyFile
}
