package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/applayer/applayer/examples/p2pdist/experiment"
)

// runP2pdist is the lesson's distribution-time question, small: a file of F
// bytes goes from one server to N peers, first from an http1 server whose
// upload is limited to us = 10u, then through a BitTorrent swarm whose
// seeder uploads at us and whose leechers upload at u each. The measured
// times are printed next to the lesson's lower bounds. The full experiment,
// with a plot, is examples/p2pdist.
func runP2pdist(ctx context.Context, w io.Writer, short bool) error {
	cfg := experiment.Config{
		// 64 pieces of 16 KiB: enough for the leechers to trade from
		// the start, as the bound's fluid model assumes.
		Params:  experiment.Params{F: 1 << 20, U: 1 << 20, Us: 10 << 20},
		Ns:      []int{1, 5, 10},
		Timeout: 30 * time.Second,
	}
	if short {
		cfg.F, cfg.Ns = 512<<10, []int{1, 4, 8}
	}
	p := cfg.Params
	fmt.Fprintf(w, "F = %s, server upload us = %s/s, every peer uploads u = %s/s (us = 10u); F/u = %.1f s\n",
		experiment.FormatSize(p.F), experiment.FormatSize(p.Us), experiment.FormatSize(p.U), float64(p.F)/float64(p.U))
	fmt.Fprintln(w, "client-server: N clients GET the file from an http1 server; P2P: a tracker, a seeder and N leechers")
	fmt.Fprintln(w, "bounds: D_cs >= max{N F/us, F/dmin}; D_p2p >= max{F/us, F/dmin, N F/(us + Σui)}")
	fmt.Fprintln(w)
	experiment.WriteTableHeader(w)
	cfg.Progress = func(r experiment.Row) { experiment.WriteRow(w, r) }
	rows, err := experiment.Run(ctx, cfg)
	if err != nil {
		return err
	}
	first, last := rows[0], rows[len(rows)-1]
	fmt.Fprintf(w, "\nfrom N = %d to N = %d, client-server took %.1f× as long (the bound: %.1f×), P2P %.1f× (the bound: %.1f×):\n",
		first.N, last.N, last.CS/first.CS, last.BoundCS/first.BoundCS, last.P2P/first.P2P, last.BoundP2P/first.BoundP2P)
	fmt.Fprintln(w, "the server's upload is shared by every client, while each new peer brings its own upload with it.")
	fmt.Fprintln(w, "Every copy was checked byte for byte. The full experiment: go run ./examples/p2pdist -svg plot.svg")
	return nil
}
