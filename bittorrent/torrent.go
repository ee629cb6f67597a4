package bittorrent

import (
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"time"
)

// MaxCandidates bounds the peer addresses a torrent remembers.
const MaxCandidates = 2000

// A TorrentSpec says what to download or seed and where.
type TorrentSpec struct {
	// MetaInfo is the .torrent; or set Magnet to fetch the info dictionary
	// from peers (BEP 9).
	MetaInfo *MetaInfo
	Magnet   *Magnet
	// Dir is the download directory for the default [FileStorage].
	Dir string
	// Storage, if set, opens the storage instead of NewFileStorage(Dir, info).
	Storage func(info *Info) (Storage, error)
	// Sources are peer sources besides the trackers of the metainfo or
	// magnet (for example the DHT).
	Sources []PeerSource
	// NoTrackers ignores the trackers named in the metainfo or magnet.
	NoTrackers bool
	// Peers are addresses to connect to at once.
	Peers []netip.AddrPort
}

// A Torrent is one torrent in a [Client]: it finds peers, downloads and
// verifies pieces, and seeds. Methods are safe for concurrent use.
type Torrent struct {
	c        *Client
	infoHash InfoHash
	spec     TorrentSpec
	sources  []PeerSource
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	done     chan struct{} // closed when every piece is verified
	gotInfo  chan struct{} // closed when the info dictionary is known
	closeErr error
	closeOne sync.Once

	// mu guards everything below.
	mu          sync.Mutex
	info        *Info
	infoBytes   []byte
	storage     Storage
	pk          *picker
	peers       map[uint64]*peerConn
	byID        map[PeerID]*peerConn
	nextKey     uint64
	candidates  map[netip.AddrPort]*candidate
	banned      map[netip.AddrPort]bool
	bannedIDs   map[PeerID]bool
	strikes     map[PeerID]int
	dialing     int
	downloaded  int64
	uploaded    int64
	fromPeers   map[PeerID]int
	fastGrants  map[netip.Prefix]uint64 // network -> key of the peer holding our allowed-fast set
	optimistic  uint64
	lastOptim   time.Time
	round       int
	lastRound   time.Time
	lastPEX     time.Time
	meta        *metadataFetch
	rnd         *rand.Rand
	complete    bool
	stopped     bool
	storageOpen bool
}

type candidate struct {
	lastTry time.Time
	fails   int
}

