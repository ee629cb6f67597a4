package hpack

// Limits of a Decoder. Each applies when the matching field is zero.
const (
	// DefaultMaxHeaderListSize bounds the decoded size of one header list,
	// counted as RFC 9113 section 6.5.2 counts SETTINGS_MAX_HEADER_LIST_SIZE
	// (names, values and 32 bytes per field). It is what stops an "HPACK
	// bomb": a small block that references a large table entry many times.
	DefaultMaxHeaderListSize = 64 << 10
	// DefaultMaxStringLength bounds one name or value, after Huffman decoding.
	DefaultMaxStringLength = 16 << 10
)

// Decoder decompresses header blocks for one direction of one connection.
// An error leaves its table out of step with the peer's: the connection
// must end with COMPRESSION_ERROR. A Decoder is not safe for concurrent use.
type Decoder struct {
	// MaxHeaderListSize bounds a decoded header list; zero means
	// DefaultMaxHeaderListSize.
	MaxHeaderListSize uint32
	// MaxStringLength bounds one decoded string; zero means
	// DefaultMaxStringLength.
	MaxStringLength int

	table    decTable
	static   *[len(staticTable)][2][]byte
	maxLimit uint32 // our SETTINGS_HEADER_TABLE_SIZE: the most the peer may use

	scratch  []byte // Huffman-decoded strings of the current block
	fields   []Field
	sawField bool // a field was decoded in the current block
}

// NewDecoder returns a decoder whose dynamic table may grow to maxTableSize
// bytes (the SETTINGS_HEADER_TABLE_SIZE this side advertises).
func NewDecoder(maxTableSize uint32) *Decoder {
	return &Decoder{table: decTable{maxSize: maxTableSize}, maxLimit: maxTableSize, static: staticFieldBytes()}
}

// SetMaxTableSizeLimit changes the SETTINGS_HEADER_TABLE_SIZE this side
// advertises. The peer acknowledges it with a size update of its own.
func (d *Decoder) SetMaxTableSizeLimit(n uint32) {
	d.maxLimit = n
	if d.table.maxSize > n {
		d.table.setMaxSize(n)
	}
}

// TableSize returns the dynamic table's current size in bytes.
func (d *Decoder) TableSize() uint32 { return d.table.size }

func (d *Decoder) maxListSize() uint32 {
	if d.MaxHeaderListSize > 0 {
		return d.MaxHeaderListSize
	}
	return DefaultMaxHeaderListSize
}

func (d *Decoder) maxString() int {
	if d.MaxStringLength > 0 {
		return d.MaxStringLength
	}
	return DefaultMaxStringLength
}

// Decode decodes one complete header block (all of its HEADERS and
// CONTINUATION fragments, joined). A block whose list is larger than
// MaxHeaderListSize is decoded to its end, keeping the table in step, and
// then fails with ErrHeaderListTooLarge (a plain error, not a
// DecodingError): the connection can go on and refuse that one request. The fields it returns, and the bytes
// they point to, are valid only until the next call and must not be
// modified. In steady state it does not allocate.
func (d *Decoder) Decode(block []byte) ([]Field, error) {
	d.table.endBlock()
	d.fields = d.fields[:0]
	d.sawField = false
	// Huffman decoding expands at most 8/5; reserve that much up front so
	// that slices into scratch stay valid while it fills.
	if need := len(block)*8/5 + 8; cap(d.scratch) < need {
		d.scratch = make([]byte, 0, need)
	}
	d.scratch = d.scratch[:0]
	var listSize uint32
	limit := d.maxListSize()
	tooLarge := false
	for off := 0; off < len(block); {
		var n int
		var err error
		before := len(d.fields)
		var size uint32
		if b := block[off]; b&0x80 != 0 && b != 0xff {
			// Fast path: an indexed field whose index fits in the prefix.
			n = 1
			size, err = d.appendIndexed(uint64(b & 0x7f))
		} else {
			n, err = d.decodeOne(block[off:])
			if err == nil && len(d.fields) > before {
				size = d.fields[before].Size()
			}
		}
		if err != nil {
			return nil, &DecodingError{Offset: off, Err: err}
		}
		if size > 0 {
			listSize += size
			if tooLarge || listSize > limit {
				// Keep decoding, so the table stays in step with the
				// encoder's, but keep no more fields.
				tooLarge = true
				d.fields = d.fields[:0]
			}
		}
		off += n
	}
	if tooLarge {
		return nil, ErrHeaderListTooLarge
	}
	return d.fields, nil
}

// DecodeFull is Decode returning fields as strings that stay valid.
func (d *Decoder) DecodeFull(block []byte) ([]HeaderField, error) {
	fields, err := d.Decode(block)
	if err != nil {
		return nil, err
	}
	out := make([]HeaderField, len(fields))
	for i, f := range fields {
		out[i] = HeaderField{Name: string(f.Name), Value: string(f.Value), Sensitive: f.Sensitive}
	}
	return out, nil
}

