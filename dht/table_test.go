package dht

import (
	"net/netip"
	"testing"
	"time"
)

func TestTableSplitsAroundSelf(t *testing.T) {
	now := time.Unix(1000, 0)
	self := RandomID()
	tb := newTable(self, 8, 2, 15*time.Minute, now)
	for i := range 2000 {
		tb.seen(NodeInfo{ID: RandomID(), Addr: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), 1)}, now)
	}
	for i, b := range tb.buckets {
		if len(b.contacts) > 8 {
			t.Fatalf("bucket %d holds %d contacts", i, len(b.contacts))
		}
		for _, c := range b.contacts {
			cpl := self.CommonPrefixLen(c.ID)
			if i < len(tb.buckets)-1 && cpl != i || cpl < i {
				t.Fatalf("contact with prefix %d in bucket %d", cpl, i)
			}
		}
	}
	// Random IDs: bucket i catches half of the rest, so about log2(2000/8)
	// buckets fill before the last one stops splitting.
	if n := len(tb.buckets); n < 6 || n > 16 {
		t.Errorf("%d buckets for 2000 random nodes", n)
	}
	// The closest contacts are sorted by distance.
	target := RandomID()
	cl := tb.closest(target, 8)
	for i := 1; i < len(cl); i++ {
		if target.Closer(cl[i].ID, cl[i-1].ID) {
			t.Fatal("closest not sorted")
		}
	}
}

func TestTableQuestionableReplaced(t *testing.T) {
	now := time.Unix(1000, 0)
	var self ID
	self[0] = 0xff // everyone below shares 0 bits: bucket 0 cannot split once a second bucket exists
	tb := newTable(self, 2, 2, 15*time.Minute, now)
	tb.split(now)
	mk := func(b byte) NodeInfo {
		var id ID
		id[1] = b
		return NodeInfo{ID: id, Addr: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, b}), 1)}
	}
	tb.seen(mk(1), now)
	tb.seen(mk(2), now)
	if p := tb.seen(mk(3), now); p != nil {
		t.Fatalf("pinged %v while every contact is good", p)
	}
	later := now.Add(16 * time.Minute)
	p := tb.seen(mk(3), later)
	if p == nil || p.ID != mk(1).ID {
		t.Fatalf("ping = %v, want the least recently seen contact", p)
	}
	tb.failed(p.ID, later)
	tb.failed(p.ID, later)
	if _, i := tb.find(mk(3).ID); i < 0 {
		t.Fatal("replacement not inserted after the questionable contact failed")
	}
	if _, i := tb.find(mk(1).ID); i >= 0 {
		t.Fatal("failed contact still in the table")
	}
}
