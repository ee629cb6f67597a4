package bittorrent

import (
	"context"
	"sync"
	"time"
)

// A RateLimiter is a token bucket: tokens (bytes) accrue at Rate per second
// up to Burst, and WaitN takes n of them, sleeping while there are too few.
// A nil *RateLimiter or a Rate of zero never waits. Safe for concurrent use.
type RateLimiter struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

// NewRateLimiter returns a limiter of bytesPerSecond with a burst of one
// second's worth (at least 64 KiB so one block always fits).
func NewRateLimiter(bytesPerSecond int64) *RateLimiter {
	if bytesPerSecond <= 0 {
		return nil
	}
	burst := max(float64(bytesPerSecond), 64<<10)
	return &RateLimiter{rate: float64(bytesPerSecond), burst: burst, tokens: burst, last: time.Now()}
}

// WaitN blocks until n tokens are available or ctx ends.
func (l *RateLimiter) WaitN(ctx context.Context, n int) error {
	if l == nil || l.rate <= 0 {
		return nil
	}
	l.mu.Lock()
	now := time.Now()
	l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
	l.last = now
	l.tokens -= float64(n) // may go negative: the debt is the wait
	wait := time.Duration(0)
	if l.tokens < 0 {
		wait = time.Duration(-l.tokens / l.rate * float64(time.Second))
	}
	l.mu.Unlock()
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
