package pop3

import (
	"errors"
	"fmt"
)

// Sentinel errors of the codec; test with [errors.Is].
var (
	// ErrSyntax means a command or response line does not follow the grammar
	// (see [SyntaxError] for which line and why).
	ErrSyntax = errors.New("pop3: syntax error")
	// ErrUnknownCommand means a command keyword is not one this package knows.
	ErrUnknownCommand = errors.New("pop3: unknown command")
)

// SyntaxError reports a malformed command or response line. It matches
// [ErrSyntax], or [ErrUnknownCommand] for an unknown keyword.
type SyntaxError struct {
	Line   string // the offending line, capped at errorLimit octets
	Reason string
	err    error
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("pop3: %s: %q", e.Reason, e.Line)
}

// Unwrap returns ErrSyntax or ErrUnknownCommand.
func (e *SyntaxError) Unwrap() error { return e.err }

// errorLimit caps how much of a peer's line an error quotes.
const errorLimit = 80

func syntaxError(line []byte, reason string) error {
	return newSyntaxError(line, reason, ErrSyntax)
}

func newSyntaxError(line []byte, reason string, err error) error {
	s := string(line)
	if len(s) > errorLimit {
		s = s[:errorLimit] + "..."
	}
	return &SyntaxError{Line: s, Reason: reason, err: err}
}

// Error is a "-ERR" reply: a server returns one (from a [Backend] method or
// built by the server) to say no, and a [Client] method returns the server's
// -ERR as an *Error.
type Error struct {
	Code ResponseCode // optional extended response code (RFC 2449 section 8)
	Text string       // the human-readable text
}

func (e *Error) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("pop3: -ERR [%s] %s", e.Code, e.Text)
	}
	return "pop3: -ERR " + e.Text
}

// Errors a [Backend] returns to refuse a login; they are sent as they are.
var (
	// ErrAuthFailed: the user name or password is wrong (RFC 3206 [AUTH]).
	ErrAuthFailed = &Error{Code: CodeAuth, Text: "authentication failed"}
	// ErrInUse: another session holds the maildrop's lock (RFC 2449 [IN-USE]).
	ErrInUse = &Error{Code: CodeInUse, Text: "maildrop already locked by another session"}
	// ErrLoginDelay: the user logged in again too soon (RFC 2449 [LOGIN-DELAY]).
	ErrLoginDelay = &Error{Code: CodeLoginDelay, Text: "logged in too recently"}
)
