package experiment

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestBoundsLessonTable checks the bounds against the lesson's plotted
// example (CHECKLIST appendix F.1): F/u = 1 hour, us = 10u, dmin >= us, all
// ui = u. With u = 1 byte per second and F = 3600 bytes, seconds/3600 are
// the lesson's hours.
func TestBoundsLessonTable(t *testing.T) {
	lesson := Params{F: 3600, U: 1, Us: 10, Dmin: 10}
	tests := []struct {
		n       int
		cs, p2p float64 // hours
	}{
		{1, 0.1, 0.1},
		{5, 0.5, 0.333},
		{10, 1.0, 0.5},
		{15, 1.5, 0.6},
		{20, 2.0, 0.667},
		{25, 2.5, 0.714},
		{30, 3.0, 0.75},
		{35, 3.5, 0.778},
	}
	approx := cmpopts.EquateApprox(0, 0.0006) // the lesson rounds to 3 places
	for _, p := range []Params{lesson, {F: 3600, U: 1, Us: 10}} {
		for _, tt := range tests {
			got := []float64{p.BoundCS(tt.n) / 3600, p.BoundP2P(tt.n) / 3600}
			if diff := cmp.Diff([]float64{tt.cs, tt.p2p}, got, approx); diff != "" {
				t.Errorf("%+v, N=%d: bounds (-lesson +got):\n%s", p, tt.n, diff)
			}
		}
	}
}

// TestBoundsShape: client-server grows linearly, P2P never reaches F/u.
func TestBoundsShape(t *testing.T) {
	p := Params{F: 3600, U: 1, Us: 10}
	for n := 1; n <= 1000; n++ {
		if got, want := p.BoundCS(n), float64(n)*360; math.Abs(got-want) > 1e-9 {
			t.Fatalf("BoundCS(%d) = %v, want %v", n, got, want)
		}
		if got := p.BoundP2P(n); got >= 3600 || got < p.BoundP2P(n-1) {
			t.Fatalf("BoundP2P(%d) = %v: want non-decreasing and below F/u", n, got)
		}
	}
}

// TestBoundsSlowDownload: a dmin below us makes F/dmin the bound.
func TestBoundsSlowDownload(t *testing.T) {
	p := Params{F: 100, U: 1, Us: 10, Dmin: 2}
	if got := p.BoundCS(1); got != 50 {
		t.Errorf("BoundCS(1) = %v, want F/dmin = 50", got)
	}
	if got := p.BoundP2P(3); got != 50 {
		t.Errorf("BoundP2P(3) = %v, want F/dmin = 50", got)
	}
	if got := p.BoundCS(20); got != 200 {
		t.Errorf("BoundCS(20) = %v, want N F/us = 200", got)
	}
}

func TestNs(t *testing.T) {
	tests := []struct {
		min, max, step int
		want           []int
	}{
		{1, 30, 5, []int{1, 5, 10, 15, 20, 25, 30}},
		{1, 30, 1, nil},
		{2, 2, 1, []int{2}},
		{1, 8, 4, []int{1, 4, 8}},
		{3, 10, 4, []int{3, 4, 8, 10}},
	}
	for _, tt := range tests {
		got, err := Ns(tt.min, tt.max, tt.step)
		if err != nil {
			t.Fatal(err)
		}
		if tt.want == nil {
			if len(got) != 30 || got[0] != 1 || got[29] != 30 {
				t.Errorf("Ns(%d,%d,%d) = %v", tt.min, tt.max, tt.step, got)
			}
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Ns(%d,%d,%d) (-want +got):\n%s", tt.min, tt.max, tt.step, diff)
		}
	}
	for _, bad := range [][3]int{{0, 5, 1}, {5, 4, 1}, {1, 5, 0}} {
		if _, err := Ns(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("Ns%v: no error", bad)
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"1048576", 1 << 20}, {"512KiB", 512 << 10}, {"1MiB", 1 << 20}, {"3k", 3 << 10}, {"2M", 2 << 20}, {"0", 0},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
		if tt.want > 0 {
			if back, err := ParseSize(FormatSize(tt.want)); err != nil || back != tt.want {
				t.Errorf("ParseSize(FormatSize(%d)) = %d, %v", tt.want, back, err)
			}
		}
	}
	for _, bad := range []string{"", "x", "-1", "1.5MiB", "1GiB", "99999999999999MiB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q): no error", bad)
		}
	}
}
