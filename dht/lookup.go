package dht

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// A PathStep is one node on the way to a lookup's closest node.
type PathStep struct {
	Node NodeInfo
	// Distance is Node.ID XOR the target.
	Distance ID
	// Hop is 1 for a node we knew, 2 for a node it told us of, and so on.
	Hop int
}

// A LookupResult is the outcome of an iterative lookup.
type LookupResult struct {
	Target ID
	// Closest are the (up to K) nodes closest to Target that answered,
	// closest first.
	Closest []NodeInfo
	// Peers are the peers found (get_peers lookups), without duplicates.
	Peers []netip.AddrPort
	// Queries counts the queries sent and Failed those that got no
	// answer; Hops is the Hop of the closest node
	// (how many rounds of queries it took to reach it).
	Queries, Failed, Hops int
	// Path leads from a node we knew to the closest node, each step
	// closer to the target.
	Path []PathStep

	tokens map[netip.AddrPort][]byte
	item   *Item
}

type candidate struct {
	NodeInfo
	state  int // candNew, candAsked, candDone, candFailed
	hop    int
	parent *candidate
	token  []byte
}

const (
	candNew = iota
	candAsked
	candDone
	candFailed
)

type lookupReply struct {
	c   *candidate
	r   *Msg
	err error
}

// lookup runs the iterative Kademlia lookup of BEP 5: it asks the closest
// nodes it knows about target, alpha at a time, learns closer nodes from
// their answers, and stops when the K closest nodes it has heard of have
// all answered (or failed). onReply sees every answer.
func (n *Node) lookup(ctx context.Context, target ID, method Method, onReply func(NodeInfo, *Msg)) (*LookupResult, error) {
	n.init()
	k := n.k()
	n.mu.Lock()
	seeds := n.tab.closest(target, k)
	self := n.self
	n.mu.Unlock()
	if len(seeds) == 0 {
		return nil, ErrNoNodes
	}
	maxQ := orDefault(n.MaxLookupQueries, DefaultMaxLookupQueries)
	res := &LookupResult{Target: target, tokens: map[netip.AddrPort][]byte{}}
	var cands []*candidate
	seen := map[netip.AddrPort]bool{n.AddrPort(): true}
	for _, s := range seeds {
		seen[s.Addr] = true
		cands = append(cands, &candidate{NodeInfo: s, hop: 1})
	}
	sortCands := func() {
		slices.SortStableFunc(cands, func(a, b *candidate) int { return a.ID.Xor(target).Cmp(b.ID.Xor(target)) })
	}
	sortCands()
	replies := make(chan lookupReply, maxQ)
	q := &Msg{Method: method}
	switch method {
	case MethodGetPeers:
		q.Args.InfoHash = target
	default:
		q.Args.Target = target
	}
	peerSeen := map[netip.AddrPort]bool{}
	if method == MethodGetPeers {
		// Peers announced to us count too.
		n.mu.Lock()
		res.Peers = n.peers.get(target, MaxPeersPerResponse, time.Now())
		n.mu.Unlock()
		for _, p := range res.Peers {
			peerSeen[p] = true
		}
	}
	inflight := 0
	for {
		for inflight < n.alpha() && res.Queries < maxQ && ctx.Err() == nil {
			var next *candidate
			live := 0
			for _, c := range cands {
				if c.state == candFailed {
					continue
				}
				if live++; live > k {
					break
				}
				if c.state == candNew {
					next = c
					break
				}
			}
			if next == nil {
				break
			}
			next.state = candAsked
			inflight++
			res.Queries++
			go func(c *candidate) {
				r, err := n.Query(ctx, c.Addr, q)
				replies <- lookupReply{c, r, err}
			}(next)
		}
		if inflight == 0 {
			break
		}
		rep := <-replies
		inflight--
		c := rep.c
		if rep.err != nil {
			n.logger().Debug("dht: lookup query failed", "addr", c.Addr, "err", rep.err)
			c.state = candFailed
			res.Failed++
			continue
		}
		c.state = candDone
		if rep.r.Args.ID != c.ID {
			c.ID = rep.r.Args.ID // trust the node about its own ID
			sortCands()
		}
		c.token = rep.r.Args.Token
		if c.token != nil {
			res.tokens[c.Addr] = c.token
		}
		for _, p := range rep.r.Args.Values {
			if !peerSeen[p] {
				peerSeen[p] = true
				res.Peers = append(res.Peers, p)
			}
		}
		if onReply != nil {
			onReply(c.NodeInfo, rep.r)
		}
		added := false
		for _, ni := range append(rep.r.Args.Nodes, rep.r.Args.Nodes6...) {
			ni.Addr = netip.AddrPortFrom(ni.Addr.Addr().Unmap(), ni.Addr.Port())
			if seen[ni.Addr] || ni.ID == self || !ni.Addr.IsValid() || ni.Addr.Port() == 0 {
				continue
			}
			seen[ni.Addr] = true
			cands = append(cands, &candidate{NodeInfo: ni, hop: c.hop + 1, parent: c})
			added = true
		}
		if added {
			sortCands()
		}
	}
	for _, c := range cands {
		if c.state != candDone {
			continue
		}
		if len(res.Closest) == 0 {
			res.Hops = c.hop
			for p := c; p != nil; p = p.parent {
				res.Path = append(res.Path, PathStep{Node: p.NodeInfo, Distance: p.ID.Xor(target), Hop: p.hop})
			}
			slices.Reverse(res.Path)
		}
		if len(res.Closest) < k {
			res.Closest = append(res.Closest, c.NodeInfo)
		}
	}
	if len(res.Closest) == 0 {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		return res, ErrNoNodes
	}
	return res, nil
}

