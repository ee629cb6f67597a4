package mime

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors. Parse functions return them wrapped in a [*SyntaxError]
// or a [*Problem]; test with [errors.Is].
var (
	ErrHeaderTooLarge      = errors.New("mime: header block too large")
	ErrTooManyFields       = errors.New("mime: too many header fields")
	ErrMalformedHeader     = errors.New("mime: malformed header line")
	ErrMboxFromLine        = errors.New(`mime: mbox "From " line before the header, skipped`)
	ErrBadFieldName        = errors.New("mime: invalid header field name")
	ErrBadFieldValue       = errors.New("mime: invalid header field value")
	ErrLineTooLong         = errors.New("mime: line too long")
	ErrTooDeep             = errors.New("mime: parts nested too deeply")
	ErrTooManyParts        = errors.New("mime: too many parts")
	ErrTotalHeaderTooLarge = errors.New("mime: too many header octets in the message")
	ErrNoBoundary          = errors.New("mime: multipart without boundary parameter")
	ErrNoDelimiter         = errors.New("mime: multipart body has no delimiter line")
	ErrNoCloseDelimiter    = errors.New("mime: multipart body has no close delimiter")
	ErrNoHeaderEnd         = errors.New("mime: header block not followed by a blank line")
	ErrEncodedContainer    = errors.New("mime: multipart or message/rfc822 part with a transfer encoding")
	ErrBadContentType      = errors.New("mime: malformed content type")
	ErrBadParameter        = errors.New("mime: malformed parameter")
	ErrUnknownEncoding     = errors.New("mime: unknown transfer encoding")
	ErrNotEncodable        = errors.New("mime: data not valid for its transfer encoding")
	ErrBadBase64           = errors.New("mime: malformed base64")
	ErrBadQuotedPrint      = errors.New("mime: malformed quoted-printable")
	ErrUnknownCharset      = errors.New("mime: unknown charset")
	ErrBadAddress          = errors.New("mime: malformed address")
	ErrBadDate             = errors.New("mime: malformed date")
	ErrBadMessageID        = errors.New("mime: malformed message id")
	ErrBadEncodedWord      = errors.New("mime: malformed encoded word")
	ErrBadSection          = errors.New("mime: no such section")
	ErrMissingFrom         = errors.New("mime: message has no From address") // from Builder
)

// errorLimit caps how much of the offending input an error message quotes.
const errorLimit = 80

func quoteLimited(s string) string {
	if len(s) > errorLimit {
		s = s[:errorLimit] + "..."
	}
	return strconv.Quote(s)
}

// SyntaxError reports malformed input to one of the field parsers
// (addresses, dates, parameters, message ids, encoded words, sections).
type SyntaxError struct {
	Err    error  // the sentinel: ErrBadAddress, ErrBadDate, ...
	Input  string // the input, as given
	Offset int    // byte offset in Input where the problem was found
	Msg    string // what was wrong
}

// Error formats the error with the offending input, quoted and capped.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%v: %s at offset %d in %s", e.Err, e.Msg, e.Offset, quoteLimited(e.Input))
}

// Unwrap returns the sentinel.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Problem is one defect found while reading a message leniently. The parser
// records it in [Message.Problems] and carries on with the best reading it
// can make; the message tree is still usable.
type Problem struct {
	Section string // IMAP section of the part concerned ("" for the top level)
	Offset  int64  // byte offset in the message where the problem was seen
	Err     error  // a sentinel such as ErrNoCloseDelimiter, possibly wrapped
}

// Error says which part, where, and what was wrong.
func (p *Problem) Error() string {
	where := "message"
	if p.Section != "" {
		where = "part " + p.Section
	}
	return fmt.Sprintf("%s at offset %d: %v", where, p.Offset, p.Err)
}

// Unwrap returns the underlying error.
func (p *Problem) Unwrap() error { return p.Err }
