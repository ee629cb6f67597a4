package experiment

import "fmt"

// Params are the lesson's quantities, in bytes and bytes per second.
type Params struct {
	// F is the file size.
	F int64
	// Us is the server's upload rate.
	Us int64
	// U is every peer's upload rate (the lesson's ui, all equal).
	U int64
	// Dmin is the slowest peer's download rate; zero means unlimited (the
	// lesson's "dmin >= us" case, where F/dmin never dominates).
	Dmin int64
}

// Validate reports parameters that make no sense for the experiment.
func (p Params) Validate() error {
	switch {
	case p.F <= 0:
		return fmt.Errorf("experiment: file size F must be positive, got %d", p.F)
	case p.Us <= 0:
		return fmt.Errorf("experiment: server upload rate us must be positive, got %d", p.Us)
	case p.U <= 0:
		return fmt.Errorf("experiment: peer upload rate u must be positive, got %d", p.U)
	case p.Dmin < 0:
		return fmt.Errorf("experiment: dmin must be zero (unlimited) or positive, got %d", p.Dmin)
	}
	return nil
}

// downloadTime is F/dmin in seconds, zero when downloads are unlimited.
func (p Params) downloadTime() float64 {
	if p.Dmin == 0 {
		return 0
	}
	return float64(p.F) / float64(p.Dmin)
}

// BoundCS is the client-server lower bound in seconds for n clients:
// max{ n·F/us, F/dmin }.
func (p Params) BoundCS(n int) float64 {
	return max(float64(n)*float64(p.F)/float64(p.Us), p.downloadTime())
}

// BoundP2P is the P2P lower bound in seconds for n peers:
// max{ F/us, F/dmin, n·F/(us + n·u) }.
func (p Params) BoundP2P(n int) float64 {
	f := float64(p.F)
	total := float64(p.Us) + float64(n)*float64(p.U)
	return max(f/float64(p.Us), p.downloadTime(), float64(n)*f/total)
}
