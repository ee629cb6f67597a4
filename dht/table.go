package dht

import (
	"slices"
	"time"
)

// A contact is one node in the routing table.
type contact struct {
	NodeInfo
	lastSeen time.Time // last query from it or response to us
	fails    int       // queries in a row that went unanswered
	pinging  bool      // a liveness ping is under way
}

// A bucket holds up to k contacts, least recently seen first, and one
// replacement candidate waiting for a questionable contact to fail.
type bucket struct {
	contacts    []*contact
	replacement *NodeInfo
	changed     time.Time // last time a contact was added or refreshed
}

// table is the Kademlia routing table of BEP 5: buckets[i] holds the nodes
// whose ID shares exactly i leading bits with ours, and the last bucket
// every node sharing at least len(buckets)-1 bits. Only the last bucket,
// the one our own ID falls in, splits when full, so the table holds many
// nodes near us and a few far away. It is not safe for concurrent use; the
// Node guards it with its mutex.
type table struct {
	self         ID
	k            int
	maxFails     int
	questionable time.Duration
	buckets      []*bucket
}

func newTable(self ID, k, maxFails int, questionable time.Duration, now time.Time) *table {
	return &table{self: self, k: k, maxFails: maxFails, questionable: questionable,
		buckets: []*bucket{{changed: now}}}
}

func (t *table) index(id ID) int {
	return min(t.self.CommonPrefixLen(id), len(t.buckets)-1)
}

func (t *table) find(id ID) (*bucket, int) {
	b := t.buckets[t.index(id)]
	for i, c := range b.contacts {
		if c.ID == id {
			return b, i
		}
	}
	return b, -1
}

// good reports whether c answered recently enough not to be questioned.
func (t *table) good(c *contact, now time.Time) bool {
	return c.fails == 0 && now.Sub(c.lastSeen) < t.questionable
}

// seen records that n is alive (it queried us or answered). It returns a
// contact to ping when n waits for a questionable contact's place.
func (t *table) seen(n NodeInfo, now time.Time) (ping *NodeInfo) {
	if n.ID == t.self {
		return nil
	}
	for {
		b, i := t.find(n.ID)
		if i >= 0 {
			c := b.contacts[i]
			if c.Addr != n.Addr {
				return nil // keep the address we know; do not let a stranger hijack an ID
			}
			c.lastSeen, c.fails, c.pinging = now, 0, false
			b.contacts = append(slices.Delete(b.contacts, i, i+1), c)
			b.changed = now
			return nil
		}
		if len(b.contacts) < t.k {
			b.contacts = append(b.contacts, &contact{NodeInfo: n, lastSeen: now})
			b.changed = now
			return nil
		}
		if b == t.buckets[len(t.buckets)-1] && len(t.buckets) < IDLen*8 {
			t.split(now)
			continue
		}
		// Full: a bad contact makes room at once; a questionable one
		// is pinged and loses its place if it does not answer.
		for j, c := range b.contacts {
			if c.fails >= t.maxFails {
				b.contacts = append(slices.Delete(b.contacts, j, j+1), &contact{NodeInfo: n, lastSeen: now})
				b.changed = now
				return nil
			}
		}
		for _, c := range b.contacts {
			if c.pinging {
				b.replacement = &n
				return nil
			}
			if !t.good(c, now) {
				c.pinging = true
				b.replacement = &n
				ni := c.NodeInfo
				return &ni
			}
		}
		return nil
	}
}

// split divides the last bucket into the nodes that share exactly
// len(buckets)-1 bits with us and those that share more.
func (t *table) split(now time.Time) {
	last := t.buckets[len(t.buckets)-1]
	depth := len(t.buckets) - 1
	next := &bucket{changed: now}
	keep := last.contacts[:0:0]
	for _, c := range last.contacts {
		if t.self.CommonPrefixLen(c.ID) > depth {
			next.contacts = append(next.contacts, c)
		} else {
			keep = append(keep, c)
		}
	}
	last.contacts = keep
	t.buckets = append(t.buckets, next)
}

// failed records an unanswered query to id. A contact that failed maxFails
// times in a row is replaced by the bucket's waiting candidate, if any.
func (t *table) failed(id ID, now time.Time) {
	b, i := t.find(id)
	if i < 0 {
		return
	}
	c := b.contacts[i]
	c.fails++
	c.pinging = false
	if c.fails >= t.maxFails && b.replacement != nil {
		b.contacts = append(slices.Delete(b.contacts, i, i+1), &contact{NodeInfo: *b.replacement, lastSeen: now})
		b.replacement = nil
		b.changed = now
	}
}

// remove deletes id from the table.
func (t *table) remove(id ID) {
	b, i := t.find(id)
	if i >= 0 {
		b.contacts = slices.Delete(b.contacts, i, i+1)
	}
}

// closest returns up to n contacts nearest to target that have failed
// fewer than maxFails queries in a row, nearest first.
func (t *table) closest(target ID, n int) []NodeInfo {
	return t.closestWithin(target, n, t.maxFails)
}

// closestWithin is closest counting only contacts with fewer than
// maxFails failures. Answers to other nodes use 1: only contacts that
// have not missed their last query are handed out.
func (t *table) closestWithin(target ID, n, maxFails int) []NodeInfo {
	var all []NodeInfo
	for _, b := range t.buckets {
		for _, c := range b.contacts {
			if c.fails < maxFails {
				all = append(all, c.NodeInfo)
			}
		}
	}
	sortByDistance(all, target)
	if len(all) > n {
		all = all[:n]
	}
	return all
}

func sortByDistance(nodes []NodeInfo, target ID) {
	slices.SortFunc(nodes, func(a, b NodeInfo) int { return a.ID.Xor(target).Cmp(b.ID.Xor(target)) })
}

// len returns the number of contacts.
func (t *table) len() int {
	n := 0
	for _, b := range t.buckets {
		n += len(b.contacts)
	}
	return n
}

// all returns every contact.
func (t *table) all() []NodeInfo {
	var out []NodeInfo
	for _, b := range t.buckets {
		for _, c := range b.contacts {
			out = append(out, c.NodeInfo)
		}
	}
	return out
}

// stale returns a random target in each bucket not changed for interval,
// marking the bucket refreshed; a lookup of that target refreshes it.
func (t *table) stale(now time.Time, interval time.Duration) []ID {
	var out []ID
	for i, b := range t.buckets {
		if now.Sub(b.changed) >= interval {
			out = append(out, t.self.randomWithPrefix(i, i < len(t.buckets)-1))
			b.changed = now
		}
	}
	return out
}
