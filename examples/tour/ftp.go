package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing/fstest"
	"time"

	"github.com/applayer/applayer/ftp"
	"github.com/applayer/applayer/sockets"
)

// runFTP is the FTP lesson (CHECKLIST appendix C.1): an anonymous session
// that changes directory and fetches rfc1261.txt in ASCII mode over an
// active (PORT) data connection, printed as the control-channel dialogue;
// then the same download in passive mode (PASV), where the client opens the
// data connection instead.
func runFTP(ctx context.Context, w io.Writer, short bool) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()

	// The lesson's file: 170 lines, 4318 octets on the server's disk.
	var text strings.Builder
	for i := range 170 {
		n := 25
		if i < 68 {
			n = 26
		}
		text.WriteString(strings.Repeat(string(rune('a'+i%26)), n-1) + "\n")
	}
	fsys := fstest.MapFS{"rfc/rfc1261.txt": {Data: []byte(text.String()), ModTime: time.Now()}}
	srv := &ftp.Server{
		FS:        fsys,
		Anonymous: true,
		Greeting:  "nic FTP server (applayer) ready.",
		Logger:    slog.New(slog.DiscardHandler),
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	defer func() {
		if done != nil { // an early return: stop the server
			srv.Close()
			<-done
		}
	}()

	modes := []struct {
		mode  ftp.DataMode
		intro string
	}{
		{ftp.Active, "Active mode: the client listens and sends PORT h1,h2,h3,h4,p1,p2; the server connects to it (port = p1*256+p2)."},
		{ftp.PassiveOnly, "\nPassive mode: PASV makes the server listen and the client connect, which gets through client-side firewalls and NAT."},
	}
	for _, m := range modes {
		fmt.Fprintln(w, m.intro)
		if err := ftpSession(ctx, w, l.Addr().String(), m.mode); err != nil {
			return err
		}
	}
	if err := srv.Shutdown(ctx); err != nil {
		return err
	}
	err = <-done
	done = nil
	if !errors.Is(err, sockets.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(w, "\n4488 - 4318 = 170: TYPE A sends every line end as CRLF, one CR more per line; TYPE I (binary) sends the octets as they are.")
	return nil
}

// ftpSession is one anonymous session: login, cd rfc, get in ASCII, quit.
func ftpSession(ctx context.Context, w io.Writer, addr string, mode ftp.DataMode) error {
	fmt.Fprintf(w, "ftp %s\n", addr)
	c, err := ftp.Dial(ctx, addr, w)
	if err != nil {
		return err
	}
	defer c.Close()
	c.DataMode = mode
	if err := c.Login(ctx, "anonymous", "guest@example.com"); err != nil {
		return err
	}
	fmt.Fprintln(w, "ftp> cd rfc")
	if err := c.Cwd(ctx, "rfc"); err != nil {
		return err
	}
	fmt.Fprintln(w, "ftp> get rfc1261.txt nicinfo")
	var nicinfo bytes.Buffer
	n, err := c.Retr(ctx, "rfc1261.txt", &nicinfo)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "local: nicinfo remote: rfc1261.txt")
	fmt.Fprintf(w, "%d bytes received (%d bytes once CRLF became LF again)\n", n, nicinfo.Len())
	fmt.Fprintln(w, "ftp> quit")
	return c.Quit(ctx)
}
