package hpack

import "hash/maphash"

// The dynamic table (RFC 7541 section 2.3.2) is a FIFO: new entries go in
// at index 62 (the first after the static table) and push the others up;
// the oldest are evicted when the table's size would pass its maximum.
// Both ends keep one: the encoder's mirrors the decoder's exactly.

// ring is a FIFO of T with the newest entry at index 0. Its capacity is
// always a power of two, so positions wrap with a mask.
type ring[T any] struct {
	buf   []T
	start int // position of the oldest entry
	n     int
}

func (r *ring[T]) len() int { return r.n }

// push adds v as the newest entry.
func (r *ring[T]) push(v T) {
	if r.n == len(r.buf) {
		nb := make([]T, max(8, 2*len(r.buf)))
		for i := 0; i < r.n; i++ {
			nb[i] = r.buf[(r.start+i)&(len(r.buf)-1)]
		}
		r.buf, r.start = nb, 0
	}
	r.buf[(r.start+r.n)&(len(r.buf)-1)] = v
	r.n++
}

// popOldest removes and returns the oldest entry.
func (r *ring[T]) popOldest() T {
	v := r.buf[r.start]
	var zero T
	r.buf[r.start] = zero
	r.start = (r.start + 1) & (len(r.buf) - 1)
	r.n--
	return v
}

// at returns the entry i places after the newest (0 is the newest).
func (r *ring[T]) at(i int) *T {
	return &r.buf[(r.start+r.n-1-i)&(len(r.buf)-1)]
}

// decEntry is a decoder table entry; buf holds name then value.
type decEntry struct {
	buf     []byte
	nameLen int
}

func (e *decEntry) name() []byte  { return e.buf[:e.nameLen] }
func (e *decEntry) value() []byte { return e.buf[e.nameLen:] }
func (e *decEntry) size() uint32  { return uint32(len(e.buf) + EntryOverhead) }

// decTable is the decoder's dynamic table. Evicted entries' buffers are
// kept and reused, but only from the next header block on: fields already
// handed out in the current block may still point into them.
type decTable struct {
	ents    ring[decEntry]
	size    uint32
	maxSize uint32
	retired [][]byte // evicted in this block
	free    [][]byte // reusable
}

func (t *decTable) evictTo(limit uint32) {
	for t.size > limit && t.ents.len() > 0 {
		e := t.ents.popOldest()
		t.size -= e.size()
		t.retired = append(t.retired, e.buf[:0])
	}
}

func (t *decTable) setMaxSize(n uint32) {
	t.maxSize = n
	t.evictTo(n)
}

// add inserts name and value, evicting as needed. An entry larger than the
// table empties it and is not added (RFC 7541 section 4.4).
func (t *decTable) add(name, value []byte) {
	need := uint32(len(name) + len(value) + EntryOverhead)
	if need > t.maxSize {
		t.evictTo(0)
		return
	}
	t.evictTo(t.maxSize - need)
	buf := t.takeBuffer(len(name) + len(value))
	buf = append(append(buf, name...), value...)
	t.ents.push(decEntry{buf: buf, nameLen: len(name)})
	t.size += need
}

func (t *decTable) takeBuffer(n int) []byte {
	for i, b := range t.free {
		if cap(b) >= n {
			last := len(t.free) - 1
			t.free[i] = t.free[last]
			t.free = t.free[:last]
			return b[:0]
		}
	}
	return make([]byte, 0, n)
}

// endBlock makes this block's evicted buffers reusable.
func (t *decTable) endBlock() {
	const maxFree = 64
	for _, b := range t.retired {
		if len(t.free) < maxFree {
			t.free = append(t.free, b)
		}
	}
	clear(t.retired)
	t.retired = t.retired[:0]
}

// encTable is the encoder's dynamic table, with indexes for lookup. Each
// entry has a sequence number; its HPACK index is computed from how many
// entries were inserted after it. The indexes map a 64-bit hash of the name
// (and of name and value) to the newest entry with it; a hit is checked
// against the entry itself, so a hash collision costs compression, never
// correctness.
type encTable struct {
	ents    ring[HeaderField]
	size    uint32
	maxSize uint32
	seq     uint64 // sequence number of the next insertion
	seed    maphash.Seed
	byPair  map[uint64]uint64
	byName  map[uint64]uint64
}

