package chord

import (
	"context"
	"encoding/binary"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/applayer/applayer/bittorrent/bencode"
	"github.com/applayer/applayer/sockets"
)

// Defaults of [Node].
const (
	DefaultSuccessors   = 4           // length of the successor list
	DefaultQueryTimeout = time.Second // one RPC's wait for its answer
	DefaultMaxHops      = 2 * MaxBits // a lookup gives up after this many hops
	DefaultMaxKeys      = 100000      // keys one node stores
)

// maxCandidates bounds the preceding nodes a step returns, tried in turn
// when some have failed.
const maxCandidates = 8

// Errors.
var (
	ErrClosed  = errors.New("chord: node closed")
	ErrTimeout = errors.New("chord: query timed out")
	ErrNoRoute = errors.New("chord: lookup failed: no live node on the way")
	ErrFull    = errors.New("chord: key store full")
)

// A Node is one node of a Chord ring over UDP. Start it with
// [Node.Serve], then either [Node.Create] a ring or [Node.Join] one.
// The ring is kept correct by [Node.Stabilize] (successor and
// predecessor pointers and the successor list) and [Node.FixFingers]
// (the finger table), which run every StabilizeInterval if it is set, or
// when called.
//
// A Node is safe for concurrent use; its fields must not change after
// Serve.
type Node struct {
	// Ring gives the identifier size in bits (160 by default).
	Ring Ring
	// ID, if not nil, is the node's identifier; otherwise it is the hash
	// of the node's address ("127.0.0.1:4000") on the ring.
	ID *ID
	// Successors is the length of the successor list, which lets the ring
	// survive up to Successors-1 adjacent failures. Zero means
	// DefaultSuccessors.
	Successors int
	// QueryTimeout bounds each RPC; zero means DefaultQueryTimeout.
	QueryTimeout time.Duration
	// StabilizeInterval, if positive, runs Stabilize, FixFingers and
	// CheckPredecessor in the background at that interval.
	StabilizeInterval time.Duration
	// MaxKeys bounds the keys stored; zero means DefaultMaxKeys.
	MaxKeys int
	// Logger; nil means slog.Default().
	Logger *slog.Logger

	srv    sockets.PacketServer
	ready  chan struct{}
	closed chan struct{}
	once   sync.Once
	wg     sync.WaitGroup

	mu      sync.Mutex // guards everything below
	pc      net.PacketConn
	self    NodeRef
	pred    *NodeRef
	succs   []NodeRef
	fingers []NodeRef // fingers[i] = successor(self + 2^i)
	data    map[ID][]byte
	pending map[string]chan *msg
	nextT   uint32
	stopped bool
}

func (n *Node) init() {
	n.once.Do(func() {
		n.ready = make(chan struct{})
		n.closed = make(chan struct{})
		n.data = map[ID][]byte{}
		n.pending = map[string]chan *msg{}
		n.srv = sockets.PacketServer{Handler: sockets.PacketHandlerFunc(n.servePacket), Workers: 2,
			MaxPacketSize: MaxMessageSize, Logger: n.Logger}
	})
}

func (n *Node) timeout() time.Duration {
	if n.QueryTimeout > 0 {
		return n.QueryTimeout
	}
	return DefaultQueryTimeout
}

func (n *Node) r() int {
	if n.Successors > 0 {
		return n.Successors
	}
	return DefaultSuccessors
}

// Serve runs the node on pc until Close.
func (n *Node) Serve(pc net.PacketConn) error {
	n.init()
	ua, ok := pc.LocalAddr().(*net.UDPAddr)
	if !ok {
		return errors.New("chord: Serve needs a UDP socket")
	}
	addr := ua.AddrPort()
	addr = netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port())
	n.mu.Lock()
	if n.pc != nil || n.stopped {
		n.mu.Unlock()
		return errors.New("chord: Serve called twice or after Close")
	}
	n.pc = pc
	n.self = NodeRef{Addr: addr}
	if n.ID != nil {
		n.self.ID = n.Ring.mask(*n.ID)
	} else {
		n.self.ID = n.Ring.Hash([]byte(addr.String()))
	}
	n.fingers = make([]NodeRef, n.Ring.bits())
	for i := range n.fingers {
		n.fingers[i] = n.self
	}
	n.succs = []NodeRef{n.self}
	n.mu.Unlock()
	close(n.ready)
	if n.StabilizeInterval > 0 {
		n.wg.Add(1)
		go n.maintain()
	}
	return n.srv.Serve(pc)
}

func (n *Node) maintain() {
	defer n.wg.Done()
	t := time.NewTicker(n.StabilizeInterval)
	defer t.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-n.closed; cancel() }()
	for {
		select {
		case <-n.closed:
			return
		case <-t.C:
		}
		n.Stabilize(ctx)
		n.CheckPredecessor(ctx)
		n.FixFingers(ctx)
	}
}

