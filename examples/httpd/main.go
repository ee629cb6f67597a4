// Command httpd serves a directory over HTTP/1.1 and HTTP/2 with this
// module's http1 and http2 packages: directory index, Content-Type,
// conditional GET (304), ranges. With TLS one port speaks h2 and HTTP/1.1
// (chosen by ALPN); in cleartext it speaks HTTP/1.1, h2c with prior
// knowledge, and h2c by Upgrade. With -push, an HTML page's style sheets,
// scripts and images are pushed to HTTP/2 clients along with it.
//
//	go run ./examples/httpd -addr 127.0.0.1:8080 -root ./public
//	go run ./examples/httpd -tls -push            (a self-signed certificate)
//	go run ./examples/httpd -cert cert.pem -key key.pem
package main

import (
	"crypto/tls"
	"flag"
	"net"

	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/http2"
	"github.com/applayer/applayer/internal/selfsigned"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "TCP address to listen on")
	root := flag.String("root", ".", "directory to serve")
	useTLS := flag.Bool("tls", false, "serve HTTPS (h2 and HTTP/1.1) with a fresh self-signed certificate")
	certFile := flag.String("cert", "", "TLS certificate (PEM); with -key serves HTTPS")
	keyFile := flag.String("key", "", "TLS private key (PEM)")
	push := flag.Bool("push", false, "push the objects an HTML page references to HTTP/2 clients")
	flag.Parse()
	ctx, stop := cli.SignalContext()
	defer stop()

	files, err := http1.FileServerDir(*root)
	if err != nil {
		cli.Fatal("httpd", err)
	}
	log := cli.Logger()
	var h http1.Handler = files
	if *push {
		h = &pushHandler{root: *root, next: files, log: log}
	}
	h = logRequests(h, log)
	// HTTP/1.1 clients are served by an http1.Server that the http2 server
	// makes for itself, which also answers h2c upgrade requests.
	srv := &http2.Server{Handler: h, Logger: log}

	l, err := net.Listen("tcp", *addr)
	if err != nil {
		cli.Fatal("httpd", err)
	}
	proto := "http"
	var cert tls.Certificate
	switch {
	case *certFile != "" || *keyFile != "":
		cert, err = tls.LoadX509KeyPair(*certFile, *keyFile)
	case *useTLS:
		cert, err = selfsigned.New()
	}
	if err != nil {
		cli.Fatal("httpd", err)
	}
	if cert.Certificate != nil {
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}})
		proto = "https"
	}
	cli.Listening(proto, l.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	if err := cli.WaitAndShutdown(ctx, srv, served, http1.ErrServerClosed); err != nil {
		cli.Fatal("httpd", err)
	}
}

// logRequests logs each request's method, target, version and remote
// address.
func logRequests(h http1.Handler, log interface{ Info(string, ...any) }) http1.Handler {
	return http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		log.Info("request", "method", r.Method, "target", r.Target, "version", r.Version.String(), "remote", r.RemoteAddr)
		h.ServeHTTP(w, r)
	})
}
