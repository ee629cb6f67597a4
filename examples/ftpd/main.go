// Command ftpd is an FTP server for a directory: named users with
// passwords, optional read-only anonymous access, active and passive data
// connections, and explicit FTPS (AUTH TLS) with a self-signed certificate.
//
//	go run ./examples/ftpd -addr 127.0.0.1:2121 -root /srv/ftp -user alice:secret -anonymous -tls -pasv-ports 30000-30100
//
// Then, for instance: curl --user alice:secret ftp://127.0.0.1:2121/ or
// go run ./examples/ftp 127.0.0.1 2121.
package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/ftp"
	"github.com/applayer/applayer/internal/selfsigned"
	"github.com/applayer/applayer/sockets"
)

// users collects repeated -user name:password flags.
type users map[string]string

func (u users) String() string { return fmt.Sprint(len(u), " users") }

func (u users) Set(s string) error {
	name, pass, ok := strings.Cut(s, ":")
	if !ok || name == "" {
		return errors.New("want name:password")
	}
	u[name] = pass
	return nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:2121", "control connection address")
	root := flag.String("root", ".", "directory to serve")
	us := users{}
	flag.Var(us, "user", "name:password of a user allowed to read and write (repeatable)")
	anon := flag.Bool("anonymous", false, "allow read-only anonymous login")
	useTLS := flag.Bool("tls", false, "offer AUTH TLS with a self-signed certificate")
	pasv := flag.String("pasv-ports", "", "passive port range LOW-HIGH (default: any)")
	flag.Parse()
	ctx, stop := cli.SignalContext()
	defer stop()

	fsys, err := ftp.NewDirFS(*root)
	if err != nil {
		cli.Fatal("ftpd", err)
	}
	defer fsys.Close()
	srv := &ftp.Server{FS: fsys, Users: us, Anonymous: *anon, Logger: cli.Logger()}
	if *pasv != "" {
		lo, hi, ok := strings.Cut(*pasv, "-")
		l, err1 := strconv.Atoi(lo)
		h, err2 := strconv.Atoi(hi)
		if !ok || err1 != nil || err2 != nil || l < 1 || h < l || h > 65535 {
			cli.Fatal("ftpd", fmt.Errorf("bad -pasv-ports %q: want LOW-HIGH", *pasv))
		}
		srv.PasvMinPort, srv.PasvMaxPort = l, h
	}
	if *useTLS {
		cert, err := selfsigned.New()
		if err != nil {
			cli.Fatal("ftpd", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	if len(us) == 0 && !*anon {
		cli.Fatal("ftpd", errors.New("nobody can log in: give -user or -anonymous"))
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		cli.Fatal("ftpd", err)
	}
	cli.Listening("ftp", l.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	if err := cli.WaitAndShutdown(ctx, srv, served, sockets.ErrServerClosed); err != nil {
		cli.Fatal("ftpd", err)
	}
}