func newTorrent(ctx context.Context, c *Client, spec TorrentSpec) (*Torrent, error) {
	t := &Torrent{
		c: c, spec: spec,
		done: make(chan struct{}), gotInfo: make(chan struct{}),
		peers: map[uint64]*peerConn{}, byID: map[PeerID]*peerConn{},
		candidates: map[netip.AddrPort]*candidate{}, banned: map[netip.AddrPort]bool{},
		bannedIDs: map[PeerID]bool{}, strikes: map[PeerID]int{}, fromPeers: map[PeerID]int{},
		fastGrants: map[netip.Prefix]uint64{}, rnd: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
	}
	var tiers [][]string
	switch {
	case spec.MetaInfo != nil:
		t.infoHash = spec.MetaInfo.InfoHash()
		tiers = spec.MetaInfo.Trackers()
	case spec.Magnet != nil:
		t.infoHash = spec.Magnet.InfoHash
		for _, tr := range spec.Magnet.Trackers {
			tiers = append(tiers, []string{tr})
		}
		for _, pe := range spec.Magnet.Peers {
			if ap, err := netip.ParseAddrPort(pe); err == nil {
				spec.Peers = append(spec.Peers, ap)
			}
		}
	default:
		return nil, errors.New("bittorrent: TorrentSpec needs MetaInfo or Magnet")
	}
	if !spec.NoTrackers && len(tiers) > 0 {
		t.sources = append(t.sources, NewTrackerTiers(tiers))
	}
	t.sources = append(t.sources, spec.Sources...)
	for _, ap := range spec.Peers {
		t.candidates[ap] = &candidate{}
	}
	t.ctx, t.cancel = context.WithCancel(context.Background())
	if spec.MetaInfo != nil {
		if err := t.setInfo(ctx, &spec.MetaInfo.Info, spec.MetaInfo.InfoBytes); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// setInfo opens the storage, checks existing data (resume) and prepares
// the picker. Called before start or with t.mu held.
func (t *Torrent) setInfo(ctx context.Context, info *Info, raw []byte) error {
	open := t.spec.Storage
	if open == nil {
		open = func(info *Info) (Storage, error) { return NewFileStorage(t.spec.Dir, info) }
	}
	st, err := open(info)
	if err != nil {
		return err
	}
	have, err := verifyExisting(ctx, st, info)
	if err != nil {
		st.Close()
		return err
	}
	t.info, t.infoBytes, t.storage, t.storageOpen = info, raw, st, true
	t.pk = newPicker(info, have, t.rnd)
	close(t.gotInfo)
	if have.All() {
		t.complete = true
		close(t.done)
	}
	return nil
}

// verifyExisting hashes the pieces already in storage (resume).
func verifyExisting(ctx context.Context, st Storage, info *Info) (Bitset, error) {
	have := NewBitset(info.NumPieces())
	buf := make([]byte, info.PieceLength)
	for i := range info.NumPieces() {
		if err := ctx.Err(); err != nil {
			return have, err
		}
		p := buf[:info.PieceLen(i)]
		n, err := st.ReadAt(p, int64(i)*info.PieceLength)
		if n == len(p) && (err == nil || err == io.EOF) && sha1.Sum(p) == info.PieceHash(i) {
			have.Set(i)
		}
	}
	return have, nil
}

// InfoHash returns the torrent's info-hash.
func (t *Torrent) InfoHash() InfoHash { return t.infoHash }

// Info returns the info dictionary, or nil while a magnet download is
// still fetching it.
func (t *Torrent) Info() *Info {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.info
}

// InfoBytes returns the raw info dictionary, or nil.
func (t *Torrent) InfoBytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.infoBytes
}

// Done is closed when every piece is verified.
func (t *Torrent) Done() <-chan struct{} { return t.done }

// GotInfo is closed when the info dictionary is known.
func (t *Torrent) GotInfo() <-chan struct{} { return t.gotInfo }

// Stats returns a snapshot of the progress.
func (t *Torrent) Stats() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := Stats{Downloaded: t.downloaded, Uploaded: t.uploaded, Peers: len(t.peers), Complete: t.complete,
		FromPeers: make(map[PeerID]int, len(t.fromPeers))}
	for k, v := range t.fromPeers {
		s.FromPeers[k] = v
	}
	if t.info != nil {
		s.Pieces = t.info.NumPieces()
		s.Length = t.info.TotalLength()
		for i := range s.Pieces {
			if t.pk.have.Has(i) {
				s.PiecesDone++
				s.LengthDone += t.info.PieceLen(i)
			}
		}
	}
	return s
}

// Peers returns the connected peers.
func (t *Torrent) Peers() []PeerInfo {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]PeerInfo, 0, len(t.peers))
	for _, pc := range t.peers {
		out = append(out, pc.peerInfo())
	}
	return out
}

// AddPeers adds addresses to try.
func (t *Torrent) AddPeers(addrs ...netip.AddrPort) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.addCandidates(addrs)
	t.connectMore()
}

func (t *Torrent) addCandidates(addrs []netip.AddrPort) {
	port := t.c.Port()
	for _, ap := range addrs {
		if !ap.IsValid() || ap.Port() == 0 || len(t.candidates) >= MaxCandidates {
			continue
		}
		ap = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
		if ap.Port() == port && (ap.Addr().IsLoopback() || ap.Addr().IsUnspecified()) {
			continue // ourselves, as the tracker sees us on loopback
		}
		if _, ok := t.candidates[ap]; !ok {
			t.candidates[ap] = &candidate{}
		}
	}
}

func (t *Torrent) emit(e Event) {
	e.InfoHash = t.infoHash
	t.c.emit(e)
}

func (t *Torrent) handshake() Handshake {
	h := Handshake{InfoHash: t.infoHash, PeerID: t.c.PeerID}
	h.Reserved.Set(ReservedExtended)
	h.Reserved.Set(ReservedFast)
	if t.c.DHTPort != 0 {
		h.Reserved.Set(ReservedDHT)
	}
	return h
}

