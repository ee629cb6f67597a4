package http1

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// cacheRig is an origin server, a cache in front of it and a client that
// uses the cache as its proxy.
type cacheRig struct {
	origin string
	cache  *Cache
	client *Client
	hits   atomic.Int32 // requests that reached the origin
	inm    atomic.Value // last If-None-Match the origin saw
	now    time.Time
	mu     sync.Mutex
}

func newCacheRig(t *testing.T, maxBytes int64, gate chan struct{}) *cacheRig {
	rig := &cacheRig{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	lastMod := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	mux := NewServeMux()
	mux.HandleFunc("/", func(w ResponseWriter, r *Request) {
		rig.hits.Add(1)
		rig.inm.Store(r.Header.Get("If-None-Match"))
		if gate != nil {
			<-gate
		}
		q := r.RawQuery()
		h := w.Header()
		h.Set("Date", FormatDate(rig.clock()))
		h.Set("ETag", `"v1"`)
		h.Set("Last-Modified", FormatDate(lastMod))
		switch {
		case strings.Contains(q, "nostore"):
			h.Set("Cache-Control", "no-store")
		case strings.Contains(q, "private"):
			h.Set("Cache-Control", "private, max-age=60")
		case strings.Contains(q, "nocache"):
			h.Set("Cache-Control", "no-cache")
		case strings.Contains(q, "vary"):
			h.Set("Cache-Control", "max-age=60")
			h.Set("Vary", "Accept-Language")
		default:
			h.Set("Cache-Control", "max-age=10")
		}
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(StatusNotModified)
			return
		}
		fmt.Fprintf(w, "%s %s lang=%s %s", r.Method, r.Path(), r.Header.Get("Accept-Language"), strings.Repeat("x", 100))
	})
	rig.origin = startServer(t, &Server{Handler: mux})
	rig.cache = &Cache{MaxBytes: maxBytes, now: rig.clock}
	proxy := startServer(t, &Server{Handler: rig.cache})
	pu, _ := url.Parse("http://" + proxy)
	rig.client = &Client{Proxy: ProxyURL(pu), MaxRedirects: -1}
	t.Cleanup(rig.client.CloseIdleConnections)
	return rig
}

func (rig *cacheRig) clock() time.Time {
	rig.mu.Lock()
	defer rig.mu.Unlock()
	return rig.now
}

func (rig *cacheRig) advance(d time.Duration) {
	rig.mu.Lock()
	rig.now = rig.now.Add(d)
	rig.mu.Unlock()
}

