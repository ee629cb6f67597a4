package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/applayer/applayer/sockets"
)

// runEcho is the socket lesson: the same uppercase service over UDP, where
// each line is one datagram from one socket, and over TCP, where a welcoming
// socket hands each client a connection socket of its own.
func runEcho(ctx context.Context, w io.Writer, short bool) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	quiet := slog.New(slog.DiscardHandler)
	lines := []string{"hello, network", "straße", "ﬁnal ﬂourish"}

	fmt.Fprintln(w, "UDP: no handshake, no connection; the server learns the client's address from each datagram.")
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	udp := &sockets.PacketServer{Handler: sockets.UppercasePacketHandler(), Logger: quiet}
	udpDone := make(chan error, 1)
	go func() { udpDone <- udp.Serve(pc) }()
	defer func() { udp.Close(); <-udpDone }()
	if err := echoDialogue(ctx, w, "udp", pc.LocalAddr().String(), lines); err != nil {
		return err
	}

	fmt.Fprintln(w, "\nTCP: the client connects to the welcoming socket; Accept returns a connection socket for it.")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	tcp := &sockets.Server{Handler: sockets.UppercaseHandler(), Logger: quiet}
	tcpDone := make(chan error, 1)
	go func() { tcpDone <- tcp.Serve(l) }()
	if err := echoDialogue(ctx, w, "tcp", l.Addr().String(), lines); err != nil {
		return err
	}
	if err := tcp.Shutdown(ctx); err != nil {
		return err
	}
	if err := <-tcpDone; !errors.Is(err, sockets.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(w, "server shut down gracefully: welcoming socket closed, idle connections told to go")
	return nil
}

func echoDialogue(ctx context.Context, w io.Writer, network, addr string, lines []string) error {
	c, err := sockets.DialUppercase(ctx, network, addr)
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintf(w, "  client socket %s -> server socket %s\n", c.LocalAddr(), addr)
	for _, line := range lines {
		reply, err := c.Ask(ctx, line)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  C: %s\n  S: %s\n", line, reply)
	}
	return nil
}
