package experiment

import (
	"context"
	"net"
	"sync"
	"time"
)

// DefaultBurst is the most a Bucket lets through at once after an idle
// spell. It is small next to F, so a transfer cannot beat its rate by
// spending tokens saved up before the clock started.
const DefaultBurst = 16 << 10

// headStart is how many bytes at the front of each write go out at once,
// charged to the bucket but not waited for. Protocol messages (a
// BitTorrent REQUEST or HAVE, an HTTP request) are small and lead their
// write, so they are not held up behind the data queued before them,
// which would slow the peer asking for data rather than the one sending
// it. The rate over any stretch longer than a write is unchanged.
const headStart = 512

// chunk is the largest slice a limited connection passes to the network
// in one call, so that connections sharing a Bucket interleave.
const chunk = 16 << 10

// A Bucket is a token bucket of bytes: tokens accrue at rate per second up
// to burst, and WaitN takes n of them, sleeping while the balance is
// negative. It starts empty. A nil *Bucket never waits. Safe for
// concurrent use: connections sharing a Bucket share its rate.
type Bucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

// NewBucket returns a bucket of bytesPerSecond with a burst of DefaultBurst,
// or nil (unlimited) when bytesPerSecond is not positive.
func NewBucket(bytesPerSecond int64) *Bucket {
	if bytesPerSecond <= 0 {
		return nil
	}
	return &Bucket{rate: float64(bytesPerSecond), burst: DefaultBurst, last: time.Now()}
}

// take charges n bytes and returns how long the caller must wait for
// the balance to be paid back. Concurrent callers queue by taking debt:
// each waits for its own share of the rate.
func (b *Bucket) take(n int) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	b.tokens -= float64(n)
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}

// Charge counts n bytes against the bucket without waiting: they add to
// the debt the next WaitN pays.
func (b *Bucket) Charge(n int) {
	if b != nil {
		b.take(n)
	}
}

// WaitN blocks until n bytes may pass or ctx ends.
func (b *Bucket) WaitN(ctx context.Context, n int) error {
	if b == nil {
		return nil
	}
	wait := b.take(n)
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A Limits pairs the upload and download buckets of one host; either may
// be nil (unlimited). Every connection the host opens or accepts is
// wrapped with the same two buckets, so the host's total rate is bounded
// however many connections it has.
type Limits struct {
	Up, Down *Bucket
}

// Conn wraps c so that writes pass through l.Up and reads through l.Down.
// Waits end when ctx does.
func (l Limits) Conn(ctx context.Context, c net.Conn) net.Conn {
	if l.Up == nil && l.Down == nil {
		return c
	}
	return &limitedConn{Conn: c, ctx: ctx, lim: l}
}

// Listener wraps ln so that every accepted connection is limited by l.
func (l Limits) Listener(ctx context.Context, ln net.Listener) net.Listener {
	return &limitedListener{Listener: ln, ctx: ctx, lim: l}
}

// Dial returns a dial function (the shape of net.Dialer.DialContext) whose
// connections are limited by l.
func (l Limits) Dial(ctx context.Context) func(context.Context, string, string) (net.Conn, error) {
	var d net.Dialer
	return func(dctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(dctx, network, addr)
		if err != nil {
			return nil, err
		}
		return l.Conn(ctx, c), nil
	}
}

type limitedListener struct {
	net.Listener
	ctx context.Context
	lim Limits
}

func (ln *limitedListener) Accept() (net.Conn, error) {
	c, err := ln.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return ln.lim.Conn(ln.ctx, c), nil
}

type limitedConn struct {
	net.Conn
	ctx context.Context
	lim Limits
}

// Write sends the head of p at once and the rest a chunk at a time, each
// after its tokens.
func (c *limitedConn) Write(p []byte) (int, error) {
	written := 0
	if c.lim.Up == nil {
		return c.Conn.Write(p)
	}
	if head := min(len(p), headStart); head > 0 {
		c.lim.Up.Charge(head)
		m, err := c.Conn.Write(p[:head])
		written += m
		if err != nil {
			return written, err
		}
		p = p[head:]
	}
	for len(p) > 0 {
		n := min(len(p), chunk)
		if err := c.lim.Up.WaitN(c.ctx, n); err != nil {
			return written, err
		}
		m, err := c.Conn.Write(p[:n])
		written += m
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

// Read reads at most a chunk and pays for what arrived before returning
// it, so the reader sees data no faster than the rate.
func (c *limitedConn) Read(p []byte) (int, error) {
	if c.lim.Down == nil {
		return c.Conn.Read(p)
	}
	n, err := c.Conn.Read(p[:min(len(p), chunk)])
	if n > 0 {
		if werr := c.lim.Down.WaitN(c.ctx, n); werr != nil && err == nil {
			err = werr
		}
	}
	return n, err
}
