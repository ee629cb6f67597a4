package dht

import (
	"context"
	"encoding/binary"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/applayer/applayer/sockets"
)

// Defaults of [Node].
const (
	DefaultK                = 8                // bucket size and lookup width (BEP 5)
	DefaultAlpha            = 3                // queries in flight per lookup (Kademlia)
	DefaultQueryTimeout     = 2 * time.Second  // one query's wait for its response
	DefaultRefreshInterval  = 15 * time.Minute // buckets untouched this long are refreshed (BEP 5)
	DefaultQuestionable     = 15 * time.Minute // a contact silent this long is pinged before being kept
	DefaultMaxFails         = 2                // unanswered queries in a row that make a contact bad
	DefaultTokenRotation    = 5 * time.Minute  // tokens are valid for one to two rotations (BEP 5: ~10 min)
	DefaultPeerTTL          = 30 * time.Minute // how long an announced peer is kept
	DefaultMaxPeersPerHash  = 500
	DefaultMaxInfoHashes    = 10000
	DefaultMaxItems         = 10000 // BEP 44 items stored
	DefaultItemTTL          = 2 * time.Hour
	DefaultRateLimit        = 50.0 // queries per second per source address
	DefaultRateBurst        = 100
	DefaultMaxRateSources   = 10000
	DefaultMaxLookupQueries = 256 // queries one lookup may send in all
	DefaultMaxPending       = 4096
	// MaxPeersPerResponse bounds the "values" of a get_peers response so the
	// datagram stays well under a typical MTU (BEP 32, BEP 33 discussions).
	MaxPeersPerResponse = 50
)

// A Node is one node of the Mainline DHT: it answers the queries of other
// nodes (ping, find_node, get_peers, announce_peer, and BEP 44's get and
// put) and runs lookups of its own. Set the fields, start [Node.Serve] on a
// UDP socket in a goroutine, then call [Node.Bootstrap].
//
// The zero value is a valid node with a random ID and default limits. A
// Node is safe for concurrent use once serving; fields must not change
// after Serve starts. A node contacts only the addresses it is given
// (BootstrapNodes, a restored StateFile) and those other nodes tell it
// about: it never contacts public routers unless told to.
type Node struct {
	// ID is the node's ID. If zero, the ID saved in StateFile is used, or a
	// random one.
	ID ID
	// BootstrapNodes are "host:port" addresses [Node.Bootstrap] starts from.
	BootstrapNodes []string
	// StateFile, if set, is where the routing table is saved (on Shutdown,
	// Close and every RefreshInterval) and restored from (in Serve).
	StateFile string
	// ReadOnly makes this a read-only node (BEP 43): its queries carry
	// "ro": 1 so that others keep it out of their routing tables, and it
	// ignores incoming queries.
	ReadOnly bool
	// AllowInsecureIDs keeps nodes whose ID does not match their public
	// address (BEP 42) in the routing table. By default they are answered
	// but not added; local addresses are always exempt.
	AllowInsecureIDs bool

	// K is the bucket size and the number of closest nodes a lookup
	// returns; zero means DefaultK. Alpha is the number of queries a lookup
	// keeps in flight; zero means DefaultAlpha.
	K, Alpha int
	// Timing; zero means the Default value of the same name.
	QueryTimeout    time.Duration
	RefreshInterval time.Duration
	Questionable    time.Duration
	TokenRotation   time.Duration
	PeerTTL         time.Duration
	ItemTTL         time.Duration
	// Storage limits; zero means the Default value of the same name.
	MaxPeersPerHash int
	MaxInfoHashes   int
	MaxItems        int
	// RateLimit is the queries per second accepted from one source address
	// after a burst of RateBurst; further queries are dropped unanswered.
	// Zero means DefaultRateLimit; negative disables the limit.
	RateLimit      float64
	RateBurst      int
	MaxRateSources int
	// MaxLookupQueries bounds the queries of one lookup; MaxPending the
	// queries awaiting an answer at once. Zero means the defaults.
	MaxLookupQueries int
	MaxPending       int
	// Workers is the size of the packet-handling pool (sockets.PacketServer).
	Workers int
	// Version is sent as "v" in every message; nil sends none.
	Version []byte
	// Logger receives debug and error logs; nil means slog.Default().
	Logger *slog.Logger

	initOnce sync.Once
	ready    chan struct{} // closed when Serve has a socket
	closed   chan struct{}
	srv      sockets.PacketServer
	wg       sync.WaitGroup

	// mu guards everything below.
	mu      sync.Mutex
	pc      net.PacketConn
	self    ID
	tab     *table
	tok     *tokens
	peers   *peerStore
	items   *itemStore
	limiter *rateLimiter
	pending map[pendingKey]chan *Msg
	nextT   uint16
	stopped bool
}