func (t *Torrent) start() {
	t.wg.Add(2 + len(t.sources))
	go t.housekeeping()
	go t.chokeLoop()
	for _, src := range t.sources {
		go t.announceLoop(src)
	}
}

// Close stops the torrent: it announces stopped to its sources (briefly),
// closes every connection and the storage, and waits for its goroutines.
func (t *Torrent) Close() error {
	t.closeOne.Do(func() {
		t.cancel()
		t.mu.Lock()
		t.stopped = true
		for _, pc := range t.peers {
			pc.closeLocked(nil)
		}
		t.mu.Unlock()
		t.wg.Wait()
		t.c.remove(t)
		t.mu.Lock()
		if t.storageOpen {
			t.closeErr = t.storage.Close()
			t.storageOpen = false
		}
		t.mu.Unlock()
	})
	return t.closeErr
}

// acquire counts a goroutine in t.wg unless the torrent is closing.
func (t *Torrent) acquire() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return false
	}
	t.wg.Add(1)
	return true
}

func (t *Torrent) tick() time.Duration {
	return min(max(t.chokeInterval()/4, 20*time.Millisecond), time.Second)
}

func (t *Torrent) chokeInterval() time.Duration {
	return orDefault(t.c.ChokeInterval, DefaultChokeInterval)
}

// housekeeping connects to candidates, sends keep-alives and PEX, retries
// timed-out requests and metadata.
func (t *Torrent) housekeeping() {
	defer t.wg.Done()
	tk := time.NewTicker(t.tick())
	defer tk.Stop()
	for {
		t.mu.Lock()
		t.connectMore()
		now := time.Now()
		keep := orDefault(t.c.KeepAliveInterval, DefaultKeepAliveInterval)
		reqTimeout := orDefault(t.c.RequestTimeout, DefaultRequestTimeout)
		pexEvery := orDefault(t.c.PEXInterval, DefaultPEXInterval)
		sendPEX := now.Sub(t.lastPEX) >= pexEvery
		if sendPEX {
			t.lastPEX = now
		}
		for _, pc := range t.peers {
			if now.Sub(pc.lastWrite) >= keep {
				pc.queue(Message{KeepAlive: true})
			}
			for bl, at := range pc.requests {
				if now.Sub(at) >= reqTimeout {
					delete(pc.requests, bl)
					t.pk.unrequest(bl)
				}
			}
			if sendPEX {
				t.sendPEX(pc)
			}
			t.fillRequests(pc)
			if t.meta != nil {
				t.requestMetadata(pc)
			}
		}
		t.mu.Unlock()
		select {
		case <-t.ctx.Done():
			return
		case <-tk.C:
		}
	}
}

// maxDialsInFlight bounds concurrent outgoing connection attempts.
const maxDialsInFlight = 8

// connectMore dials candidates while there is room. Called with t.mu held.
func (t *Torrent) connectMore() {
	if t.stopped {
		return
	}
	maxPeers := orDefault(t.c.MaxPeers, DefaultMaxPeers)
	connected := map[netip.AddrPort]bool{}
	for _, pc := range t.peers {
		connected[pc.listenAddr()] = true
	}
	now := time.Now()
	backoff := t.tick() * 4
	for ap, cand := range t.candidates {
		if len(t.peers)+t.dialing >= maxPeers || t.dialing >= maxDialsInFlight {
			return
		}
		if connected[ap] || t.banned[ap] {
			continue
		}
		if !cand.lastTry.IsZero() && now.Sub(cand.lastTry) < backoff*time.Duration(1+min(cand.fails, 30)) {
			continue
		}
		cand.lastTry = now
		t.dialing++
		t.wg.Add(1)
		go t.dial(ap, cand)
	}
}

func (t *Torrent) dial(ap netip.AddrPort, cand *candidate) {
	defer t.wg.Done()
	ok := t.dialAndRun(ap)
	t.mu.Lock()
	if !ok {
		cand.fails++
	} else {
		cand.fails = 0
	}
	t.mu.Unlock()
}

