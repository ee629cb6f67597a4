// Command httpd serves a directory over HTTP/1.1 with this module's http1
// package: directory index, Content-Type, conditional GET (304), ranges.
//
//	go run ./examples/httpd -addr 127.0.0.1:8080 -root ./public
//	go run ./examples/httpd -tls                  (a self-signed certificate)
//	go run ./examples/httpd -cert cert.pem -key key.pem
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"flag"
	"math/big"
	"net"
	"time"

	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/http1"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "TCP address to listen on")
	root := flag.String("root", ".", "directory to serve")
	useTLS := flag.Bool("tls", false, "serve HTTPS with a fresh self-signed certificate")
	certFile := flag.String("cert", "", "TLS certificate (PEM); with -key serves HTTPS")
	keyFile := flag.String("key", "", "TLS private key (PEM)")
	flag.Parse()
	ctx, stop := cli.SignalContext()
	defer stop()

	files, err := http1.FileServerDir(*root)
	if err != nil {
		cli.Fatal("httpd", err)
	}
	log := cli.Logger()
	srv := &http1.Server{Handler: logRequests(files, log), Logger: log}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		cli.Fatal("httpd", err)
	}
	proto := "http"
	switch {
	case *certFile != "" || *keyFile != "":
		cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			cli.Fatal("httpd", err)
		}
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}})
		proto = "https"
	case *useTLS:
		cert, err := selfSigned()
		if err != nil {
			cli.Fatal("httpd", err)
		}
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}})
		proto = "https"
	}
	cli.Listening(proto, l.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	if err := cli.WaitAndShutdown(ctx, srv, served, http1.ErrServerClosed); err != nil {
		cli.Fatal("httpd", err)
	}
}

// logRequests logs each request's method, target and remote address.
func logRequests(h http1.Handler, log interface{ Info(string, ...any) }) http1.Handler {
	return http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		log.Info("request", "method", r.Method, "target", r.Target, "remote", r.RemoteAddr)
		h.ServeHTTP(w, r)
	})
}

// selfSigned makes a certificate for localhost and 127.0.0.1, valid a day.
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