type pendingKey struct {
	t    string
	addr netip.AddrPort
}

func orDefault[T comparable](v, d T) T {
	var zero T
	if v == zero {
		return d
	}
	return v
}

func (n *Node) k() int                      { return orDefault(n.K, DefaultK) }
func (n *Node) alpha() int                  { return orDefault(n.Alpha, DefaultAlpha) }
func (n *Node) queryTimeout() time.Duration { return orDefault(n.QueryTimeout, DefaultQueryTimeout) }
func (n *Node) refresh() time.Duration      { return orDefault(n.RefreshInterval, DefaultRefreshInterval) }

func (n *Node) logger() *slog.Logger {
	if n.Logger != nil {
		return n.Logger
	}
	return slog.Default()
}

func (n *Node) init() {
	n.initOnce.Do(func() {
		now := time.Now()
		n.ready = make(chan struct{})
		n.closed = make(chan struct{})
		n.self = n.ID
		var saved []NodeInfo
		if n.StateFile != "" {
			if st, err := LoadState(n.StateFile); err == nil {
				if n.self.IsZero() {
					n.self = st.ID
				}
				saved = st.Nodes
			} else if !errors.Is(err, errNoState) {
				n.logger().Warn("dht: cannot restore state", "file", n.StateFile, "err", err)
			}
		}
		if n.self.IsZero() {
			n.self = RandomID()
		}
		n.tab = newTable(n.self, n.k(), DefaultMaxFails, orDefault(n.Questionable, DefaultQuestionable), now)
		for _, s := range saved {
			// Restored contacts count as questionable: they are
			// pinged before anyone takes their place.
			n.tab.seen(s, now.Add(-orDefault(n.Questionable, DefaultQuestionable)))
		}
		n.tok = newTokens(orDefault(n.TokenRotation, DefaultTokenRotation), now)
		n.peers = newPeerStore(orDefault(n.PeerTTL, DefaultPeerTTL), orDefault(n.MaxPeersPerHash, DefaultMaxPeersPerHash), orDefault(n.MaxInfoHashes, DefaultMaxInfoHashes))
		n.items = newItemStore(orDefault(n.ItemTTL, DefaultItemTTL), orDefault(n.MaxItems, DefaultMaxItems))
		n.limiter = newRateLimiter(orDefault(n.RateLimit, DefaultRateLimit), orDefault(n.RateBurst, DefaultRateBurst), orDefault(n.MaxRateSources, DefaultMaxRateSources))
		n.pending = map[pendingKey]chan *Msg{}
		n.srv = sockets.PacketServer{Handler: sockets.PacketHandlerFunc(n.servePacket), Workers: n.Workers,
			MaxPacketSize: MaxMessageSize, Logger: n.Logger}
	})
}

// Self returns the node's ID (chosen when serving starts).
func (n *Node) Self() ID {
	n.init()
	return n.self
}

// Addr returns the address the node serves on, or nil before Serve.
func (n *Node) Addr() net.Addr {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pc == nil {
		return nil
	}
	return n.pc.LocalAddr()
}

// AddrPort returns the node's UDP address, or the zero value before Serve.
func (n *Node) AddrPort() netip.AddrPort {
	a, _ := n.Addr().(*net.UDPAddr)
	if a == nil {
		return netip.AddrPort{}
	}
	return a.AddrPort()
}

// Serve answers queries arriving on pc and sends our own queries from it,
// until Shutdown or Close; then it returns sockets.ErrServerClosed.
func (n *Node) Serve(pc net.PacketConn) error {
	n.init()
	n.mu.Lock()
	if n.pc != nil || n.stopped {
		n.mu.Unlock()
		return errors.New("dht: Serve called twice")
	}
	n.pc = pc
	n.mu.Unlock()
	close(n.ready)
	n.wg.Add(1)
	go n.maintain()
	return n.srv.Serve(pc)
}

