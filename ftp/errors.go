package ftp

import (
	"errors"
	"strconv"
)

// Sentinel errors of the codec. A *SyntaxError wraps one of them, so callers
// test with errors.Is(err, ftp.ErrCommandSyntax).
var (
	ErrCommandSyntax = errors.New("ftp: bad command")      // server answers 500 or 501
	ErrReplySyntax   = errors.New("ftp: bad reply")        // client gives up on the connection
	ErrAddressSyntax = errors.New("ftp: bad address")      // PORT, EPRT, 227 or 229 text
	ErrListSyntax    = errors.New("ftp: bad listing line") // LIST line in no known style
	ErrFactsSyntax   = errors.New("ftp: bad MLSx facts")   // MLSD/MLST line (RFC 3659 section 7)
	ErrTimeSyntax    = errors.New("ftp: bad time-val")     // MDTM / modify= value (RFC 3659 section 2.3)
	ErrTooManyLines  = errors.New("ftp: too many lines in reply")
	ErrBadArgument   = errors.New("ftp: argument contains CR, LF or NUL")

	// ErrTooManyEntries: a listing exceeded Client.MaxListEntries.
	ErrTooManyEntries = errors.New("ftp: listing has too many entries")
)

// errorLimit caps how much of the offending input an error message quotes.
const errorLimit = 80

// SyntaxError describes input that the codec rejected: which kind (Err, one of
// the sentinels above), why, and the input itself (capped at 80 bytes).
type SyntaxError struct {
	Err    error  // ErrCommandSyntax, ErrReplySyntax, ...
	Reason string // what was wrong
	Input  string // the offending input, possibly truncated
}

func newSyntaxError(kind error, reason string, input []byte) *SyntaxError {
	if len(input) > errorLimit {
		input = input[:errorLimit]
	}
	return &SyntaxError{Err: kind, Reason: reason, Input: string(input)}
}

// Error returns "ftp: bad command: verb too long: "XXXXX"".
func (e *SyntaxError) Error() string {
	return e.Err.Error() + ": " + e.Reason + ": " + strconv.Quote(e.Input)
}

// Unwrap returns the sentinel, for errors.Is.
func (e *SyntaxError) Unwrap() error { return e.Err }
