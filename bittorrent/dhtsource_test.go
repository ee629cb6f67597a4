package bittorrent

import (
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/applayer/applayer/dht"
)

// startDHT starts size DHT nodes on loopback, bootstrapped from the first.
func startDHT(t *testing.T, size int) []*dht.Node {
	t.Helper()
	var nodes []*dht.Node
	for range size {
		n := &dht.Node{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Workers: 2}
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { n.Serve(pc); close(done) }()
		t.Cleanup(func() { n.Close(); <-done })
		for n.Addr() == nil {
			time.Sleep(time.Millisecond)
		}
		nodes = append(nodes, n)
	}
	for _, n := range nodes[1:] {
		if err := n.Bootstrap(context.Background(), nodes[0].AddrPort().String()); err != nil {
			t.Fatal(err)
		}
	}
	return nodes
}

// TestTrackerlessMagnetThroughDHT downloads a torrent from a magnet link
// without any tracker: the seeder announces itself on the DHT, and the
// leecher finds it there, fetches the info dictionary (BEP 9) and the
// data.
func TestTrackerlessMagnetThroughDHT(t *testing.T) {
	nodes := startDHT(t, 8)
	seedDir, mi, data := testTorrent(t, 256<<10, 32<<10) // no trackers
	seedNode, leechNode := nodes[2], nodes[6]

	seedSrc := &DHTSource{Node: seedNode, Interval: 200 * time.Millisecond}
	seeder := fastClient(t, func(c *Client) { c.DHTPort = seedNode.AddrPort().Port(); c.OnEvent = seedSrc.OnEvent })
	if _, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: seedDir,
		Sources: []PeerSource{seedSrc}}); err != nil {
		t.Fatal(err)
	}
	m, err := ParseMagnet(mi.Magnet().String())
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Trackers) != 0 {
		t.Fatalf("magnet has trackers: %v", m.Trackers)
	}
	dir := t.TempDir()
	leechSrc := &DHTSource{Node: leechNode, Interval: 200 * time.Millisecond}
	leecher := fastClient(t, func(c *Client) { c.DHTPort = leechNode.AddrPort().Port(); c.OnEvent = leechSrc.OnEvent })
	tor, err := leecher.Add(context.Background(), TorrentSpec{Magnet: &m, Dir: dir,
		Sources: []PeerSource{leechSrc}})
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, tor, 30*time.Second)
	checkFile(t, filepath.Join(dir, "payload.bin"), data)
}

func TestDHTSourceStoppedIsQuiet(t *testing.T) {
	var n dht.Node // not serving: a stopped announce must not touch it
	resp, err := (&DHTSource{Node: &n}).Announce(context.Background(), AnnounceRequest{Event: EventStopped})
	if err != nil || resp == nil {
		t.Fatalf("stopped announce = %v, %v", resp, err)
	}
}

// TestDHTSourceLearnsNodesFromPort: a PORT message's node is pinged and
// enters the routing table.
func TestDHTSourceLearnsNodesFromPort(t *testing.T) {
	a := startDHT(t, 1)[0]
	b := startDHT(t, 1)[0]
	src := NewDHTSource(a)
	src.OnEvent(Event{Type: EventDHTNode, Peer: PeerInfo{Addr: b.AddrPort()}})
	deadline := time.Now().Add(10 * time.Second)
	for a.NumNodes() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the node of a PORT message did not enter the routing table")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
