package textwire

import (
	"errors"
	"fmt"
)

// Sentinel errors; test for them with errors.Is.
var (
	// ErrLineTooLong: a line exceeded the reader's limit.
	ErrLineTooLong = errors.New("textwire: line too long")
	// ErrBareLF: a line ended in LF without the CR the protocol requires.
	ErrBareLF = errors.New("textwire: line ends in a bare LF")
	// ErrMessageTooLarge: a data block exceeded its byte limit.
	ErrMessageTooLarge = errors.New("textwire: message too large")
	// ErrBadLine: a line to be written contains CR or LF.
	ErrBadLine = errors.New("textwire: line contains CR or LF")
)

// LineTooLongError is the error for a line over the limit;
// errors.Is(err, ErrLineTooLong) holds.
type LineTooLongError struct {
	Limit int // the limit in bytes, CRLF included
}

func (e *LineTooLongError) Error() string {
	return fmt.Sprintf("textwire: line longer than %d bytes", e.Limit)
}

// Is makes errors.Is(err, ErrLineTooLong) hold.
func (e *LineTooLongError) Is(target error) bool { return target == ErrLineTooLong }

// ReplySyntaxError reports a reply line that is not "NNN text" or "NNN-text".
type ReplySyntaxError struct {
	Line string // the line, cut to errorLimit bytes
}

func (e *ReplySyntaxError) Error() string {
	return fmt.Sprintf("textwire: malformed reply line %q", e.Line)
}

// errorLimit caps how much of a bad input an error message quotes.
const errorLimit = 80

func quoteLimit(b []byte) string {
	if len(b) > errorLimit {
		return string(b[:errorLimit]) + "..."
	}
	return string(b)
}
