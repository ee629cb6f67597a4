// Command udpserver is the UDP server of the socket-programming lesson: one
// socket, no connections; every datagram goes back to its sender in upper
// case.
//
//	go run ./examples/echo/udpserver -addr 127.0.0.1:12000
package main

import (
	"flag"
	"net"

	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/sockets"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:12000", "UDP address to listen on")
	flag.Parse()
	ctx, stop := cli.SignalContext()
	defer stop()

	pc, err := net.ListenPacket("udp", *addr)
	if err != nil {
		cli.Fatal("udpserver", err)
	}
	srv := &sockets.PacketServer{Handler: sockets.UppercasePacketHandler(), Logger: cli.Logger()}
	cli.Listening("udp", pc.LocalAddr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(pc) }()
	if err := cli.WaitAndShutdown(ctx, srv, served, sockets.ErrServerClosed); err != nil {
		cli.Fatal("udpserver", err)
	}
}
