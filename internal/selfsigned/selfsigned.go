// Package selfsigned makes throw-away TLS certificates for tests and for
// the example programs' -tls flags: a self-signed certificate for the
// given host names and IP addresses, valid for a day.
package selfsigned

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Validity is how long a certificate is valid, from an hour ago.
const Validity = 24 * time.Hour

// DefaultHosts are the names a certificate covers when none are given.
var defaultHosts = []string{"localhost", "127.0.0.1", "::1"}

// PEM returns a new certificate and its private key, PEM-encoded, for hosts
// (names or IP addresses; localhost and the loopback addresses if none).
func PEM(hosts ...string) (certPEM, keyPEM []byte, err error) {
	if len(hosts) == 0 {
		hosts = defaultHosts
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: hosts[0], Organization: []string{"applayer self-signed"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(Validity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}

// New returns a new certificate for hosts, ready for a tls.Config. Its
// Leaf is set, so a client can trust it with x509.CertPool.AddCert.
func New(hosts ...string) (tls.Certificate, error) {
	certPEM, keyPEM, err := PEM(hosts...)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.X509KeyPair(certPEM, keyPEM)
}

// Pair returns a server configuration with a new certificate for hosts and
// a client configuration that trusts it (and nothing else).
func Pair(hosts ...string) (server, client *tls.Config, err error) {
	cert, err := New(hosts...)
	if err != nil {
		return nil, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	name := "localhost"
	if len(hosts) > 0 {
		name = hosts[0]
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}}, &tls.Config{RootCAs: pool, ServerName: name}, nil
}

// Files writes a new certificate for hosts and its key as cert.pem and
// key.pem in dir, for programs that take files (curl, Dovecot, vsftpd),
// and returns their paths and the certificate.
func Files(dir string, hosts ...string) (certFile, keyFile string, cert tls.Certificate, err error) {
	certPEM, keyPEM, err := PEM(hosts...)
	if err != nil {
		return "", "", cert, err
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		return "", "", cert, err
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		return "", "", cert, err
	}
	cert, err = tls.X509KeyPair(certPEM, keyPEM)
	return certFile, keyFile, cert, err
}
