package imap

// Limits of the codec and the server. Each one is also a field of [Reader] or
// [Server]; a zero field means the default below.
const (
	// DefaultMaxLineLength caps one line of a command or response, counted
	// without the bytes of any literal it carries and including CRLF.
	// RFC 9051 section 4 sets no limit; RFC 7162 section 4 asks servers to
	// accept lines of at least 8192 octets.
	DefaultMaxLineLength = 64 << 10

	// DefaultMaxLiteralSize caps one literal ({n} or {n+}): an APPENDed
	// message or a fetched body section. RFC 7888 section 4 lets servers
	// refuse larger literals with [TOOBIG].
	DefaultMaxLiteralSize = 32 << 20

	// DefaultMaxCommandSize caps all the bytes of one command or response,
	// literals included.
	DefaultMaxCommandSize = 64 << 20

	// DefaultMaxDepth caps the nesting of parenthesized lists (search keys,
	// BODYSTRUCTURE).
	DefaultMaxDepth = 64

	// DefaultMaxQuotedLength is the longest string the writer sends as a
	// quoted string; longer strings become literals.
	DefaultMaxQuotedLength = 1024
)

// ConnState is the state of an IMAP connection (RFC 9051 section 3).
type ConnState int

// The connection states of RFC 9051 section 3.
const (
	StateNotAuthenticated ConnState = iota // 3.1: before LOGIN or AUTHENTICATE
	StateAuthenticated                     // 3.2: logged in, no mailbox selected
	StateSelected                          // 3.3: a mailbox is selected
	StateLogout                            // 3.4: the connection is closing
)

var stateNames = [...]string{"not authenticated", "authenticated", "selected", "logout"}

// String returns the RFC's name of the state.
func (s ConnState) String() string {
	if int(s) < len(stateNames) && s >= 0 {
		return stateNames[s]
	}
	return "unknown state"
}

// StatusType is the status word of a status response (RFC 9051 section 7.1).
type StatusType string

// Status words of RFC 9051 section 7.1.
const (
	StatusOK      StatusType = "OK"      // 7.1.1
	StatusNO      StatusType = "NO"      // 7.1.2
	StatusBAD     StatusType = "BAD"     // 7.1.3
	StatusPREAUTH StatusType = "PREAUTH" // 7.1.4
	StatusBYE     StatusType = "BYE"     // 7.1.5
)

func parseStatusType(s string) (StatusType, bool) {
	switch StatusType(upper(s)) {
	case StatusOK, StatusNO, StatusBAD, StatusPREAUTH, StatusBYE:
		return StatusType(upper(s)), true
	}
	return "", false
}

// Flag is a message flag (RFC 9051 section 2.3.2). System flags begin with a
// backslash; keywords are atoms.
type Flag string

// System flags of RFC 9051 section 2.3.2.
const (
	FlagSeen     Flag = `\Seen`
	FlagAnswered Flag = `\Answered`
	FlagFlagged  Flag = `\Flagged`
	FlagDeleted  Flag = `\Deleted`
	FlagDraft    Flag = `\Draft`
	FlagRecent   Flag = `\Recent` // IMAP4rev1 only; RFC 9051 removed it
	// FlagWildcard in PERMANENTFLAGS says that clients may create keywords.
	FlagWildcard Flag = `\*`
)

// canonicalFlag spells system flags the RFC's way so that \SEEN and \Seen
// compare equal; keywords are kept as sent.
func canonicalFlag(s string) Flag {
	for _, f := range []Flag{FlagSeen, FlagAnswered, FlagFlagged, FlagDeleted, FlagDraft, FlagRecent, FlagWildcard} {
		if equalFold(s, string(f)) {
			return f
		}
	}
	return Flag(s)
}

// MailboxAttr is a mailbox name attribute in a LIST response (RFC 9051
// section 7.3.1, RFC 6154 for the special-use attributes).
type MailboxAttr string

// Mailbox attributes of RFC 9051 section 7.3.1 and RFC 6154 section 2.
const (
	AttrNonExistent   MailboxAttr = `\NonExistent`
	AttrNoInferiors   MailboxAttr = `\Noinferiors`
	AttrNoSelect      MailboxAttr = `\Noselect`
	AttrHasChildren   MailboxAttr = `\HasChildren`
	AttrHasNoChildren MailboxAttr = `\HasNoChildren`
	AttrMarked        MailboxAttr = `\Marked`
	AttrUnmarked      MailboxAttr = `\Unmarked`
	AttrSubscribed    MailboxAttr = `\Subscribed`

	AttrAll     MailboxAttr = `\All`
	AttrArchive MailboxAttr = `\Archive`
	AttrDrafts  MailboxAttr = `\Drafts`
	AttrFlagged MailboxAttr = `\Flagged`
	AttrJunk    MailboxAttr = `\Junk`
	AttrSent    MailboxAttr = `\Sent`
	AttrTrash   MailboxAttr = `\Trash`
)

// Inbox is the one mailbox name that is case-insensitive (RFC 9051 section 5.1).
const Inbox = "INBOX"

// Delimiter is the hierarchy delimiter of the mailbox names this package's
// server uses (RFC 9051 section 5.1.1).
const Delimiter = '/'

// Cap is a capability name (RFC 9051 section 7.2.2).
type Cap string

// Capabilities this package knows.
const (
	CapIMAP4rev1     Cap = "IMAP4rev1"     // RFC 3501
	CapIMAP4rev2     Cap = "IMAP4rev2"     // RFC 9051
	CapStartTLS      Cap = "STARTTLS"      // RFC 9051 section 6.2.1
	CapLoginDisabled Cap = "LOGINDISABLED" // RFC 9051 section 6.2.3
	CapAuthPlain     Cap = "AUTH=PLAIN"    // RFC 4616
	CapLiteralPlus   Cap = "LITERAL+"      // RFC 7888
	CapLiteralMinus  Cap = "LITERAL-"      // RFC 7888
	CapIdle          Cap = "IDLE"          // RFC 2177
	CapUIDPlus       Cap = "UIDPLUS"       // RFC 4315
	CapMove          Cap = "MOVE"          // RFC 6851
	CapUnselect      Cap = "UNSELECT"      // RFC 3691
	CapNamespace     Cap = "NAMESPACE"     // RFC 2342
	CapEnable        Cap = "ENABLE"        // RFC 5161
	CapESearch       Cap = "ESEARCH"       // RFC 4731
	CapSpecialUse    Cap = "SPECIAL-USE"   // RFC 6154
	CapListExtended  Cap = "LIST-EXTENDED" // RFC 5258
	CapBinary        Cap = "BINARY"        // RFC 3516
	CapSASLIR        Cap = "SASL-IR"       // RFC 4959
	CapStatusSize    Cap = "STATUS=SIZE"   // RFC 8438
	CapUTF8Accept    Cap = "UTF8=ACCEPT"   // RFC 6855
	CapChildren      Cap = "CHILDREN"      // RFC 3348
	CapListStatus    Cap = "LIST-STATUS"   // RFC 5819
	CapAppendLimit   Cap = "APPENDLIMIT"   // RFC 7889
	CapID            Cap = "ID"            // RFC 2971
)

// CapSet is a set of capabilities, as announced by CAPABILITY.
type CapSet map[Cap]bool

// Has reports whether c is in the set, ignoring case.
func (s CapSet) Has(c Cap) bool {
	if s[c] {
		return true
	}
	for k := range s {
		if equalFold(string(k), string(c)) {
			return true
		}
	}
	return false
}

func upper(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'a' && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x >= 'a' && x <= 'z' {
			x -= 'a' - 'A'
		}
		if y >= 'a' && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