// dialAndRun connects, handshakes and runs the peer; it reports whether the
// handshake succeeded.
func (t *Torrent) dialAndRun(ap netip.AddrPort) bool {
	ctx, cancel := context.WithTimeout(t.ctx, orDefault(t.c.HandshakeTimeout, DefaultHandshakeTimeout))
	dial := t.c.Dial
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	conn, err := dial(ctx, "tcp", ap.String())
	if err != nil {
		cancel()
		t.mu.Lock()
		t.dialing--
		t.mu.Unlock()
		return false
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	_, err = conn.Write(AppendHandshake(nil, t.handshake()))
	var h Handshake
	if err == nil {
		h, err = ReadHandshake(conn)
	}
	if err == nil && h.InfoHash != t.infoHash {
		err = fmt.Errorf("%w: wrong info-hash", ErrBadHandshake)
	}
	stopped := stop()
	cancel()
	t.mu.Lock()
	t.dialing--
	t.mu.Unlock()
	if err != nil || !stopped {
		conn.Close()
		return false
	}
	t.runPeer(t.ctx, conn, ap, h, true)
	return true
}

// chokeLoop runs the choker every ChokeInterval.
func (t *Torrent) chokeLoop() {
	defer t.wg.Done()
	tk := time.NewTicker(t.chokeInterval())
	defer tk.Stop()
	for {
		select {
		case <-t.ctx.Done():
			return
		case <-tk.C:
		}
		t.mu.Lock()
		t.chokeRound()
		t.mu.Unlock()
	}
}

// chokeRound applies the lesson's tit-for-tat. Called with t.mu held.
func (t *Torrent) chokeRound() {
	now := time.Now()
	elapsed := now.Sub(t.lastRound)
	if t.lastRound.IsZero() || elapsed <= 0 {
		elapsed = t.chokeInterval()
	}
	t.lastRound = now
	t.round++
	seeding := t.complete
	var cands []chokeCandidate
	for k, pc := range t.peers {
		rate := pc.roundDown
		if seeding {
			rate = t.c.SeedChoking.seedRank(pc.roundUp, pc.has.Count())
		}
		cands = append(cands, chokeCandidate{key: k, interested: pc.peerInterested, rate: rate})
	}
	newOpt := t.lastOptim.IsZero() || now.Sub(t.lastOptim) >= orDefault(t.c.OptimisticInterval, DefaultOptimisticInterval)
	d := decideChokes(cands, orDefault(t.c.UnchokeSlots, DefaultUnchokeSlots), t.optimistic, newOpt, t.rnd)
	if newOpt {
		t.lastOptim = now
	}
	t.optimistic = d.optimistic
	perSec := func(pc *peerConn) int64 {
		b := pc.roundDown
		if seeding {
			b = pc.roundUp
		}
		return int64(float64(b) / elapsed.Seconds())
	}
	ev := &ChokeRound{Round: t.round, Seeding: seeding, NewOptimistic: newOpt && d.optimistic != 0}
	for _, k := range d.top {
		pc := t.peers[k]
		ev.Top = append(ev.Top, PeerRate{PeerInfo: pc.peerInfo(), Rate: perSec(pc)})
	}
	if pc := t.peers[d.optimistic]; pc != nil {
		ev.Optimistic = &PeerRate{PeerInfo: pc.peerInfo(), Rate: perSec(pc)}
	}
	for k, pc := range t.peers {
		pc.setChoking(!d.unchoked(k))
		pc.roundDown, pc.roundUp = 0, 0
	}
	t.emit(Event{Type: EventChokeRound, Round: ev, Peers: len(t.peers)})
}

// grantAllowedFast reports whether pc is given our allowed-fast set
// (BEP 6) and records the grant. The set depends only on the peer's /24
// network, so the peers of one network count as one: a single connected
// peer per network holds it. Otherwise every peer behind one address (a
// NAT, a classroom's LAN, all the peers of a loopback experiment) asks us
// for the same few pieces outside the choker, and a seeder's first upload
// goes to copies of them instead of to pieces nobody has. Called with
// t.mu held, after pc is registered.
func (t *Torrent) grantAllowedFast(pc *peerConn) bool {
	network, ok := allowedFastNet(pc.addr.Addr())
	if !ok {
		return false
	}
	if k, held := t.fastGrants[network]; held && t.peers[k] != nil {
		return false
	}
	t.fastGrants[network] = pc.key
	return true
}

// releaseAllowedFast forgets pc's grant as it leaves. Called with t.mu held.
func (t *Torrent) releaseAllowedFast(pc *peerConn) {
	if network, ok := allowedFastNet(pc.addr.Addr()); ok && t.fastGrants[network] == pc.key {
		delete(t.fastGrants, network)
	}
}

// endgameCopyOK reports whether pc may be asked, in endgame, for a copy
// of bl that other peers were asked for already: only if pc sends to us at
// least endgameSpeedup times faster than each of them. A peer that has
// sent us nothing has rate zero, and so has one whose request for bl is
// endgameStall old: a silent peer is overtaken by any other. Called with
// t.mu held.
func (t *Torrent) endgameCopyOK(pc *peerConn, bl block, now time.Time) bool {
	if _, mine := pc.requests[bl]; mine {
		return false
	}
	for _, o := range t.peers {
		at, asked := o.requests[bl]
		if !asked || o == pc {
			continue
		}
		rate := o.dnRate
		if now.Sub(at) >= endgameStall {
			rate = 0
		}
		if pc.dnRate < endgameSpeedup*rate {
			return false
		}
	}
	return true
}

// unchokedCount counts peers we are not choking. Called with t.mu held.
func (t *Torrent) unchokedCount() int {
	n := 0
	for _, pc := range t.peers {
		if !pc.amChoking {
			n++
		}
	}
	return n
}

// announceLoop talks to one peer source for the torrent's lifetime.
func (t *Torrent) announceLoop(src PeerSource) {
	defer t.wg.Done()
	event := EventStarted
	t.mu.Lock()
	sentCompleted := t.complete
	t.mu.Unlock()
	minWait := orDefault(t.c.MinAnnounceInterval, DefaultMinAnnounceInterval)
	for {
		ctx, cancel := context.WithTimeout(t.ctx, DefaultTrackerTimeout)
		resp, err := src.Announce(ctx, t.announceRequest(event))
		cancel()
		wait := minWait
		if err == nil {
			event = EventNone
			t.mu.Lock()
			t.addCandidates(resp.Peers)
			t.connectMore()
			t.mu.Unlock()
			wait = max(resp.Interval, resp.MinInterval, minWait)
			t.emit(Event{Type: EventAnnounce, Peers: len(resp.Peers)})
		} else if t.ctx.Err() == nil {
			t.emit(Event{Type: EventAnnounce, Err: err})
		}
		tm := time.NewTimer(wait)
		var doneCh <-chan struct{}
		if !sentCompleted {
			doneCh = t.done
		}
		select {
		case <-t.ctx.Done():
			tm.Stop()
			if event != EventStarted {
				ctx, cancel := context.WithTimeout(context.Background(), DefaultStoppedTimeout)
				_, _ = src.Announce(ctx, t.announceRequest(EventStopped))
				cancel()
			}
			return
		case <-doneCh:
			tm.Stop()
			sentCompleted = true
			if event != EventStarted {
				event = EventCompleted
			}
		case <-tm.C:
		}
	}
}

// DefaultTrackerTimeout bounds one announce; DefaultStoppedTimeout bounds
// the stopped announce at Close.
const (
	DefaultTrackerTimeout = 30 * time.Second
	DefaultStoppedTimeout = 2 * time.Second
)

func (t *Torrent) announceRequest(ev AnnounceEvent) AnnounceRequest {
	t.mu.Lock()
	defer t.mu.Unlock()
	req := AnnounceRequest{InfoHash: t.infoHash, PeerID: t.c.PeerID, Port: t.c.Port(), Event: ev,
		Uploaded: t.uploaded, Downloaded: t.downloaded, NumWant: 50}
	if t.info != nil {
		req.Left = t.info.TotalLength()
		for i := range t.info.NumPieces() {
			if t.pk.have.Has(i) {
				req.Left -= t.info.PieceLen(i)
			}
		}
	} else {
		req.Left = 1 // unknown until the metadata arrives
	}
	return req
}
