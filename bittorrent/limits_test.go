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

// TestRateLimiter checks the token bucket's lower bound: it starts empty,
// so bytes cannot flow faster than the rate even at first.
func TestRateLimiter(t *testing.T) {
	if NewRateLimiter(0, 0) != nil {
		t.Error("a zero rate should mean no limiter")
	}
	var none *RateLimiter
	if err := none.WaitN(context.Background(), 1<<30); err != nil {
		t.Error(err)
	}
	l := NewRateLimiter(1<<20, 0) // 1 MiB/s, empty
	ctx := context.Background()
	start := time.Now()
	l.WaitN(ctx, 256<<10)
	l.WaitN(ctx, 256<<10)
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("512 KiB through an empty 1 MiB/s bucket took %v, want >= 0.5 s", d)
	}
	ctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.WaitN(ctx, 10<<20); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitN with a cancelled context = %v", err)
	}
}

// TestRateLimiterBurst checks the bucket's balance without the clock: it
// starts empty, and however long it idles it saves up only the burst.
func TestRateLimiterBurst(t *testing.T) {
	for _, tc := range []struct {
		name  string
		burst int64
		want  int64
	}{
		{"default", 0, DefaultRateBurst},
		{"configured", 32 << 10, 32 << 10},
		{"larger than a second", 4 << 20, 4 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := NewRateLimiter(1<<20, tc.burst)
			if l.tokens != 0 {
				t.Errorf("a new bucket holds %v tokens, want 0", l.tokens)
			}
			l.last = l.last.Add(-time.Hour) // idle for an hour
			if w := l.reserve(int(tc.want)); w != 0 {
				t.Errorf("the burst of %d waited %v", tc.want, w)
			}
			if w := l.reserve(1 << 10); w <= 0 {
				t.Error("a byte past the burst did not wait")
			}
		})
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

// TestBlocksPerWrite checks the writer's batch: many blocks on a fast link,
// one at a time on a slow one, so control messages are not held behind
// data.
func TestBlocksPerWrite(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int64
		d    time.Duration
		want int
	}{
		{"untimed", 0, 0, 1},
		{"instant", BlockSize, 0, maxBlocksPerWrite},
		{"loopback", 4 * BlockSize, 50 * time.Microsecond, maxBlocksPerWrite},
		{"4 blocks per target", BlockSize, writeTarget / 4, 4},
		{"512 KiB/s", BlockSize, 31 * time.Millisecond, 1},
		{"very slow", BlockSize, time.Second, 1},
	} {
		if got := blocksPerWrite(tc.n, tc.d); got != tc.want {
			t.Errorf("%s: blocksPerWrite(%d, %v) = %d, want %d", tc.name, tc.n, tc.d, got, tc.want)
		}
	}
}

// TestRequestDepth checks the per-peer request queue: deep for a fast
// peer, shallow for a slow one, always within the configured limit.
func TestRequestDepth(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rate  float64
		limit int
		want  int
	}{
		{"not measured", 0, 500, initialRequestDepth},
		{"not measured, low limit", 0, 4, 4},
		{"10 MiB/s", 10 << 20, 500, 320},
		{"10 MiB/s, limited", 10 << 20, 64, 64},
		{"128 KiB/s", 128 << 10, 500, 4},
		{"very slow", 1 << 10, 500, minRequestDepth},
		{"limit below the minimum", 1 << 10, 1, 1},
	} {
		if got := requestDepth(tc.rate, tc.limit); got != tc.want {
			t.Errorf("%s: requestDepth(%v, %d) = %d, want %d", tc.name, tc.rate, tc.limit, got, tc.want)
		}
	}
}

// TestCountReceived checks the smoothed receive rate behind requestDepth.
func TestCountReceived(t *testing.T) {
	var pc peerConn
	t0 := time.Unix(1000, 0)
	pc.countReceived(t0, BlockSize)
	if pc.dnRate != 0 {
		t.Fatalf("rate %v from one block, want none yet", pc.dnRate)
	}
	pc.countReceived(t0.Add(rateWindow), BlockSize) // 32 KiB in 100 ms
	if want := 2.0 * BlockSize / rateWindow.Seconds(); pc.dnRate != want {
		t.Errorf("first sample %v, want %v", pc.dnRate, want)
	}
	pc.countReceived(t0.Add(rateWindow+time.Second), 0) // idle for a second
	if want := (2.0*BlockSize/rateWindow.Seconds() + 0) / 2; pc.dnRate != want {
		t.Errorf("after an idle second %v, want %v", pc.dnRate, want)
	}
}
