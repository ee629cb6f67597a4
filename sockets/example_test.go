package sockets_test

import (
	"context"
	"fmt"
	"net"

	"github.com/applayer/applayer/sockets"
)

// The TCP half of the socket lesson: a welcoming socket, a server that
// upper-cases lines, and a client that sends one.
func ExampleUppercaseHandler() {
	l, err := net.Listen("tcp", "127.0.0.1:0") // the welcoming socket
	if err != nil {
		panic(err)
	}
	srv := &sockets.Server{Handler: sockets.UppercaseHandler()}
	go srv.Serve(l)
	defer srv.Close()

	ctx := context.Background()
	c, err := sockets.DialUppercase(ctx, "tcp", l.Addr().String())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	reply, err := c.Ask(ctx, "hello from the client, straße")
	if err != nil {
		panic(err)
	}
	fmt.Println(reply)
	// Output: HELLO FROM THE CLIENT, STRASSE
}

// The UDP half: no connection, one socket, and the sender's address with
// every datagram.
func ExampleUppercasePacketHandler() {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &sockets.PacketServer{Handler: sockets.UppercasePacketHandler()}
	go srv.Serve(pc)
	defer srv.Close()

	ctx := context.Background()
	c, err := sockets.DialUppercase(ctx, "udp", pc.LocalAddr().String())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	reply, err := c.Ask(ctx, "one datagram")
	if err != nil {
		panic(err)
	}
	fmt.Println(reply)
	// Output: ONE DATAGRAM
}

// Shutdown stops accepting, lets requests in progress finish, and
// interrupts connections that are only waiting for their next request.
func ExampleServer_Shutdown() {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &sockets.Server{Handler: sockets.UppercaseHandler()}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()

	c, _ := sockets.DialUppercase(context.Background(), "tcp", l.Addr().String())
	defer c.Close()
	c.Ask(context.Background(), "warm up") // the connection is now idle

	fmt.Println("shutdown:", srv.Shutdown(context.Background()))
	fmt.Println("serve:", <-done)
	// Output:
	// shutdown: <nil>
	// serve: sockets: server closed
}
