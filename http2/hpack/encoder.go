package hpack

// Encoder compresses header lists into header blocks for one direction of
// one connection. Its dynamic table mirrors the peer decoder's, so every
// block it produces must be sent, in order, on that connection.
// An Encoder is not safe for concurrent use.
type Encoder struct {
	table encTable
	// maxLimit is the peer's SETTINGS_HEADER_TABLE_SIZE: the largest table
	// this encoder may use.
	maxLimit uint32
	// pendingUpdate: the next block must start with a size update;
	// minPending is the smallest size set since the last block, which
	// must be signalled too (RFC 7541 section 4.2).
	pendingUpdate bool
	minPending    uint32
}

// NewEncoder returns an encoder with the default table size of 4096.
func NewEncoder() *Encoder {
	return &Encoder{table: encTable{maxSize: DefaultTableSize}, maxLimit: DefaultTableSize}
}

// SetMaxDynamicTableSizeLimit records the peer's SETTINGS_HEADER_TABLE_SIZE.
// If the table in use is larger, it shrinks to fit.
func (e *Encoder) SetMaxDynamicTableSizeLimit(n uint32) {
	e.maxLimit = n
	if e.table.maxSize > n {
		e.SetMaxDynamicTableSize(n)
	}
}

// SetMaxDynamicTableSize chooses the table size to use, at most the limit.
// The change is signalled at the start of the next header block.
func (e *Encoder) SetMaxDynamicTableSize(n uint32) {
	n = min(n, e.maxLimit)
	if !e.pendingUpdate || n < e.minPending {
		e.minPending = n
	}
	e.pendingUpdate = true
	e.table.maxSize = n
	e.table.evictTo(n)
}

// MaxDynamicTableSize returns the table size in use.
func (e *Encoder) MaxDynamicTableSize() uint32 { return e.table.maxSize }

// AppendField appends the representation of f to dst, the header block
// being built. The first field of a block carries any pending table size
// update, so fields of one block must be appended together, in order.
func (e *Encoder) AppendField(dst []byte, f HeaderField) []byte {
	if e.pendingUpdate {
		if e.minPending < e.table.maxSize {
			// The size went down and up again since the last block: the
			// decoder must evict as far as we did. Signal 0 first, which
			// empties both tables; some decoders (x/net's among them) accept
			// a second update only after the first emptied the table.
			e.table.evictTo(0)
			dst = appendInteger(dst, 0x20, 5, 0)
		}
		dst = appendInteger(dst, 0x20, 5, uint64(e.table.maxSize))
		e.pendingUpdate = false
	}
	idx, full := e.table.lookup(f)
	if full {
		// Indexed header field (section 6.1).
		return appendInteger(dst, 0x80, 7, uint64(idx))
	}
	switch {
	case f.Sensitive:
		// Literal never indexed (section 6.2.3).
		dst = appendInteger(dst, 0x10, 4, uint64(idx))
	case worthIndexing(f) && f.Size() <= e.table.maxSize:
		// Literal with incremental indexing (section 6.2.1).
		dst = appendInteger(dst, 0x40, 6, uint64(idx))
		defer e.table.add(f)
	default:
		// Literal without indexing (section 6.2.2).
		dst = appendInteger(dst, 0x00, 4, uint64(idx))
	}
	if idx == 0 {
		dst = appendString(dst, f.Name)
	}
	return appendString(dst, f.Value)
}

// AppendHeaderBlock appends the whole block of fields to dst.
func (e *Encoder) AppendHeaderBlock(dst []byte, fields []HeaderField) []byte {
	for _, f := range fields {
		dst = e.AppendField(dst, f)
	}
	return dst
}

// worthIndexing leaves out of the table values that are rarely repeated,
// so they do not push out the ones that are.
func worthIndexing(f HeaderField) bool {
	switch f.Name {
	case "content-length", "date", "age", "etag", "last-modified",
		"if-modified-since", "if-none-match", "location", "content-range", "range":
		return false
	case ":path":
		return len(f.Value) < 64
	}
	return true
}
