package experiment

import (
	"context"
	"testing"
	"time"
)

// tolerance is how far below a bound a measured time may fall: the
// buckets' DefaultBurst and timer granularity let a transfer run very
// slightly ahead of its rate.
const tolerance = 0.9

// TestRunTiny is one small real run of both designs with N = 2: the
// downloads are compared byte for byte with the source inside
// RunClientServer and RunP2P, and the measured times must not beat the
// bounds. The second case limits downloads, so F/dmin is the bound.
func TestRunTiny(t *testing.T) {
	tests := []struct {
		name string
		p    Params
	}{
		{"us=4u", Params{F: 128 << 10, U: 256 << 10, Us: 1 << 20}},
		{"dmin=us/4", Params{F: 128 << 10, U: 256 << 10, Us: 1 << 20, Dmin: 256 << 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := Run(t.Context(), Config{Params: tt.p, Ns: []int{2}, Timeout: 30 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 {
				t.Fatalf("got %d rows, want 1", len(rows))
			}
			r := rows[0]
			t.Logf("N=%d D_cs=%.3fs (bound %.3fs) D_p2p=%.3fs (bound %.3fs)", r.N, r.CS, r.BoundCS, r.P2P, r.BoundP2P)
			if r.CS < tolerance*r.BoundCS {
				t.Errorf("client-server took %.3fs, below its bound %.3fs", r.CS, r.BoundCS)
			}
			if r.P2P < tolerance*r.BoundP2P {
				t.Errorf("P2P took %.3fs, below its bound %.3fs", r.P2P, r.BoundP2P)
			}
		})
	}
}

// TestRunP2PPackageLimits runs the swarm limited by bittorrent.Client's own
// rates; it must deliver identical copies (its timing is not checked here).
func TestRunP2PPackageLimits(t *testing.T) {
	p := Params{F: 64 << 10, U: 256 << 10, Us: 1 << 20}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if _, err := RunP2P(ctx, p, Swarm{PackageLimits: true}, File(p.F), 2); err != nil {
		t.Fatal(err)
	}
}

// TestBucketRate: a bucket shared by concurrent writers holds them to its
// rate together.
func TestBucketRate(t *testing.T) {
	const rate = 1 << 20
	b := NewBucket(rate)
	start := time.Now()
	done := make(chan error)
	for range 4 {
		go func() {
			var err error
			for range 4 {
				if err = b.WaitN(t.Context(), 16<<10); err != nil {
					break
				}
			}
			done <- err
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	// 256 KiB at 1 MiB/s from an empty bucket: at least 1/4 s.
	if el := time.Since(start); el < 240*time.Millisecond {
		t.Errorf("256 KiB passed a 1 MiB/s bucket in %v", el)
	}
	if NewBucket(0) != nil {
		t.Error("NewBucket(0) is not unlimited")
	}
}

// TestMeasureKeepsShortest: with several runs the shortest time is kept,
// and a failing run fails the measurement.
func TestMeasureKeepsShortest(t *testing.T) {
	times := []time.Duration{3, 1, 2}
	i := 0
	got, err := measure(t.Context(), time.Second, 3, func(context.Context) (time.Duration, error) {
		d := times[i]
		i++
		return d, nil
	})
	if err != nil || got != 1 || i != 3 {
		t.Errorf("measure = %v, %v after %d runs; want 1ns after 3", got, err, i)
	}
	if _, err := measure(t.Context(), 0, 2, func(context.Context) (time.Duration, error) {
		return 0, context.Canceled
	}); err == nil {
		t.Error("a failing run did not fail the measurement")
	}
}
