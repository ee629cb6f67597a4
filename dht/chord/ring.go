package chord

import (
	"context"
	"errors"
	"net/netip"
)

// Create starts a new ring with this node alone in it: it is its own
// successor and has no predecessor.
func (n *Node) Create() {
	self := n.Self()
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pred = nil
	n.succs = []NodeRef{self}
}

// Join enters the ring that the node at addr belongs to: it asks that
// node for successor(our ID), adopts it as successor, and takes over the
// keys that are now ours. Stabilization then makes the rest of the ring
// aware of us.
func (n *Node) Join(ctx context.Context, addr netip.AddrPort) error {
	self := n.Self()
	succ, _, err := n.lookupFrom(ctx, addr, self.ID)
	if err != nil {
		return err
	}
	n.mu.Lock()
	n.pred = nil
	n.succs = []NodeRef{succ}
	n.fingers[0] = succ
	n.mu.Unlock()
	if succ == self {
		return nil
	}
	r, err := n.call(ctx, succ.Addr, &msg{Q: methodTake, Node: ptr(toWire(self))})
	if err != nil {
		return err
	}
	n.mu.Lock()
	for _, it := range r.Items {
		if len(it.Key) == len(ID{}) {
			n.data[ID(it.Key)] = it.Value
		}
	}
	n.mu.Unlock()
	// Tell our successor at once rather than waiting for stabilize.
	return n.Stabilize(ctx)
}

// Stabilize is Chord's periodic repair: ask our successor for its
// predecessor x; if x sits between us and our successor, x is our better
// successor. Then notify the successor of us, and refresh the successor
// list from its list. A successor that does not answer is dropped in
// favour of the next one on the list.
func (n *Node) Stabilize(ctx context.Context) error {
	self := n.Self()
	for {
		n.mu.Lock()
		succ := n.succs[0]
		n.mu.Unlock()
		if succ == self {
			// Alone, or the last one: a predecessor may be our successor.
			n.mu.Lock()
			if n.pred != nil {
				n.succs = []NodeRef{*n.pred}
				succ = *n.pred
			}
			n.mu.Unlock()
			if succ == self {
				return nil
			}
		}
		r, err := n.call(ctx, succ.Addr, &msg{Q: methodGetPred})
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, ErrClosed) {
				return err
			}
			n.mu.Lock()
			n.succs = n.trimLocked(n.succs[1:])
			n.mu.Unlock()
			continue
		}
		list, _ := refsFromWire(r.Nodes)
		if r.Node != nil {
			if x, err := fromWire(*r.Node); err == nil && x != self && between(x.ID, self.ID, succ.ID, false) {
				// x joined between us: check that it is alive first.
				if xr, err := n.call(ctx, x.Addr, &msg{Q: methodGetPred}); err == nil {
					succ = x
					list, _ = refsFromWire(xr.Nodes)
				}
			}
		}
		n.mu.Lock()
		n.succs = n.trimLocked(append([]NodeRef{succ}, list...))
		n.fingers[0] = n.succs[0]
		n.mu.Unlock()
		_, err = n.call(ctx, succ.Addr, &msg{Q: methodNotify, Node: ptr(toWire(self))})
		return err
	}
}

// CheckPredecessor forgets a predecessor that does not answer, so that
// the next notify can install the right one.
func (n *Node) CheckPredecessor(ctx context.Context) {
	p, ok := n.Predecessor()
	if !ok {
		return
	}
	if _, err := n.call(ctx, p.Addr, &msg{Q: methodPing}); err != nil && ctx.Err() == nil {
		n.mu.Lock()
		if n.pred != nil && *n.pred == p {
			n.pred = nil
		}
		n.mu.Unlock()
	}
}

// FixFingers recomputes the finger table: finger i becomes
// successor(n + 2^(i-1)). A finger whose start falls before the previous
// finger's node reuses it, so only about log2(N) lookups are made.
func (n *Node) FixFingers(ctx context.Context) error {
	self := n.Self()
	bits := n.Ring.bits()
	var prev NodeRef
	for i := range bits {
		start := n.Ring.AddPow2(self.ID, i)
		var f NodeRef
		if i > 0 && prev != self && between(start, self.ID, prev.ID, true) {
			f = prev
		} else {
			var err error
			f, _, err = n.Lookup(ctx, start)
			if err != nil {
				return err
			}
		}
		n.mu.Lock()
		n.fingers[i] = f
		n.mu.Unlock()
		prev = f
	}
	return nil
}

// Lookup finds successor(k), the node responsible for key k, and the
// number of hops (remote steps) it took. Each step asks a node for the
// closest node it knows preceding k; with correct fingers each step at
// least halves the distance to k, so a lookup takes O(log N) hops.
func (n *Node) Lookup(ctx context.Context, k ID) (NodeRef, int, error) {
	self := n.Self()
	n.mu.Lock()
	succ := n.succs[0]
	if between(k, self.ID, succ.ID, true) || succ == self {
		n.mu.Unlock()
		return succ, 0, nil
	}
	cands := n.precedingLocked(k)
	n.mu.Unlock()
	return n.walk(ctx, cands, k)
}

