package dns

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every error returned by the codec wraps one of them, so
// callers test with [errors.Is]; [*WireError] adds where in the message it happened.
var (
	ErrShortMsg      = errors.New("dns: message too short")                  // the data ends inside a field
	ErrPointerLoop   = errors.New("dns: compression pointer loop")           // pointers revisit or exceed MaxPointers
	ErrBadPointer    = errors.New("dns: compression pointer out of range")   // points at or past the name itself
	ErrNameTooLong   = errors.New("dns: name longer than 255 octets")        // RFC 1035 2.3.4
	ErrLabelTooLong  = errors.New("dns: label longer than 63 octets")        // RFC 1035 2.3.4
	ErrBadLabel      = errors.New("dns: reserved label type")                // 0x40/0x80 label bits (RFC 6891 9)
	ErrBadRdata      = errors.New("dns: malformed record data")              // RDLENGTH disagrees with the type's layout
	ErrTrailingData  = errors.New("dns: trailing data after message")        // bytes left after the last section
	ErrMsgTooLarge   = errors.New("dns: message larger than 65535 octets")   // RFC 1035 4.2.2
	ErrBadName       = errors.New("dns: bad name syntax")                    // presentation form
	ErrEmptyLabel    = errors.New("dns: empty label")                        // "a..b"
	ErrBadRcode      = errors.New("dns: extended rcode needs an OPT record") // Rcode > 15 without EDNS0
	ErrMultipleOPT   = errors.New("dns: more than one OPT record")           // RFC 6891 6.1.1
	ErrSyntax        = errors.New("dns: syntax error")                       // presentation and zone files
	ErrNoAnswer      = errors.New("dns: no answer")                          // resolver found no records
	ErrIDMismatch    = errors.New("dns: reply does not match query")         // ID or question differ
	ErrLimitExceeded = errors.New("dns: resolution limit exceeded")          // resolver bounds
)

// WireError locates a codec error in a message: the section being read or
// written and the byte offset.
type WireError struct {
	Section string // "header", "question", "answer", "authority", "additional"
	Offset  int    // offset in the message of the field that failed
	Err     error  // one of the sentinel errors
}

// Error returns "dns: <cause> in <section> at offset <n>".
func (e *WireError) Error() string {
	return e.Err.Error() + " in " + e.Section + " at offset " + strconv.Itoa(e.Offset)
}

// Unwrap returns the sentinel error.
func (e *WireError) Unwrap() error { return e.Err }

// ParseError reports a syntax error in presentation text or a zone file.
type ParseError struct {
	File  string // zone file name, empty for text parsed by ParseRR
	Line  int    // 1-based line of the offending token
	Token string // the token, capped at 80 bytes
	Err   error  // the cause; wraps ErrSyntax for grammar errors
}

// Error returns "dns: <file>:line <n>: <cause> at \"<token>\"".
func (e *ParseError) Error() string {
	s := "dns: "
	if e.File != "" {
		s += e.File + ":"
	}
	if e.Line > 0 {
		s += "line " + strconv.Itoa(e.Line) + ": "
	}
	msg := e.Err.Error()
	if len(msg) > 5 && msg[:5] == "dns: " {
		msg = msg[5:]
	}
	s += msg
	if e.Token != "" {
		t := e.Token
		if len(t) > 80 {
			t = t[:80]
		}
		s += " at " + strconv.Quote(t)
	}
	return s
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// RcodeError is a reply whose rcode is not NOERROR, returned as an error by the
// client conveniences (NXDOMAIN from LookupHost, SERVFAIL from an exchange).
type RcodeError struct {
	Name  Name
	Rcode Rcode
}

// Error returns "dns: <name>: <RCODE>".
func (e *RcodeError) Error() string {
	return "dns: " + e.Name.String() + ": " + e.Rcode.String()
}

// IsNotFound reports whether err says that a name does not exist (NXDOMAIN) or
// has no records of the type asked for.
func IsNotFound(err error) bool {
	var re *RcodeError
	if errors.As(err, &re) {
		return re.Rcode == RcodeNameError
	}
	return errors.Is(err, ErrNoAnswer)
}

// syntaxDetail is a grammar error with a short description; it matches ErrSyntax.
type syntaxDetail string

func (e syntaxDetail) Error() string        { return "dns: " + string(e) }
func (e syntaxDetail) Is(target error) bool { return target == ErrSyntax }

var (
	errMissingField   error = syntaxDetail("missing field")
	errStringTooLong  error = syntaxDetail("character-string longer than 255 octets")
	errUnbalanced     error = syntaxDetail("unbalanced parentheses")
	errNewlineInQuote error = syntaxDetail("newline inside quoted string")
	errEntryTooLong   error = syntaxDetail("entry longer than MaxZoneEntryLen")
	errNoOwner        error = syntaxDetail("no previous owner name")
	errUnknownType    error = syntaxDetail("unknown type")
	errBadDirective   error = syntaxDetail("unknown or malformed directive")
	errIncludeOff     error = syntaxDetail("$INCLUDE not enabled")
	errIncludeDepth   error = syntaxDetail("$INCLUDE nested too deeply")
)
