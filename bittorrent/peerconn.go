package bittorrent

import (
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/applayer/applayer/bittorrent/bencode"
)

// Our extended message IDs (BEP 10): what peers send us.
const (
	ourExtMetadata = 1
	ourExtPEX      = 2
)

// Bounds on what a peer may make us remember.
const (
	// maxEarlyHaves bounds HAVEs kept before a magnet's metadata arrives.
	maxEarlyHaves = 1 << 16
	// maxAllowedFast bounds the ALLOWED FAST pieces recorded (BEP 6).
	maxAllowedFast = 64
)

// ErrProtocol wraps peer misbehaviour that ends a connection.
var ErrProtocol = errors.New("bittorrent: peer protocol violation")

// peerConn is one connection to a peer. Fields after mu-comment are
// guarded by the torrent's mutex.
type peerConn struct {
	t        *Torrent
	conn     net.Conn
	key      uint64
	addr     netip.AddrPort
	id       PeerID
	outgoing bool
	fast     bool
	ext      bool
	dht      bool
	upLimit  *RateLimiter
	dnLimit  *RateLimiter
	cond     *sync.Cond

	// Guarded by t.mu.
	closed         bool
	closing        bool // flush queued messages, then close
	err            error
	amChoking      bool
	amInterested   bool
	peerChoking    bool
	peerInterested bool
	has            Bitset
	rawBitfield    []byte
	rawHave        []uint32
	rawAll         bool
	requests       map[block]time.Time
	peerReqs       []block
	out            []Message
	extIDs         map[string]int
	listenPort     uint16
	reqq           int
	allowedFast    []uint32 // pieces the peer lets us request while choked
	weAllow        []uint32 // pieces we serve while choking the peer (BEP 6)
	pexSent        map[netip.AddrPort]bool
	metaRequested  map[int]time.Time
	downloaded     int64
	uploaded       int64
	roundDown      int64
	roundUp        int64
	lastWrite      time.Time
	dnRate         float64   // bytes per second we receive, smoothed
	rateBytes      int64     // bytes received in the current rate window
	rateStart      time.Time // when the current rate window began
}

// Request depth. A peer is asked for as many blocks as it sends us in
// requestQueueTime at its measured rate, between minRequestDepth and
// Client.RequestQueueDepth; before its rate is known, initialRequestDepth.
// A deep queue at a slow peer parks blocks that a faster peer would
// have sent long before: the last blocks of a download wait behind them.
const (
	requestQueueTime    = 500 * time.Millisecond
	minRequestDepth     = 2
	initialRequestDepth = 16
	// rateWindow is the shortest span over which a rate sample is taken.
	rateWindow = 100 * time.Millisecond
)

// requestDepth is the request queue for a peer sending at rate bytes per
// second (zero: not measured yet), capped by limit.
func requestDepth(rate float64, limit int) int {
	d := initialRequestDepth
	if rate > 0 {
		d = int(rate * requestQueueTime.Seconds() / BlockSize)
	}
	return max(min(d, limit), min(minRequestDepth, limit))
}

// countReceived folds n bytes received at now into the peer's smoothed
// rate. Called with t.mu held.
func (pc *peerConn) countReceived(now time.Time, n int64) {
	if pc.rateStart.IsZero() {
		pc.rateStart = now
	}
	pc.rateBytes += n
	el := now.Sub(pc.rateStart)
	if el < rateWindow {
		return
	}
	sample := float64(pc.rateBytes) / el.Seconds()
	if pc.dnRate == 0 {
		pc.dnRate = sample
	} else {
		pc.dnRate = (pc.dnRate + sample) / 2
	}
	pc.rateBytes, pc.rateStart = 0, now
}

func (pc *peerConn) peerInfo() PeerInfo { return PeerInfo{Addr: pc.listenAddr(), ID: pc.id} }

// listenAddr is where the peer accepts connections: the dialled address,
// or the source address with the port from its extension handshake.
func (pc *peerConn) listenAddr() netip.AddrPort {
	if pc.outgoing || pc.listenPort == 0 {
		return pc.addr
	}
	return netip.AddrPortFrom(pc.addr.Addr(), pc.listenPort)
}

// queue adds a message for the writer. Called with t.mu held.
func (pc *peerConn) queue(m Message) {
	if pc.closed {
		return
	}
	pc.out = append(pc.out, m)
	pc.cond.Signal()
}

// closeLocked ends the connection. Called with t.mu held.
func (pc *peerConn) closeLocked(err error) {
	if pc.closed {
		return
	}
	pc.closed, pc.err = true, err
	pc.conn.Close()
	pc.cond.Broadcast()
}

// flushThenClose lets the writer send what is queued (a REJECT, say) and
// then closes. Called with t.mu held.
func (pc *peerConn) flushThenClose(err error) {
	if pc.closed || pc.closing {
		return
	}
	pc.closing, pc.err = true, err
	pc.cond.Broadcast()
}

// setChoking chokes or unchokes the peer. Called with t.mu held.
func (pc *peerConn) setChoking(choke bool) {
	if pc.amChoking == choke {
		return
	}
	pc.amChoking = choke
	if choke {
		pc.queue(Message{Type: Choke})
		// BEP 6: choking rejects every queued request except those for
		// allowed-fast pieces; without it the requests are just dropped.
		kept := pc.peerReqs[:0]
		for _, bl := range pc.peerReqs {
			switch {
			case slices.Contains(pc.weAllow, bl.piece):
				kept = append(kept, bl)
			case pc.fast:
				pc.queue(Message{Type: Reject, Index: bl.piece, Begin: bl.begin, Length: bl.length})
			}
		}
		pc.peerReqs = kept
	} else {
		pc.queue(Message{Type: Unchoke})
	}
}

// runPeer registers a connection that completed its handshake and runs it
// until it ends.
func (t *Torrent) runPeer(ctx context.Context, conn net.Conn, addr netip.AddrPort, h Handshake, outgoing bool) {
	defer conn.Close()
	pc := &peerConn{
		t: t, conn: conn, addr: netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port()), id: h.PeerID, outgoing: outgoing,
		fast: h.Reserved.Has(ReservedFast), ext: h.Reserved.Has(ReservedExtended), dht: h.Reserved.Has(ReservedDHT),
		upLimit: NewRateLimiter(t.c.PeerUploadRate, t.c.RateBurst), dnLimit: NewRateLimiter(t.c.PeerDownloadRate, t.c.RateBurst),
		cond: sync.NewCond(&t.mu), amChoking: true, peerChoking: true,
		requests: map[block]time.Time{}, pexSent: map[netip.AddrPort]bool{}, metaRequested: map[int]time.Time{},
		lastWrite: time.Now(),
	}
	if !t.register(pc) {
		return
	}
	stop := context.AfterFunc(ctx, func() {
		t.mu.Lock()
		pc.closeLocked(nil)
		t.mu.Unlock()
	})
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		pc.writeLoop()
	}()
	err := pc.readLoop()
	t.mu.Lock()
	if !pc.closing {
		pc.closeLocked(err)
	}
	t.mu.Unlock()
	<-done
	t.mu.Lock()
	pc.closeLocked(err)
	t.unregister(pc)
	t.mu.Unlock()
}

// register adds pc, refusing ourselves, banned peers, duplicates and
// excess connections, and queues the opening messages.
func (t *Torrent) register(pc *peerConn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.stopped:
		return false
	case pc.id == t.c.PeerID:
		if pc.outgoing {
			t.banned[pc.addr] = true // it was us
		}
		return false
	case t.bannedIDs[pc.id] || t.banned[pc.addr]:
		return false
	case len(t.peers) >= orDefault(t.c.MaxPeers, DefaultMaxPeers):
		return false
	}
	if old := t.byID[pc.id]; old != nil {
		// Both sides dialled each other: keep the connection opened by the
		// larger peer ID, which both sides agree on.
		keepNew := pc.outgoing == (string(t.c.PeerID[:]) > string(pc.id[:]))
		if !keepNew {
			return false
		}
		old.closeLocked(nil)
	}
	t.nextKey++
	pc.key = t.nextKey
	t.peers[pc.key] = pc
	t.byID[pc.id] = pc
	if t.info != nil {
		pc.has = NewBitset(t.info.NumPieces())
		have := t.pk.have
		switch {
		case pc.fast && have.All():
			pc.queue(Message{Type: HaveAll})
		case pc.fast && have.Count() == 0:
			pc.queue(Message{Type: HaveNone})
		default:
			pc.queue(Message{Type: Bitfield, Bitfield: have.Clone().Bytes()})
		}
	} else if pc.fast {
		pc.queue(Message{Type: HaveNone})
	}
	if pc.fast && t.info != nil && t.grantAllowedFast(pc) {
		for _, i := range AllowedFastSet(pc.addr.Addr(), t.infoHash, t.info.NumPieces(), AllowedFastSetSize) {
			if t.pk.have.Has(int(i)) {
				pc.weAllow = append(pc.weAllow, i)
				pc.queue(Message{Type: AllowedFast, Index: i})
			}
		}
	}
	if t.c.DHTPort != 0 && pc.dht {
		pc.queue(Message{Type: Port, Port: t.c.DHTPort})
	}
	if pc.ext {
		h := ExtHandshake{M: map[string]int{ExtMetadata: ourExtMetadata}, V: "applayer", Port: int(t.c.Port()),
			Reqq: orDefault(t.c.MaxPeerRequests, DefaultMaxPeerRequests)}
		if !t.c.DisablePEX && (t.info == nil || t.info.Private == 0) {
			h.M[ExtPEX] = ourExtPEX
		}
		if t.info != nil {
			h.MetadataSize = len(t.infoBytes)
		}
		if ip := pc.addr.Addr(); ip.IsValid() {
			h.YourIP = ip.AsSlice()
		}
		payload, _ := bencode.Marshal(h)
		pc.queue(Message{Type: Extended, ExtendedID: ExtHandshakeID, Payload: payload})
	}
	t.emit(Event{Type: EventPeerConnected, Peer: pc.peerInfo(), Peers: len(t.peers)})
	return true
}

// unregister removes pc and returns its requests to the picker. Called
// with t.mu held.
func (t *Torrent) unregister(pc *peerConn) {
	if t.peers[pc.key] != pc {
		return
	}
	delete(t.peers, pc.key)
	if t.byID[pc.id] == pc {
		delete(t.byID, pc.id)
	}
	t.releaseAllowedFast(pc)
	if t.pk != nil {
		t.pk.addAvail(pc.has, -1)
		for bl := range pc.requests {
			t.pk.unrequest(bl)
		}
	}
	pc.requests = nil
	if t.optimistic == pc.key {
		t.optimistic = 0
	}
	t.emit(Event{Type: EventPeerClosed, Peer: pc.peerInfo(), Err: pc.err, Peers: len(t.peers)})
	// Another peer may now take its place or its blocks.
	for _, other := range t.peers {
		t.fillRequests(other)
	}
}

// ban closes pc and refuses it from now on. Called with t.mu held.
func (t *Torrent) ban(pc *peerConn, err error) {
	if pc.closed || pc.closing {
		return
	}
	t.bannedIDs[pc.id] = true
	t.banned[pc.listenAddr()] = true
	t.emit(Event{Type: EventPeerBanned, Peer: pc.peerInfo(), Err: err})
	pc.closeLocked(err)
}

// banFlush bans pc but lets queued messages go out first. Called with
// t.mu held.
func (t *Torrent) banFlush(pc *peerConn, err error) {
	if pc.closed || pc.closing {
		return
	}
	t.bannedIDs[pc.id] = true
	t.banned[pc.listenAddr()] = true
	t.emit(Event{Type: EventPeerBanned, Peer: pc.peerInfo(), Err: err})
	pc.flushThenClose(err)
}

// finalFlushTimeout bounds the last write before closing a misbehaving peer.
const finalFlushTimeout = 5 * time.Second