// LookupPath is Lookup that also returns the nodes asked, in order.
func (n *Node) LookupPath(ctx context.Context, k ID) (NodeRef, []NodeRef, error) {
	self := n.Self()
	n.mu.Lock()
	succ := n.succs[0]
	if between(k, self.ID, succ.ID, true) || succ == self {
		n.mu.Unlock()
		return succ, nil, nil
	}
	cands := n.precedingLocked(k)
	n.mu.Unlock()
	var path []NodeRef
	r, _, err := n.walkPath(ctx, cands, k, &path)
	return r, path, err
}

// lookupFrom finds successor(k) starting at the node at addr.
func (n *Node) lookupFrom(ctx context.Context, addr netip.AddrPort, k ID) (NodeRef, int, error) {
	return n.walk(ctx, []NodeRef{{Addr: addr}}, k)
}

func (n *Node) walk(ctx context.Context, cands []NodeRef, k ID) (NodeRef, int, error) {
	return n.walkPath(ctx, cands, k, nil)
}

// walkPath asks the first live candidate for its step towards k, until a
// node answers that k falls between it and its successor.
func (n *Node) walkPath(ctx context.Context, cands []NodeRef, k ID, path *[]NodeRef) (NodeRef, int, error) {
	hops := 0
	for hops < DefaultMaxHops {
		var r *msg
		var at NodeRef
		for _, c := range cands {
			var err error
			r, err = n.call(ctx, c.Addr, &msg{Q: methodStep, Key: k[:]})
			if err == nil {
				at = c
				break
			}
			if ctx.Err() != nil || errors.Is(err, ErrClosed) {
				return NodeRef{}, hops, err
			}
		}
		if r == nil {
			return NodeRef{}, hops, ErrNoRoute
		}
		hops++
		if path != nil {
			*path = append(*path, at)
		}
		next, err := refsFromWire(r.Nodes)
		if err != nil || len(next) == 0 {
			return NodeRef{}, hops, ErrNoRoute
		}
		if r.Done == 1 {
			// The first live node of the asked node's successor list.
			self := n.Self()
			for _, s := range next {
				if s == self {
					return s, hops, nil
				}
				if _, err := n.call(ctx, s.Addr, &msg{Q: methodPing}); err == nil {
					return s, hops, nil
				}
			}
			return NodeRef{}, hops, ErrNoRoute
		}
		cands = next
	}
	return NodeRef{}, hops, ErrNoRoute
}

// Put stores value under the key SHA-1(name) on the ring (cut to the
// ring's bits), at successor(key), and returns the key.
func (n *Node) Put(ctx context.Context, name string, value []byte) (ID, error) {
	k := n.Ring.Hash([]byte(name))
	return k, n.PutKey(ctx, k, value)
}

// PutKey stores value under k at successor(k).
func (n *Node) PutKey(ctx context.Context, k ID, value []byte) error {
	owner, _, err := n.Lookup(ctx, k)
	if err != nil {
		return err
	}
	_, err = n.call(ctx, owner.Addr, &msg{Q: methodPut, Items: []wireItem{{Key: k[:], Value: value}}})
	return err
}

// Get returns the value stored under the key SHA-1(name), and whether
// there is one.
func (n *Node) Get(ctx context.Context, name string) ([]byte, bool, error) {
	return n.GetKey(ctx, n.Ring.Hash([]byte(name)))
}

// GetKey returns the value stored under k.
func (n *Node) GetKey(ctx context.Context, k ID) ([]byte, bool, error) {
	owner, _, err := n.Lookup(ctx, k)
	if err != nil {
		return nil, false, err
	}
	r, err := n.call(ctx, owner.Addr, &msg{Q: methodGet, Key: k[:]})
	if err != nil {
		return nil, false, err
	}
	if len(r.Items) == 0 {
		return nil, false, nil
	}
	return r.Items[0].Value, true, nil
}

// Leave departs gracefully: our keys go to our successor, which also
// adopts our predecessor; our predecessor adopts our successor list. Then
// the node closes.
func (n *Node) Leave(ctx context.Context) error {
	self := n.Self()
	n.mu.Lock()
	succs := append([]NodeRef(nil), n.succs...)
	pred := n.pred
	var items []wireItem
	for k, v := range n.data {
		items = append(items, wireItem{Key: append([]byte(nil), k[:]...), Value: v})
	}
	n.mu.Unlock()
	var err error
	if succs[0] != self {
		m := &msg{Q: methodLeave, Items: items}
		if pred != nil {
			m.Node = ptr(toWire(*pred))
		}
		_, err = n.call(ctx, succs[0].Addr, m)
	}
	if pred != nil && *pred != self {
		n.call(ctx, pred.Addr, &msg{Q: methodLeave, Nodes: refsToWire(succs)})
	}
	n.Close()
	return err
}
