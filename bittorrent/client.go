package bittorrent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/applayer/applayer/sockets"
)

// Defaults used when the matching [Client] field is zero.
const (
	// DefaultUnchokeSlots is the lesson's "top four".
	DefaultUnchokeSlots = 4
	// DefaultChokeInterval is the lesson's "every 10 seconds".
	DefaultChokeInterval = 10 * time.Second
	// DefaultOptimisticInterval is the lesson's "every 30 seconds".
	DefaultOptimisticInterval = 30 * time.Second
	// DefaultMaxPeers bounds the connections of one torrent.
	DefaultMaxPeers = 50
	// DefaultMaxConns bounds incoming connections of the client.
	DefaultMaxConns = 200
	// DefaultRequestQueueDepth is how many block requests we keep
	// outstanding to one peer (request pipelining): 8 MiB in flight, so a
	// fast peer is never idle waiting for our next request. It is capped by
	// the peer's reqq. (libtorrent uses the same bound.)
	DefaultRequestQueueDepth = 500
	// DefaultMaxPeerRequests bounds the requests a peer may queue at us
	// (12 bytes each); we advertise it as reqq (BEP 10).
	DefaultMaxPeerRequests = 2000
	// MaxRequestLength is the largest block a peer may request (BEP 3
	// clients use 16 KiB; 128 KiB is the common upper bound).
	MaxRequestLength = 128 << 10
	// DefaultHandshakeTimeout bounds dialling plus the handshake.
	DefaultHandshakeTimeout = 20 * time.Second
	// DefaultPeerIdleTimeout closes a peer silent for this long (it should
	// send a keep-alive every two minutes).
	DefaultPeerIdleTimeout = 3 * time.Minute
	// DefaultKeepAliveInterval is how often an idle connection gets a
	// keep-alive.
	DefaultKeepAliveInterval = 2 * time.Minute
	// DefaultRequestTimeout is how long a block request may stay unanswered
	// before it is asked of someone else.
	DefaultRequestTimeout = 60 * time.Second
	// DefaultPEXInterval is how often peer exchange messages go out (BEP 11
	// asks for at most one a minute).
	DefaultPEXInterval = time.Minute
	// DefaultMinAnnounceInterval is the shortest wait between announces to
	// one peer source, whatever it asks.
	DefaultMinAnnounceInterval = 30 * time.Second
	// maxBanStrikes is how many failed pieces a peer may share in before it
	// is banned (a sole contributor is banned at once).
	maxBanStrikes = 2
)

// A Client is a BitTorrent swarm client: it listens for peers, runs
// torrents, and shares one peer ID and the session rate limits between
// them. Set the fields before the first call; the zero value works with
// the lesson's defaults. Methods are safe for concurrent use.
type Client struct {
	// PeerID is our ID; zero means NewPeerID().
	PeerID PeerID
	// UnchokeSlots is how many peers are unchoked for their rate each round.
	UnchokeSlots int
	// ChokeInterval is how often the choker re-evaluates.
	ChokeInterval time.Duration
	// OptimisticInterval is how often a new optimistic unchoke is chosen.
	OptimisticInterval time.Duration
	// SeedChoking is how peers are ranked for the unchoke slots once we
	// seed; zero is SeedFastest.
	SeedChoking SeedChoking
	// MaxPeers bounds connections per torrent.
	MaxPeers int
	// MaxConns bounds incoming connections to the listener.
	MaxConns int
	// RequestQueueDepth bounds the outstanding block requests per peer;
	// within it each peer gets about half a second's worth of blocks at the
	// rate it sends them (at least two).
	RequestQueueDepth int
	// MaxPeerRequests bounds requests a peer may have queued with us.
	MaxPeerRequests int
	// MaxMessageLength bounds peer messages; zero is DefaultMaxMessageLength.
	MaxMessageLength int
	// UploadRate and DownloadRate limit the whole session in bytes per
	// second; zero is unlimited.
	UploadRate, DownloadRate int64
	// PeerUploadRate and PeerDownloadRate limit each connection.
	PeerUploadRate, PeerDownloadRate int64
	// RateBurst is the most bytes any of these limits lets through at once
	// after an idle spell; zero is DefaultRateBurst. The limits start empty.
	RateBurst int64
	// HandshakeTimeout, PeerIdleTimeout, KeepAliveInterval, RequestTimeout,
	// PEXInterval and MinAnnounceInterval: zero is the Default* constant.
	HandshakeTimeout    time.Duration
	PeerIdleTimeout     time.Duration
	KeepAliveInterval   time.Duration
	RequestTimeout      time.Duration
	PEXInterval         time.Duration
	MinAnnounceInterval time.Duration
	// DHTPort, if set, is the UDP port of our DHT node (BEP 5): the DHT bit
	// is set in handshakes and PORT is sent to peers that set it too.
	DHTPort uint16
	// DisablePEX turns peer exchange off (private torrents never use it).
	DisablePEX bool
	// Dial opens peer connections; nil uses a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Logger receives diagnostics; nil is slog.Default().
	Logger *slog.Logger
	// OnEvent, if set, receives every [Event], in order, from one goroutine
	// of the client. It may call methods of the Client and its Torrents;
	// while it runs, later events wait in a queue.
	OnEvent func(Event)

	initOnce sync.Once
	upLimit  *RateLimiter
	dnLimit  *RateLimiter
	srv      *sockets.Server
	// pipes carry seeders' batches of blocks (see blockPipe).
	pipes pipePool

	// evmu guards the event queue delivered by deliverEvents.
	evmu     sync.Mutex
	evcond   *sync.Cond
	evq      []Event
	evclosed bool
	evdone   chan struct{}

	mu       sync.Mutex
	torrents map[InfoHash]*Torrent
	port     uint16
	closed   bool
}

