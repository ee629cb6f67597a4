package dht

import (
	"errors"
	"fmt"
	"strconv"
)

// An ErrorCode is the number of a KRPC error message (BEP 5).
type ErrorCode int

// The error codes of BEP 5, and those BEP 44 adds.
const (
	ErrorGeneric       ErrorCode = 201 // Generic Error
	ErrorServer        ErrorCode = 202 // Server Error
	ErrorProtocol      ErrorCode = 203 // Protocol Error: malformed packet, invalid arguments or bad token
	ErrorMethodUnknown ErrorCode = 204 // Method Unknown

	ErrorMessageTooBig ErrorCode = 205 // BEP 44: v is larger than 1000 bytes
	ErrorInvalidSig    ErrorCode = 206 // BEP 44: invalid signature
	ErrorSaltTooBig    ErrorCode = 207 // BEP 44: salt is larger than 64 bytes
	ErrorCASMismatch   ErrorCode = 301 // BEP 44: the CAS hash did not match
	ErrorSeqTooLow     ErrorCode = 302 // BEP 44: sequence number less than current
)

func (c ErrorCode) String() string {
	switch c {
	case ErrorGeneric:
		return "Generic Error"
	case ErrorServer:
		return "Server Error"
	case ErrorProtocol:
		return "Protocol Error"
	case ErrorMethodUnknown:
		return "Method Unknown"
	case ErrorMessageTooBig:
		return "Message Too Big"
	case ErrorInvalidSig:
		return "Invalid Signature"
	case ErrorSaltTooBig:
		return "Salt Too Big"
	case ErrorCASMismatch:
		return "CAS Mismatch"
	case ErrorSeqTooLow:
		return "Sequence Number Too Low"
	}
	return "Error " + strconv.Itoa(int(c))
}

// An Error is a KRPC error message ("y": "e"): the remote node understood
// the datagram and refused the query. It is what a [Node]'s query methods
// return when the peer answers with an error.
type Error struct {
	Code ErrorCode
	Msg  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("dht: remote error %d (%v): %s", int(e.Code), e.Code, e.Msg)
}

// Sentinel errors.
var (
	// ErrMalformed wraps every KRPC message that is not well formed.
	ErrMalformed = errors.New("dht: malformed KRPC message")
	// ErrTooLarge means a datagram over the size limit.
	ErrTooLarge = errors.New("dht: message too large")
	// ErrTimeout means a query got no answer in time.
	ErrTimeout = errors.New("dht: query timed out")
	// ErrClosed means the node was shut down.
	ErrClosed = errors.New("dht: node closed")
	// ErrNoNodes means a lookup had nobody to ask: the routing table is empty.
	ErrNoNodes = errors.New("dht: no nodes to query")
)

// A ParseError says which field of a KRPC message was wrong.
// errors.Is(err, ErrMalformed) holds.
type ParseError struct {
	Field  string
	Err    error
	Detail string
}

func (e *ParseError) Error() string {
	s := e.Err.Error()
	if e.Field != "" {
		s += ": field " + strconv.Quote(e.Field)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the sentinel cause.
func (e *ParseError) Unwrap() error { return e.Err }
