package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/applayer/applayer/http1"
)

// runHTTP1 is the lesson on HTTP connection models: a page that references
// 10 objects, fetched over a link with an injected round-trip time,
// non-persistent (HTTP/1.0 style), persistent, and persistent with
// pipelining, each measured beside the lesson's formula.
func runHTTP1(ctx context.Context, w io.Writer, short bool) error {
	const objects = 10
	rtt := 40 * time.Millisecond
	if short {
		rtt = 20 * time.Millisecond
	}
	mux := http1.NewServeMux()
	var page strings.Builder
	page.WriteString("<html><body>\n")
	for i := range objects {
		fmt.Fprintf(&page, "<img src=\"/img%d.jpg\">\n", i)
	}
	page.WriteString("</body></html>\n")
	mux.HandleFunc("/home.index", func(w http1.ResponseWriter, r *http1.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, page.String())
	})
	mux.HandleFunc("/", func(w http1.ResponseWriter, r *http1.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(make([]byte, 1000))
	})
	var conns atomic.Int32
	srv := &http1.Server{Handler: mux, Logger: slog.New(slog.DiscardHandler)}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go srv.Serve(l)
	defer srv.Close()
	base := "http://" + l.Addr().String()

	fmt.Fprintf(w, "A page (home.index) references %d objects. Each TCP connection goes through a link\n", objects)
	fmt.Fprintf(w, "with a round-trip time of %v (one-way delay %v each way, added by a delaying net.Conn);\n", rtt, rtt/2)
	fmt.Fprintf(w, "objects are 1000 bytes, so transmission time on loopback is about 0.\n\n")
	fmt.Fprintln(w, "C: GET /home.index HTTP/1.1")
	fmt.Fprintln(w, "C: Host: "+l.Addr().String())
	fmt.Fprintln(w, "S: HTTP/1.1 200 OK")
	fmt.Fprintln(w, "S: Content-Type: text/html")
	fmt.Fprintln(w, "S: (the page, then one GET per <img>)")
	fmt.Fprintln(w)

	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		conns.Add(1)
		select { // the TCP handshake: SYN out, SYN-ACK back
		case <-time.After(rtt):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		var d net.Dialer
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return newDelayConn(c, rtt/2), nil
	}
	fetchPage := func(c *http1.Client) error {
		resp, err := c.Get(ctx, base+"/home.index")
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return err
	}
	imgURL := func(i int) string { return fmt.Sprintf("%s/img%d.jpg", base, i) }

	type result struct {
		name, formula string
		expect        time.Duration
		took          time.Duration
		conns         int32
	}
	var results []result

	// 1. Non-persistent: a new TCP connection per object.
	conns.Store(0)
	start := time.Now()
	c := &http1.Client{DisableKeepAlives: true, DialContext: dial}
	if err := fetchPage(c); err != nil {
		return err
	}
	for i := range objects {
		resp, err := c.Get(ctx, imgURL(i))
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	results = append(results, result{"non-persistent", "(1+10) x (2 RTT + transmit)", 11 * 2 * rtt, time.Since(start), conns.Load()})

	// 2. Persistent without pipelining: one connection, one RTT per object.
	conns.Store(0)
	start = time.Now()
	c = &http1.Client{DialContext: dial}
	if err := fetchPage(c); err != nil {
		return err
	}
	for i := range objects {
		resp, err := c.Get(ctx, imgURL(i))
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	c.CloseIdleConnections()
	results = append(results, result{"persistent", "1 RTT (TCP) + (1+10) x 1 RTT", 12 * rtt, time.Since(start), conns.Load()})

	// 3. Persistent with pipelining: all 10 requests back to back.
	conns.Store(0)
	start = time.Now()
	c = &http1.Client{DialContext: dial}
	if err := fetchPage(c); err != nil {
		return err
	}
	var reqs []*http1.Request
	for i := range objects {
		r, err := http1.NewRequest(ctx, http1.MethodGet, imgURL(i), nil)
		if err != nil {
			return err
		}
		reqs = append(reqs, r)
	}
	resps, err := c.Pipeline(ctx, reqs)
	if err != nil {
		return err
	}
	for _, r := range resps {
		if r.Status != http1.StatusOK {
			return fmt.Errorf("pipelined response %v", r.Status)
		}
	}
	c.CloseIdleConnections()
	results = append(results, result{"pipelined", "1 RTT (TCP) + 1 RTT (page) + ~1 RTT (all 10)", 3 * rtt, time.Since(start), conns.Load()})

	fmt.Fprintf(w, "%-15s %-44s %9s %9s %6s\n", "mode", "lesson's formula", "formula", "measured", "conns")
	for _, r := range results {
		fmt.Fprintf(w, "%-15s %-44s %9v %9v %6d\n", r.name, r.formula, r.expect, r.took.Round(time.Millisecond), r.conns)
	}
	fmt.Fprintln(w, "\nPersistent connections save the TCP handshake per object; pipelining also stops")
	fmt.Fprintln(w, "waiting for each response before sending the next request: the responses come back")
	fmt.Fprintln(w, "in order (first come, first served) about one RTT after the requests left.")
	return nil
}

// delayConn delays every byte by a fixed one-way delay in each direction,
// like a long link: writes are delivered delay later, and bytes that
// arrive are handed to Read delay later. Order is kept. Deadlines reach
// only the real connection underneath, which is enough for the tour.
type delayConn struct {
	net.Conn
	delay time.Duration

	mu     sync.Mutex
	cond   *sync.Cond
	in     []delayedChunk
	inErr  error
	out    chan delayedChunk
	closed chan struct{}
	once   sync.Once
	outErr atomic.Value
}

type delayedChunk struct {
	at   time.Time
	data []byte
}

func newDelayConn(c net.Conn, delay time.Duration) *delayConn {
	d := &delayConn{Conn: c, delay: delay, out: make(chan delayedChunk, 1024), closed: make(chan struct{})}
	d.cond = sync.NewCond(&d.mu)
	go d.reader()
	go d.writer()
	return d
}

func (d *delayConn) reader() {
	for {
		buf := make([]byte, 32<<10)
		n, err := d.Conn.Read(buf)
		d.mu.Lock()
		if n > 0 {
			d.in = append(d.in, delayedChunk{time.Now().Add(d.delay), buf[:n]})
		}
		if err != nil {
			d.inErr = err
		}
		d.cond.Broadcast()
		d.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (d *delayConn) writer() {
	for {
		select {
		case ch := <-d.out:
			time.Sleep(time.Until(ch.at))
			if _, err := d.Conn.Write(ch.data); err != nil {
				d.outErr.Store(err)
			}
		case <-d.closed:
			return
		}
	}
}

func (d *delayConn) Read(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for len(d.in) == 0 && d.inErr == nil {
		d.cond.Wait()
	}
	if len(d.in) == 0 {
		return 0, d.inErr
	}
	ch := &d.in[0]
	if wait := time.Until(ch.at); wait > 0 {
		d.mu.Unlock()
		time.Sleep(wait)
		d.mu.Lock()
		ch = &d.in[0]
	}
	n := copy(p, ch.data)
	ch.data = ch.data[n:]
	if len(ch.data) == 0 {
		d.in = d.in[1:]
	}
	return n, nil
}

func (d *delayConn) Write(p []byte) (int, error) {
	if err, _ := d.outErr.Load().(error); err != nil {
		return 0, err
	}
	select {
	case d.out <- delayedChunk{time.Now().Add(d.delay), append([]byte(nil), p...)}:
		return len(p), nil
	case <-d.closed:
		return 0, net.ErrClosed
	}
}

func (d *delayConn) Close() error {
	d.once.Do(func() { close(d.closed) })
	return d.Conn.Close()
}

// runCache is the web-cache lesson: a browser configured to use a proxy
// cache; the first fetch goes to the origin, the second is a hit, and once
// the object is stale the cache revalidates it with a conditional GET that
// the origin answers 304 Not Modified.
func runCache(ctx context.Context, w io.Writer, short bool) error {
	quiet := slog.New(slog.DiscardHandler)
	lastMod := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	var originLog []string
	var mu sync.Mutex
	origin := &http1.Server{Logger: quiet, Handler: http1.HandlerFunc(func(w http1.ResponseWriter, r *http1.Request) {
		line := "origin: GET " + r.Path()
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			line += "  If-None-Match: " + inm
		}
		w.Header().Set("Cache-Control", "max-age=1")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", http1.FormatDate(lastMod))
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http1.StatusNotModified)
			line += "  -> 304 Not Modified (no object sent)"
		} else {
			io.WriteString(w, strings.Repeat("a large object ", 100))
			line += "  -> 200 OK (object sent)"
		}
		mu.Lock()
		originLog = append(originLog, line)
		mu.Unlock()
	})}
	ol, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go origin.Serve(ol)
	defer origin.Close()
	cache := &http1.Cache{Logger: quiet}
	proxy := &http1.Server{Logger: quiet, Handler: cache}
	pl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go proxy.Serve(pl)
	defer proxy.Close()
	pu, _ := url.Parse("http://" + pl.Addr().String())
	browser := &http1.Client{Proxy: http1.ProxyURL(pu)}
	defer browser.CloseIdleConnections()

	fmt.Fprintf(w, "The browser uses the cache at %s as its proxy; the origin is %s\n", pl.Addr(), ol.Addr())
	fmt.Fprintln(w, "and says Cache-Control: max-age=1, ETag: \"v1\".")
	fetch := func(label string) error {
		mu.Lock()
		before := len(originLog)
		mu.Unlock()
		start := time.Now()
		resp, err := browser.Get(ctx, "http://"+ol.Addr().String()+"/big.html")
		if err != nil {
			return err
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		fmt.Fprintf(w, "\n%s\nbrowser: GET /big.html via the cache -> %d %s, %d bytes, X-Cache: %s, Age: %s (%v)\n",
			label, resp.Status, resp.Reason, n, resp.Header.Get("X-Cache"), resp.Header.Get("Age"), time.Since(start).Round(time.Millisecond))
		mu.Lock()
		defer mu.Unlock()
		if len(originLog) == before {
			fmt.Fprintln(w, "origin: (not contacted)")
		}
		for _, l := range originLog[before:] {
			fmt.Fprintln(w, l)
		}
		return nil
	}
	if err := fetch("1. First request: a miss; the cache fetches and stores the object."); err != nil {
		return err
	}
	if err := fetch("2. Again at once: a hit, served by the cache alone."); err != nil {
		return err
	}
	select {
	case <-time.After(1100 * time.Millisecond):
	case <-ctx.Done():
		return ctx.Err()
	}
	if err := fetch("3. After max-age: stale; the cache sends a conditional GET and refreshes on 304."); err != nil {
		return err
	}
	st := cache.Stats()
	fmt.Fprintf(w, "\ncache: %d miss, %d hit, %d revalidated; %d object, %d bytes stored\n", st.Misses, st.Hits, st.Revalidations, st.Objects, st.Bytes)
	return nil
}
