package ftp_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"testing/fstest"
	"time"

	"github.com/applayer/applayer/ftp"
)

func ExampleParseCommand() {
	cmd, err := ftp.ParseCommand([]byte("retr rfc1261.txt"))
	if err != nil {
		panic(err)
	}
	fmt.Println(cmd.Verb, cmd.Arg)
	// Output: RETR rfc1261.txt
}

func ExampleParseReply() {
	wire := "211-Features:\r\n EPSV\r\n MLST type*;size*;\r\n211 End\r\n"
	r, _, err := ftp.ParseReply([]byte(wire), 0)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Code, len(r.Lines), r.Code.Completed())
	fmt.Printf("%q\n", ftp.AppendReply(nil, ftp.StatusClosing, "Goodbye."))
	// Output:
	// 211 4 true
	// "221 Goodbye.\r\n"
}

func ExampleParsePORT() {
	// The lesson's example: the client listens on 140.252.13.34:1174.
	ap, err := ftp.ParsePORT("140,252,13,34,4,150")
	if err != nil {
		panic(err)
	}
	fmt.Println(ap)
	eprt := ftp.AppendEPRT(nil, netip.MustParseAddrPort("[2001:db8::1]:1174"))
	fmt.Println(string(eprt))
	// Output:
	// 140.252.13.34:1174
	// |2|2001:db8::1|1174|
}

func ExampleParseListLine() {
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, line := range []string{
		"-rw-r--r--   1 ftp      ftp          4318 Mar 14 09:26 rfc1261.txt",
		"03-14-24  09:26AM       <DIR>          pub",
	} {
		e, err := ftp.ParseListLine(line, now)
		if err != nil {
			panic(err)
		}
		fmt.Println(e.Type, e.Name, e.Size, e.ModTime.Format(time.DateTime))
	}
	// Output:
	// file rfc1261.txt 4318 2024-03-14 09:26:00
	// dir pub -1 2024-03-14 09:26:00
}

func ExampleAppendFacts() {
	e := ftp.Entry{Name: "rfc1261.txt", Type: ftp.TypeFile, Size: 4318,
		ModTime: time.Date(2024, 3, 14, 9, 26, 0, 0, time.UTC), Perm: "r"}
	fmt.Println(string(ftp.AppendFacts(nil, e)))
	// Output: type=file;size=4318;modify=20240314092600;perm=r; rfc1261.txt
}

// ExampleClient runs a server on a loopback port and downloads a file from
// it in passive mode, printing the control-channel dialogue.
func ExampleClient() {
	srv := &ftp.Server{
		FS:        fstest.MapFS{"pub/hello.txt": {Data: []byte("hello, world\n")}},
		Anonymous: true,
		Logger:    slog.New(slog.DiscardHandler),
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go srv.Serve(l)
	defer srv.Close()

	ctx := context.Background()
	var trace bytes.Buffer
	c, err := ftp.Dial(ctx, l.Addr().String(), &trace)
	if err != nil {
		panic(err)
	}
	defer c.Close()
	c.DataMode = ftp.ExtendedPassive
	if err := c.Login(ctx, "anonymous", "guest@example.com"); err != nil {
		panic(err)
	}
	if err := c.SetBinary(ctx, true); err != nil {
		panic(err)
	}
	var file bytes.Buffer
	if _, err := c.Retr(ctx, "pub/hello.txt", &file); err != nil {
		panic(err)
	}
	c.Quit(ctx)
	fmt.Print(file.String())
	fmt.Println(trace.Len() > 0)
	// Output:
	// hello, world
	// true
}