// get fetches path through the cache and returns X-Cache and the body.
func (rig *cacheRig) get(t *testing.T, method Method, path string, hdr ...string) (string, string) {
	t.Helper()
	req, err := NewRequest(t.Context(), method, "http://"+rig.origin+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := rig.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := readBody(t, resp)
	return resp.Header.Get("X-Cache"), body
}

func TestCacheHitMissRevalidate(t *testing.T) {
	rig := newCacheRig(t, 0, nil)
	steps := []struct {
		name, path string
		advance    time.Duration
		want       string
		originHits int32
	}{
		{"first fetch", "/page", 0, "MISS", 1},
		{"fresh hit", "/page", 5 * time.Second, "HIT", 1},
		{"stale: conditional GET, 304 refreshes", "/page", 6 * time.Second, "REVALIDATED", 2},
		{"fresh again after the refresh", "/page", 5 * time.Second, "HIT", 2},
		{"no-store is never kept", "/x?nostore", 0, "MISS", 3},
		{"no-store again", "/x?nostore", 0, "MISS", 4},
		{"private is not for a shared cache", "/x?private", 0, "MISS", 5},
		{"private again", "/x?private", 0, "MISS", 6},
		{"no-cache is stored", "/x?nocache", 0, "MISS", 7},
		{"no-cache revalidates every time", "/x?nocache", 0, "REVALIDATED", 8},
	}
	for _, s := range steps {
		rig.advance(s.advance)
		got, body := rig.get(t, MethodGet, s.path)
		if got != s.want || rig.hits.Load() != s.originHits || !strings.HasPrefix(body, "GET ") {
			t.Errorf("%s: X-Cache %q (want %q), origin hits %d (want %d), body %.20q", s.name, got, s.want, rig.hits.Load(), s.originHits, body)
		}
	}
	if inm, _ := rig.inm.Load().(string); inm != `"v1"` {
		t.Errorf("revalidation sent If-None-Match %q", inm)
	}
	hitsBefore := rig.hits.Load()
	if _, body := rig.get(t, MethodGet, "/never-fetched", "Cache-Control", "only-if-cached"); body != "504 not in cache\n" || rig.hits.Load() != hitsBefore {
		t.Errorf("only-if-cached miss: %q, origin hits %d -> %d", body, hitsBefore, rig.hits.Load())
	}
	st := rig.cache.Stats()
	if st.Hits != 2 || st.Revalidations != 2 {
		t.Errorf("stats %+v", st)
	}
	// The client's own conditional GET is answered by the cache.
	req, _ := NewRequest(t.Context(), MethodGet, "http://"+rig.origin+"/page", nil)
	req.Header.Set("If-None-Match", `"v1"`)
	resp, err := rig.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if resp.Status != StatusNotModified {
		t.Errorf("client conditional GET through the cache: %v", resp.Status)
	}
}

func TestCacheVaryAndInvalidate(t *testing.T) {
	rig := newCacheRig(t, 0, nil)
	for _, s := range []struct{ lang, want string }{{"fr", "MISS"}, {"en", "MISS"}, {"fr", "HIT"}, {"en", "HIT"}} {
		got, body := rig.get(t, MethodGet, "/v?vary", "Accept-Language", s.lang)
		if got != s.want || !strings.Contains(body, "lang="+s.lang) {
			t.Errorf("lang %s: %s %.30q, want %s", s.lang, got, body, s.want)
		}
	}
	// A POST to the URL invalidates what is stored for it.
	rig.get(t, MethodPost, "/v?vary")
	if got, _ := rig.get(t, MethodGet, "/v?vary", "Accept-Language", "fr"); got != "MISS" {
		t.Errorf("after POST: %s, want MISS", got)
	}
}

func TestCacheLRU(t *testing.T) {
	rig := newCacheRig(t, 2000, nil) // objects are ~400 bytes with headers: room for a few
	for i := range 8 {
		rig.get(t, MethodGet, fmt.Sprintf("/o%d", i))
	}
	st := rig.cache.Stats()
	if st.Bytes > 2000 || st.Objects >= 8 || st.Objects == 0 {
		t.Errorf("after 8 objects: %+v", st)
	}
	rig.cache.mu.Lock()
	urls := len(rig.cache.vary)
	rig.cache.mu.Unlock()
	if urls != st.Objects {
		t.Errorf("%d URLs remembered for %d objects: evicted ones must be forgotten", urls, st.Objects)
	}
	if got, _ := rig.get(t, MethodGet, "/o7"); got != "HIT" {
		t.Errorf("most recent object: %s, want HIT", got)
	}
	if got, _ := rig.get(t, MethodGet, "/o0"); got != "MISS" {
		t.Errorf("least recent object: %s, want MISS (evicted)", got)
	}
}

func TestCacheCoalescing(t *testing.T) {
	gate := make(chan struct{})
	rig := newCacheRig(t, 0, gate)
	const n = 5
	var wg sync.WaitGroup
	results := make(chan string, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := NewRequest(t.Context(), MethodGet, "http://"+rig.origin+"/same", nil)
			resp, err := rig.client.Do(req)
			if err != nil {
				results <- err.Error()
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			results <- resp.Header.Get("X-Cache")
		}()
	}
	// Wait until the one origin fetch is in, then let it finish.
	for rig.hits.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	close(gate)
	wg.Wait()
	close(results)
	counts := map[string]int{}
	for r := range results {
		counts[r]++
	}
	if rig.hits.Load() != 1 || counts["MISS"] != 1 || counts["HIT"] != n-1 {
		t.Errorf("origin hits %d, results %v; want 1 fetch, 1 MISS, %d HIT", rig.hits.Load(), counts, n-1)
	}
}
