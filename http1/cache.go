package http1

import (
	"bytes"
	"container/list"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Cache defaults.
const (
	DefaultCacheMaxBytes = 64 << 20 // total stored content
	// maxHeuristicFreshness caps the freshness a cache guesses from
	// Last-Modified (RFC 9111, section 4.2.2 suggests 10% of the age).
	maxHeuristicFreshness = 24 * time.Hour
)

// Cache is a web cache, a caching forward proxy (RFC 9111): a server to
// the browser and a client to the origin. Point a browser (or
// [Client.Proxy]) at a Server whose Handler is the Cache.
//
// It stores GET responses that Cache-Control (max-age, s-maxage,
// no-cache, no-store, private), Expires and Vary allow, and answers
// fresh ones itself (a hit). It revalidates stale ones with
// If-None-Match / If-Modified-Since, and on 304 Not Modified refreshes
// the stored header and serves the stored content. Concurrent misses for
// the same object wait for one origin fetch (request coalescing). Stored
// content is bounded by MaxBytes with least-recently-used eviction.
// Other methods pass through, and unsafe ones invalidate the stored
// object. CONNECT (HTTPS tunnels) is refused: a cache cannot see inside.
//
// Responses carry "X-Cache: HIT", "MISS" or "REVALIDATED" and an Age
// field. Cache is safe for concurrent use; set the fields before use.
type Cache struct {
	// Client fetches from origins; nil means a default Client that does
	// not follow redirects.
	Client *Client

	// MaxBytes bounds the stored content. Zero means DefaultCacheMaxBytes.
	MaxBytes int64

	// MaxObjectBytes is the largest response stored; larger ones pass
	// through. Zero means MaxBytes/8.
	MaxObjectBytes int64

	// Logger receives origin errors. Nil means slog.Default().
	Logger *slog.Logger

	now func() time.Time // for tests

	mu      sync.Mutex
	lru     *list.List               // of *cacheEntry, most recent at the front
	byKey   map[string]*list.Element // key: URL + the Vary values
	vary    map[string][]string      // URL -> the Vary field names of its last stored response
	stored  map[string]int           // URL -> how many entries it has (vary is pruned at zero)
	size    int64
	flights map[string]*flight

	hits, misses, revalidations atomic.Int64
}

// CacheStats counts how requests were answered.
type CacheStats struct {
	Hits, Misses, Revalidations int64
	Objects                     int
	Bytes                       int64
}

// Stats returns the counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	if c.lru != nil {
		n = c.lru.Len()
	}
	return CacheStats{c.hits.Load(), c.misses.Load(), c.revalidations.Load(), n, c.size}
}

type cacheEntry struct {
	key      string
	url      string
	status   Status
	reason   string
	header   Header // end-to-end fields only
	body     []byte
	stored   time.Time     // when the response (or its 304 refresh) arrived
	ageAt    time.Duration // its age at that moment (RFC 9111, 4.2.3)
	lifetime time.Duration // freshness lifetime; 0 means always revalidate
}

// flight is one origin fetch that other requests for the same key wait for.
type flight struct {
	done chan struct{}
}

