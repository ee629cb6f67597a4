package bittorrent

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testTorrent writes a random file of size bytes into a new directory and
// returns the directory and its metainfo.
func testTorrent(t testing.TB, size int, pieceLen int64, tiers ...[]string) (string, *MetaInfo, []byte) {
	t.Helper()
	dir := t.TempDir()
	data := make([]byte, size)
	r := rand.New(rand.NewPCG(uint64(size), 7))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	if err := os.WriteFile(filepath.Join(dir, "payload.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := NewInfo(context.Background(), os.DirFS(dir), "payload.bin", pieceLen)
	if err != nil {
		t.Fatal(err)
	}
	mi, err := NewMetaInfo(*info, tiers...)
	if err != nil {
		t.Fatal(err)
	}
	return dir, mi, data
}

// fastClient returns a client with short intervals, listening on loopback.
func fastClient(t testing.TB, tweak func(*Client)) *Client {
	t.Helper()
	c := &Client{ChokeInterval: 50 * time.Millisecond, OptimisticInterval: 150 * time.Millisecond,
		MinAnnounceInterval: 100 * time.Millisecond, PEXInterval: 100 * time.Millisecond}
	if tweak != nil {
		tweak(c)
	}
	if _, err := c.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func addrOf(c *Client) netip.AddrPort {
	return netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), c.Port())
}

// waitDone waits for the torrent to complete or the test to time out.
func waitDone(t testing.TB, tor *Torrent, d time.Duration) {
	t.Helper()
	select {
	case <-tor.Done():
	case <-time.After(d):
		t.Fatalf("torrent did not complete in %v: %+v", d, tor.Stats())
	}
}

func checkFile(t testing.TB, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: content differs (%d bytes, want %d)", path, len(got), len(want))
	}
}

func TestSwarmOneSeederTwoLeechers(t *testing.T) {
	seedDir, mi, data := testTorrent(t, 1<<20+12345, 64<<10)
	seeder := fastClient(t, nil)
	st, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: seedDir})
	if err != nil {
		t.Fatal(err)
	}
	if !st.Stats().Complete {
		t.Fatal("seeder did not find its data complete (resume check)")
	}
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dir := t.TempDir()
			c := fastClient(t, nil)
			tor, err := c.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: dir, Peers: []netip.AddrPort{addrOf(seeder)}})
			if err != nil {
				t.Error(err)
				return
			}
			waitDone(t, tor, 30*time.Second)
			checkFile(t, filepath.Join(dir, "payload.bin"), data)
			_ = i
		}()
	}
	wg.Wait()
}

// TestSwarmMagnetThroughTracker fetches the info dictionary with
// ut_metadata from a seeder found through an HTTP tracker (BEP 9), then
// the data, with peers also learning of each other through PEX.
func TestSwarmMagnetThroughTracker(t *testing.T) {
	announce := startHTTPTracker(t, &Tracker{Interval: time.Second})
	seedDir, mi, data := testTorrent(t, 300<<10, 32<<10, []string{announce})
	seeder := fastClient(t, nil)
	if _, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: seedDir}); err != nil {
		t.Fatal(err)
	}
	m, err := ParseMagnet(mi.Magnet().String())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	leecher := fastClient(t, nil)
	tor, err := leecher.Add(context.Background(), TorrentSpec{Magnet: &m, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-tor.GotInfo():
	case <-time.After(20 * time.Second):
		t.Fatal("no metadata")
	}
	if string(tor.InfoBytes()) != string(mi.InfoBytes) {
		t.Fatal("metadata differs from the seeder's info dictionary")
	}
	waitDone(t, tor, 30*time.Second)
	checkFile(t, filepath.Join(dir, "payload.bin"), data)
}

