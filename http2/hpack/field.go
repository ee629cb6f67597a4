package hpack

// EntryOverhead is the size each entry adds to a dynamic table beyond its
// name and value (RFC 7541 section 4.1): an estimate of the bookkeeping.
const EntryOverhead = 32

// DefaultTableSize is the initial dynamic table size of both directions
// (SETTINGS_HEADER_TABLE_SIZE's initial value, RFC 9113 section 6.5.2).
const DefaultTableSize = 4096

// HeaderField is a name-value pair. Sensitive marks a field that must
// never be added to a dynamic table, by us or by an intermediary (RFC 7541
// section 7.1.3): credentials, cookies with secrets.
type HeaderField struct {
	Name, Value string
	Sensitive   bool
}

// Size is the field's size as RFC 7541 section 4.1 counts it.
func (f HeaderField) Size() uint32 {
	return uint32(len(f.Name) + len(f.Value) + EntryOverhead)
}

// Field is a decoded header field. Name and Value point into the
// decoder's buffers and are valid only until the next call to
// [Decoder.Decode].
type Field struct {
	Name, Value []byte
	Sensitive   bool
}

// Size is the field's size as RFC 7541 section 4.1 counts it.
func (f Field) Size() uint32 {
	return uint32(len(f.Name) + len(f.Value) + EntryOverhead)
}
