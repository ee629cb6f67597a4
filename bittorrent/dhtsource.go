package bittorrent

import (
	"context"
	"sync"
	"time"

	"github.com/applayer/applayer/dht"
)

// DefaultDHTInterval is how often a [DHTSource] looks up and re-announces
// a torrent. Peers stored in the DHT expire after about 30 minutes, so
// this stays well under that.
const DefaultDHTInterval = 15 * time.Minute

// A DHTSource finds peers through the Mainline DHT (BEP 5), for
// trackerless torrents and magnet links without trackers: each announce
// is a get_peers lookup of the info-hash, and an announce_peer of our
// port to the nodes closest to it. Put it in [TorrentSpec.Sources] and
// set [Client.DHTPort] to the node's port so that peers learn of our node
// too (the PORT message).
type DHTSource struct {
	// Node is a DHT node that serves and has bootstrapped.
	Node *dht.Node
	// Interval is the re-announce interval returned to the client; zero
	// means DefaultDHTInterval.
	Interval time.Duration

	pings chan struct{} // bounds the pings started by OnEvent
	once  sync.Once
}

// MaxDHTPings bounds the pings a DHTSource runs at once for PORT messages.
const MaxDHTPings = 16

// OnEvent feeds the DHT node from the swarm: for each [EventDHTNode] (a
// peer's PORT message, BEP 5) it pings the peer's DHT node, which enters
// the routing table if it answers. Call it from [Client.OnEvent]; it
// returns at once, and drops the ping when MaxDHTPings are under way.
func (s *DHTSource) OnEvent(e Event) {
	if e.Type != EventDHTNode || !e.Peer.Addr.IsValid() {
		return
	}
	s.once.Do(func() { s.pings = make(chan struct{}, MaxDHTPings) })
	select {
	case s.pings <- struct{}{}:
	default:
		return
	}
	go func() {
		defer func() { <-s.pings }()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Node.Ping(ctx, e.Peer.Addr)
	}()
}

// NewDHTSource returns a DHTSource over node.
func NewDHTSource(node *dht.Node) *DHTSource { return &DHTSource{Node: node} }

// Announce looks up the peers of req.InfoHash and announces req.Port to
// the closest nodes. The DHT has no "stopped" event: a stopped announce
// does nothing and our entry expires by itself. Peers found are returned
// even if no node accepted our announce.
func (s *DHTSource) Announce(ctx context.Context, req AnnounceRequest) (*AnnounceResponse, error) {
	interval := s.Interval
	if interval <= 0 {
		interval = DefaultDHTInterval
	}
	if req.Event == EventStopped {
		return &AnnounceResponse{Interval: interval}, nil
	}
	res, err := s.Node.Announce(ctx, dht.ID(req.InfoHash), int(req.Port))
	if res == nil || (err != nil && len(res.Peers) == 0) {
		return nil, err
	}
	return &AnnounceResponse{Interval: interval, Peers: res.Peers}, nil
}

var _ PeerSource = (*DHTSource)(nil)