// TestSwarmChurn has leechers leave mid-download and new ones join (one of
// them resuming a departed leecher's directory); every leecher still
// present completes with verified data.
func TestSwarmChurn(t *testing.T) {
	tr := &Tracker{Interval: time.Second}
	udp := startUDPTracker(t, tr, "127.0.0.1:0")
	announce := startHTTPTracker(t, tr)
	seedDir, mi, data := testTorrent(t, 1<<20, 32<<10, []string{announce, "udp://" + udp})
	seeder := fastClient(t, func(c *Client) { c.UploadRate = 512 << 10 })
	if _, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: seedDir}); err != nil {
		t.Fatal(err)
	}
	type leecher struct {
		c   *Client
		tor *Torrent
		dir string
	}
	start := func(dir string) leecher {
		if dir == "" {
			dir = t.TempDir()
		}
		c := fastClient(t, func(c *Client) { c.PeerUploadRate = 512 << 10 })
		tor, err := c.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return leecher{c, tor, dir}
	}
	first := []leecher{start(""), start(""), start(""), start("")}
	// Wait until the first two leechers hold a few pieces, then they leave.
	deadline := time.Now().Add(20 * time.Second)
	for first[0].tor.Stats().PiecesDone < 4 || first[1].tor.Stats().PiecesDone < 4 {
		if time.Now().After(deadline) {
			t.Fatal("leechers made no progress")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if first[0].tor.Stats().Complete {
		t.Fatal("leecher completed before it could leave mid-download")
	}
	first[0].c.Close()
	first[1].c.Close()
	joined := []leecher{start(""), start(first[0].dir)}
	if got := joined[1].tor.Stats().PiecesDone; got < 4 {
		t.Errorf("resumed leecher found %d verified pieces, want >= 4", got)
	}
	for _, l := range append(first[2:], joined...) {
		waitDone(t, l.tor, 60*time.Second)
		checkFile(t, filepath.Join(l.dir, "payload.bin"), data)
	}
}

// TestSwarmDHTPort checks the PORT message exchange between clients that
// both run a DHT node (BEP 5).
func TestSwarmDHTPort(t *testing.T) {
	seedDir, mi, _ := testTorrent(t, 64<<10, 16<<10)
	seeder := fastClient(t, func(c *Client) { c.DHTPort = 6999 })
	if _, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: seedDir}); err != nil {
		t.Fatal(err)
	}
	got := make(chan netip.AddrPort, 1)
	leecher := fastClient(t, func(c *Client) {
		c.DHTPort = 7000
		c.OnEvent = func(e Event) {
			if e.Type == EventDHTNode {
				select {
				case got <- e.Peer.Addr:
				default:
				}
			}
		}
	})
	if _, err := leecher.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: t.TempDir(), Peers: []netip.AddrPort{addrOf(seeder)}}); err != nil {
		t.Fatal(err)
	}
	select {
	case ap := <-got:
		if ap != netip.MustParseAddrPort("127.0.0.1:6999") {
			t.Errorf("DHT node %v, want 127.0.0.1:6999", ap)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no PORT message")
	}
}

// TestSwarmPEX: leecher B knows only leecher A, and the seeder knows
// nobody; B and the seeder meet through A's ut_pex messages (BEP 11), in
// whichever direction the connection is made first.
func TestSwarmPEX(t *testing.T) {
	seedDir, mi, data := testTorrent(t, 256<<10, 16<<10)
	seeder := fastClient(t, nil)
	if _, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: seedDir}); err != nil {
		t.Fatal(err)
	}
	a := fastClient(t, nil)
	if _, err := a.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: t.TempDir(), Peers: []netip.AddrPort{addrOf(seeder)}}); err != nil {
		t.Fatal(err)
	}
	metSeeder := make(chan struct{})
	var once sync.Once
	b := fastClient(t, func(c *Client) {
		c.OnEvent = func(e Event) {
			if e.Type == EventPeerConnected && e.Peer.ID == seeder.PeerID {
				once.Do(func() { close(metSeeder) })
			}
		}
	})
	dir := t.TempDir()
	tor, err := b.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: dir, Peers: []netip.AddrPort{addrOf(a)}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-metSeeder:
	case <-time.After(20 * time.Second):
		t.Fatal("B and the seeder never met; they could only learn of each other through PEX")
	}
	waitDone(t, tor, 30*time.Second)
	checkFile(t, filepath.Join(dir, "payload.bin"), data)
}
