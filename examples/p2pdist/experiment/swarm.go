package experiment

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"testing/fstest"
	"time"

	"github.com/applayer/applayer/bittorrent"
	"github.com/applayer/applayer/http1"
)

// Swarm holds the BitTorrent settings of the P2P design, scaled down like
// the rates: the lesson's 10-second choke round is far longer than a whole
// scaled-down download.
type Swarm struct {
	// PieceLength is the torrent's piece length; zero is
	// DefaultPieceLength. Small pieces let leechers trade sooner.
	PieceLength int64
	// ChokeInterval and OptimisticInterval replace the lesson's 10 s
	// and 30 s; zero is DefaultChokeInterval and three times it.
	ChokeInterval, OptimisticInterval time.Duration
	// RequestQueueDepth caps how many block requests a leecher keeps
	// outstanding at each peer; zero is DefaultRequestQueueDepth. The
	// package sizes each peer's queue to about half a second of that
	// peer's measured rate, under this cap: enough to cover an Internet
	// round trip. On loopback there is no round trip to cover, and at the
	// few hundred KiB per second of this experiment a queue of even two
	// or three blocks parks the last blocks of a download at a peer that
	// sends them at its share of a small uplink, while others sit idle.
	RequestQueueDepth int
	// SeedFastest keeps the seeder on the client's default choker, which
	// unchokes the peers it uploads to fastest. By default the seeder
	// unchokes the peers holding the fewest pieces
	// (bittorrent.SeedFewestPieces), as the lesson's bound assumes: the
	// bound has the server send each piece out once and the peers relay
	// it, all of them uploading all the time. With equal links, "fastest"
	// only favours whoever got lucky first; those peers finish early, and
	// near their end the seeder's slots go to peers with nothing left to
	// ask for while the others wait.
	SeedFastest bool
	// PackageLimits limits rates with the bittorrent.Client's own
	// UploadRate and DownloadRate (token buckets that start empty, with
	// the client's RateBurst) instead of buckets around the connections.
	PackageLimits bool
}

// Defaults of Swarm.
const (
	DefaultPieceLength   = 16 << 10
	DefaultChokeInterval = 200 * time.Millisecond
	// DefaultRequestQueueDepth: on loopback the round trip is tiny, so one
	// block in flight per peer keeps every uploader busy (it is serving
	// several peers), and no block waits in a queue that another peer
	// could have emptied sooner.
	DefaultRequestQueueDepth = 1
	// announceInterval is how often peers ask the tracker for others.
	announceInterval = time.Second
)

func (s Swarm) pieceLength() int64 {
	if s.PieceLength > 0 {
		return s.PieceLength
	}
	return DefaultPieceLength
}

func (s Swarm) requestQueueDepth() int {
	if s.RequestQueueDepth > 0 {
		return s.RequestQueueDepth
	}
	return DefaultRequestQueueDepth
}

func (s Swarm) chokeIntervals() (time.Duration, time.Duration) {
	c, o := s.ChokeInterval, s.OptimisticInterval
	if c <= 0 {
		c = DefaultChokeInterval
	}
	if o <= 0 {
		o = 3 * c
	}
	return c, o
}

