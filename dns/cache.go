package dns

import (
	"sync"
	"time"
)

// DefaultCacheSize is the number of RRsets a [Cache] holds when MaxEntries is zero.
const DefaultCacheSize = 10000

// MaxCacheTTL caps how long any entry is kept, whatever TTL the server gave
// (RFC 2181 section 8 allows caps; one day is a common choice).
const MaxCacheTTL = 86400

// Cache holds RRsets and negative answers for an iterative [Resolver], each
// until its TTL runs out (RFC 1034 section 4.3.4). Negative answers, NXDOMAIN
// for a name and NODATA for a name and type, are kept for the smaller of the
// SOA record's TTL and its MINIMUM field (RFC 2308 section 5). The cache is
// bounded: when full, expired entries go first, then arbitrary ones. A Cache
// is safe for concurrent use; its zero value is ready to use.
type Cache struct {
	// MaxEntries bounds the number of entries; zero means DefaultCacheSize.
	MaxEntries int
	// Now returns the current time; nil means time.Now. Examples and tests
	// set it to a fake clock to show expiry.
	Now func() time.Time

	mu sync.Mutex
	m  map[cacheKey]*cacheEntry
}

type cacheKey struct {
	name Name // canonical
	t    Type // 0 for NXDOMAIN, which covers every type of the name
}

type cacheEntry struct {
	rrs     []RR  // the RRset, or the SOA of a negative answer
	rcode   Rcode // RcodeSuccess, or RcodeNameError for NXDOMAIN
	neg     bool  // NXDOMAIN or NODATA
	stored  time.Time
	expires time.Time
}

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Cache) max() int {
	if c.MaxEntries > 0 {
		return c.MaxEntries
	}
	return DefaultCacheSize
}

// Len returns the number of entries, expired ones included.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// Flush removes every entry.
func (c *Cache) Flush() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

func (c *Cache) put(k cacheKey, e *cacheEntry, ttl uint32) {
	if ttl > MaxCacheTTL {
		ttl = MaxCacheTTL
	}
	if ttl == 0 {
		return
	}
	now := c.now()
	e.stored = now
	e.expires = now.Add(time.Duration(ttl) * time.Second)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[cacheKey]*cacheEntry)
	}
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max() {
		c.evict(now)
	}
	c.m[k] = e
}

// evict removes expired entries, or one arbitrary entry when none has expired.
func (c *Cache) evict(now time.Time) {
	n := len(c.m)
	for k, e := range c.m {
		if !now.Before(e.expires) {
			delete(c.m, k)
		}
	}
	if len(c.m) < n {
		return
	}
	for k := range c.m {
		delete(c.m, k)
		return
	}
}

// PutRRset caches rrs, which must share owner and type; the TTL is their smallest.
func (c *Cache) PutRRset(rrs []RR) {
	if len(rrs) == 0 {
		return
	}
	ttl := rrs[0].TTL
	for _, rr := range rrs[1:] {
		ttl = min(ttl, rr.TTL)
	}
	k := cacheKey{rrs[0].Name.Canonical(), rrs[0].Type()}
	c.put(k, &cacheEntry{rrs: append([]RR(nil), rrs...)}, ttl)
}

// putNegative caches NXDOMAIN (t == 0) or NODATA for name, with the SOA from the authority section.
func (c *Cache) putNegative(name Name, t Type, rcode Rcode, authority []RR) {
	for _, rr := range authority {
		if soa, ok := rr.Data.(*SOA); ok {
			ttl := min(rr.TTL, soa.MinTTL)
			c.put(cacheKey{name.Canonical(), t}, &cacheEntry{rrs: []RR{rr}, rcode: rcode, neg: true}, ttl)
			return
		}
	}
	// Without an SOA the answer is not cached (RFC 2308 section 5).
}

// get returns the entry's records with TTLs lowered by the time spent in the cache.
func (c *Cache) get(name Name, t Type) (e cacheEntry, ok bool) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.m[cacheKey{name.Canonical(), t}]
	if p == nil {
		return e, false
	}
	if !now.Before(p.expires) {
		delete(c.m, cacheKey{name.Canonical(), t})
		return e, false
	}
	e = *p
	left := uint32(p.expires.Sub(now) / time.Second)
	e.rrs = make([]RR, len(p.rrs))
	for i, rr := range p.rrs {
		rr.TTL = min(rr.TTL, left)
		e.rrs[i] = rr
	}
	return e, true
}

// Lookup returns the cached RRset of name and type t, with remaining TTLs.
func (c *Cache) Lookup(name Name, t Type) ([]RR, bool) {
	e, ok := c.get(name, t)
	if !ok || e.neg {
		return nil, false
	}
	return e.rrs, true
}