// ErrClientClosed is returned after Close.
var ErrClientClosed = errors.New("bittorrent: client closed")

func (c *Client) init() {
	c.initOnce.Do(func() {
		if c.PeerID == (PeerID{}) {
			c.PeerID = NewPeerID()
		}
		c.upLimit = NewRateLimiter(c.UploadRate, c.RateBurst)
		c.dnLimit = NewRateLimiter(c.DownloadRate, c.RateBurst)
		c.torrents = map[InfoHash]*Torrent{}
		c.evcond = sync.NewCond(&c.evmu)
		c.evdone = make(chan struct{})
		if c.OnEvent != nil {
			go c.deliverEvents()
		} else {
			close(c.evdone)
		}
		maxConns := c.MaxConns
		if maxConns == 0 {
			maxConns = DefaultMaxConns
		}
		c.srv = &sockets.Server{
			Handler:     sockets.HandlerFunc(c.serveConn),
			MaxConns:    maxConns,
			ReadTimeout: c.idleTimeout(),
			Logger:      c.logger(),
		}
	})
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

func (c *Client) idleTimeout() time.Duration {
	return orDefault(c.PeerIdleTimeout, DefaultPeerIdleTimeout)
}

func (c *Client) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

// emit queues an event for OnEvent; it never blocks, so torrents can emit
// while locked.
func (c *Client) emit(e Event) {
	if c.OnEvent == nil {
		return
	}
	c.evmu.Lock()
	if !c.evclosed {
		c.evq = append(c.evq, e)
		c.evcond.Signal()
	}
	c.evmu.Unlock()
}

// deliverEvents calls OnEvent for each queued event until Close.
func (c *Client) deliverEvents() {
	defer close(c.evdone)
	for {
		c.evmu.Lock()
		for len(c.evq) == 0 && !c.evclosed {
			c.evcond.Wait()
		}
		batch := c.evq
		c.evq = nil
		closed := c.evclosed
		c.evmu.Unlock()
		for _, e := range batch {
			c.OnEvent(e)
		}
		if closed && len(batch) == 0 {
			return
		}
	}
}

// Serve accepts peer connections on l until Close. Torrents announce l's
// port to their peer sources.
func (c *Client) Serve(l net.Listener) error {
	c.init()
	if ap, err := netip.ParseAddrPort(l.Addr().String()); err == nil {
		c.mu.Lock()
		c.port = ap.Port()
		c.mu.Unlock()
	}
	return c.srv.Serve(l)
}

// Listen listens on addr (host:port) and serves it in the background,
// returning the listener's address.
func (c *Client) Listen(addr string) (net.Addr, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	c.init()
	if ap, err := netip.ParseAddrPort(l.Addr().String()); err == nil {
		c.mu.Lock()
		c.port = ap.Port()
		c.mu.Unlock()
	}
	go c.srv.Serve(l)
	return l.Addr(), nil
}

// Port returns the listening port, or 0.
func (c *Client) Port() uint16 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.port
}

// serveConn handles an incoming connection: read the handshake, find the
// torrent, answer, and run the peer.
func (c *Client) serveConn(ctx context.Context, sc *sockets.Conn) {
	_ = sc.SetDeadline(time.Now().Add(orDefault(c.HandshakeTimeout, DefaultHandshakeTimeout)))
	h, err := ReadHandshake(sc)
	if err != nil {
		c.logger().Debug("bittorrent: incoming handshake", "remote", sc.RemoteAddr(), "err", err)
		return
	}
	c.mu.Lock()
	t := c.torrents[h.InfoHash]
	c.mu.Unlock()
	if t == nil || !t.acquire() {
		c.logger().Debug("bittorrent: handshake for unknown torrent", "remote", sc.RemoteAddr(), "infohash", h.InfoHash)
		return
	}
	defer t.wg.Done()
	if _, err := sc.Write(AppendHandshake(nil, t.handshake())); err != nil {
		return
	}
	_ = sc.SetDeadline(time.Time{})
	addr, _ := netip.ParseAddrPort(sc.RemoteAddr().String())
	t.runPeer(ctx, sc, addr, h, false)
}

// Add starts a torrent. With a metainfo it first checks the data already
// in storage (resume), which ctx may cancel. The torrent runs until it or
// the client is closed.
func (c *Client) Add(ctx context.Context, spec TorrentSpec) (*Torrent, error) {
	c.init()
	t, err := newTorrent(ctx, c, spec)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrClientClosed
	}
	if _, dup := c.torrents[t.infoHash]; dup {
		c.mu.Unlock()
		return nil, fmt.Errorf("bittorrent: torrent %v already added", t.infoHash)
	}
	c.torrents[t.infoHash] = t
	c.mu.Unlock()
	t.start()
	return t, nil
}

func (c *Client) remove(t *Torrent) {
	c.mu.Lock()
	if c.torrents[t.infoHash] == t {
		delete(c.torrents, t.infoHash)
	}
	c.mu.Unlock()
}

// Close stops every torrent (announcing stopped briefly) and the listener,
// and returns after the last event has been delivered.
func (c *Client) Close() error {
	c.init()
	c.mu.Lock()
	c.closed = true
	ts := make([]*Torrent, 0, len(c.torrents))
	for _, t := range c.torrents {
		ts = append(ts, t)
	}
	c.mu.Unlock()
	for _, t := range ts {
		t.Close()
	}
	c.pipes.close()
	err := c.srv.Close()
	if errors.Is(err, sockets.ErrServerClosed) {
		err = nil
	}
	// Deliver what is queued, then stop the event goroutine.
	c.evmu.Lock()
	c.evclosed = true
	c.evcond.Broadcast()
	c.evmu.Unlock()
	<-c.evdone
	return err
}