func (t *encTable) pairHash(name, value string) uint64 {
	var h maphash.Hash
	h.SetSeed(t.seed)
	h.WriteString(name)
	h.WriteByte(0)
	h.WriteString(value)
	return h.Sum64()
}

func (t *encTable) nameHash(name string) uint64 { return maphash.String(t.seed, name) }

// entry returns the entry with sequence number seq.
func (t *encTable) entry(seq uint64) *HeaderField {
	return t.ents.at(int(t.seq - seq - 1))
}

func (t *encTable) evictTo(limit uint32) {
	for t.size > limit && t.ents.len() > 0 {
		f := t.ents.popOldest()
		t.size -= f.Size()
		oldest := t.seq - uint64(t.ents.len()) - 1
		if ph := t.pairHash(f.Name, f.Value); t.byPair[ph] == oldest {
			delete(t.byPair, ph)
		}
		if nh := t.nameHash(f.Name); t.byName[nh] == oldest {
			delete(t.byName, nh)
		}
	}
}

func (t *encTable) add(f HeaderField) {
	f.Sensitive = false
	need := f.Size()
	if need > t.maxSize {
		t.evictTo(0)
		return
	}
	t.evictTo(t.maxSize - need)
	if t.byPair == nil {
		t.seed = maphash.MakeSeed()
		t.byPair = make(map[uint64]uint64)
		t.byName = make(map[uint64]uint64)
	}
	t.ents.push(f)
	t.byPair[t.pairHash(f.Name, f.Value)] = t.seq
	t.byName[t.nameHash(f.Name)] = t.seq
	t.seq++
	t.size += need
}

// index turns a sequence number into an HPACK index (62 is the newest).
func (t *encTable) index(seq uint64) uint32 {
	return uint32(len(staticTable)) + uint32(t.seq-seq)
}

// lookup finds f: a full match gives its index and true; a name match gives
// the name's index and false; nothing gives 0.
func (t *encTable) lookup(f HeaderField) (idx uint32, full bool) {
	if i := staticPairIndex(f.Name, f.Value); i != 0 && !f.Sensitive {
		return i, true
	}
	var nameIdx uint32
	if t.byName != nil {
		// The newest entry with this name usually has this value too (a
		// request repeating the last one's fields): one short hash.
		if s, ok := t.byName[t.nameHash(f.Name)]; ok {
			if e := t.entry(s); e.Name == f.Name {
				if e.Value == f.Value && !f.Sensitive {
					return t.index(s), true
				}
				nameIdx = t.index(s)
			}
		}
		if !f.Sensitive {
			if s, ok := t.byPair[t.pairHash(f.Name, f.Value)]; ok {
				if e := t.entry(s); e.Name == f.Name && e.Value == f.Value {
					return t.index(s), true
				}
			}
		}
	}
	if i, ok := staticLookup().byName[f.Name]; ok {
		return i, false
	}
	return nameIdx, false
}

// staticPairIndex returns the static index of a name-value pair, or 0: a
// switch rather than a map, for the few pairs the static table has.
func staticPairIndex(name, value string) uint32 {
	switch name {
	case ":method":
		switch value {
		case "GET":
			return 2
		case "POST":
			return 3
		}
	case ":path":
		switch value {
		case "/":
			return 4
		case "/index.html":
			return 5
		}
	case ":scheme":
		switch value {
		case "http":
			return 6
		case "https":
			return 7
		}
	case ":status":
		switch value {
		case "200":
			return 8
		case "204":
			return 9
		case "206":
			return 10
		case "304":
			return 11
		case "400":
			return 12
		case "404":
			return 13
		case "500":
			return 14
		}
	case "accept-encoding":
		if value == "gzip, deflate" {
			return 16
		}
	}
	return 0
}
