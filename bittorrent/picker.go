package bittorrent

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"time"
)

// block names one request-sized part of a piece.
type block struct {
	piece  uint32
	begin  uint32
	length uint32
}

// partial is a piece being downloaded: its buffer and per-block state.
type partial struct {
	data      []byte
	requested []int    // how many peers each block is requested from
	got       []bool   // block received
	landing   []bool   // block being read straight into data
	from      []uint64 // key of the peer whose data is in each block (0: none yet)
	received  int
	verifying bool
}

// picker decides which blocks to request: a random first piece, then the
// rarest piece first, finishing started pieces before new ones, and in
// endgame the same missing blocks from several peers (BEP 3 and the
// lesson). It is pure bookkeeping with no I/O; the torrent's mutex guards
// it.
type picker struct {
	info *Info
	have Bitset
	// avail counts, for each piece, the connected peers that have it,
	// and levels[a] marks the pieces that exactly a peers have, so that
	// choose finds the rarest new pieces a bitfield at a time instead of
	// looking at every piece's count (see setAvail).
	avail   []int
	levels  []Bitset
	partial map[int]*partial
	// started marks the pieces in partial, so choose can skip them a
	// byte (eight pieces) at a time.
	started Bitset
	rnd     *rand.Rand
	// RandomFirst is how many pieces are picked at random before rarest
	// first takes over.
	randomFirst int
	// spare holds the state of finished pieces of full PieceLength,
	// buffer included, for the next pieces to reuse (see maxSpareBytes).
	spare []*partial
	// endgame is set once blocks are asked of more than one peer. From
	// then on no block is claimed for a read straight into place: a copy
	// from a fast peer must be able to overtake one still arriving from a
	// slow peer, so blocks are read aside and the first complete copy is
	// kept.
	endgame bool
}

// maxSpareBytes bounds the piece buffers kept for reuse. A fast peer
// keeps up to Client.RequestQueueDepth blocks in flight, spread over that
// many blocks' worth of pieces, and more pieces wait for their hash: a
// buffer not kept here is garbage, and its replacement is fresh memory
// that the kernel must fault in page by page as the socket copies into it.
// The spares are dropped once the torrent is complete.
const maxSpareBytes = 32 << 20

// Endgame limits. Endgame starts only when every missing block is
// requested and at most endgameBlocks of them are still to come: entered
// any earlier, a swarm of slow uploaders spends much of its upload on
// duplicates that are cancelled too late. In endgame a block is asked of
// at most endgameCopies peers at once: enough that a slow peer holding the
// last block is overtaken, few enough that most of the swarm's upload
// still goes to blocks nobody has yet. And a copy is asked only of a peer
// that sends to us at least endgameSpeedup times faster than every peer
// already asked for the block (see Torrent.endgameCopyOK): a copy from a
// peer no faster arrives no sooner, and as the CANCEL for the loser
// rarely arrives before its block is on the wire, both are sent in full.
// A peer asked endgameStall ago or longer counts as stalled, rate zero.
const (
	endgameBlocks  = 32
	endgameCopies  = 4
	endgameSpeedup = 2
	endgameStall   = 2 * time.Second
)

func newPicker(info *Info, have Bitset, rnd *rand.Rand) *picker {
	n := info.NumPieces()
	held0 := NewBitset(n) // level 0: with no peers yet, every piece
	held0.SetAll()
	return &picker{info: info, have: have, avail: make([]int, n), levels: []Bitset{held0},
		partial: map[int]*partial{}, started: NewBitset(n), rnd: rnd, randomFirst: 1}
}

func (p *picker) numBlocks(i int) int {
	return int((p.info.PieceLen(i) + BlockSize - 1) / BlockSize)
}

func (p *picker) blockAt(i, b int) block {
	begin := int64(b) * BlockSize
	return block{piece: uint32(i), begin: uint32(begin), length: uint32(min(BlockSize, p.info.PieceLen(i)-begin))}
}

// addAvail counts a peer's pieces in the availability (delta +1 when
// its bitfield arrives, -1 when it leaves).
func (p *picker) addAvail(has Bitset, delta int) {
	for k, b := range has.bits {
		for ; b != 0; b &^= 0x80 >> bits.LeadingZeros8(b) {
			i := k*8 + bits.LeadingZeros8(b)
			p.setAvail(i, p.avail[i]+delta)
		}
	}
}

