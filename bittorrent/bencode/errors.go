package bencode

import (
	"errors"
	"fmt"
	"reflect"
)

// Sentinel errors. A decoding error is a [*SyntaxError] that wraps one of
// these, so callers test the cause with errors.Is and the position with
// errors.As.
var (
	// ErrUnexpectedEOF means the input ended inside a value.
	ErrUnexpectedEOF = errors.New("bencode: unexpected end of input")
	// ErrInvalid means a byte that cannot start or continue a value here.
	ErrInvalid = errors.New("bencode: invalid syntax")
	// ErrDepth means lists and dictionaries nest deeper than the decoder's MaxDepth.
	ErrDepth = errors.New("bencode: nesting too deep")
	// ErrStringLength means a byte string is longer than the decoder's MaxStringLength.
	ErrStringLength = errors.New("bencode: string too long")
	// ErrIntegerRange means an integer does not fit the destination (or int64).
	ErrIntegerRange = errors.New("bencode: integer out of range")
	// ErrNonCanonical means input a strict decoder refuses: dictionary keys
	// out of order or repeated. (Leading zeros and "-0" are always refused.)
	ErrNonCanonical = errors.New("bencode: non-canonical encoding")
	// ErrUnknownField means a dictionary key with no matching struct field
	// while DisallowUnknownFields is set.
	ErrUnknownField = errors.New("bencode: unknown field")
	// ErrTrailingData means bytes after the one top-level value.
	ErrTrailingData = errors.New("bencode: trailing data after value")
	// ErrType means a value whose bencode type does not fit the Go destination.
	ErrType = errors.New("bencode: type mismatch")
)

// A SyntaxError reports where decoding failed: Offset is the index in the
// input of the offending byte, Err the sentinel naming the cause, and Detail
// optional extra context (a field name, a Go type).
type SyntaxError struct {
	Offset int
	Err    error
	Detail string
}

// Error returns the cause and the offset.
func (e *SyntaxError) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("%v at offset %d: %s", e.Err, e.Offset, e.Detail)
	}
	return fmt.Sprintf("%v at offset %d", e.Err, e.Offset)
}

// Unwrap returns the sentinel cause.
func (e *SyntaxError) Unwrap() error { return e.Err }

// An UnsupportedTypeError is returned by [Marshal] for a Go value bencoding
// cannot express (floats, channels, funcs, maps with non-string keys, nil at
// the top level).
type UnsupportedTypeError struct {
	Type reflect.Type
}

// Error names the type.
func (e *UnsupportedTypeError) Error() string {
	if e.Type == nil {
		return "bencode: cannot marshal nil"
	}
	return "bencode: unsupported type " + e.Type.String()
}

// An InvalidUnmarshalError describes an invalid destination passed to
// Unmarshal: it must be a non-nil pointer.
type InvalidUnmarshalError struct {
	Type reflect.Type
}

// Error names the invalid destination.
func (e *InvalidUnmarshalError) Error() string {
	if e.Type == nil {
		return "bencode: Unmarshal(nil)"
	}
	return "bencode: Unmarshal(non-pointer " + e.Type.String() + ")"
}
