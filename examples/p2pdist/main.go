// Command p2pdist answers the lesson's question with real transfers on
// loopback: how long does it take to send a file of F bytes from one
// server to N peers, client-server versus P2P?
//
//	go run ./examples/p2pdist                  N = 1, 5, 10, ..., 30 (about a minute)
//	go run ./examples/p2pdist -quick           N = 1, 5, 10 at twice the rates (a few seconds)
//	go run ./examples/p2pdist -svg plot.svg    also draw the plot
//
// Client-server: N clients download the file at once from an http1 server
// whose connections share one token bucket of us bytes per second.
// P2P: a BitTorrent swarm of our tracker, one seeder uploading at us and N
// leechers uploading at u each. The server's rate is us = -us-factor × u
// (the lesson's 10u) unless -us is given; rates are scaled down so F/u is
// a couple of seconds. For each N the program prints the measured times
// next to the lesson's lower bounds
//
//	D_cs  >= max{ N F/us , F/dmin }
//	D_p2p >= max{ F/us , F/dmin , N F/(us + Σ ui) }
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/examples/p2pdist/experiment"
)

// sizeFlag is a byte count flag that takes suffixes (512KiB, 1MiB).
type sizeFlag struct{ n *int64 }

func (f sizeFlag) String() string {
	if f.n == nil {
		return ""
	}
	return experiment.FormatSize(*f.n)
}

func (f sizeFlag) Set(s string) error {
	n, err := experiment.ParseSize(s)
	if err == nil {
		*f.n = n
	}
	return err
}

func main() {
	var (
		fileSize int64 = 1 << 20
		u        int64 = 512 << 10
		us       int64
		dmin     int64
	)
	flag.Var(sizeFlag{&fileSize}, "F", "file size in bytes (suffixes KiB, MiB)")
	flag.Var(sizeFlag{&u}, "u", "every peer's upload rate in bytes per second")
	flag.Var(sizeFlag{&us}, "us", "the server's upload rate in bytes per second (default -us-factor × u)")
	usFactor := flag.Float64("us-factor", 10, "the server's upload rate as a multiple of u, when -us is not given")
	flag.Var(sizeFlag{&dmin}, "dmin", "every peer's download rate in bytes per second (0: unlimited)")
	nMin := flag.Int("n-min", 1, "smallest number of peers")
	nMax := flag.Int("n-max", 30, "largest number of peers")
	nStep := flag.Int("n-step", 5, "measure N at the multiples of this between n-min and n-max")
	pieceLen := flag.Int64("piece", experiment.DefaultPieceLength, "the torrent's piece length in bytes")
	choke := flag.Duration("choke", experiment.DefaultChokeInterval, "the swarm's choke round (the lesson's 10 s, scaled down)")
	queue := flag.Int("queue", experiment.DefaultRequestQueueDepth, "block requests a leecher keeps outstanding at each peer")
	seedFastest := flag.Bool("seed-fastest", false, "the seeder unchokes the peers it uploads to fastest (the client's default) instead of those holding the fewest pieces")
	pkgLimits := flag.Bool("package-limits", false, "limit the swarm with bittorrent.Client's own rate limits instead of buckets around its connections")
	svg := flag.String("svg", "", "write an SVG plot to this file")
	timeout := flag.Duration("timeout", 2*time.Minute, "time limit of each single measurement")
	runs := flag.Int("runs", 1, "measure each design this many times per N and keep the shortest (steadier on a busy machine)")
	quick := flag.Bool("quick", false, "a quick run: F = 1MiB, u = 1MiB/s, N = 1, 5, 10 (flags given explicitly still apply)")
	flag.Parse()

	if *quick {
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["F"] {
			fileSize = 1 << 20
		}
		if !set["u"] {
			u = 1 << 20
		}
		if !set["n-max"] {
			*nMax = 10
		}
	}
	if us == 0 {
		us = int64(*usFactor * float64(u))
	}
	ns, err := experiment.Ns(*nMin, *nMax, *nStep)
	if err != nil {
		cli.Fatal("p2pdist", err)
	}
	ctx, stop := cli.SignalContext()
	defer stop()
	if err := run(ctx, experiment.Config{
		Params:  experiment.Params{F: fileSize, Us: us, U: u, Dmin: dmin},
		Swarm:   experiment.Swarm{PieceLength: *pieceLen, ChokeInterval: *choke, RequestQueueDepth: *queue, SeedFastest: *seedFastest, PackageLimits: *pkgLimits},
		Ns:      ns,
		Timeout: *timeout,
		Runs:    *runs,
	}, *svg); err != nil {
		cli.Fatal("p2pdist", err)
	}
}

func run(ctx context.Context, cfg experiment.Config, svgPath string) error {
	p := cfg.Params
	if err := p.Validate(); err != nil {
		return err
	}
	dmin := "unlimited"
	if p.Dmin > 0 {
		dmin = experiment.FormatSize(p.Dmin) + "/s"
	}
	fmt.Printf("F = %s, us = %s/s, u = %s/s, dmin = %s: F/u = %.2f s, F/us = %.2f s\n\n",
		experiment.FormatSize(p.F), experiment.FormatSize(p.Us), experiment.FormatSize(p.U), dmin,
		float64(p.F)/float64(p.U), float64(p.F)/float64(p.Us))
	experiment.WriteTableHeader(os.Stdout)
	cfg.Progress = func(r experiment.Row) { experiment.WriteRow(os.Stdout, r) }
	rows, err := experiment.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if svgPath == "" {
		return nil
	}
	f, err := os.Create(svgPath)
	if err != nil {
		return err
	}
	if err := experiment.WriteSVG(f, p, rows); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Printf("\nplot written to %s\n", svgPath)
	return nil
}