// Close stops the node at once, as a crash would: its keys are lost and
// the ring repairs itself around it.
func (n *Node) Close() error {
	n.init()
	n.mu.Lock()
	if !n.stopped {
		n.stopped = true
		close(n.closed)
	}
	n.mu.Unlock()
	err := n.srv.Close()
	n.wg.Wait()
	return err
}

// Self returns the node's identifier and address (after Serve).
func (n *Node) Self() NodeRef {
	n.init()
	<-n.ready
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.self
}

// Successor returns the node's successor.
func (n *Node) Successor() NodeRef {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.succs[0]
}

// SuccessorList returns the node's successor list.
func (n *Node) SuccessorList() []NodeRef {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.succs)
}

// Predecessor returns the node's predecessor, if known.
func (n *Node) Predecessor() (NodeRef, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pred == nil {
		return NodeRef{}, false
	}
	return *n.pred, true
}

// A Finger is one row of a finger table: finger i points at
// successor(n + 2^(i-1)), the first node at least that far round the ring.
type Finger struct {
	I     int // 1-based, as in the Chord paper
	Start ID
	Node  NodeRef
}

// Fingers returns the finger table.
func (n *Node) Fingers() []Finger {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]Finger, len(n.fingers))
	for i, f := range n.fingers {
		out[i] = Finger{I: i + 1, Start: n.Ring.AddPow2(n.self.ID, i), Node: f}
	}
	return out
}

// Keys returns the keys this node stores, sorted.
func (n *Node) Keys() []ID {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []ID
	for k := range n.data {
		out = append(out, k)
	}
	slices.SortFunc(out, ID.Cmp)
	return out
}

// call sends a query to addr and waits for the answer.
func (n *Node) call(ctx context.Context, addr netip.AddrPort, q *msg) (*msg, error) {
	n.init()
	select {
	case <-n.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	ch := make(chan *msg, 1)
	n.mu.Lock()
	if n.stopped {
		n.mu.Unlock()
		return nil, ErrClosed
	}
	n.nextT++
	t := binary.BigEndian.AppendUint32(nil, n.nextT)
	key := string(t) + addr.String()
	n.pending[key] = ch
	pc := n.pc
	n.mu.Unlock()
	defer func() {
		n.mu.Lock()
		delete(n.pending, key)
		n.mu.Unlock()
	}()
	q.T, q.Y = t, "q"
	b, err := bencode.Marshal(q)
	if err != nil {
		return nil, err
	}
	if _, err := pc.WriteTo(b, net.UDPAddrFromAddrPort(addr)); err != nil {
		return nil, err
	}
	timer := time.NewTimer(n.timeout())
	defer timer.Stop()
	select {
	case r := <-ch:
		if r.Y == "e" {
			return nil, errors.New("chord: remote error: " + r.E)
		}
		return r, nil
	case <-timer.C:
		return nil, ErrTimeout
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-n.closed:
		return nil, ErrClosed
	}
}

func (n *Node) servePacket(ctx context.Context, w sockets.PacketWriter, p *sockets.Packet) {
	ua, ok := p.Addr.(*net.UDPAddr)
	if !ok {
		return
	}
	src := ua.AddrPort()
	src = netip.AddrPortFrom(src.Addr().Unmap(), src.Port())
	m, err := parseMsg(p.Data)
	if err != nil {
		return
	}
	if m.Y != "q" {
		key := string(m.T) + src.String()
		n.mu.Lock()
		ch := n.pending[key]
		delete(n.pending, key)
		n.mu.Unlock()
		if ch != nil {
			ch <- m
		}
		return
	}
	r, after := n.handle(m)
	if after != nil {
		after()
	}
	r.T = m.T
	if r.Y == "" {
		r.Y = "r"
	}
	b, err := bencode.Marshal(r)
	if err != nil {
		return
	}
	w.WriteTo(b, net.UDPAddrFromAddrPort(src))
}

// handle answers one query; after, if not nil, must run before the
// answer is sent.
func (n *Node) handle(q *msg) (r *msg, after func()) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.handleLocked(q, &after), after
}