// FindNode looks up the K nodes closest to target.
func (n *Node) FindNode(ctx context.Context, target ID) (*LookupResult, error) {
	return n.lookup(ctx, target, MethodFindNode, nil)
}

// GetPeers looks up the peers of an info-hash: it walks towards the
// info-hash with get_peers queries and collects every peer returned.
func (n *Node) GetPeers(ctx context.Context, infoHash ID) (*LookupResult, error) {
	return n.lookup(ctx, infoHash, MethodGetPeers, nil)
}

// Announce finds the nodes closest to infoHash and tells each of them,
// with the token it handed out, that we are a peer on port (0 means
// implied_port: our DHT socket's port, as seen by them). The result holds
// the peers found on the way. It fails only if no node accepted.
func (n *Node) Announce(ctx context.Context, infoHash ID, port int) (*LookupResult, error) {
	res, err := n.GetPeers(ctx, infoHash)
	if err != nil {
		return res, err
	}
	ok, err := n.storeAtClosest(ctx, res, func(tok []byte) *Msg {
		return &Msg{Method: MethodAnnouncePeer, Args: Args{InfoHash: infoHash, Port: port, ImpliedPort: port == 0, Token: tok}}
	})
	if ok == 0 {
		return res, err
	}
	return res, nil
}

// storeAtClosest sends the write query built by mk to every closest node
// that gave us a token, and counts the acceptances.
func (n *Node) storeAtClosest(ctx context.Context, res *LookupResult, mk func(tok []byte) *Msg) (int, error) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	lastErr := error(errors.New("dht: no node handed out a write token"))
	for _, c := range res.Closest {
		tok := res.tokens[c.Addr]
		if tok == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := n.Query(ctx, c.Addr, mk(tok))
			mu.Lock()
			defer mu.Unlock()
			var ke *Error
			switch {
			case err == nil:
				ok++
			case errors.As(err, &ke) && (ke.Code == ErrorCASMismatch || ke.Code == ErrorSeqTooLow):
				lastErr = err // a refusal that the caller must see
			default:
				if !errors.As(lastErr, &ke) || (ke.Code != ErrorCASMismatch && ke.Code != ErrorSeqTooLow) {
					lastErr = err
				}
			}
		}()
	}
	wg.Wait()
	return ok, lastErr
}