// RunP2P measures the P2P design: a tracker, a seeder that uploads at
// p.Us and n leechers that each upload at p.U and download at p.Dmin, all
// on loopback. The clock starts as the leechers are added and stops when
// the last one has verified every piece; each copy is then compared with
// data.
func RunP2P(ctx context.Context, p Params, s Swarm, data []byte, n int) (time.Duration, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	quiet := slog.New(slog.DiscardHandler)

	// The tracker, on our http1 server.
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	tracker := &http1.Server{
		Handler: &bittorrent.HTTPTrackerHandler{Tracker: &bittorrent.Tracker{Interval: announceInterval}},
		Logger:  quiet,
	}
	go tracker.Serve(tl)
	defer tracker.Close()

	const name = "file.bin"
	info, err := bittorrent.NewInfo(ctx, fstest.MapFS{name: {Data: data}}, name, s.pieceLength())
	if err != nil {
		return 0, err
	}
	mi, err := bittorrent.NewMetaInfo(*info, []string{"http://" + tl.Addr().String() + "/announce"})
	if err != nil {
		return 0, err
	}

	choke, optimistic := s.chokeIntervals()
	var clients []*bittorrent.Client
	defer func() {
		// Close in parallel: each announces "stopped" to the tracker.
		var wg sync.WaitGroup
		for _, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.Close()
			}()
		}
		wg.Wait()
	}()
	// newClient runs a swarm client that uploads at up and downloads at
	// down and serves its listener.
	newClient := func(up, down int64) (*bittorrent.Client, error) {
		c := &bittorrent.Client{
			ChokeInterval:       choke,
			OptimisticInterval:  optimistic,
			MinAnnounceInterval: announceInterval / 2,
			PEXInterval:         announceInterval,
			RequestQueueDepth:   s.requestQueueDepth(),
			Logger:              quiet,
		}
		if !s.SeedFastest {
			c.SeedChoking = bittorrent.SeedFewestPieces
		}
		clients = append(clients, c)
		if s.PackageLimits {
			c.UploadRate, c.DownloadRate = up, down
			_, err := c.Listen("127.0.0.1:0")
			return c, err
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lim := Limits{Up: NewBucket(up), Down: NewBucket(down)}
		c.Dial = lim.Dial(ctx)
		go c.Serve(lim.Listener(ctx, l))
		// Serve records the port torrents announce; wait for it.
		for c.Port() == 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Millisecond):
			}
		}
		return c, nil
	}
	// start adds the torrent to c with storage holding content.
	start := func(c *bittorrent.Client, content []byte) (*bittorrent.Torrent, *memStorage, error) {
		st := newMemStorage(int64(len(data)), content)
		t, err := c.Add(ctx, bittorrent.TorrentSpec{
			MetaInfo: mi,
			Storage:  func(*bittorrent.Info) (bittorrent.Storage, error) { return st, nil },
		})
		return t, st, err
	}

	sc, err := newClient(p.Us, 0)
	if err != nil {
		return 0, fmt.Errorf("seeder: %w", err)
	}
	seed, _, err := start(sc, data)
	if err != nil {
		return 0, fmt.Errorf("seeder: %w", err)
	}
	select {
	case <-seed.Done(): // the seeder has checked its copy
	case <-ctx.Done():
		return 0, fmt.Errorf("seeder never verified its copy: %w", ctx.Err())
	}

	type leecher struct {
		t  *bittorrent.Torrent
		st *memStorage
	}
	lcs := make([]*bittorrent.Client, n)
	for i := range lcs {
		if lcs[i], err = newClient(p.U, p.Dmin); err != nil {
			return 0, fmt.Errorf("leecher %d: %w", i+1, err)
		}
	}
	// The clock starts as the leechers join the swarm, all at once.
	leechers := make([]leecher, n)
	errs := make([]error, n)
	begin := time.Now()
	var wg sync.WaitGroup
	for i, c := range lcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			leechers[i].t, leechers[i].st, errs[i] = start(c, nil)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return 0, fmt.Errorf("leecher %d: %w", i+1, err)
		}
	}
	for i, l := range leechers {
		select {
		case <-l.t.Done():
		case <-ctx.Done():
			st := l.t.Stats()
			return 0, fmt.Errorf("leecher %d stopped at %d of %d pieces: %w", i+1, st.PiecesDone, st.Pieces, ctx.Err())
		}
	}
	elapsed := time.Since(begin)
	errs = errs[:0]
	for i, l := range leechers {
		if !bytes.Equal(l.st.bytes(), data) {
			errs = append(errs, fmt.Errorf("leecher %d: its copy differs from the source", i+1))
		}
	}
	return elapsed, errors.Join(errs...)
}