// ListenAndServe listens on the UDP address addr ("127.0.0.1:6881") and
// serves.
func (n *Node) ListenAndServe(addr string) error {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return err
	}
	return n.Serve(pc)
}

func (n *Node) stop() bool {
	n.init()
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped {
		return false
	}
	n.stopped = true
	close(n.closed)
	return true
}

// Shutdown saves the state, stops serving and waits for the handlers
// running, or for ctx.
func (n *Node) Shutdown(ctx context.Context) error {
	if n.stop() {
		n.saveState()
	}
	err := n.srv.Shutdown(ctx)
	n.wg.Wait()
	return err
}

// Close saves the state and stops at once.
func (n *Node) Close() error {
	if n.stop() {
		n.saveState()
	}
	err := n.srv.Close()
	n.wg.Wait()
	return err
}

func (n *Node) saveState() {
	if n.StateFile == "" {
		return
	}
	if err := SaveState(n.StateFile, n.State()); err != nil {
		n.logger().Warn("dht: cannot save state", "file", n.StateFile, "err", err)
	}
}

// maintain refreshes stale buckets and saves the state periodically.
func (n *Node) maintain() {
	defer n.wg.Done()
	period := n.refresh() / 4
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-n.closed:
			return
		case <-tick.C:
		}
		now := time.Now()
		n.mu.Lock()
		targets := n.tab.stale(now, n.refresh())
		empty := n.tab.len() == 0
		n.peers.expire(now)
		n.items.expire(now)
		n.mu.Unlock()
		if empty {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), period)
		go func() { <-n.closed; cancel() }()
		for _, t := range targets {
			n.lookup(ctx, t, MethodFindNode, nil)
		}
		cancel()
		n.saveState()
	}
}

// send writes m to addr.
func (n *Node) send(m *Msg, addr netip.AddrPort) error {
	if n.Version != nil {
		m.Version = n.Version
	}
	b, err := AppendMsg(make([]byte, 0, 512), m)
	if err != nil {
		return err
	}
	if len(b) > MaxMessageSize {
		return &ParseError{Err: ErrTooLarge}
	}
	n.mu.Lock()
	pc := n.pc
	n.mu.Unlock()
	_, err = pc.WriteTo(b, net.UDPAddrFromAddrPort(addr))
	return err
}

// Query sends one query to addr and waits for its response. The method
// and arguments are m's; Query fills in the transaction ID and our ID. A
// KRPC error reply is returned as *Error.
func (n *Node) Query(ctx context.Context, addr netip.AddrPort, m *Msg) (*Msg, error) {
	n.init()
	select {
	case <-n.ready:
	case <-n.closed:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	addr = netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port())
	ch := make(chan *Msg, 1)
	n.mu.Lock()
	if n.stopped {
		n.mu.Unlock()
		return nil, ErrClosed
	}
	if len(n.pending) >= orDefault(n.MaxPending, DefaultMaxPending) {
		n.mu.Unlock()
		return nil, errors.New("dht: too many queries pending")
	}
	var key pendingKey
	for {
		n.nextT++
		key = pendingKey{t: string(binary.BigEndian.AppendUint16(nil, n.nextT)), addr: addr}
		if _, busy := n.pending[key]; !busy {
			break
		}
	}
	n.pending[key] = ch
	n.mu.Unlock()
	defer func() {
		n.mu.Lock()
		delete(n.pending, key)
		n.mu.Unlock()
	}()

	q := *m
	q.Kind, q.T, q.ReadOnly = KindQuery, []byte(key.t), n.ReadOnly
	q.Args.ID = n.self
	if err := n.send(&q, addr); err != nil {
		return nil, err
	}
	timer := time.NewTimer(n.queryTimeout())
	defer timer.Stop()
	select {
	case r := <-ch:
		if r.Kind == KindError {
			return r, r.Err
		}
		return r, nil
	case <-timer.C:
		n.mu.Lock()
		n.tab.failed(n.idAt(addr), time.Now())
		n.mu.Unlock()
		return nil, ErrTimeout
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-n.closed:
		return nil, ErrClosed
	}
}

// idAt returns the ID of the contact at addr, if any (n.mu held).
func (n *Node) idAt(addr netip.AddrPort) ID {
	for _, c := range n.tab.all() {
		if c.Addr == addr {
			return c.ID
		}
	}
	return ID{}
}

