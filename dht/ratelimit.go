package dht

import (
	"net/netip"
	"time"
)

// rateLimiter is a token bucket per source address: each source may send
// burst queries at once and rate per second after that. It tracks at most
// maxSources sources; when a new source finds it full, buckets that have
// refilled are forgotten, and if none have, the new source is refused
// (a flood of spoofed addresses then costs bounded memory). Not safe for
// concurrent use.
type rateLimiter struct {
	rate       float64
	burst      float64
	maxSources int
	sources    map[netip.AddrPort]*tokenBucket
}

type tokenBucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(rate float64, burst, maxSources int) *rateLimiter {
	return &rateLimiter{rate: rate, burst: float64(burst), maxSources: maxSources, sources: map[netip.AddrPort]*tokenBucket{}}
}

func (r *rateLimiter) allow(src netip.AddrPort, now time.Time) bool {
	if r.rate <= 0 {
		return true
	}
	b := r.sources[src]
	if b == nil {
		if len(r.sources) >= r.maxSources {
			for a, ob := range r.sources {
				if ob.tokens+now.Sub(ob.last).Seconds()*r.rate >= r.burst {
					delete(r.sources, a)
				}
			}
			if len(r.sources) >= r.maxSources {
				return false
			}
		}
		b = &tokenBucket{tokens: r.burst, last: now}
		r.sources[src] = b
	}
	b.tokens = min(r.burst, b.tokens+now.Sub(b.last).Seconds()*r.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
