package http2

import (
	"errors"
	"fmt"
)

// ErrCode is an HTTP/2 error code, carried by RST_STREAM and GOAWAY
// (RFC 9113 section 7).
type ErrCode uint32

// The error codes of RFC 9113 section 7.
const (
	ErrCodeNo                 ErrCode = 0x0 // graceful shutdown, or no error
	ErrCodeProtocol           ErrCode = 0x1 // a protocol violation
	ErrCodeInternal           ErrCode = 0x2 // an implementation fault
	ErrCodeFlowControl        ErrCode = 0x3 // the peer broke flow control
	ErrCodeSettingsTimeout    ErrCode = 0x4 // SETTINGS not acknowledged in time
	ErrCodeStreamClosed       ErrCode = 0x5 // a frame for a half-closed stream
	ErrCodeFrameSize          ErrCode = 0x6 // a frame of the wrong size
	ErrCodeRefusedStream      ErrCode = 0x7 // the stream was refused before any processing
	ErrCodeCancel             ErrCode = 0x8 // the stream is no longer needed
	ErrCodeCompression        ErrCode = 0x9 // the HPACK context is broken
	ErrCodeConnect            ErrCode = 0xa // the CONNECT tunnel failed
	ErrCodeEnhanceYourCalm    ErrCode = 0xb // the peer is generating excessive load
	ErrCodeInadequateSecurity ErrCode = 0xc // TLS is too weak
	ErrCodeHTTP11Required     ErrCode = 0xd // use HTTP/1.1 for this request
)

var errCodeNames = [...]string{
	"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
	"SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM",
	"CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM",
	"INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
}

// String returns the code's name in the RFC, or its number if unknown.
func (c ErrCode) String() string {
	if int(c) < len(errCodeNames) {
		return errCodeNames[c]
	}
	return fmt.Sprintf("unknown error code 0x%x", uint32(c))
}

// ConnectionError is an error that ends the whole connection with GOAWAY
// (RFC 9113 section 5.4.1).
type ConnectionError struct {
	Code   ErrCode
	Reason string
}

func (e ConnectionError) Error() string {
	if e.Reason == "" {
		return "http2: connection error: " + e.Code.String()
	}
	return fmt.Sprintf("http2: connection error: %v: %s", e.Code, e.Reason)
}

// StreamError is an error that ends one stream with RST_STREAM (RFC 9113
// section 5.4.2); the connection goes on.
type StreamError struct {
	StreamID uint32
	Code     ErrCode
	Cause    error // optional detail
}

func (e StreamError) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("http2: stream %d error: %v: %v", e.StreamID, e.Code, e.Cause)
	}
	return fmt.Sprintf("http2: stream %d error: %v", e.StreamID, e.Code)
}

func (e StreamError) Unwrap() error { return e.Cause }

// GoAwayError is what a peer's GOAWAY ends a connection's streams with.
type GoAwayError struct {
	LastStreamID uint32
	Code         ErrCode
	DebugData    string
}

func (e GoAwayError) Error() string {
	return fmt.Sprintf("http2: peer sent GOAWAY (last stream %d, %v, %q)", e.LastStreamID, e.Code, e.DebugData)
}

// Sentinel errors of the frame layer.
var (
	// ErrFrameTooLarge: a frame longer than the reader's maximum frame size.
	ErrFrameTooLarge = errors.New("http2: frame too large")
	// ErrBadPreface: the connection did not start with the client preface.
	ErrBadPreface = errors.New("http2: bad connection preface")
)

// connError is a shorthand for a ConnectionError value.
func connError(code ErrCode, format string, args ...any) error {
	return ConnectionError{Code: code, Reason: fmt.Sprintf(format, args...)}
}