// Writer batching. A write carries the queued control messages and then
// as many requested blocks as the connection sends in about writeTarget at
// the rate its last data write achieved (at least one, at most
// maxBlocksPerWrite). On a fast link that is many blocks per system call;
// on a slow or rate-limited one it is a block at a time, so a HAVE, REQUEST
// or CANCEL queued meanwhile waits for one block, not for dozens, and a
// CANCEL from the peer still finds the block in the queue.
const (
	writeTarget       = 10 * time.Millisecond
	maxBlocksPerWrite = 32
)

// blocksPerWrite is the writer's batch for a link that last sent n bytes
// in d.
func blocksPerWrite(n int64, d time.Duration) int {
	if n <= 0 {
		return 1
	}
	if d <= 0 {
		return maxBlocksPerWrite
	}
	perTarget := float64(n) * float64(writeTarget) / float64(d)
	return int(min(max(perTarget/BlockSize, 1), maxBlocksPerWrite))
}

// writeLoop sends queued messages and requested blocks.
func (pc *peerConn) writeLoop() {
	t := pc.t
	var buf []byte
	var reqs []block
	batch := 1 // until a data write has been timed
	noPipe := false
	for {
		t.mu.Lock()
		// Every queued request may be served: the peer is unchoked or the
		// piece is allowed fast (setChoking drops the others).
		for !pc.closed && !pc.closing && len(pc.out) == 0 && len(pc.peerReqs) == 0 {
			pc.cond.Wait()
		}
		if pc.closed {
			t.mu.Unlock()
			return
		}
		if pc.closing {
			buf = buf[:0]
			for _, m := range pc.out {
				buf = AppendMessage(buf, m)
			}
			pc.out = nil
			t.mu.Unlock()
			_ = pc.conn.SetWriteDeadline(time.Now().Add(finalFlushTimeout))
			_, _ = pc.conn.Write(buf)
			t.mu.Lock()
			pc.closeLocked(pc.err)
			t.mu.Unlock()
			return
		}
		buf = buf[:0]
		for _, m := range pc.out {
			buf = AppendMessage(buf, m)
		}
		clear(pc.out)
		pc.out = pc.out[:0]
		reqs = reqs[:0]
		if pc.upLimit != nil || t.c.upLimit != nil {
			batch = 1 // rate limited: account each block as it goes
		}
		n := min(len(pc.peerReqs), batch)
		reqs = append(reqs, pc.peerReqs[:n]...)
		pc.peerReqs = pc.peerReqs[n:]
		st, pieceLen := t.storage, int64(0)
		if t.info != nil {
			pieceLen = t.info.PieceLength
		}
		t.mu.Unlock()
		fr, _ := st.(fileRanger)
		var bp *blockPipe
		if fr != nil && len(reqs) > 0 && !noPipe {
			var err error
			if bp, err = t.c.pipes.get(pc.conn); err != nil {
				noPipe = true // blocks are read and copied into buf
				t.c.logger().Debug("bittorrent: sending blocks without splice", "peer", pc.addr, "err", err)
			}
		}
		began := time.Now()
		var sent int64
		var err error
		buf, sent, err = pc.writeBatch(buf, reqs, st, fr, bp, pieceLen)
		if bp != nil {
			t.c.pipes.put(bp)
		}
		if err != nil {
			t.mu.Lock()
			pc.closeLocked(err)
			t.mu.Unlock()
			return
		}
		if sent > 0 {
			batch = blocksPerWrite(sent, time.Since(began))
		}
		t.mu.Lock()
		pc.lastWrite = time.Now()
		pc.uploaded += sent
		pc.roundUp += sent
		t.uploaded += sent
		t.mu.Unlock()
	}
}

