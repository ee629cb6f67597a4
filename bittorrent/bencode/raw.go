package bencode

// RawMessage is a bencoded value kept exactly as it appeared in the input.
// Decoding into a RawMessage copies the value's bytes unchanged, without
// re-encoding, so a torrent's info dictionary can be hashed byte for byte
// even when its creator did not sort the keys. Marshal writes a RawMessage
// back verbatim.
type RawMessage []byte

// MarshalBencode returns m unchanged.
func (m RawMessage) MarshalBencode() ([]byte, error) {
	if len(m) == 0 {
		return nil, &UnsupportedTypeError{}
	}
	return m, nil
}

// UnmarshalBencode stores a copy of data in *m.
func (m *RawMessage) UnmarshalBencode(data []byte) error {
	*m = append((*m)[:0], data...)
	return nil
}

// Marshaler is implemented by types that encode themselves. MarshalBencode
// must return exactly one well-formed bencoded value.
type Marshaler interface {
	MarshalBencode() ([]byte, error)
}

// Unmarshaler is implemented by types that decode themselves. The data is one
// complete, well-formed bencoded value; it is only valid during the call.
type Unmarshaler interface {
	UnmarshalBencode(data []byte) error
}