func (c *Cache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

func (c *Cache) client() *Client {
	if c.Client != nil {
		return c.Client
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Client == nil {
		c.Client = &Client{MaxRedirects: -1}
	}
	return c.Client
}

func (c *Cache) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

// ServeHTTP answers a proxy request from the cache or the origin.
func (c *Cache) ServeHTTP(w ResponseWriter, r *Request) {
	if r.Method == MethodConnect {
		Error(w, "405 CONNECT not supported by this cache", StatusMethodNotAllowed)
		return
	}
	u, err := r.URL()
	if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
		Error(w, "400 bad request", StatusBadRequest)
		return
	}
	u.Fragment = ""
	urlKey := u.String()
	if r.Method != MethodGet && r.Method != MethodHead {
		if !r.Method.Safe() {
			c.invalidate(urlKey)
		}
		c.passThrough(w, r, u)
		return
	}
	reqCC := parseCacheControl(r.Header.Values("Cache-Control"))
	if _, ok := reqCC["no-store"]; ok {
		c.passThrough(w, r, u)
		return
	}
	_, noCache := reqCC["no-cache"]
	if v, ok := reqCC["max-age"]; ok && v == "0" {
		noCache = true
	}
	for attempt := 0; ; attempt++ {
		key := c.keyFor(urlKey, r)
		e, fresh := c.lookup(key)
		if e != nil && fresh && !noCache {
			c.hits.Add(1)
			c.serveEntry(w, r, e, "HIT")
			return
		}
		if _, ok := reqCC["only-if-cached"]; ok {
			// The client wants no origin contact (RFC 9111, 5.2.1.7).
			Error(w, "504 not in cache", StatusGatewayTimeout)
			return
		}
		// A miss or a stale entry: one origin fetch per key at a time.
		f, leader := c.joinFlight(key)
		if leader && !noCache {
			// Another fetch may have stored it between lookup and join.
			if e2, fresh := c.lookup(key); e2 != nil && fresh {
				c.endFlight(key, f)
				c.hits.Add(1)
				c.serveEntry(w, r, e2, "HIT")
				return
			}
		}
		if !leader {
			<-f.done
			if attempt < 2 {
				continue // look again: the leader probably stored it
			}
		}
		c.fetch(w, r, u, urlKey, key, e)
		if leader {
			c.endFlight(key, f)
		}
		return
	}
}

// keyFor returns the storage key: the URL, plus the request's values of
// the fields the stored response varies on (RFC 9111, section 4.1).
func (c *Cache) keyFor(urlKey string, r *Request) string {
	c.mu.Lock()
	names := c.vary[urlKey]
	c.mu.Unlock()
	if len(names) == 0 {
		return urlKey
	}
	var b strings.Builder
	b.WriteString(urlKey)
	for _, n := range names {
		b.WriteString("\x00" + strings.ToLower(n) + "=" + strings.Join(r.Header.Values(n), ","))
	}
	return b.String()
}

func (c *Cache) lookup(key string) (*cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(el)
	e := el.Value.(*cacheEntry)
	return e, e.currentAge(c.clock()) < e.lifetime
}

func (e *cacheEntry) currentAge(now time.Time) time.Duration {
	return e.ageAt + now.Sub(e.stored)
}

func (c *Cache) joinFlight(key string) (*flight, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.flights[key]; ok {
		return f, false
	}
	if c.flights == nil {
		c.flights = map[string]*flight{}
	}
	f := &flight{done: make(chan struct{})}
	c.flights[key] = f
	return f, true
}

func (c *Cache) endFlight(key string, f *flight) {
	c.mu.Lock()
	delete(c.flights, key)
	c.mu.Unlock()
	close(f.done)
}

// fetch gets the object from the origin (conditionally when a stale entry
// has validators), stores what may be stored, and answers.
func (c *Cache) fetch(w ResponseWriter, r *Request, u *url.URL, urlKey, key string, stale *cacheEntry) {
	req, err := NewRequest(r.Context(), MethodGet, u.String(), nil)
	if err != nil {
		Error(w, "400 bad request", StatusBadRequest)
		return
	}
	copyEndToEnd(&req.Header, &r.Header, true)
	req.Header.Add("Via", "1.1 applayer-cache")
	var v Validators
	if stale != nil {
		v = ValidatorsOf(&stale.header)
		// The cache's own validators replace the client's: a 304 must
		// refresh what the cache holds.
		req.Header.Del("If-None-Match")
		req.Header.Del("If-Modified-Since")
		v.Apply(req)
	}
	sent := c.clock()
	resp, err := c.client().RoundTrip(req)
	if err != nil {
		c.logger().Warn("http1: cache origin fetch failed", "url", u.String(), "err", err)
		Error(w, "502 bad gateway", StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	received := c.clock()
	if stale != nil && resp.Status == StatusNotModified {
		io.Copy(io.Discard, resp.Body)
		e := c.refresh(stale, resp, sent, received)
		c.revalidations.Add(1)
		c.serveEntry(w, r, e, "REVALIDATED")
		return
	}
	c.misses.Add(1)
	lifetime, storable := c.storable(r, resp, received)
	max := c.maxObjectBytes()
	if storable && resp.ContentLength <= max {
		body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
		if err != nil {
			Error(w, "502 bad gateway", StatusBadGateway)
			return
		}
		if int64(len(body)) <= max {
			e := &cacheEntry{status: resp.Status, reason: resp.Reason, body: body, stored: received, lifetime: lifetime}
			copyEndToEnd(&e.header, &resp.Header, false)
			e.ageAt = initialAge(&resp.Header, sent, received)
			c.store(urlKey, r, e)
			c.serveEntry(w, r, e, "MISS")
			return
		}
		// Too big to keep after all: send what was read and the rest.
		writeProxied(w, r, resp, "MISS", io.MultiReader(bytes.NewReader(body), resp.Body))
		return
	}
	writeProxied(w, r, resp, "MISS", resp.Body)
}

func (c *Cache) maxObjectBytes() int64 {
	if c.MaxObjectBytes > 0 {
		return c.MaxObjectBytes
	}
	return c.maxBytes() / 8
}

func (c *Cache) maxBytes() int64 {
	if c.MaxBytes > 0 {
		return c.MaxBytes
	}
	return DefaultCacheMaxBytes
}

// storable decides whether a shared cache may store resp, and for how
// long it is fresh (RFC 9111, sections 3 and 4.2.1).
func (c *Cache) storable(r *Request, resp *Response, now time.Time) (time.Duration, bool) {
	cc := parseCacheControl(resp.Header.Values("Cache-Control"))
	if _, ok := cc["no-store"]; ok {
		return 0, false
	}
	if _, ok := cc["private"]; ok {
		return 0, false
	}
	if resp.Header.Get("Vary") == "*" {
		return 0, false
	}
	_, public := cc["public"]
	_, smax := cc["s-maxage"]
	if r.Header.Has("Authorization") && !public && !smax {
		return 0, false
	}
	switch resp.Status {
	case 200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501:
	default:
		return 0, false
	}
	var lifetime time.Duration
	explicit := true
	if v, ok := cc["s-maxage"]; ok {
		lifetime = seconds(v)
	} else if v, ok := cc["max-age"]; ok {
		lifetime = seconds(v)
	} else if exp := resp.Header.Get("Expires"); exp != "" {
		t, err := ParseDate(exp)
		date := now
		if d, err := ParseDate(resp.Header.Get("Date")); err == nil {
			date = d
		}
		if err == nil && t.After(date) {
			lifetime = t.Sub(date)
		}
	} else if lm, err := ParseDate(resp.Header.Get("Last-Modified")); err == nil {
		explicit = false
		date := now
		if d, err := ParseDate(resp.Header.Get("Date")); err == nil {
			date = d
		}
		if date.After(lm) {
			lifetime = min(date.Sub(lm)/10, maxHeuristicFreshness)
		}
	} else {
		explicit = false
	}
	if _, ok := cc["no-cache"]; ok {
		lifetime = 0 // store, but revalidate every time
	}
	if !explicit && lifetime == 0 && ValidatorsOf(&resp.Header).IsZero() {
		return 0, false // nothing to gain from keeping it
	}
	return lifetime, true
}

func seconds(v string) time.Duration {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(min(n, 1<<31)) * time.Second
}

// initialAge is corrected_initial_age of RFC 9111, section 4.2.3.
func initialAge(h *Header, sent, received time.Time) time.Duration {
	var apparent time.Duration
	if d, err := ParseDate(h.Get("Date")); err == nil && received.After(d) {
		apparent = received.Sub(d).Truncate(time.Second)
	}
	age := seconds(h.Get("Age")) + received.Sub(sent)
	return max(apparent, age)
}

// store keeps e under the key its Vary names give, evicting the least
// recently used entries past MaxBytes.
func (c *Cache) store(urlKey string, r *Request, e *cacheEntry) {
	var names []string
	for _, v := range e.header.Values("Vary") {
		names = append(names, splitList(v)...)
	}
	c.mu.Lock()
	if c.vary == nil {
		c.vary = map[string][]string{}
		c.stored = map[string]int{}
		c.byKey = map[string]*list.Element{}
		c.lru = list.New()
	}
	c.vary[urlKey] = names
	c.mu.Unlock()
	e.key, e.url = c.keyFor(urlKey, r), urlKey
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.byKey[e.key]; ok {
		c.removeLocked(old)
	}
	c.vary[urlKey] = names // removeLocked may have pruned it
	c.byKey[e.key] = c.lru.PushFront(e)
	c.stored[urlKey]++
	c.size += e.cost()
	for c.size > c.maxBytes() && c.lru.Len() > 1 {
		c.removeLocked(c.lru.Back())
	}
}

func (e *cacheEntry) cost() int64 {
	n := int64(len(e.body)) + 64
	for _, f := range e.header.Fields() {
		n += int64(len(f.Name) + len(f.Value) + 4)
	}
	return n
}

func (c *Cache) removeLocked(el *list.Element) {
	e := el.Value.(*cacheEntry)
	c.lru.Remove(el)
	delete(c.byKey, e.key)
	c.size -= e.cost()
	if c.stored[e.url]--; c.stored[e.url] <= 0 {
		delete(c.stored, e.url)
		delete(c.vary, e.url)
	}
}

// invalidate drops every stored variant of urlKey (RFC 9111, section 4.4).
func (c *Cache) invalidate(urlKey string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, el := range c.byKey {
		if k == urlKey || strings.HasPrefix(k, urlKey+"\x00") {
			c.removeLocked(el)
		}
	}
}

// refresh applies a 304's fields to a stored entry (RFC 9111, section
// 4.3.4) and restarts its age.
func (c *Cache) refresh(old *cacheEntry, resp *Response, sent, received time.Time) *cacheEntry {
	e := &cacheEntry{key: old.key, url: old.url, status: old.status, reason: old.reason, body: old.body, stored: received}
	e.header = old.header.Clone()
	var upd Header
	copyEndToEnd(&upd, &resp.Header, false)
	for _, f := range upd.Fields() {
		if equalFold(f.Name, "Content-Length") {
			continue
		}
		e.header.Set(f.Name, f.Value)
	}
	e.ageAt = initialAge(&resp.Header, sent, received)
	fake := &Response{Status: old.status, Header: e.header}
	e.lifetime, _ = c.storable(&Request{}, fake, received)
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[old.key]; ok {
		c.size -= el.Value.(*cacheEntry).cost()
		el.Value = e
		c.size += e.cost()
		c.lru.MoveToFront(el)
	}
	return e
}

// serveEntry answers from a stored entry, honouring the client's own
// conditional fields.
func (c *Cache) serveEntry(w ResponseWriter, r *Request, e *cacheEntry, how string) {
	h := w.Header()
	for _, f := range e.header.Fields() {
		if !equalFold(f.Name, "Content-Length") && !equalFold(f.Name, "Age") {
			h.Add(f.Name, f.Value)
		}
	}
	h.Set("Age", strconv.FormatInt(int64(e.currentAge(c.clock())/time.Second), 10))
	h.Set("X-Cache", how)
	v := ValidatorsOf(&e.header)
	if e.status == StatusOK {
		if s := checkPreconditions(r, v.ETag, v.LastModified); s == StatusNotModified {
			w.WriteHeader(StatusNotModified)
			return
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(e.body)))
	w.WriteHeader(e.status)
	if r.Method != MethodHead {
		w.Write(e.body)
	}
}

// passThrough forwards a request the cache does not store.
func (c *Cache) passThrough(w ResponseWriter, r *Request, u *url.URL) {
	req, err := NewRequest(r.Context(), r.Method, u.String(), nil)
	if err != nil {
		Error(w, "400 bad request", StatusBadRequest)
		return
	}
	copyEndToEnd(&req.Header, &r.Header, true)
	req.Header.Add("Via", "1.1 applayer-cache")
	if r.Body != NoBody && r.Body != nil {
		req.Body, req.ContentLength = r.Body, r.ContentLength
	}
	resp, err := c.client().RoundTrip(req)
	if err != nil {
		c.logger().Warn("http1: cache origin request failed", "url", u.String(), "err", err)
		Error(w, "502 bad gateway", StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	writeProxied(w, r, resp, "MISS", resp.Body)
}

func writeProxied(w ResponseWriter, r *Request, resp *Response, how string, body io.Reader) {
	copyEndToEnd(w.Header(), &resp.Header, false)
	if resp.ContentLength >= 0 && !resp.Chunked {
		w.Header().Set("Content-Length", strconv.FormatInt(resp.ContentLength, 10))
	}
	w.Header().Set("X-Cache", how)
	w.WriteHeader(resp.Status)
	if r.Method != MethodHead {
		io.Copy(w, body)
	}
}

// hopByHop lists the fields that belong to one connection, not to the
// message (RFC 9110, section 7.6.1), plus the framing fields.
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
	"TE", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length"}

// copyEndToEnd appends src's end-to-end fields to dst: not the
// hop-by-hop ones nor those named in Connection (nor Host for requests).
func copyEndToEnd(dst, src *Header, request bool) {
	var named []string
	for _, v := range src.Values("Connection") {
		named = append(named, splitList(v)...)
	}
next:
	for _, f := range src.Fields() {
		for _, n := range hopByHop {
			if equalFold(f.Name, n) && !(equalFold(n, "Content-Length") && !request) {
				continue next
			}
		}
		for _, n := range named {
			if equalFold(f.Name, n) {
				continue next
			}
		}
		if request && equalFold(f.Name, "Host") {
			continue
		}
		dst.Add(f.Name, f.Value)
	}
}

// parseCacheControl parses Cache-Control directives into a map of
// lower-case names to (unquoted) values (RFC 9111, section 5.2).
func parseCacheControl(values []string) map[string]string {
	m := map[string]string{}
	for _, v := range values {
		for _, d := range splitList(v) {
			name, val, _ := strings.Cut(d, "=")
			m[strings.ToLower(trimOWS(name))] = strings.Trim(trimOWS(val), `"`)
		}
	}
	return m
}
