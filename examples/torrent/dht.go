package main

import (
	"context"
	"flag"
	"net"

	"github.com/applayer/applayer/bittorrent"
	"github.com/applayer/applayer/dht"
	"github.com/applayer/applayer/examples/internal/cli"
)

// dhtFlags are the DHT options of seed and get: with -dht the client runs
// a DHT node (BEP 5), announces itself there and finds peers there, so a
// torrent or magnet link needs no tracker. With no -bootstrap the node
// starts alone; it never contacts public routers unless asked.
type dhtFlags struct {
	enable    *bool
	addr      *string
	bootstrap multiFlag
}

func addDHTFlags(fs *flag.FlagSet) *dhtFlags {
	f := &dhtFlags{
		enable: fs.Bool("dht", false, "find and announce peers through the BitTorrent DHT"),
		addr:   fs.String("dht-addr", "127.0.0.1:0", "UDP address of the DHT node"),
	}
	fs.Var(&f.bootstrap, "bootstrap", "a DHT node to join through, HOST:PORT (repeatable)")
	return f
}

// start runs the DHT node and plugs it into the client and the torrent
// spec; the returned function stops it.
func (f *dhtFlags) start(ctx context.Context, c *bittorrent.Client, spec *bittorrent.TorrentSpec) (stop func(), err error) {
	if !*f.enable {
		return func() {}, nil
	}
	pc, err := net.ListenPacket("udp", *f.addr)
	if err != nil {
		return nil, err
	}
	node := &dht.Node{BootstrapNodes: f.bootstrap, Logger: cli.Logger()}
	go node.Serve(pc)
	cli.Listening("dht", pc.LocalAddr())
	if len(f.bootstrap) > 0 {
		if err := node.Bootstrap(ctx); err != nil {
			node.Close()
			return nil, err
		}
	}
	src := bittorrent.NewDHTSource(node)
	c.DHTPort = node.AddrPort().Port() // sent to peers in PORT messages
	c.OnEvent = src.OnEvent            // and theirs joined to our table
	spec.Sources = append(spec.Sources, src)
	return func() { node.Close() }, nil
}
