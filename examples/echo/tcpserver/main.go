// Command tcpserver is the TCP server of the socket-programming lesson: it
// accepts connections on its welcoming socket and sends every line it
// receives back in upper case.
//
//	go run ./examples/echo/tcpserver -addr 127.0.0.1:12000
package main

import (
	"flag"
	"net"

	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/sockets"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:12000", "TCP address to listen on")
	flag.Parse()
	ctx, stop := cli.SignalContext()
	defer stop()

	l, err := net.Listen("tcp", *addr)
	if err != nil {
		cli.Fatal("tcpserver", err)
	}
	srv := &sockets.Server{Handler: sockets.UppercaseHandler(), Logger: cli.Logger()}
	cli.Listening("tcp", l.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	if err := cli.WaitAndShutdown(ctx, srv, served, sockets.ErrServerClosed); err != nil {
		cli.Fatal("tcpserver", err)
	}
}
