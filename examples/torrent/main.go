// Command torrent creates, seeds and downloads BitTorrent torrents.
//
//	torrent create -tracker http://127.0.0.1:6969/announce -o file.torrent PATH
//	torrent seed [-listen ADDR] file.torrent PATH
//	torrent get [-listen ADDR] -o DIR (file.torrent | magnet:?xt=urn:btih:...)
//
// PATH is the file or directory the torrent describes (or the directory
// holding it). get shows a progress bar on a terminal and exits when every
// piece is verified.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/applayer/applayer/bittorrent"
	"github.com/applayer/applayer/examples/internal/cli"
)

func usage() {
	fmt.Fprintln(os.Stderr, `usage:
  torrent create -tracker URL [-piece-length N] -o FILE PATH
  torrent seed [-listen ADDR] [-dht [-bootstrap HOST:PORT]...] FILE.torrent PATH
  torrent get [-listen ADDR] [-dht [-bootstrap HOST:PORT]...] -o DIR (FILE.torrent | MAGNET)`)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	ctx, stop := cli.SignalContext()
	defer stop()
	var err error
	switch os.Args[1] {
	case "create":
		err = create(ctx, os.Args[2:])
	case "seed":
		err = seed(ctx, os.Args[2:])
	case "get":
		err = get(ctx, os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		cli.Fatal("torrent", err)
	}
}

func create(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("create", flag.ExitOnError)
	var trackers multiFlag
	fs.Var(&trackers, "tracker", "announce URL (repeatable: each is its own tier)")
	out := fs.String("o", "", "output .torrent file")
	pieceLen := fs.Int64("piece-length", 0, "piece length in bytes (0 chooses one)")
	fs.Parse(args)
	if fs.NArg() != 1 || *out == "" {
		usage()
	}
	path := filepath.Clean(fs.Arg(0))
	info, err := bittorrent.NewInfo(ctx, os.DirFS(filepath.Dir(path)), filepath.Base(path), *pieceLen)
	if err != nil {
		return err
	}
	var tiers [][]string
	for _, t := range trackers {
		tiers = append(tiers, []string{t})
	}
	mi, err := bittorrent.NewMetaInfo(*info, tiers...)
	if err != nil {
		return err
	}
	mi.CreatedBy = "applayer"
	mi.CreationDate = time.Now().Unix()
	b, err := mi.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d pieces of %d bytes, info-hash %v\n%s\n", *out, info.NumPieces(), info.PieceLength, mi.InfoHash(), mi.Magnet())
	return nil
}

func loadTorrent(path string) (*bittorrent.MetaInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, bittorrent.MaxMetaInfoSize+1))
	if err != nil {
		return nil, err
	}
	return bittorrent.ParseMetaInfo(b)
}

func newClient(listen string) (*bittorrent.Client, error) {
	c := &bittorrent.Client{Logger: cli.Logger()}
	addr, err := c.Listen(listen)
	if err != nil {
		return nil, err
	}
	cli.Listening("bittorrent", addr)
	return c, nil
}

func seed(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:6881", "address for peer connections")
	dhtOpts := addDHTFlags(fs)
	fs.Parse(args)
	if fs.NArg() != 2 {
		usage()
	}
	mi, err := loadTorrent(fs.Arg(0))
	if err != nil {
		return err
	}
	dir := filepath.Clean(fs.Arg(1))
	if filepath.Base(dir) == mi.Info.Name {
		dir = filepath.Dir(dir)
	}
	c, err := newClient(*listen)
	if err != nil {
		return err
	}
	defer c.Close()
	spec := bittorrent.TorrentSpec{MetaInfo: mi, Dir: dir}
	stopDHT, err := dhtOpts.start(ctx, c, &spec)
	if err != nil {
		return err
	}
	defer stopDHT()
	t, err := c.Add(ctx, spec)
	if err != nil {
		return err
	}
	if s := t.Stats(); !s.Complete {
		return fmt.Errorf("data under %s has %d of %d pieces; seeding needs all of them", dir, s.PiecesDone, s.Pieces)
	}
	fmt.Fprintf(os.Stderr, "seeding %s (%v)\n", mi.Info.Name, mi.InfoHash())
	<-ctx.Done()
	return nil
}

func get(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("get", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:0", "address for peer connections")
	out := fs.String("o", ".", "download directory")
	dhtOpts := addDHTFlags(fs)
	fs.Parse(args)
	if fs.NArg() != 1 {
		usage()
	}
	spec := bittorrent.TorrentSpec{Dir: *out}
	if arg := fs.Arg(0); strings.HasPrefix(arg, "magnet:") {
		m, err := bittorrent.ParseMagnet(arg)
		if err != nil {
			return err
		}
		spec.Magnet = &m
	} else {
		mi, err := loadTorrent(arg)
		if err != nil {
			return err
		}
		spec.MetaInfo = mi
	}
	c, err := newClient(*listen)
	if err != nil {
		return err
	}
	defer c.Close()
	stopDHT, err := dhtOpts.start(ctx, c, &spec)
	if err != nil {
		return err
	}
	defer stopDHT()
	t, err := c.Add(ctx, spec)
	if err != nil {
		return err
	}
	tty := isTerminal(os.Stderr)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	for {
		select {
		case <-ctx.Done():
			return errors.New("interrupted")
		case <-t.Done():
			s := t.Stats()
			if tty {
				progress(os.Stderr, s, time.Since(start))
				fmt.Fprintln(os.Stderr)
			}
			fmt.Printf("downloaded %s: %d bytes in %v\n", t.Info().Name, s.Length, time.Since(start).Round(time.Millisecond))
			return nil
		case <-tick.C:
			if tty {
				progress(os.Stderr, t.Stats(), time.Since(start))
			}
		}
	}
}

// progress draws a one-line progress bar.
func progress(w io.Writer, s bittorrent.Stats, elapsed time.Duration) {
	const width = 40
	frac := 0.0
	if s.Length > 0 {
		frac = float64(s.LengthDone) / float64(s.Length)
	}
	bar := strings.Repeat("#", int(frac*width)) + strings.Repeat(".", width-int(frac*width))
	rate := float64(s.Downloaded) / max(elapsed.Seconds(), 0.001) / (1 << 20)
	fmt.Fprintf(w, "\r[%s] %5.1f%% %d/%d pieces %d peers %.1f MiB/s ", bar, 100*frac, s.PiecesDone, s.Pieces, s.Peers, rate)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }
