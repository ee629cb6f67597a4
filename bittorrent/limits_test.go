package bittorrent

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestRateLimiter checks the token bucket's lower bound: after the burst,
// bytes cannot flow faster than the rate.
func TestRateLimiter(t *testing.T) {
	if NewRateLimiter(0) != nil {
		t.Error("a zero rate should mean no limiter")
	}
	var none *RateLimiter
	if err := none.WaitN(context.Background(), 1<<30); err != nil {
		t.Error(err)
	}
	l := NewRateLimiter(1 << 20) // 1 MiB/s, burst 1 MiB
	ctx := context.Background()
	start := time.Now()
	l.WaitN(ctx, 1<<20) // the burst
	l.WaitN(ctx, 512<<10)
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("1.5 MiB through a 1 MiB/s bucket took %v, want >= 0.5 s", d)
	}
	ctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.WaitN(ctx, 10<<20); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitN with a cancelled context = %v", err)
	}
}

// TestMaxPeers checks the per-torrent connection limit: a second peer is
// refused while the first is connected.
func TestMaxPeers(t *testing.T) {
	dir, mi, _ := testTorrent(t, 64<<10, 16<<10)
	seeder := fastClient(t, func(c *Client) { c.MaxPeers = 1 })
	tor, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	first := dialRaw(t, addrOf(seeder), mi.InfoHash(), false)
	if _, err := first.mr.ReadMessage(); err != nil { // its bitfield: registered
		t.Fatal(err)
	}
	second := dialRaw(t, addrOf(seeder), mi.InfoHash(), false)
	if _, err := second.drain(); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("second connection over MaxPeers was not closed")
	}
	if n := tor.Stats().Peers; n != 1 {
		t.Errorf("%d peers, want 1", n)
	}
}

// TestPeerSource plugs a custom source (as the DHT does) into a torrent:
// it is announced to with started, then completed, and its peers are used.
func TestPeerSource(t *testing.T) {
	seedDir, mi, data := testTorrent(t, 128<<10, 16<<10)
	seeder := fastClient(t, nil)
	if _, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: seedDir}); err != nil {
		t.Fatal(err)
	}
	events := make(chan AnnounceEvent, 16)
	src := PeerSourceFunc(func(ctx context.Context, req AnnounceRequest) (*AnnounceResponse, error) {
		select {
		case events <- req.Event:
		default:
		}
		return &AnnounceResponse{Interval: time.Hour, Peers: []netip.AddrPort{addrOf(seeder)}}, nil
	})
	dir := t.TempDir()
	c := fastClient(t, nil)
	tor, err := c.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: dir, Sources: []PeerSource{src}})
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, tor, 30*time.Second)
	checkFile(t, filepath.Join(dir, "payload.bin"), data)
	want := []AnnounceEvent{EventStarted, EventCompleted}
	for _, w := range want {
		select {
		case got := <-events:
			if got != w {
				t.Errorf("announce event %v, want %v", got, w)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no %v announce", w)
		}
	}
	tor.Close()
	select {
	case got := <-events:
		if got != EventStopped {
			t.Errorf("announce at close: %v, want stopped", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no stopped announce")
	}
}
