package bittorrent

import (
	"errors"
	"math/rand/v2"
	"net/netip"
	"sync"
	"time"
)

// Defaults of a [Tracker] when its fields are zero.
const (
	// DefaultAnnounceInterval is the interval a tracker asks clients to
	// wait between announces.
	DefaultAnnounceInterval = 30 * time.Minute
	// DefaultNumWant is how many peers a tracker returns when the client
	// does not say.
	DefaultNumWant = 50
	// DefaultMaxNumWant caps numwant, whatever the client asks.
	DefaultMaxNumWant = 200
	// DefaultMaxTorrents bounds the torrents a tracker tracks.
	DefaultMaxTorrents = 100000
	// DefaultMaxPeersPerTorrent bounds the peers remembered per torrent.
	DefaultMaxPeersPerTorrent = 10000
)

// ErrTrackerFull means the tracker refused a new torrent or peer because
// a limit was reached.
var ErrTrackerFull = errors.New("bittorrent: tracker full")

// ErrNotAllowed means the torrent is not on the tracker's allow list.
var ErrNotAllowed = errors.New("bittorrent: torrent not allowed on this tracker")

// A Tracker keeps the peers of each torrent: the state behind the HTTP
// ([HTTPTrackerHandler]) and UDP ([UDPTrackerServer]) tracker front ends,
// which can share one Tracker. Peers that do not announce again within
// PeerTTL are forgotten. Safe for concurrent use; the zero value works.
type Tracker struct {
	// Interval is the announce interval given to clients.
	Interval time.Duration
	// MinInterval, if set, is sent as "min interval".
	MinInterval time.Duration
	// PeerTTL is how long a peer stays listed after its last announce; zero
	// means twice Interval plus a minute.
	PeerTTL time.Duration
	// DefaultNumWant and MaxNumWant bound the peers per response.
	DefaultNumWant, MaxNumWant int
	// MaxTorrents and MaxPeersPerTorrent bound the memory used.
	MaxTorrents, MaxPeersPerTorrent int
	// Allow, if set, is asked whether a torrent may be tracked.
	Allow func(InfoHash) bool
	// AllowClientIP honours the ip parameter of announces instead of the
	// request's source address (only sensible on trusted networks).
	AllowClientIP bool
	// Now returns the time; nil is time.Now (tests set a fake clock).
	Now func() time.Time

	mu     sync.Mutex
	swarms map[InfoHash]*swarm
	rnd    *rand.Rand
}

type swarm struct {
	peers      map[PeerID]*trackedPeer
	downloaded int
}

type trackedPeer struct {
	addr     netip.AddrPort
	left     int64
	lastSeen time.Time
}

func (tr *Tracker) now() time.Time {
	if tr.Now != nil {
		return tr.Now()
	}
	return time.Now()
}

func (tr *Tracker) interval() time.Duration { return orDefault(tr.Interval, DefaultAnnounceInterval) }

func (tr *Tracker) ttl() time.Duration {
	return orDefault(tr.PeerTTL, 2*tr.interval()+time.Minute)
}

// Announce records the peer that sent req from source (whose IP is used
// unless AllowClientIP and req.IP say otherwise) and returns other peers.
func (tr *Tracker) Announce(req AnnounceRequest, source netip.AddrPort) (*AnnounceResponse, error) {
	if tr.Allow != nil && !tr.Allow(req.InfoHash) {
		return nil, ErrNotAllowed
	}
	ip := source.Addr().Unmap()
	if tr.AllowClientIP && req.IP.IsValid() {
		ip = req.IP.Unmap()
	}
	addr := netip.AddrPortFrom(ip, req.Port)
	now := tr.now()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.swarms == nil {
		tr.swarms = map[InfoHash]*swarm{}
		tr.rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	sw := tr.swarms[req.InfoHash]
	if sw == nil {
		if req.Event == EventStopped {
			return &AnnounceResponse{Interval: tr.interval(), MinInterval: tr.MinInterval}, nil
		}
		if len(tr.swarms) >= orDefault(tr.MaxTorrents, DefaultMaxTorrents) {
			tr.expireAll(now)
			if len(tr.swarms) >= orDefault(tr.MaxTorrents, DefaultMaxTorrents) {
				return nil, ErrTrackerFull
			}
		}
		sw = &swarm{peers: map[PeerID]*trackedPeer{}}
		tr.swarms[req.InfoHash] = sw
	}
	tr.expire(sw, now)
	if req.Event == EventStopped {
		delete(sw.peers, req.PeerID)
	} else {
		p := sw.peers[req.PeerID]
		if p == nil {
			if len(sw.peers) >= orDefault(tr.MaxPeersPerTorrent, DefaultMaxPeersPerTorrent) {
				return nil, ErrTrackerFull
			}
			p = &trackedPeer{}
			sw.peers[req.PeerID] = p
		}
		p.addr, p.left, p.lastSeen = addr, req.Left, now
		if req.Event == EventCompleted {
			sw.downloaded++
		}
	}
	resp := &AnnounceResponse{Interval: tr.interval(), MinInterval: tr.MinInterval}
	want := req.NumWant
	if want <= 0 {
		want = orDefault(tr.DefaultNumWant, DefaultNumWant)
	}
	want = min(want, orDefault(tr.MaxNumWant, DefaultMaxNumWant))
	seen := 0
	for id, p := range sw.peers {
		if p.left == 0 {
			resp.Seeders++
		} else {
			resp.Leechers++
		}
		if id == req.PeerID || req.Event == EventStopped || p.addr.Port() == 0 {
			continue
		}
		// Reservoir sampling keeps a uniform random subset of want peers.
		seen++
		if len(resp.Peers) < want {
			resp.Peers = append(resp.Peers, p.addr)
		} else if j := tr.rnd.IntN(seen); j < want {
			resp.Peers[j] = p.addr
		}
	}
	if len(sw.peers) == 0 {
		delete(tr.swarms, req.InfoHash)
	}
	return resp, nil
}

// Scrape returns the counts of each torrent (zero for unknown ones).
func (tr *Tracker) Scrape(hashes []InfoHash) []ScrapeResult {
	now := tr.now()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	out := make([]ScrapeResult, len(hashes))
	for i, h := range hashes {
		sw := tr.swarms[h]
		if sw == nil {
			continue
		}
		tr.expire(sw, now)
		out[i].Downloaded = sw.downloaded
		for _, p := range sw.peers {
			if p.left == 0 {
				out[i].Complete++
			} else {
				out[i].Incomplete++
			}
		}
	}
	return out
}

func (tr *Tracker) expire(sw *swarm, now time.Time) {
	ttl := tr.ttl()
	for id, p := range sw.peers {
		if now.Sub(p.lastSeen) > ttl {
			delete(sw.peers, id)
		}
	}
}

func (tr *Tracker) expireAll(now time.Time) {
	for h, sw := range tr.swarms {
		tr.expire(sw, now)
		if len(sw.peers) == 0 {
			delete(tr.swarms, h)
		}
	}
}
