package main

import (
	"crypto/tls"

	"github.com/applayer/applayer/internal/selfsigned"
)

// loadTLS loads a certificate, or makes a self-signed one for host when no
// files are given (enough for STARTTLS between test servers; clients must
// skip verification).
func loadTLS(certFile, keyFile, host string) (*tls.Config, error) {
	var cert tls.Certificate
	var err error
	if certFile != "" {
		cert, err = tls.LoadX509KeyPair(certFile, keyFile)
	} else {
		cert, err = selfsigned.New(host, "localhost", "127.0.0.1")
	}
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}}, nil
}
