package main

import (
	"bytes"
	"context"
	"crypto/sha1"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/applayer/applayer/bittorrent"
	"github.com/applayer/applayer/http1"
)

// runBittorrent is the BitTorrent lesson on loopback: a tracker, one
// seeder whose upload is capped, and eight leechers with different upload
// capacities. Every choke round (here 250 ms instead of 10 s, with an
// optimistic unchoke every third round as 30 s is every third 10 s round)
// prints who the seeder and the best-provisioned leecher (L8) unchoke. At the end every
// leecher's file is checked and the pieces it got from other leechers
// rather than from the seeder are counted.
func runBittorrent(ctx context.Context, w io.Writer, short bool) error {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	size := 8 << 20
	if short {
		size = 2 << 20
	}
	const pieceLen = 32 << 10
	tmp, err := os.MkdirTemp("", "tour-bittorrent-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	data := make([]byte, size)
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rnd.Uint32())
	}
	seedDir := filepath.Join(tmp, "seed")
	os.MkdirAll(seedDir, 0o755)
	if err := os.WriteFile(filepath.Join(seedDir, "lecture.mp4"), data, 0o644); err != nil {
		return err
	}

	// The tracker.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http1.Server{Handler: &bittorrent.HTTPTrackerHandler{Tracker: &bittorrent.Tracker{Interval: time.Second}}, Logger: slog.New(slog.DiscardHandler)}
	go hs.Serve(l)
	defer hs.Close()
	announce := "http://" + l.Addr().String() + "/announce"

	info, err := bittorrent.NewInfo(ctx, os.DirFS(seedDir), "lecture.mp4", pieceLen)
	if err != nil {
		return err
	}
	mi, err := bittorrent.NewMetaInfo(*info, []string{announce})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "The .torrent: %q, %d bytes in %d pieces of %d KiB, tracker %s\n", info.Name, size, info.NumPieces(), pieceLen>>10, announce)
	fmt.Fprintf(w, "info-hash %v (the SHA-1 of the bencoded info dictionary)\n\n", mi.InfoHash())

	// mu serialises the round lines printed from the clients' goroutines.
	// The callbacks run while a torrent is locked, so nothing may call a
	// Torrent method while holding mu; finished silences them before the
	// summary.
	var mu sync.Mutex
	finished := false
	names := func(ps []bittorrent.PeerRate) string {
		var s []string
		for _, p := range ps {
			s = append(s, fmt.Sprintf("%s %s", peerName(p.ID), rate(p.Rate)))
		}
		return strings.Join(s, ", ")
	}
	onRound := func(who string) func(bittorrent.Event) {
		return func(e bittorrent.Event) {
			if e.Type != bittorrent.EventChokeRound || len(e.Round.Top) == 0 {
				return
			}
			r := e.Round
			mode := "downloading: top 4 by rate to us"
			if r.Seeding {
				mode = "seeding: top 4 by rate from us"
			}
			opt := "none"
			if r.Optimistic != nil {
				opt = peerName(r.Optimistic.ID)
				if r.NewOptimistic {
					opt += " (new)"
				}
			}
			mu.Lock()
			if !finished {
				fmt.Fprintf(w, "round %2d %-6s %s: [%s]; optimistic %s\n", r.Round, who, mode, names(r.Top), opt)
			}
			mu.Unlock()
		}
	}
	quiet := slog.New(slog.DiscardHandler)
	newClient := func(name string, uploadRate int64, onEvent func(bittorrent.Event)) (*bittorrent.Client, error) {
		c := &bittorrent.Client{
			PeerID:             peerID(name),
			ChokeInterval:      250 * time.Millisecond,
			OptimisticInterval: 750 * time.Millisecond,
			PEXInterval:        500 * time.Millisecond,
			UploadRate:         uploadRate,
			Logger:             quiet,
			OnEvent:            onEvent,
		}
		_, err := c.Listen("127.0.0.1:0")
		return c, err
	}

	seeder, err := newClient("seeder", 1<<20, onRound("seeder"))
	if err != nil {
		return err
	}
	defer seeder.Close()
	if _, err := seeder.Add(ctx, bittorrent.TorrentSpec{MetaInfo: mi, Dir: seedDir}); err != nil {
		return err
	}
	fmt.Fprintln(w, "seeder: uploads at most 1 MiB/s; leecher Ln uploads at most n×256 KiB/s")
	fmt.Fprintln(w)

	type leecher struct {
		name string
		dir  string
		tor  *bittorrent.Torrent
	}
	var leechers []leecher
	for i := 1; i <= 8; i++ {
		name := fmt.Sprintf("L%d", i)
		var on func(bittorrent.Event)
		if i == 8 {
			on = onRound(name)
		}
		c, err := newClient(name, int64(i)*256<<10, on)
		if err != nil {
			return err
		}
		defer c.Close()
		dir := filepath.Join(tmp, name)
		tor, err := c.Add(ctx, bittorrent.TorrentSpec{MetaInfo: mi, Dir: dir})
		if err != nil {
			return err
		}
		leechers = append(leechers, leecher{name, dir, tor})
	}
	start := time.Now()
	for _, l := range leechers {
		select {
		case <-l.tor.Done():
		case <-ctx.Done():
			return fmt.Errorf("%s did not finish: %+v", l.name, l.tor.Stats())
		}
	}
	mu.Lock()
	finished = true
	mu.Unlock()
	fmt.Fprintf(w, "\nall 8 leechers finished in %v\n\n", time.Since(start).Round(10*time.Millisecond))
	want := sha1.Sum(data)
	fromLeechers := 0
	for _, l := range leechers {
		got, err := os.ReadFile(filepath.Join(l.dir, "lecture.mp4"))
		if err != nil {
			return err
		}
		if !bytes.Equal(got, data) {
			return fmt.Errorf("%s: file differs", l.name)
		}
		s := l.tor.Stats()
		var parts []string
		seed, others := 0, 0
		ids := make([]bittorrent.PeerID, 0, len(s.FromPeers))
		for id := range s.FromPeers {
			ids = append(ids, id)
		}
		slices.SortFunc(ids, func(a, b bittorrent.PeerID) int { return strings.Compare(peerName(a), peerName(b)) })
		for _, id := range ids {
			n := s.FromPeers[id]
			if peerName(id) == "seeder" {
				seed += n
			} else {
				others += n
				parts = append(parts, fmt.Sprintf("%s:%d", peerName(id), n))
			}
		}
		fromLeechers += others
		fmt.Fprintf(w, "%s: sha1 %x ok, %d/%d pieces verified; from the seeder %d, from leechers %d (%s)\n",
			l.name, want[:6], s.PiecesDone, s.Pieces, seed, others, strings.Join(parts, " "))
	}
	if fromLeechers == 0 {
		return fmt.Errorf("no piece came from another leecher")
	}
	fmt.Fprintf(w, "\n%d of %d pieces were traded between leechers, not sent by the seeder.\n",
		fromLeechers, 8*info.NumPieces())
	return nil
}

// peerID gives each tour peer a readable ID: the client tag and its name.
func peerID(name string) bittorrent.PeerID {
	var id bittorrent.PeerID
	copy(id[:], fmt.Sprintf("%s%-12s", bittorrent.PeerIDPrefix, name))
	return id
}

func peerName(id bittorrent.PeerID) string {
	return strings.TrimSpace(string(id[len(bittorrent.PeerIDPrefix):]))
}

func rate(bps int64) string {
	return fmt.Sprintf("%dKiB/s", bps>>10)
}
