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

	seeder := fastClient(t, func(c *Client) { c.DHTPort = seedNode.AddrPort().Port() })
	if _, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: seedDir,
		Sources: []PeerSource{&DHTSource{Node: seedNode, Interval: 200 * time.Millisecond}}}); err != nil {
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
	leecher := fastClient(t, func(c *Client) { c.DHTPort = leechNode.AddrPort().Port() })
	tor, err := leecher.Add(context.Background(), TorrentSpec{Magnet: &m, Dir: dir,
		Sources: []PeerSource{&DHTSource{Node: leechNode, Interval: 200 * time.Millisecond}}})
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
