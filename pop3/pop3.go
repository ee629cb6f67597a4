package pop3

// Verb is a POP3 command keyword, always in upper case (the wire form is
// case-insensitive, RFC 1939 section 3).
type Verb string

// The commands of RFC 1939 (section 4 to 7), RFC 2449 (CAPA), RFC 2595
// (STLS) and RFC 5034 (AUTH).
const (
	USER Verb = "USER" // RFC 1939 section 7: name the maildrop
	PASS Verb = "PASS" // RFC 1939 section 7: password for USER
	APOP Verb = "APOP" // RFC 1939 section 7: name and MD5 digest of the greeting's timestamp + secret
	AUTH Verb = "AUTH" // RFC 5034: SASL authentication (PLAIN here)
	STLS Verb = "STLS" // RFC 2595 section 4: start TLS
	CAPA Verb = "CAPA" // RFC 2449 section 5: list capabilities
	QUIT Verb = "QUIT" // RFC 1939 section 4 and 6: end the session (and apply deletions)
	STAT Verb = "STAT" // RFC 1939 section 5: count and size of the maildrop
	LIST Verb = "LIST" // RFC 1939 section 5: size of one or all messages
	RETR Verb = "RETR" // RFC 1939 section 5: retrieve a message
	DELE Verb = "DELE" // RFC 1939 section 5: mark a message deleted
	NOOP Verb = "NOOP" // RFC 1939 section 5: do nothing
	RSET Verb = "RSET" // RFC 1939 section 5: unmark deleted messages
	TOP  Verb = "TOP"  // RFC 1939 section 7: the header and the first n body lines
	UIDL Verb = "UIDL" // RFC 1939 section 7: unique-id of one or all messages
)

// String returns the verb as sent on the wire.
func (v Verb) String() string { return string(v) }

// arity gives the number of arguments a verb takes (min, max) and whether
// it is known at all. PASS takes the rest of the line as one argument.
func (v Verb) arity() (min, max int, known bool) {
	switch v {
	case STLS, CAPA, QUIT, STAT, NOOP, RSET:
		return 0, 0, true
	case USER, PASS, RETR, DELE:
		return 1, 1, true
	case LIST, UIDL:
		return 0, 1, true
	case APOP, TOP:
		return 2, 2, true
	case AUTH:
		return 0, 2, true
	}
	return 0, 0, false
}

// ResponseCode is an extended response code of RFC 2449 section 8, sent in
// brackets after the status indicator: "-ERR [IN-USE] maildrop locked".
type ResponseCode string

// The response codes of RFC 2449 section 8 and RFC 3206.
const (
	CodeLoginDelay ResponseCode = "LOGIN-DELAY" // RFC 2449 8.1.1: logged in too soon after the last time
	CodeInUse      ResponseCode = "IN-USE"      // RFC 2449 8.1.2: the maildrop is locked by another session
	CodeSysTemp    ResponseCode = "SYS/TEMP"    // RFC 3206 4: temporary system problem
	CodeSysPerm    ResponseCode = "SYS/PERM"    // RFC 3206 4: permanent system problem
	CodeAuth       ResponseCode = "AUTH"        // RFC 3206 5: the credentials are wrong
)

// Limits of the protocol, used when the corresponding field is zero.
const (
	// DefaultMaxLineLength is the longest command line a server accepts and
	// the longest status line a client accepts, in octets including CRLF.
	// RFC 2449 section 4 sets 255 for commands and 512 for responses; the
	// larger value is used for both so AUTH initial responses fit.
	DefaultMaxLineLength = 512

	// MaxArgLength is the longest argument of RFC 1939 section 3 (40
	// octets). It is enforced for USER and APOP names only: real clients
	// send longer passwords and SASL responses.
	MaxArgLength = 40

	// maxNumberDigits bounds a message number or line count.
	maxNumberDigits = 9
)
