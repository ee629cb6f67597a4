package experiment

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// A Row is the outcome for one N: measured times and the lesson's bounds,
// in seconds.
type Row struct {
	N             int
	CS, BoundCS   float64
	P2P, BoundP2P float64
}

// Config is one whole experiment: the parameters, the swarm settings, the
// values of N and a time limit per measurement.
type Config struct {
	Params
	Swarm Swarm
	// Ns are the numbers of peers to measure, in order.
	Ns []int
	// Timeout bounds each single measurement; zero means none beyond ctx.
	Timeout time.Duration
	// Runs is how many times each design is measured for each N; the
	// row keeps the shortest time, which is least disturbed by other
	// work on the machine. Zero means one.
	Runs int
	// Progress, if set, is called with each row as soon as it is measured.
	Progress func(Row)
}

// Ns returns the values of N from min to max: min, then every multiple of
// step above it, then max (1, 5, 10, ..., 30 for 1, 30, 5).
func Ns(min, max, step int) ([]int, error) {
	if min < 1 || max < min || step < 1 {
		return nil, fmt.Errorf("experiment: need 1 <= n-min <= n-max and n-step >= 1, got %d, %d, %d", min, max, step)
	}
	ns := []int{min}
	for n := (min/step + 1) * step; n < max; n += step {
		ns = append(ns, n)
	}
	if max > min {
		ns = append(ns, max)
	}
	return ns, nil
}

// File returns size bytes of deterministic pseudo-random content.
func File(size int64) []byte {
	r := rand.New(rand.NewPCG(13, uint64(size)))
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// Run measures both designs for every N of cfg and returns the rows.
func Run(ctx context.Context, cfg Config) ([]Row, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	data := File(cfg.F)
	var rows []Row
	for _, n := range cfg.Ns {
		row := Row{N: n, BoundCS: cfg.BoundCS(n), BoundP2P: cfg.BoundP2P(n)}
		cs, err := measure(ctx, cfg.Timeout, cfg.Runs, func(ctx context.Context) (time.Duration, error) {
			return RunClientServer(ctx, cfg.Params, data, n)
		})
		if err != nil {
			return rows, fmt.Errorf("client-server, N=%d: %w", n, err)
		}
		p2p, err := measure(ctx, cfg.Timeout, cfg.Runs, func(ctx context.Context) (time.Duration, error) {
			return RunP2P(ctx, cfg.Params, cfg.Swarm, data, n)
		})
		if err != nil {
			return rows, fmt.Errorf("P2P, N=%d: %w", n, err)
		}
		row.CS, row.P2P = cs.Seconds(), p2p.Seconds()
		rows = append(rows, row)
		if cfg.Progress != nil {
			cfg.Progress(row)
		}
	}
	return rows, nil
}

// measure runs f runs times (at least once), each within timeout, and
// returns the shortest time.
func measure(ctx context.Context, timeout time.Duration, runs int, f func(context.Context) (time.Duration, error)) (time.Duration, error) {
	best := time.Duration(-1)
	for range max(runs, 1) {
		d, err := measureOnce(ctx, timeout, f)
		if err != nil {
			return 0, err
		}
		if best < 0 || d < best {
			best = d
		}
	}
	return best, nil
}

func measureOnce(ctx context.Context, timeout time.Duration, f func(context.Context) (time.Duration, error)) (time.Duration, error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	return f(ctx)
}