// writeBatch sends buf (queued messages) and then the requested blocks,
// waiting for the rate limits before each block, and returns the block
// bytes sent. With fr and bp, and blocks to send, everything goes through
// the pipe: messages are written into it and a block is spliced from its
// file (see blockPipe). Otherwise, and for a block that spans two files,
// blocks are read into buf and written. It returns buf, perhaps grown,
// for reuse.
func (pc *peerConn) writeBatch(buf []byte, reqs []block, st Storage, fr fileRanger, bp *blockPipe, pieceLen int64) (_ []byte, sent int64, err error) {
	t := pc.t
	if len(reqs) == 0 || fr == nil {
		bp = nil
	}
	for _, bl := range reqs {
		if err := pc.upLimit.WaitN(t.ctx, int(bl.length)); err != nil {
			return buf, sent, err
		}
		if err := t.c.upLimit.WaitN(t.ctx, int(bl.length)); err != nil {
			return buf, sent, err
		}
		off := int64(bl.piece)*pieceLen + int64(bl.begin)
		start := len(buf)
		buf = AppendMessage(buf, Message{Type: Piece, Index: bl.piece, Begin: bl.begin})
		// Fix the length prefix for the block that follows the header.
		putUint32(buf[start:], uint32(9+bl.length))
		if bp != nil {
			if f, fo, ok := fr.fileRange(off, int(bl.length)); ok {
				if err := bp.write(buf); err != nil {
					return buf, sent, err
				}
				buf = buf[:0]
				if err := bp.spliceFile(f, fo, int(bl.length)); err != nil {
					return buf, sent, fmt.Errorf("bittorrent: sending block: %w", err)
				}
				sent += int64(bl.length)
				continue
			}
		}
		buf = slices.Grow(buf, int(bl.length))[:len(buf)+int(bl.length)]
		if _, err := st.ReadAt(buf[len(buf)-int(bl.length):], off); err != nil {
			return buf, sent, fmt.Errorf("bittorrent: reading block: %w", err)
		}
		sent += int64(bl.length)
	}
	if bp != nil {
		if err := bp.write(buf); err != nil {
			return buf, sent, err
		}
		return buf[:0], sent, bp.flush()
	}
	if len(buf) > 0 {
		if _, err := pc.conn.Write(buf); err != nil {
			return buf, sent, err
		}
	}
	return buf, sent, nil
}

func putUint32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
}

// deadlineSlack is how finely the read loop tracks the idle deadline: it
// moves the deadline when 1/deadlineSlack of the idle timeout has passed.
const deadlineSlack = 16

// readLoop reads and handles messages until the connection fails.
func (pc *peerConn) readLoop() error {
	t := pc.t
	mr := NewMessageReader(pc.conn)
	mr.MaxLength = t.c.MaxMessageLength
	idle := t.c.idleTimeout()
	var deadlineSet time.Time
	for {
		// The idle deadline moves with each message, but at most every
		// idle/deadlineSlack: a stream of blocks need not reset a timer
		// per block, and a silent peer is still cut off after between
		// (1-1/deadlineSlack)·idle and idle of silence.
		if now := time.Now(); now.Sub(deadlineSet) >= idle/deadlineSlack {
			_ = pc.conn.SetReadDeadline(now.Add(idle))
			deadlineSet = now
		}
		m, direct, err := mr.readMessageInto(pc.blockDest)
		if err != nil && direct {
			t.mu.Lock()
			t.pk.landed(block{m.Index, m.Begin, uint32(len(m.Block))}, pc.key, false)
			t.mu.Unlock()
		}
		if err != nil {
			if errors.Is(err, ErrMessageTooLarge) || errors.Is(err, ErrBadMessage) {
				t.mu.Lock()
				t.ban(pc, err)
				t.mu.Unlock()
			}
			return err
		}
		if m.Type == Piece && !m.KeepAlive {
			if err := pc.onPiece(m, direct); err != nil {
				return err
			}
			n := len(m.Block)
			if err := pc.dnLimit.WaitN(t.ctx, n); err != nil {
				return err
			}
			if err := t.c.dnLimit.WaitN(t.ctx, n); err != nil {
				return err
			}
			continue
		}
		t.mu.Lock()
		err = pc.handle(m)
		if err != nil {
			if errors.Is(err, ErrProtocol) || errors.Is(err, ErrBadMessage) {
				t.banFlush(pc, err)
			}
			pc.flushThenClose(err)
		}
		closed := pc.closed
		t.mu.Unlock()
		if err != nil {
			return err
		}
		if closed {
			return net.ErrClosed
		}
	}
}

func protoErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrProtocol}, args...)...)
}

// handle processes one message other than PIECE. Called with t.mu held.
func (pc *peerConn) handle(m Message) error {
	t := pc.t
	if m.KeepAlive {
		return nil
	}
	switch m.Type {
	case Choke:
		pc.peerChoking = true
		if !pc.fast { // without BEP 6 a choke discards our requests
			for bl := range pc.requests {
				t.pk.unrequest(bl)
			}
			clear(pc.requests)
		}
	case Unchoke:
		pc.peerChoking = false
		t.fillRequests(pc)
	case Interested:
		pc.peerInterested = true
		// Fill an empty slot at once rather than waiting for the next round.
		if pc.amChoking && t.unchokedCount() < orDefault(t.c.UnchokeSlots, DefaultUnchokeSlots) {
			pc.setChoking(false)
		}
	case NotInterested:
		pc.peerInterested = false
	case Have:
		if t.info == nil {
			if len(pc.rawHave) < maxEarlyHaves {
				pc.rawHave = append(pc.rawHave, m.Index)
			}
			return nil
		}
		if int(m.Index) >= t.info.NumPieces() {
			return protoErr("have %d of %d pieces", m.Index, t.info.NumPieces())
		}
		if !pc.has.Has(int(m.Index)) {
			pc.has.Set(int(m.Index))
			t.pk.setAvail(int(m.Index), t.pk.avail[m.Index]+1)
			t.updateInterest(pc)
			t.fillRequests(pc)
		}
	case Bitfield:
		if t.info == nil {
			pc.rawBitfield = append([]byte(nil), m.Bitfield...)
			return nil
		}
		bs, err := ParseBitfield(m.Bitfield, t.info.NumPieces())
		if err != nil {
			return err
		}
		t.pk.addAvail(pc.has, -1)
		pc.has = bs
		t.pk.addAvail(pc.has, 1)
		t.updateInterest(pc)
		t.fillRequests(pc)
	case HaveAll, HaveNone:
		if !pc.fast {
			return protoErr("%v without the Fast extension", m.Type)
		}
		if t.info == nil {
			pc.rawAll = m.Type == HaveAll
			return nil
		}
		t.pk.addAvail(pc.has, -1)
		pc.has = NewBitset(t.info.NumPieces())
		if m.Type == HaveAll {
			pc.has.SetAll()
		}
		t.pk.addAvail(pc.has, 1)
		t.updateInterest(pc)
		t.fillRequests(pc)
	case Request:
		return pc.onRequest(m)
	case Cancel:
		bl := block{m.Index, m.Begin, m.Length}
		if i := slices.Index(pc.peerReqs, bl); i >= 0 {
			pc.peerReqs = slices.Delete(pc.peerReqs, i, i+1)
			if pc.fast {
				pc.queue(Message{Type: Reject, Index: bl.piece, Begin: bl.begin, Length: bl.length})
			}
		}
	case Reject:
		if !pc.fast {
			return protoErr("reject without the Fast extension")
		}
		bl := block{m.Index, m.Begin, m.Length}
		if _, ok := pc.requests[bl]; ok {
			delete(pc.requests, bl)
			t.pk.unrequest(bl)
		}
	case AllowedFast:
		if pc.fast && len(pc.allowedFast) < maxAllowedFast && !slices.Contains(pc.allowedFast, m.Index) {
			pc.allowedFast = append(pc.allowedFast, m.Index)
			t.fillRequests(pc)
		}
	case Port:
		// BEP 5: the peer runs a DHT node on this UDP port.
		if m.Port != 0 {
			t.emit(Event{Type: EventDHTNode, Peer: PeerInfo{Addr: netip.AddrPortFrom(pc.addr.Addr(), m.Port), ID: pc.id}})
		}
	case Suggest:
		// A hint only; the picker keeps its own order.
	case Extended:
		return pc.onExtended(m)
	}
	return nil
}

