package mime

// Encoding is a Content-Transfer-Encoding mechanism (RFC 2045 section 6),
// always in lower case.
type Encoding string

// The transfer encodings of RFC 2045 section 6.1.
const (
	SevenBit        Encoding = "7bit"             // US-ASCII, lines of at most 998 octets (RFC 2045 section 2.7)
	EightBit        Encoding = "8bit"             // any octet but NUL, short lines (RFC 2045 section 2.8)
	Binary          Encoding = "binary"           // any octets, no line structure (RFC 2045 section 2.9)
	QuotedPrintable Encoding = "quoted-printable" // mostly-ASCII text with =XX escapes (RFC 2045 section 6.7)
	Base64          Encoding = "base64"           // 6 bits per character, 76-character lines (RFC 2045 section 6.8)
)

// Identity reports whether e leaves the body octets unchanged (7bit, 8bit,
// binary and the empty default), so that a message/rfc822 or multipart body
// can be parsed in place.
func (e Encoding) Identity() bool {
	switch e {
	case "", SevenBit, EightBit, Binary:
		return true
	}
	return false
}

// Known reports whether e is one of the five encodings of RFC 2045.
func (e Encoding) Known() bool {
	return e.Identity() || e == QuotedPrintable || e == Base64
}

// Limits on what a parsed message may hold. A [Parser] with zero fields uses
// these values.
const (
	// DefaultMaxHeaderBytes caps one header block (a message's or a part's),
	// counting every octet including line breaks and the blank line.
	DefaultMaxHeaderBytes = 256 << 10

	// DefaultMaxTotalHeaderBytes caps the header octets kept for a whole
	// message tree, so that memory stays bounded however many parts a
	// message has: the tree holds at most this much plus one header block.
	DefaultMaxTotalHeaderBytes = 8 << 20

	// DefaultMaxHeaderFields caps the number of fields in one header block.
	DefaultMaxHeaderFields = 1000

	// DefaultMaxDepth caps how deeply multiparts and message/rfc822 parts may
	// nest below the top-level message (which is depth 0).
	DefaultMaxDepth = 32

	// DefaultMaxParts caps the number of parts in one message tree,
	// counting every node (the top-level message included).
	DefaultMaxParts = 10000
)

// Line-length limits for output (and for what 7bit content may hold).
const (
	// MaxLineLength is the hard limit on a line of a message, excluding the
	// CRLF (RFC 5322 section 2.1.1).
	MaxLineLength = 998

	// RecommendedLineLength is the length header lines are folded to when
	// possible, excluding the CRLF (RFC 5322 section 2.1.1).
	RecommendedLineLength = 78

	// MaxEncodedLineLength is the longest line a base64 or quoted-printable
	// encoder writes, excluding the CRLF (RFC 2045 sections 6.7 and 6.8).
	MaxEncodedLineLength = 76
)