func (n *Node) handleLocked(q *msg, afterp *func()) *msg {
	var after func()
	defer func() { *afterp = after }()
	switch q.Q {
	case methodPing:
		return &msg{Node: ptr(toWire(n.self))}
	case methodStep:
		if len(q.Key) != len(ID{}) {
			return &msg{Y: "e", E: "bad key"}
		}
		k := ID(q.Key)
		if between(k, n.self.ID, n.succs[0].ID, true) {
			return &msg{Done: 1, Nodes: refsToWire(n.succs)}
		}
		return &msg{Nodes: refsToWire(n.precedingLocked(k))}
	case methodGetPred:
		r := &msg{Nodes: refsToWire(n.succs)}
		if n.pred != nil {
			r.Node = ptr(toWire(*n.pred))
		}
		return r
	case methodNotify:
		if q.Node == nil {
			return &msg{Y: "e", E: "no node"}
		}
		c, err := fromWire(*q.Node)
		if err != nil {
			return &msg{Y: "e", E: "bad node"}
		}
		if n.pred == nil || between(c.ID, n.pred.ID, n.self.ID, false) {
			n.pred = &c
			// Keys between the old predecessor and c now belong to c.
			var move []wireItem
			for k, v := range n.data {
				if !between(k, c.ID, n.self.ID, true) {
					move = append(move, wireItem{Key: append([]byte(nil), k[:]...), Value: v})
				}
			}
			if len(move) > 0 && c != n.self {
				after = func() { n.handOver(c, move) }
			}
		}
		if n.succs[0] == n.self {
			n.succs = []NodeRef{c} // the second node of a ring
		}
		return &msg{}
	case methodTake:
		// The asker joined just before us: it owns every key we hold
		// that is not in (asker, self].
		if q.Node == nil {
			return &msg{Y: "e", E: "no node"}
		}
		c, err := fromWire(*q.Node)
		if err != nil {
			return &msg{Y: "e", E: "bad node"}
		}
		r := &msg{}
		for k, v := range n.data {
			if !between(k, c.ID, n.self.ID, true) {
				r.Items = append(r.Items, wireItem{Key: append([]byte(nil), k[:]...), Value: v})
				delete(n.data, k)
			}
		}
		return r
	case methodPut:
		for _, it := range q.Items {
			if len(it.Key) != len(ID{}) {
				return &msg{Y: "e", E: "bad key"}
			}
			if _, ok := n.data[ID(it.Key)]; !ok && len(n.data) >= max(n.MaxKeys, DefaultMaxKeys*boolInt(n.MaxKeys == 0)) {
				return &msg{Y: "e", E: ErrFull.Error()}
			}
			n.data[ID(it.Key)] = it.Value
		}
		return &msg{}
	case methodGet:
		if len(q.Key) != len(ID{}) {
			return &msg{Y: "e", E: "bad key"}
		}
		v, ok := n.data[ID(q.Key)]
		if !ok {
			return &msg{}
		}
		return &msg{Items: []wireItem{{Key: q.Key, Value: v}}}
	case methodLeave:
		// A neighbour leaves: "node" is its predecessor (we are its
		// successor) or "nodes" its successor list (we are its
		// predecessor); "items" are its keys.
		if q.Node != nil {
			if c, err := fromWire(*q.Node); err == nil {
				if c == n.self {
					n.pred = nil
				} else {
					n.pred = &c
				}
			}
		}
		if len(q.Nodes) > 0 {
			if rs, err := refsFromWire(q.Nodes); err == nil {
				n.succs = n.trimLocked(rs)
				n.fingers[0] = n.succs[0]
			}
		}
		for _, it := range q.Items {
			if len(it.Key) == len(ID{}) {
				n.data[ID(it.Key)] = it.Value
			}
		}
		return &msg{}
	}
	return &msg{Y: "e", E: "unknown method"}
}

// handOver sends items to their new owner c and forgets them once c has
// them. It runs before the notify is answered.
func (n *Node) handOver(c NodeRef, items []wireItem) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-n.closed:
			cancel()
		case <-ctx.Done():
		}
	}()
	if _, err := n.call(ctx, c.Addr, &msg{Q: methodPut, Items: items}); err != nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, it := range items {
		if v, ok := n.data[ID(it.Key)]; ok && string(v) == string(it.Value) && n.pred != nil && *n.pred == c {
			delete(n.data, ID(it.Key))
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ptr[T any](v T) *T { return &v }

// trimLocked makes a successor list of at most r nodes from rs, without
// ourselves unless we are alone.
func (n *Node) trimLocked(rs []NodeRef) []NodeRef {
	var out []NodeRef
	for _, r := range rs {
		if r != n.self && !slices.Contains(out, r) && len(out) < n.r() {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		out = []NodeRef{n.self}
	}
	return out
}

// precedingLocked returns the nodes we know that precede k on the
// circle, closest to k first: the fingers and successors in (self, k).
func (n *Node) precedingLocked(k ID) []NodeRef {
	var out []NodeRef
	add := func(r NodeRef) {
		if r != n.self && between(r.ID, n.self.ID, k, false) && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	for i := len(n.fingers) - 1; i >= 0; i-- {
		add(n.fingers[i])
	}
	for _, s := range n.succs {
		add(s)
	}
	// Closest preceding first: the one with the largest distance from self.
	slices.SortFunc(out, func(a, b NodeRef) int { return -distance(n.self.ID, a.ID).Cmp(distance(n.self.ID, b.ID)) })
	if len(out) > maxCandidates {
		out = out[:maxCandidates]
	}
	if len(out) == 0 {
		out = []NodeRef{n.succs[0]}
	}
	return out
}

// distance returns b - a mod 2^160 (clockwise distance; the ring's mask
// does not matter for comparisons between IDs of the same ring).
func distance(a, b ID) ID {
	var d ID
	borrow := 0
	for i := 19; i >= 0; i-- {
		v := int(b[i]) - int(a[i]) - borrow
		borrow = 0
		if v < 0 {
			v += 256
			borrow = 1
		}
		d[i] = byte(v)
	}
	return d
}