// setAvail records that a peers have piece i, moving it to its level.
func (p *picker) setAvail(i, a int) {
	if i < 0 || i >= len(p.avail) {
		return
	}
	a = max(a, 0)
	p.levels[p.avail[i]].Clear(i)
	for len(p.levels) <= a {
		p.levels = append(p.levels, NewBitset(len(p.avail)))
	}
	p.levels[a].Set(i)
	p.avail[i] = a
}

// wanted reports whether piece i is missing and not being verified.
func (p *picker) wanted(i int) bool {
	if p.have.Has(i) {
		return false
	}
	pp := p.partial[i]
	return pp == nil || !pp.verifying
}

// interesting reports whether has holds a piece we still want.
func (p *picker) interesting(has Bitset) bool {
	for k := range min(len(has.bits), len(p.have.bits)) {
		if has.bits[k]&^p.have.bits[k] != 0 {
			return true
		}
	}
	return false
}

// pick returns up to n blocks to request from a peer that has the pieces
// in has; in endgame, skip reports blocks not to ask that peer for as an
// extra copy (already requested from it, or not worth a copy).
func (p *picker) pick(has Bitset, n int, skip func(block) bool) []block {
	var out []block
	take := func(i int, pp *partial, dup bool) {
		for b := range pp.got {
			if len(out) >= n {
				return
			}
			if pp.got[b] || (pp.requested[b] > 0 && !dup) || pp.requested[b] >= endgameCopies {
				continue
			}
			if dup && pp.landing[b] {
				continue // arriving already: a second copy could not overtake it
			}
			bl := p.blockAt(i, b)
			if dup && skip(bl) {
				continue
			}
			pp.requested[b]++
			out = append(out, bl)
		}
	}
	// 1. Finish pieces already started.
	for i, pp := range p.partial {
		if len(out) >= n {
			return out
		}
		if has.Has(i) && !pp.verifying {
			take(i, pp, false)
		}
	}
	// 2. Start new pieces: random first, then rarest first.
	for len(out) < n {
		i := p.choose(has)
		if i < 0 {
			break
		}
		take(i, p.start(i), false)
	}
	if len(out) > 0 {
		return out
	}
	// 3. Endgame: everything missing is requested; ask this peer too.
	if p.inEndgame() {
		p.endgame = true
		for i, pp := range p.partial {
			if len(out) >= n {
				break
			}
			if has.Has(i) && !pp.verifying {
				take(i, pp, true)
			}
		}
	}
	return out
}

// choose returns a new piece to start from has, or -1: the rarest of the
// pieces the peer has and we neither have nor started, ties broken at
// random; until randomFirst pieces are complete, any of them at random.
// The levels are tried from the rarest up, and the first level holding a
// candidate gives the piece.
func (p *picker) choose(has Bitset) int {
	if p.have.Count() < p.randomFirst {
		return p.randomNew(has, Bitset{})
	}
	for _, level := range p.levels {
		if i := p.randomNew(has, level); i >= 0 {
			return i
		}
	}
	return -1
}

// randomNew returns a piece drawn at random from the pieces in has that
// we neither have nor started and that are in level (any piece if level
// is the zero Bitset), or -1 if there is none. It looks at eight pieces
// per byte of the bitfields: one pass counts the candidates, a second
// finds the drawn one.
func (p *picker) randomNew(has, level Bitset) int {
	n := min(len(has.bits), len(p.have.bits))
	candidates := func(k int) byte {
		c := has.bits[k] &^ p.have.bits[k] &^ p.started.bits[k]
		if level.bits != nil {
			c &= level.bits[k]
		}
		return c
	}
	count := 0
	for k := range n {
		count += bits.OnesCount8(candidates(k))
	}
	if count == 0 {
		return -1
	}
	skip := p.rnd.IntN(count)
	for k := range n {
		c := candidates(k)
		if m := bits.OnesCount8(c); skip >= m {
			skip -= m
			continue
		}
		for ; skip > 0; skip-- {
			c &^= 0x80 >> bits.LeadingZeros8(c)
		}
		return k*8 + bits.LeadingZeros8(c)
	}
	return -1 // not reached: the second pass sees what the first counted
}

