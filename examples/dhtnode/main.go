// Command dhtnode runs a node of the BitTorrent Mainline DHT (BEP 5).
//
//	go run ./examples/dhtnode -addr 127.0.0.1:6881
//	go run ./examples/dhtnode -addr 127.0.0.1:6882 -bootstrap 127.0.0.1:6881 -state node2.dht
//
// With no -bootstrap it starts alone: it never contacts the public
// routers unless given one. -state keeps the node's ID and routing table
// across restarts. With a command it joins, runs one operation, prints the
// result and exits:
//
//	dhtnode -bootstrap 127.0.0.1:6881 announce 0ed40dcd59d231cc2223b6672cdf76cbbeac30a4 6881
//	dhtnode -bootstrap 127.0.0.1:6881 get-peers 0ed40dcd59d231cc2223b6672cdf76cbbeac30a4
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/applayer/applayer/dht"
	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/sockets"
)

type listFlag []string

func (l *listFlag) String() string     { return fmt.Sprint(*l) }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "UDP address to serve on")
	var boot listFlag
	flag.Var(&boot, "bootstrap", "HOST:PORT of a node to join through (repeatable)")
	state := flag.String("state", "", "file keeping the node's ID and routing table")
	timeout := flag.Duration("timeout", 30*time.Second, "time limit of a command")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: dhtnode [-addr A] [-bootstrap HOST:PORT]... [-state FILE] [get-peers HASH | announce HASH PORT]")
		flag.PrintDefaults()
	}
	flag.Parse()
	ctx, stop := cli.SignalContext()
	defer stop()

	pc, err := net.ListenPacket("udp", *addr)
	if err != nil {
		cli.Fatal("dhtnode", err)
	}
	node := &dht.Node{BootstrapNodes: boot, StateFile: *state, Logger: cli.Logger()}
	errs := make(chan error, 1)
	go func() { errs <- node.Serve(pc) }()
	cli.Listening("udp", pc.LocalAddr())

	if flag.NArg() > 0 {
		cctx, cancel := context.WithTimeout(ctx, *timeout)
		err := command(cctx, node, flag.Args())
		cancel()
		node.Close()
		if err != nil {
			cli.Fatal("dhtnode", err)
		}
		return
	}
	if len(boot) > 0 || *state != "" {
		go func() {
			if err := node.Bootstrap(ctx); err != nil && ctx.Err() == nil {
				cli.Logger().Warn("dhtnode: bootstrap", "err", err)
			}
			cli.Logger().Info("dhtnode: joined", "id", node.Self(), "nodes", node.NumNodes())
		}()
	}
	select {
	case <-ctx.Done():
	case err := <-errs:
		if err != nil && !errors.Is(err, sockets.ErrServerClosed) {
			cli.Fatal("dhtnode", err)
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), cli.ShutdownGrace)
	defer cancel()
	_ = node.Shutdown(sctx)
}

// command runs one operation and prints its result.
func command(ctx context.Context, node *dht.Node, args []string) error {
	if err := node.Bootstrap(ctx); err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	switch {
	case args[0] == "get-peers" && len(args) == 2:
		ih, err := dht.ParseID(args[1])
		if err != nil {
			return err
		}
		res, err := node.GetPeers(ctx, ih)
		if err != nil {
			return err
		}
		fmt.Printf("%d peers (%d queries, %d hops)\n", len(res.Peers), res.Queries, res.Hops)
		for _, p := range res.Peers {
			fmt.Println(p)
		}
		return nil
	case args[0] == "announce" && len(args) == 3:
		ih, err := dht.ParseID(args[1])
		if err != nil {
			return err
		}
		port, err := strconv.ParseUint(args[2], 10, 16)
		if err != nil {
			return fmt.Errorf("bad port %q", args[2])
		}
		res, err := node.Announce(ctx, ih, int(port))
		if err != nil {
			return err
		}
		fmt.Printf("announced %v port %d to %d nodes; %d peers already there\n", ih, port, len(res.Closest), len(res.Peers))
		return nil
	}
	return errors.New("commands: get-peers HASH | announce HASH PORT")
}
