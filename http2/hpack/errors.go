package hpack

import (
	"errors"
	"fmt"
)

// Sentinel errors. A decoding error is a COMPRESSION_ERROR for the whole
// HTTP/2 connection (RFC 9113 section 4.3): the decoder's table is no
// longer in step with the encoder's.
var (
	ErrInvalidHuffman      = errors.New("hpack: invalid Huffman-coded data")
	ErrIntegerOverflow     = errors.New("hpack: integer too large")
	ErrTruncated           = errors.New("hpack: truncated header block")
	ErrStringTooLong       = errors.New("hpack: string longer than the limit")
	ErrHeaderListTooLarge  = errors.New("hpack: header list larger than the limit")
	ErrTableSizeUpdate     = errors.New("hpack: dynamic table size update out of place or too large")
	ErrInvalidIndex        = errors.New("hpack: index out of range")
	ErrTooManyHeaderFields = errors.New("hpack: too many header fields")
)

// DecodingError says where in a header block decoding failed.
// errors.Is(err, ErrXxx) reaches the cause.
type DecodingError struct {
	Offset int   // byte offset in the block
	Err    error // one of the sentinels
}

func (e *DecodingError) Error() string {
	return fmt.Sprintf("hpack: decoding error at offset %d: %v", e.Offset, e.Err)
}

func (e *DecodingError) Unwrap() error { return e.Err }
