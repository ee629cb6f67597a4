package dns

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The lesson's hierarchy (CHECKLIST DNS-13), every server on its own
// loopback address and one shared port: a root server, the edu TLD server,
// and dns.cs.umass.edu, authoritative for umass.edu.
var worldZones = []struct{ origin, addr, text string }{
	{".", "127.0.0.10", `$TTL 518400
. SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400
. NS a.root-servers.net.
a.root-servers.net. A 127.0.0.10
edu. 172800 NS a.edu-servers.net.
a.edu-servers.net. 172800 A 127.0.0.11
`},
	{"edu.", "127.0.0.11", `$TTL 172800
edu. SOA a.edu-servers.net. hostmaster.educause.edu. 1 1800 900 604800 86400
edu. NS a.edu-servers.net.
umass.edu. NS dns.cs.umass.edu.
dns.cs.umass.edu. A 127.0.0.12
glueless.edu. NS ns.hosting.umass.edu.
`},
	{"umass.edu.", "127.0.0.12", `$TTL 3600
umass.edu. SOA dns.cs.umass.edu. hostmaster.umass.edu. 1 10800 3600 604800 300
umass.edu. NS dns.cs.umass.edu.
dns.cs.umass.edu. A 127.0.0.12
gaia.cs.umass.edu. 600 A 128.119.245.12
www.umass.edu. CNAME gaia.cs.umass.edu.
loop1.umass.edu. CNAME loop2.umass.edu.
loop2.umass.edu. CNAME loop1.umass.edu.
ns.hosting.umass.edu. A 127.0.0.12
`},
	{"glueless.edu.", "127.0.0.12", `$TTL 3600
glueless.edu. SOA ns.hosting.umass.edu. hostmaster.umass.edu. 1 10800 3600 604800 300
glueless.edu. NS ns.hosting.umass.edu.
glueless.edu. A 192.0.2.7
`},
}

// startWorld starts the hierarchy and returns the root hints.
func startWorld(t *testing.T) []netip.AddrPort {
	t.Helper()
	muxes := map[string]*ServeMux{}
	var addrs []string
	for _, zd := range worldZones {
		rrs, err := ParseZone(strings.NewReader(zd.text), MustName(zd.origin), zd.origin)
		if err != nil {
			t.Fatal(err)
		}
		z, err := NewZone(MustName(zd.origin), rrs)
		if err != nil {
			t.Fatal(err)
		}
		if muxes[zd.addr] == nil {
			muxes[zd.addr] = new(ServeMux)
			addrs = append(addrs, zd.addr)
		}
		muxes[zd.addr].Handle(MustName(zd.origin), z)
	}
	// All servers share one port (referrals carry no ports); retry if another
	// address has the first server's port taken.
	for try := 0; ; try++ {
		var servers []*Server
		port := "0"
		ok := true
		for _, a := range addrs {
			pc, l, err := ListenUDPTCP(net.JoinHostPort(a, port))
			if err != nil {
				ok = false
				break
			}
			s := &Server{Handler: muxes[a], Logger: slog.New(slog.DiscardHandler)}
			servers = append(servers, s)
			go s.ServePacket(pc)
			go s.Serve(l)
			_, port, _ = net.SplitHostPort(pc.LocalAddr().String())
		}
		t.Cleanup(func() {
			for _, s := range servers {
				s.Close()
			}
		})
		if ok {
			return []netip.AddrPort{netip.MustParseAddrPort(net.JoinHostPort("127.0.0.10", port))}
		}
		if try == 4 {
			t.Fatal("no port free on every loopback address of the world")
		}
	}
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestIterativeResolution(t *testing.T) {
	roots := startWorld(t)
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	var steps []string
	r := &Resolver{Roots: roots, Cache: &Cache{Now: clock.Now}, Trace: func(s Step) {
		steps = append(steps, fmt.Sprintf("%d %s %s %s", s.Depth, s.Question.Name, s.Zone, s.Kind))
	}}
	ctx := context.Background()
	res, err := r.Resolve(ctx, MustName("gaia.cs.umass.edu."), TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"gaia.cs.umass.edu.\t600\tIN\tA\t128.119.245.12"}, texts(res.Answer)); d != "" {
		t.Errorf("answer (-want +got):\n%s", d)
	}
	// The lesson's iterated query: root refers to edu, edu to umass.edu, which answers.
	want := []string{
		"0 gaia.cs.umass.edu. . referral",
		"0 gaia.cs.umass.edu. edu. referral",
		"0 gaia.cs.umass.edu. umass.edu. answer",
	}
	if d := cmp.Diff(want, steps); d != "" {
		t.Errorf("trace (-want +got):\n%s", d)
	}
	// Asked again: from the cache, no query sent.
	steps = nil
	res, err = r.Resolve(ctx, MustName("gaia.cs.umass.edu."), TypeA)
	if err != nil || !res.FromCache || len(steps) != 1 || !strings.HasSuffix(steps[0], "cache") {
		t.Errorf("second resolution: fromCache=%v steps=%v err=%v", res.FromCache, steps, err)
	}
	// A sibling name: the cached umass.edu servers are asked directly (root and TLD not visited).
	steps = nil
	if _, err := r.Resolve(ctx, MustName("www.umass.edu."), TypeA); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"0 www.umass.edu. umass.edu. answer"}, steps); d != "" {
		t.Errorf("CNAME via cached delegation (-want +got):\n%s", d)
	}
	// After the TTL (600 s) runs out the answer is fetched again.
	clock.Advance(601 * time.Second)
	steps = nil
	res, err = r.Resolve(ctx, MustName("gaia.cs.umass.edu."), TypeA)
	if err != nil || res.FromCache || len(steps) == 0 {
		t.Errorf("after expiry: fromCache=%v steps=%v err=%v", res.FromCache, steps, err)
	}
	// Negative answers are cached too (RFC 2308): NXDOMAIN, then a cache hit.
	steps = nil
	res, err = r.Resolve(ctx, MustName("nosuch.umass.edu."), TypeA)
	if err != nil || res.Rcode != RcodeNameError || len(res.Authority) != 1 {
		t.Fatalf("nosuch: %+v %v", res, err)
	}
	res, err = r.Resolve(ctx, MustName("nosuch.umass.edu."), TypeMX)
	if err != nil || res.Rcode != RcodeNameError || !res.FromCache {
		t.Errorf("nosuch MX from negative cache: %+v %v", res, err)
	}
}