// onRequest queues a block for upload after checking it. A request for a
// piece we do not have, or of a bad size, ends the connection.
func (pc *peerConn) onRequest(m Message) error {
	t := pc.t
	bl := block{m.Index, m.Begin, m.Length}
	reject := func() {
		if pc.fast {
			pc.queue(Message{Type: Reject, Index: m.Index, Begin: m.Begin, Length: m.Length})
		}
	}
	if t.info == nil || int(m.Index) >= t.info.NumPieces() || !t.pk.have.Has(int(m.Index)) {
		reject()
		return protoErr("request for piece %d, which we do not have", m.Index)
	}
	if m.Length == 0 || m.Length > MaxRequestLength || int64(m.Begin)+int64(m.Length) > t.info.PieceLen(int(m.Index)) {
		reject()
		return protoErr("request %d+%d:%d out of bounds", m.Index, m.Begin, m.Length)
	}
	choked := pc.amChoking && !slices.Contains(pc.weAllow, m.Index)
	if choked || len(pc.peerReqs) >= orDefault(t.c.MaxPeerRequests, DefaultMaxPeerRequests) {
		reject() // a request racing our choke is normal; drop it
		return nil
	}
	pc.peerReqs = append(pc.peerReqs, bl)
	pc.cond.Signal()
	return nil
}

// directReadRate is the rate, in bytes per second, from which a peer's
// blocks are read straight into the piece buffer. A claimed block is
// closed to other peers' copies until its last byte arrives: from a fast
// peer that is a moment, from a slow one (a block trickling in behind its
// header) long enough to hold up a download's last piece. Below this rate
// the copy that direct reads save costs next to nothing.
const directReadRate = 16 << 20

// blockDest is where the block of a PIECE message from this peer goes: its
// place in the piece buffer, claimed until onPiece; or nil, and the block
// is read aside and copied into place if still wanted: when the peer
// sends slower than directReadRate, when we did not ask it for the block,
// or when another peer's copy is already landing there.
func (pc *peerConn) blockDest(index, begin uint32, n int) []byte {
	t := pc.t
	t.mu.Lock()
	defer t.mu.Unlock()
	bl := block{index, begin, uint32(n)}
	if _, ok := pc.requests[bl]; !ok || pc.closed || t.pk == nil || pc.dnRate < directReadRate {
		return nil
	}
	return t.pk.claim(bl)
}

// onPiece records a block and, when it completes a piece, verifies it.
// With direct the block is already in place (blockDest claimed it);
// otherwise it is copied there if still wanted.
func (pc *peerConn) onPiece(m Message, direct bool) error {
	t := pc.t
	t.mu.Lock()
	defer t.mu.Unlock()
	bl := block{m.Index, m.Begin, uint32(len(m.Block))}
	if pc.closed {
		if direct {
			t.pk.landed(bl, pc.key, false)
		}
		return net.ErrClosed
	}
	if _, ok := pc.requests[bl]; !ok && !direct || t.pk == nil {
		return nil // not requested (or cancelled): discard
	}
	// A direct block was requested when its claim was made; the request
	// may have been dropped since (a choke), but the bytes are in place.
	delete(pc.requests, bl)
	n := int64(len(m.Block))
	pc.countReceived(time.Now(), n)
	pc.downloaded += n
	pc.roundDown += n
	t.downloaded += n
	var ok, complete bool
	if direct {
		ok, complete = t.pk.landed(bl, pc.key, true)
	} else {
		ok, complete = t.pk.receive(bl, m.Block, pc.key)
	}
	if ok {
		// Endgame: others asked for the same block; cancel theirs.
		for _, other := range t.peers {
			if _, dup := other.requests[bl]; dup && other != pc {
				delete(other.requests, bl)
				t.pk.unrequest(bl)
				other.queue(Message{Type: Cancel, Index: bl.piece, Begin: bl.begin, Length: bl.length})
			}
		}
	} else {
		// A copy that lost the race to another peer's: this peer's
		// request no longer holds the block.
		t.pk.unrequest(bl)
	}
	if complete && !t.stopped {
		// Hash in another goroutine so this connection keeps receiving.
		i := int(bl.piece)
		data := t.pk.partial[i].data
		t.wg.Add(1)
		go func() {
			defer t.wg.Done()
			t.verifyPiece(i, data)
		}()
	}
	t.fillRequests(pc)
	return nil
}