// Put stores item at the K nodes closest to its target (BEP 44). For a
// mutable item, cas, if not nil, makes the put a compare-and-swap: nodes
// refuse it unless their current sequence number equals *cas.
func (n *Node) Put(ctx context.Context, item *Item, cas *int64) (*LookupResult, error) {
	if err := item.Check(); err != nil {
		return nil, err
	}
	res, err := n.lookup(ctx, item.Target(), MethodGet, nil)
	if err != nil {
		return res, err
	}
	ok, err := n.storeAtClosest(ctx, res, func(tok []byte) *Msg {
		m := &Msg{Method: MethodPut, Args: Args{Token: tok, V: item.V}}
		if item.Mutable() {
			m.Args.K, m.Args.Salt, m.Args.Sig = item.K, item.Salt, item.Sig
			m.Args.Seq, m.Args.HasSeq = item.Seq, true
			if cas != nil {
				m.Args.CAS, m.Args.HasCAS = *cas, true
			}
		}
		return m
	})
	var ke *Error
	if ok == 0 || errors.As(err, &ke) && (ke.Code == ErrorCASMismatch || ke.Code == ErrorSeqTooLow) {
		return res, err
	}
	return res, nil
}

// ErrNotFound means a lookup ended without finding the item.
var ErrNotFound = errors.New("dht: item not found")

// Get looks up the item stored under target (BEP 44). For a mutable item
// give the salt it was stored with (nil if none); the item with the
// highest sequence number whose signature verifies is returned. Answers
// that do not hash to target are ignored.
func (n *Node) Get(ctx context.Context, target ID, salt []byte) (*Item, error) {
	var best *Item
	res, err := n.lookup(ctx, target, MethodGet, func(_ NodeInfo, r *Msg) {
		a := &r.Args
		if a.V == nil {
			return
		}
		it := &Item{V: a.V}
		if a.K != nil {
			it.K, it.Salt, it.Seq, it.Sig = a.K, salt, a.Seq, a.Sig
		}
		if it.Target() != target || it.Check() != nil {
			return
		}
		if best == nil || it.Mutable() && it.Seq > best.Seq {
			best = it
		}
	})
	_ = res
	if best != nil {
		return best, nil
	}
	if err != nil {
		return nil, err
	}
	return nil, ErrNotFound
}

// Bootstrap joins the DHT: it pings the BootstrapNodes (and any addrs
// given), then looks up our own ID, which fills the routing table with our
// neighbours and the buckets on the way.
func (n *Node) Bootstrap(ctx context.Context, addrs ...string) error {
	n.init()
	all := append(append([]string{}, n.BootstrapNodes...), addrs...)
	var wg sync.WaitGroup
	for _, a := range all {
		ua, err := net.ResolveUDPAddr("udp", a)
		if err != nil {
			n.logger().Warn("dht: bad bootstrap address", "addr", a, "err", err)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			n.Ping(ctx, ua.AddrPort())
		}()
	}
	// Restored contacts are questionable: ping them too.
	for _, c := range n.Nodes() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n.Ping(ctx, c.Addr)
		}()
	}
	wg.Wait()
	if _, err := n.FindNode(ctx, n.self); err != nil {
		return err
	}
	// Our own lookup met only nodes on our side of the ID space. As in
	// Kademlia's join, refresh every bucket farther than our closest
	// neighbour, so that the far buckets fill too.
	n.Refresh(ctx)
	return nil
}

// Refresh looks up a random ID in the range of every bucket but the
// nearest, at once, as the periodic refresh does for buckets idle for
// RefreshInterval. Dead contacts met on the way are found out and
// replaced, and empty buckets fill.
func (n *Node) Refresh(ctx context.Context) {
	n.init()
	n.mu.Lock()
	var targets []ID
	for i := 0; i < len(n.tab.buckets)-1; i++ {
		targets = append(targets, n.self.randomWithPrefix(i, true))
	}
	targets = append(targets, n.self)
	n.mu.Unlock()
	var wg sync.WaitGroup
	for _, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n.FindNode(ctx, t)
		}()
	}
	wg.Wait()
}