func TestIterativeGluelessAndLimits(t *testing.T) {
	roots := startWorld(t)
	var steps []Step
	r := &Resolver{Roots: roots, Cache: &Cache{}, Trace: func(s Step) { steps = append(steps, s) }}
	ctx := context.Background()
	// glueless.edu's server name lies in umass.edu: resolved as a sub-resolution (depth 1).
	res, err := r.Resolve(ctx, MustName("glueless.edu."), TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"glueless.edu.\t3600\tIN\tA\t192.0.2.7"}, texts(res.Answer)); d != "" {
		t.Errorf("glue-less answer (-want +got):\n%s", d)
	}
	sub := false
	for _, s := range steps {
		if s.Depth == 1 {
			sub = true
		}
	}
	if !sub {
		t.Errorf("no depth-1 steps in glue-less resolution: %v", steps)
	}
	// A CNAME loop ends with ErrLimitExceeded, not a hang.
	if _, err := r.Resolve(ctx, MustName("loop1.umass.edu."), TypeA); err == nil {
		t.Errorf("CNAME loop resolved without error")
	}
	// The query budget is enforced.
	r2 := &Resolver{Roots: roots, Limits: Limits{MaxQueries: 2}}
	if _, err := r2.Resolve(ctx, MustName("gaia.cs.umass.edu."), TypeA); err != ErrLimitExceeded {
		t.Errorf("MaxQueries 2: err = %v, want ErrLimitExceeded", err)
	}
}

func TestRecursiveServer(t *testing.T) {
	roots := startWorld(t)
	local := &Recursive{Resolver: &Resolver{Roots: roots, Cache: &Cache{}}}
	addr := startServer(t, local, "127.0.0.13:0")
	stub := &Resolver{Servers: []string{addr}}
	addrs, err := stub.LookupHost(context.Background(), "www.umass.edu")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]netip.Addr{netip.MustParseAddr("128.119.245.12")}, addrs, cmpOpts); d != "" {
		t.Errorf("LookupHost via local server (-want +got):\n%s", d)
	}
	m, err := (&Client{}).Exchange(context.Background(), new(Msg).SetQuestion(MustName("gaia.cs.umass.edu."), TypeA), addr)
	if err != nil || !m.RecursionAvailable || m.Authoritative || len(m.Answer) != 1 {
		t.Errorf("RD query: ra=%v aa=%v answers=%d err=%v", m.RecursionAvailable, m.Authoritative, len(m.Answer), err)
	}
	if _, err := stub.LookupHost(context.Background(), "nosuch.umass.edu"); !IsNotFound(err) {
		t.Errorf("NXDOMAIN through the local server: %v", err)
	}
	// Without RD the local server answers only from its cache.
	norec := func(name string) *Msg {
		q := new(Msg).SetQuestion(MustName(name), TypeA)
		q.RecursionDesired = false
		m, err := (&Client{}).Exchange(context.Background(), q, addr)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := norec("gaia.cs.umass.edu."); m.Rcode != RcodeSuccess || len(m.Answer) != 1 {
		t.Errorf("RD=0 for a cached name: %v", m)
	}
	if m := norec("dns.cs.umass.edu."); m.Rcode != RcodeSuccess || len(m.Answer) != 1 {
		t.Errorf("RD=0 for cached glue: %v", m)
	}
	if m := norec("never.asked.edu."); m.Rcode != RcodeRefused {
		t.Errorf("RD=0 for an uncached name: %v, want REFUSED", m.Rcode)
	}
	// Clients outside Allow are refused: an open resolver is an amplifier.
	closed := startServer(t, &Recursive{Resolver: local.Resolver, Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}, "127.0.0.1:0")
	m, err = (&Client{}).Exchange(context.Background(), new(Msg).SetQuestion(MustName("gaia.cs.umass.edu."), TypeA), closed)
	if err != nil || m.Rcode != RcodeRefused {
		t.Errorf("client outside Allow: %v %v, want REFUSED", m, err)
	}
}
