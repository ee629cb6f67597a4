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
