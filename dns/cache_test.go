package dns

import (
	"fmt"
	"testing"
	"time"
)

func TestCacheBoundsAndTTL(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	c := &Cache{MaxEntries: 10, Now: clock.Now}
	for i := 0; i < 50; i++ {
		rr, _ := ParseRR(fmt.Sprintf("h%d.example.test. 100 IN A 192.0.2.1", i))
		c.PutRRset([]RR{rr})
	}
	if n := c.Len(); n > 10 {
		t.Errorf("cache holds %d entries, bound is 10", n)
	}
	rr, _ := ParseRR("x.example.test. 100 IN A 192.0.2.1")
	rr2, _ := ParseRR("x.example.test. 40 IN A 192.0.2.2")
	c.PutRRset([]RR{rr, rr2}) // the RRset lives as long as its shortest TTL
	clock.Advance(30 * time.Second)
	got, ok := c.Lookup(MustName("x.example.test."), TypeA)
	if !ok || len(got) != 2 || got[0].TTL != 10 || got[1].TTL != 10 {
		t.Errorf("after 30 s: %v %v, want both with TTL 10", texts(got), ok)
	}
	clock.Advance(10 * time.Second)
	if _, ok := c.Lookup(MustName("x.example.test."), TypeA); ok {
		t.Error("entry still there after its TTL")
	}
	// Negative answers last min(SOA TTL, MINIMUM) (RFC 2308 section 5).
	soa, _ := ParseRR("example.test. 3600 IN SOA ns hostmaster 1 10800 3600 604800 60")
	c.putNegative(MustName("nope.example.test."), 0, RcodeNameError, []RR{soa})
	if e, ok := c.get(MustName("nope.example.test."), 0); !ok || !e.neg || e.rrs[0].TTL != 60 {
		t.Errorf("negative entry: %+v %v, want NXDOMAIN with TTL 60", e, ok)
	}
	clock.Advance(61 * time.Second)
	if _, ok := c.get(MustName("nope.example.test."), 0); ok {
		t.Error("negative entry outlived the SOA MINIMUM")
	}
}
