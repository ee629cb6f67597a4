package imap

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors of the codec. The typed errors below match them with
// errors.Is.
var (
	// ErrLineTooLong is returned when a line exceeds the reader's
	// MaxLineLength.
	ErrLineTooLong = errors.New("imap: line too long")
	// ErrLiteralTooLarge is returned when a literal announces more octets
	// than the reader's MaxLiteralSize.
	ErrLiteralTooLarge = errors.New("imap: literal too large")
	// ErrCommandTooLarge is returned when one command or response exceeds
	// the reader's MaxCommandSize.
	ErrCommandTooLarge = errors.New("imap: command too large")
	// ErrTooDeep is returned when lists nest deeper than MaxDepth.
	ErrTooDeep = errors.New("imap: lists nested too deeply")
	// ErrSyntax is matched by every *SyntaxError.
	ErrSyntax = errors.New("imap: syntax error")
)

// errorLimit caps how much of the peer's input is quoted in an error.
const errorLimit = 40

// SyntaxError reports input that breaks the IMAP grammar.
type SyntaxError struct {
	What string // what was expected or found, e.g. "expected SP"
	Near string // the input near the error, capped in length
}

// Error describes the syntax error.
func (e *SyntaxError) Error() string {
	if e.Near == "" {
		return "imap: syntax error: " + e.What
	}
	return fmt.Sprintf("imap: syntax error: %s near %q", e.What, e.Near)
}

// Is makes errors.Is(err, ErrSyntax) true.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

func syntaxErr(what string, near []byte) error {
	if len(near) > errorLimit {
		near = near[:errorLimit]
	}
	return &SyntaxError{What: what, Near: string(near)}
}

// LiteralTooLargeError reports a literal larger than the limit.
type LiteralTooLargeError struct {
	Size, Limit int64
	// Sync is true for a synchronizing literal {n}: the peer is waiting for
	// a continuation and has sent nothing more, so the connection can go on.
	// A non-synchronizing {n+} literal is already on its way.
	Sync bool
}

// Error says how large the literal was and what the limit is.
func (e *LiteralTooLargeError) Error() string {
	return fmt.Sprintf("imap: literal of %d octets exceeds the limit of %d", e.Size, e.Limit)
}

// Is makes errors.Is(err, ErrLiteralTooLarge) true.
func (e *LiteralTooLargeError) Is(target error) bool { return target == ErrLiteralTooLarge }

// Error is a status response used as an error: the server returns it from a
// [Session] method to send that exact reply, and the [Client] returns it when
// a command ends in NO or BAD (RFC 9051 section 7.1).
type Error struct {
	Type StatusType // StatusNO, StatusBAD or StatusBYE
	Code string     // response code such as "TRYCREATE", or ""
	Args []Value    // arguments of the response code
	Text string     // human-readable text
}

// Error formats the status response, e.g. "imap: NO [TRYCREATE] no such mailbox".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("imap: ")
	b.WriteString(string(e.Type))
	if e.Code != "" {
		b.WriteString(" [")
		b.WriteString(e.Code)
		b.WriteString("]")
	}
	if e.Text != "" {
		b.WriteString(" ")
		b.WriteString(e.Text)
	}
	return b.String()
}

// Response codes of RFC 9051 section 7.1 and extensions.
const (
	CodeAlert           = "ALERT"
	CodeAlreadyExists   = "ALREADYEXISTS"
	CodeAppendUID       = "APPENDUID" // RFC 4315
	CodeAuthFailed      = "AUTHENTICATIONFAILED"
	CodeBadCharset      = "BADCHARSET"
	CodeCannot          = "CANNOT"
	CodeCapability      = "CAPABILITY"
	CodeClosed          = "CLOSED"
	CodeCopyUID         = "COPYUID" // RFC 4315
	CodeNonExistent     = "NONEXISTENT"
	CodeParse           = "PARSE"
	CodePermanentFlags  = "PERMANENTFLAGS"
	CodePrivacyRequired = "PRIVACYREQUIRED"
	CodeReadOnly        = "READ-ONLY"
	CodeReadWrite       = "READ-WRITE"
	CodeServerBug       = "SERVERBUG"
	CodeTooBig          = "TOOBIG" // RFC 7888
	CodeTryCreate       = "TRYCREATE"
	CodeUIDNext         = "UIDNEXT"
	CodeUIDValidity     = "UIDVALIDITY"
	CodeUnavailable     = "UNAVAILABLE"
	CodeUnknownCTE      = "UNKNOWN-CTE" // RFC 3516
	CodeNoPerm          = "NOPERM"
	CodeInUse           = "INUSE"
	CodeExpungeIssued   = "EXPUNGEISSUED"
)

// ErrNoSuchMailbox is returned by a [Backend] for a mailbox that does not exist.
var ErrNoSuchMailbox = &Error{Type: StatusNO, Code: CodeNonExistent, Text: "no such mailbox"}

// ErrMailboxExists is returned by a [Backend] when CREATE or RENAME names an
// existing mailbox.
var ErrMailboxExists = &Error{Type: StatusNO, Code: CodeAlreadyExists, Text: "mailbox already exists"}
