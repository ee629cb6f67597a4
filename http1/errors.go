package http1

import "errors"

// StatusError is a protocol error that has an HTTP status: the reply a server
// sends when it meets it (400, 414, 431, 501, 505). The sentinel values
// below are *StatusError; wrapped forms satisfy errors.Is with them and
// errors.As with *StatusError.
type StatusError struct {
	Status Status // the reply a server sends
	Msg    string // what went wrong, without the "http1: " prefix
}

// Error returns "http1: " and the message.
func (e *StatusError) Error() string { return "http1: " + e.Msg }

// Errors of the message syntax and framing (RFC 9112). Each one is the
// status a server answers with before it closes the connection.
var (
	ErrRequestLineTooLong  = &StatusError{StatusURITooLong, "request line too long"}                     // Limits.MaxRequestLine
	ErrHeaderTooLarge      = &StatusError{StatusRequestHeaderFieldsTooLarge, "header section too large"} // Limits.MaxHeaderBytes
	ErrTooManyFields       = &StatusError{StatusRequestHeaderFieldsTooLarge, "too many header fields"}   // Limits.MaxHeaderFields
	ErrBadRequestLine      = &StatusError{StatusBadRequest, "malformed request line"}
	ErrBadStatusLine       = &StatusError{StatusBadRequest, "malformed status line"}
	ErrBadVersion          = &StatusError{StatusBadRequest, "malformed HTTP version"}
	ErrVersionNotSupported = &StatusError{StatusHTTPVersionNotSupported, "HTTP version not supported"}
	ErrBadTarget           = &StatusError{StatusBadRequest, "malformed request-target"}
	ErrBareLF              = &StatusError{StatusBadRequest, "bare LF where CRLF is required"}
	ErrObsFold             = &StatusError{StatusBadRequest, "obsolete line folding"}
	ErrBadFieldName        = &StatusError{StatusBadRequest, "malformed header field name"}
	ErrBadFieldValue       = &StatusError{StatusBadRequest, "malformed header field value"}
	ErrMissingHost         = &StatusError{StatusBadRequest, "HTTP/1.1 request without Host"}
	ErrBadHost             = &StatusError{StatusBadRequest, "malformed or repeated Host"}
	ErrBadContentLength    = &StatusError{StatusBadRequest, "malformed or conflicting Content-Length"}
	ErrLengthAndChunked    = &StatusError{StatusBadRequest, "both Content-Length and Transfer-Encoding"}
	ErrBadTransferCoding   = &StatusError{StatusNotImplemented, "unsupported Transfer-Encoding"}
	ErrChunkedHTTP10       = &StatusError{StatusBadRequest, "Transfer-Encoding in an HTTP/1.0 message"} // RFC 9112, 6.1: faulty framing
	ErrBadChunk            = &StatusError{StatusBadRequest, "malformed chunk"}
	ErrChunkLineTooLong    = &StatusError{StatusBadRequest, "chunk-size line too long"} // Limits.MaxChunkLine
	ErrBodyTooLarge        = &StatusError{StatusContentTooLarge, "body too large"}
)

// ErrBodyClosed is returned by reading a body after its Close.
var ErrBodyClosed = errors.New("http1: read on closed body")

// SyntaxError wraps one of the sentinel errors with the offending text,
// capped at [maxErrorText] bytes, so logs say which byte was wrong.
type SyntaxError struct {
	Err  *StatusError // the sentinel: its Status is the reply
	Text string       // the offending input, capped
}

// maxErrorText caps the input quoted in a SyntaxError.
const maxErrorText = 80

// Error returns the sentinel's text and the quoted input.
func (e *SyntaxError) Error() string {
	t := e.Text
	if len(t) > maxErrorText {
		t = t[:maxErrorText] + "..."
	}
	return e.Err.Error() + ": " + quote(t)
}

// Unwrap returns the sentinel, so errors.Is(err, ErrBadChunk) works.
func (e *SyntaxError) Unwrap() error { return e.Err }

// syntaxErr builds a SyntaxError, copying b (which may be a reused buffer).
func syntaxErr(sentinel *StatusError, b []byte) error {
	if len(b) > maxErrorText {
		b = b[:maxErrorText+1]
	}
	return &SyntaxError{Err: sentinel, Text: string(b)}
}

// StatusOf returns the status a server should answer with for err: the
// status of the *StatusError inside it, or 400 when err is something else.
func StatusOf(err error) Status {
	var e *StatusError
	if errors.As(err, &e) {
		return e.Status
	}
	return StatusBadRequest
}

// quote renders s like %q without importing fmt or strconv.
func quote(s string) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\r':
			b = append(b, `\r`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '\t':
			b = append(b, `\t`...)
		case c < ' ' || c >= 0x7f:
			b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
		default:
			b = append(b, c)
		}
	}
	return string(append(b, '"'))
}