// Ping asks the node at addr whether it is alive and returns its ID.
func (n *Node) Ping(ctx context.Context, addr netip.AddrPort) (ID, error) {
	r, err := n.Query(ctx, addr, &Msg{Method: MethodPing})
	if err != nil {
		return ID{}, err
	}
	return r.Args.ID, nil
}

// Nodes returns the contacts in the routing table.
func (n *Node) Nodes() []NodeInfo {
	n.init()
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.tab.all()
}

// NumNodes returns the number of contacts in the routing table.
func (n *Node) NumNodes() int {
	n.init()
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.tab.len()
}

// AddNode puts a node known to be alive into the routing table.
func (n *Node) AddNode(ni NodeInfo) {
	n.init()
	n.mu.Lock()
	defer n.mu.Unlock()
	n.tab.seen(ni, time.Now())
}

// heard records a message from a live node: it may enter the routing
// table, unless it is read-only (BEP 43) or its ID fails BEP 42.
// A contact to ping may be returned (n.mu held).
func (n *Node) heard(id ID, addr netip.AddrPort, readOnly bool, now time.Time) *NodeInfo {
	if readOnly || id == n.self {
		return nil
	}
	if !n.AllowInsecureIDs && !ValidID(id, addr.Addr()) {
		return nil
	}
	return n.tab.seen(NodeInfo{ID: id, Addr: addr}, now)
}

// pingLater checks a questionable contact in the background.
func (n *Node) pingLater(c *NodeInfo) {
	if c == nil {
		return
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			select {
			case <-n.closed:
				cancel()
			case <-ctx.Done():
			}
		}()
		if _, err := n.Ping(ctx, c.Addr); err != nil {
			n.mu.Lock()
			n.tab.failed(c.ID, time.Now())
			n.mu.Unlock()
		}
	}()
}

// servePacket is the sockets.PacketHandler: it routes responses to the
// queries waiting for them and answers queries.
func (n *Node) servePacket(ctx context.Context, w sockets.PacketWriter, p *sockets.Packet) {
	ua, ok := p.Addr.(*net.UDPAddr)
	if !ok {
		return
	}
	src := ua.AddrPort()
	src = netip.AddrPortFrom(src.Addr().Unmap(), src.Port())
	m, err := ParseMsg(p.Data)
	if err != nil {
		if m.T != nil && m.Kind == KindQuery && !n.ReadOnly {
			n.mu.Lock()
			ok := n.limiter.allow(src, time.Now())
			n.mu.Unlock()
			if ok {
				n.send(&Msg{T: m.T, Kind: KindError, Err: &Error{Code: ErrorProtocol, Msg: "malformed query"}}, src)
			}
		}
		return
	}
	// ParseMsg's byte slices alias the packet buffer, which the worker
	// reuses for the next datagram: copy what a stored item or a waiting
	// query may keep.
	m = cloneMsg(m)
	switch m.Kind {
	case KindResponse, KindError:
		n.mu.Lock()
		ch := n.pending[pendingKey{t: string(m.T), addr: src}]
		var ping *NodeInfo
		if ch != nil {
			delete(n.pending, pendingKey{t: string(m.T), addr: src})
			if m.Kind == KindResponse {
				ping = n.heard(m.Args.ID, src, false, time.Now())
			}
		}
		n.mu.Unlock()
		if ch != nil {
			ch <- m
		}
		n.pingLater(ping)
	case KindQuery:
		if n.ReadOnly {
			return
		}
		now := time.Now()
		n.mu.Lock()
		if !n.limiter.allow(src, now) {
			n.mu.Unlock()
			return
		}
		ping := n.heard(m.Args.ID, src, m.ReadOnly, now)
		n.mu.Unlock()
		n.pingLater(ping)
		r := n.answer(m, src, now)
		r.T = m.T
		r.IP = src
		n.send(r, src)
	}
}

func cloneMsg(m *Msg) *Msg {
	c := *m
	clone := func(b []byte) []byte {
		if b == nil {
			return nil
		}
		return append([]byte{}, b...)
	}
	c.T, c.Version = clone(m.T), clone(m.Version)
	a := &c.Args
	a.Token, a.V, a.K, a.Sig, a.Salt = clone(a.Token), clone(a.V), clone(a.K), clone(a.Sig), clone(a.Salt)
	a.Want = append([]string(nil), a.Want...)
	return &c
}
