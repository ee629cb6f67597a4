package bittorrent

import (
	"context"
	"sync"
	"time"
)

// DefaultRateBurst is the most a [RateLimiter] lets through at once after an
// idle spell, when no burst is given: a few blocks, small next to any file,
// so a limited transfer cannot beat its rate by spending tokens saved up
// while it was idle.
const DefaultRateBurst = 64 << 10

// A RateLimiter is a token bucket: tokens (bytes) accrue at Rate per second
// up to Burst, and WaitN takes n of them, sleeping while there are too few.
// It starts empty, so the first second of traffic is limited like every
// other. A nil *RateLimiter or a Rate of zero never waits. Safe for
// concurrent use.
type RateLimiter struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

// NewRateLimiter returns an empty limiter of bytesPerSecond that saves up
// at most burst bytes (zero or less is DefaultRateBurst), or nil (no limit)
// when bytesPerSecond is not positive. A request larger than the burst is
// still served: it runs the bucket into debt and waits it off.
func NewRateLimiter(bytesPerSecond, burst int64) *RateLimiter {
	if bytesPerSecond <= 0 {
		return nil
	}
	if burst <= 0 {
		burst = DefaultRateBurst
	}
	return &RateLimiter{rate: float64(bytesPerSecond), burst: float64(burst), last: time.Now()}
}

// reserve takes n tokens and returns how long the caller must wait for the
// balance to be paid back.
func (l *RateLimiter) reserve(n int) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
	l.last = now
	l.tokens -= float64(n) // may go negative: the debt is the wait
	if l.tokens >= 0 {
		return 0
	}
	return time.Duration(-l.tokens / l.rate * float64(time.Second))
}

// WaitN blocks until n tokens are available or ctx ends.
func (l *RateLimiter) WaitN(ctx context.Context, n int) error {
	if l == nil || l.rate <= 0 {
		return nil
	}
	wait := l.reserve(n)
	if wait == 0 {
		return nil
	}
	tm := time.NewTimer(wait)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