// appendIndexed appends the field at index idx.
// appendIndexed appends the field at index idx and returns its size.
func (d *Decoder) appendIndexed(idx uint64) (uint32, error) {
	d.sawField = true
	name, value, err := d.at(idx)
	if err != nil {
		return 0, err
	}
	n := len(d.fields)
	if n == cap(d.fields) {
		d.fields = append(d.fields, Field{})
	} else {
		d.fields = d.fields[:n+1]
	}
	f := &d.fields[n]
	f.Name, f.Value, f.Sensitive = name, value, false
	return uint32(len(name)+len(value)) + EntryOverhead, nil
}

// decodeOne decodes the representation at the start of p, appending the
// field it carries to d.fields. A table size update appends nothing.
func (d *Decoder) decodeOne(p []byte) (int, error) {
	b := p[0]
	switch {
	case b&0x80 != 0: // indexed header field
		idx, n, err := readInteger(p, 7)
		if err != nil {
			return 0, err
		}
		_, err = d.appendIndexed(idx)
		return n, err
	case b&0xc0 == 0x40: // literal with incremental indexing
		n, f, err := d.literal(p, 6)
		if err != nil {
			return 0, err
		}
		d.table.add(f.Name, f.Value)
		d.sawField = true
		d.fields = append(d.fields, f)
		return n, nil
	case b&0xe0 == 0x20: // dynamic table size update
		if d.sawField {
			return 0, ErrTableSizeUpdate
		}
		size, n, err := readInteger(p, 5)
		if err != nil {
			return 0, err
		}
		if size > uint64(d.maxLimit) {
			return 0, ErrTableSizeUpdate
		}
		d.table.setMaxSize(uint32(size))
		return n, nil
	default: // literal without indexing (0000) or never indexed (0001)
		n, f, err := d.literal(p, 4)
		if err != nil {
			return 0, err
		}
		f.Sensitive = b&0x10 != 0
		d.sawField = true
		d.fields = append(d.fields, f)
		return n, nil
	}
}

// literal decodes a literal representation with an n-bit index prefix.
func (d *Decoder) literal(p []byte, prefix uint) (int, Field, error) {
	idx, off, err := readInteger(p, prefix)
	if err != nil {
		return 0, Field{}, err
	}
	var f Field
	if idx == 0 {
		name, n, err := d.readString(p[off:])
		if err != nil {
			return 0, Field{}, err
		}
		f.Name = name
		off += n
	} else {
		name, _, err := d.at(idx)
		if err != nil {
			return 0, Field{}, err
		}
		f.Name = name
	}
	value, n, err := d.readString(p[off:])
	if err != nil {
		return 0, Field{}, err
	}
	f.Value = value
	return off + n, f, nil
}

// readString decodes a string literal; Huffman-coded strings are decoded
// into the block's scratch space.
func (d *Decoder) readString(p []byte) ([]byte, int, error) {
	if len(p) == 0 {
		return nil, 0, ErrTruncated
	}
	huffman := p[0]&0x80 != 0
	length, n, err := readInteger(p, 7)
	if err != nil {
		return nil, 0, err
	}
	if length > uint64(len(p)-n) {
		return nil, 0, ErrTruncated
	}
	raw := p[n : n+int(length)]
	if !huffman {
		if len(raw) > d.maxString() {
			return nil, 0, ErrStringTooLong
		}
		return raw, n + len(raw), nil
	}
	if len(raw)*8/5 > d.maxString() && HuffmanDecodedLengthAtLeast(raw) > d.maxString() {
		return nil, 0, ErrStringTooLong
	}
	start := len(d.scratch)
	d.scratch, err = AppendHuffmanDecode(d.scratch, raw)
	if err != nil {
		return nil, 0, err
	}
	if len(d.scratch)-start > d.maxString() {
		return nil, 0, ErrStringTooLong
	}
	return d.scratch[start:len(d.scratch):len(d.scratch)], n + len(raw), nil
}

// HuffmanDecodedLengthAtLeast returns a lower bound on the decoded length of
// Huffman-coded data: no code is longer than 30 bits.
func HuffmanDecodedLengthAtLeast(raw []byte) int { return len(raw) * 8 / 30 }

// at returns the entry at index idx of the combined index space (section
// 2.3.3): 1 to 61 static, 62 on dynamic, newest first.
func (d *Decoder) at(idx uint64) (name, value []byte, err error) {
	if idx == 0 {
		return nil, nil, ErrInvalidIndex
	}
	if idx <= uint64(len(staticTable)) {
		if d.static == nil {
			d.static = staticFieldBytes()
		}
		f := &d.static[idx-1]
		return f[0], f[1], nil
	}
	i := idx - uint64(len(staticTable)) - 1
	if i >= uint64(d.table.ents.len()) {
		return nil, nil, ErrInvalidIndex
	}
	e := d.table.ents.at(int(i))
	return e.name(), e.value(), nil
}