// verifyPiece hashes a complete piece outside the lock, stores it if good,
// and announces it with HAVE; a bad piece is thrown away and its senders
// punished.
func (t *Torrent) verifyPiece(i int, data []byte) {
	good := sha1.Sum(data) == t.info.PieceHash(i)
	var werr error
	if good {
		_, werr = t.storage.WriteAt(data, int64(i)*t.info.PieceLength)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	pp := t.pk.partial[i]
	var sources []PeerInfo
	count := map[uint64]int{}
	for _, k := range pp.from {
		count[k]++
	}
	var topKey uint64
	for k, n := range count {
		if pc := t.peers[k]; pc != nil {
			sources = append(sources, pc.peerInfo())
		}
		if n > count[topKey] || (n == count[topKey] && k < topKey) {
			topKey = k
		}
	}
	if werr != nil {
		t.c.logger().Error("bittorrent: writing piece", "piece", i, "err", werr)
		t.pk.verified(i, false)
		return
	}
	contributors := t.pk.verified(i, good)
	if !good {
		t.emit(Event{Type: EventPieceFailed, Piece: i, Sources: sources})
		for _, k := range contributors {
			pc := t.peers[k]
			if pc == nil {
				continue
			}
			t.strikes[pc.id]++
			if len(contributors) == 1 || t.strikes[pc.id] >= maxBanStrikes {
				t.ban(pc, protoErr("sent data for piece %d that failed its hash", i))
			}
		}
		for _, pc := range t.peers {
			t.fillRequests(pc)
		}
		return
	}
	if pc := t.peers[topKey]; pc != nil {
		t.fromPeers[pc.id]++
	}
	for _, pc := range t.peers {
		pc.queue(Message{Type: Have, Index: uint32(i)})
		t.updateInterest(pc)
	}
	t.emit(Event{Type: EventPieceVerified, Piece: i, Sources: sources})
	if t.pk.have.All() && !t.complete {
		t.complete = true
		close(t.done)
		t.emit(Event{Type: EventComplete})
	}
}

// updateInterest tells the peer whether we want something it has. Called
// with t.mu held.
func (t *Torrent) updateInterest(pc *peerConn) {
	want := t.pk != nil && t.pk.interesting(pc.has)
	if want != pc.amInterested {
		pc.amInterested = want
		if want {
			pc.queue(Message{Type: Interested})
		} else {
			pc.queue(Message{Type: NotInterested})
		}
	}
}

// fillRequests keeps the peer's request pipeline full. Called with t.mu
// held.
func (t *Torrent) fillRequests(pc *peerConn) {
	if pc.closed || t.pk == nil || !pc.amInterested {
		return
	}
	has := pc.has
	if pc.peerChoking {
		// BEP 6: while choked, only the pieces the peer allowed fast.
		if len(pc.allowedFast) == 0 {
			return
		}
		has = NewBitset(pc.has.Len())
		for _, i := range pc.allowedFast {
			if pc.has.Has(int(i)) {
				has.Set(int(i))
			}
		}
	}
	depth := orDefault(t.c.RequestQueueDepth, DefaultRequestQueueDepth)
	if pc.reqq > 0 {
		depth = min(depth, pc.reqq)
	}
	depth = requestDepth(pc.dnRate, depth)
	need := depth - len(pc.requests)
	if need <= 0 || (need < depth/4 && len(pc.requests) > 0) {
		return // refill in batches: fewer, larger writes
	}
	now := time.Now()
	for _, bl := range t.pk.pick(has, need, func(b block) bool { return !t.endgameCopyOK(pc, b, now) }) {
		pc.requests[bl] = now
		pc.queue(Message{Type: Request, Index: bl.piece, Begin: bl.begin, Length: bl.length})
	}
}
