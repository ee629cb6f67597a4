// Command tracker runs a BitTorrent tracker: HTTP announce and scrape
// (BEP 3, compact peers per BEP 23) and, with -udp, the UDP tracker
// protocol (BEP 15), both over one table of swarms.
//
//	go run ./examples/tracker -addr 127.0.0.1:6969 -udp 127.0.0.1:6969
//
// Announce URLs are then http://127.0.0.1:6969/announce and
// udp://127.0.0.1:6969.
package main

import (
	"context"
	"errors"
	"flag"
	"net"

	"github.com/applayer/applayer/bittorrent"
	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/sockets"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6969", "HTTP tracker address")
	udpAddr := flag.String("udp", "", "UDP tracker address (off when empty)")
	interval := flag.Duration("interval", bittorrent.DefaultAnnounceInterval, "announce interval given to clients")
	flag.Parse()
	ctx, stop := cli.SignalContext()
	defer stop()
	log := cli.Logger()
	tr := &bittorrent.Tracker{Interval: *interval}

	l, err := net.Listen("tcp", *addr)
	if err != nil {
		cli.Fatal("tracker", err)
	}
	hs := &http1.Server{Handler: &bittorrent.HTTPTrackerHandler{Tracker: tr}, Logger: log}
	cli.Listening("http", l.Addr())
	errs := make(chan error, 2)
	go func() { errs <- hs.Serve(l) }()

	var us *bittorrent.UDPTrackerServer
	if *udpAddr != "" {
		pc, err := net.ListenPacket("udp", *udpAddr)
		if err != nil {
			cli.Fatal("tracker", err)
		}
		us = &bittorrent.UDPTrackerServer{Tracker: tr, Logger: log}
		cli.Listening("udp", pc.LocalAddr())
		go func() { errs <- us.Serve(pc) }()
	}
	select {
	case <-ctx.Done():
	case err := <-errs:
		if err != nil && !errors.Is(err, sockets.ErrServerClosed) {
			cli.Fatal("tracker", err)
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), cli.ShutdownGrace)
	defer cancel()
	_ = hs.Shutdown(sctx)
	if us != nil {
		_ = us.Shutdown(sctx)
	}
}