func (p *picker) start(i int) *partial {
	var pp *partial
	if n := len(p.spare); n > 0 && p.info.PieceLen(i) == p.info.PieceLength {
		pp, p.spare = p.spare[n-1], p.spare[:n-1]
		clear(pp.requested)
		clear(pp.got)
		clear(pp.landing)
		clear(pp.from)
		pp.received, pp.verifying = 0, false
	} else {
		nb := p.numBlocks(i)
		pp = &partial{data: make([]byte, p.info.PieceLen(i)), requested: make([]int, nb),
			got: make([]bool, nb), landing: make([]bool, nb), from: make([]uint64, nb)}
	}
	p.partial[i] = pp
	p.started.Set(i)
	return pp
}

// inEndgame reports whether every missing piece is started, all of its
// blocks are requested or received, and at most endgameBlocks blocks are
// still missing.
func (p *picker) inEndgame() bool {
	missing := 0
	for i := range p.avail {
		if p.have.Has(i) {
			continue
		}
		pp := p.partial[i]
		if pp == nil {
			return false
		}
		for b := range pp.got {
			if pp.got[b] {
				continue
			}
			if pp.requested[b] == 0 {
				return false
			}
			if missing++; missing > endgameBlocks {
				return false
			}
		}
	}
	return true
}

// unrequest returns a block requested from a peer that will not send it.
func (p *picker) unrequest(bl block) {
	if pp := p.partial[int(bl.piece)]; pp != nil {
		b := int(bl.begin / BlockSize)
		if b < len(pp.requested) && pp.requested[b] > 0 {
			pp.requested[b]--
		}
	}
}

// receive stores a block from peer key. It reports whether the block was
// wanted and whether the piece is now complete (ready to verify).
func (p *picker) receive(bl block, data []byte, key uint64) (ok, complete bool) {
	dst := p.claimAny(bl)
	if dst == nil || len(data) != len(dst) {
		if dst != nil {
			p.landed(bl, key, false)
		}
		return false, false
	}
	copy(dst, data)
	return p.landed(bl, key, true)
}

// claim returns where a wanted block goes in its piece's buffer and marks
// it as landing, so that nobody else writes there and the buffer stays
// until landed is called; nil if the block is not wanted (received,
// landing from another peer, or not a block of a piece being fetched),
// and always nil in endgame.
func (p *picker) claim(bl block) []byte {
	if p.endgame {
		return nil
	}
	return p.claimAny(bl)
}

// claimAny is claim in and out of endgame, for a copy made under the
// torrent's lock.
func (p *picker) claimAny(bl block) []byte {
	pp := p.partial[int(bl.piece)]
	if pp == nil || pp.verifying || bl.begin%BlockSize != 0 {
		return nil
	}
	b := int(bl.begin / BlockSize)
	if b >= len(pp.got) || pp.got[b] || pp.landing[b] || bl.length != p.blockAt(int(bl.piece), b).length {
		return nil
	}
	pp.landing[b] = true
	return pp.data[bl.begin : bl.begin+bl.length]
}

// landed ends a claim: the block's bytes from peer key are in place (ok)
// or the claim is given up. It reports whether the block was recorded and
// whether the piece is now complete (ready to verify).
func (p *picker) landed(bl block, key uint64, ok bool) (recorded, complete bool) {
	pp := p.partial[int(bl.piece)]
	b := int(bl.begin / BlockSize)
	pp.landing[b] = false
	if !ok {
		return false, false
	}
	pp.got[b] = true
	pp.from[b] = key
	pp.received++
	if pp.received == len(pp.got) {
		pp.verifying = true
		return true, true
	}
	return true, false
}

// verified records the outcome of hashing piece i. On failure the piece is
// reset and the keys of the peers that sent its blocks are returned.
func (p *picker) verified(i int, good bool) (contributors []uint64) {
	pp := p.partial[i]
	delete(p.partial, i)
	p.started.Clear(i)
	if good {
		p.have.Set(i)
	} else {
		for _, k := range pp.from {
			if !slices.Contains(contributors, k) {
				contributors = append(contributors, k)
			}
		}
	}
	if int64(len(pp.data)) == p.info.PieceLength && (len(p.spare)+1)*len(pp.data) <= maxSpareBytes {
		p.spare = append(p.spare, pp)
	}
	if len(p.partial) == 0 && p.have.All() {
		p.spare = nil
	}
	return contributors
}
