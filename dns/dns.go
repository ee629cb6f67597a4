package dns

import "strconv"

// Type is a resource record type (RFC 1035 section 3.2.2 and later RFCs).
type Type uint16

// Record types this package knows by name. Any other type travels as
// [Unknown] data (RFC 3597).
const (
	TypeA     Type = 1   // RFC 1035 3.4.1: an IPv4 host address
	TypeNS    Type = 2   // RFC 1035 3.3.11: an authoritative name server
	TypeCNAME Type = 5   // RFC 1035 3.3.1: the canonical name for an alias
	TypeSOA   Type = 6   // RFC 1035 3.3.13: start of a zone of authority
	TypePTR   Type = 12  // RFC 1035 3.3.12: a domain name pointer (reverse mapping)
	TypeMX    Type = 15  // RFC 1035 3.3.9: mail exchange
	TypeTXT   Type = 16  // RFC 1035 3.3.14: text strings
	TypeAAAA  Type = 28  // RFC 3596: an IPv6 host address
	TypeSRV   Type = 33  // RFC 2782: service location
	TypeOPT   Type = 41  // RFC 6891: the EDNS0 pseudo-record
	TypeIXFR  Type = 251 // RFC 1995: incremental zone transfer (query only)
	TypeAXFR  Type = 252 // RFC 5936: full zone transfer (query only)
	TypeANY   Type = 255 // RFC 1035 3.2.3 "*": all records (query only)
	TypeCAA   Type = 257 // RFC 8659: certification authority authorization
)

var typeNames = map[Type]string{
	TypeA: "A", TypeNS: "NS", TypeCNAME: "CNAME", TypeSOA: "SOA", TypePTR: "PTR",
	TypeMX: "MX", TypeTXT: "TXT", TypeAAAA: "AAAA", TypeSRV: "SRV", TypeOPT: "OPT",
	TypeIXFR: "IXFR", TypeAXFR: "AXFR", TypeANY: "ANY", TypeCAA: "CAA",
}

// String returns the mnemonic ("MX"), or "TYPE%d" for types without one (RFC 3597 section 5).
func (t Type) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return "TYPE" + strconv.Itoa(int(t))
}

// ParseType parses a mnemonic or the RFC 3597 form "TYPE65280", case-insensitively.
func ParseType(s string) (Type, bool) {
	for t, n := range typeNames {
		if equalFoldASCII(n, s) {
			return t, true
		}
	}
	if len(s) > 4 && equalFoldASCII(s[:4], "TYPE") {
		n, err := strconv.ParseUint(s[4:], 10, 16)
		if err == nil {
			return Type(n), true
		}
	}
	return 0, false
}

// Class is a resource record class (RFC 1035 section 3.2.4).
type Class uint16

// Classes. Only IN is in real use; NONE and ANY carry meaning in dynamic update (RFC 2136 section 2.4).
const (
	ClassINET  Class = 1   // the Internet
	ClassCHAOS Class = 3   // Chaos (version.bind queries)
	ClassNONE  Class = 254 // RFC 2136: delete an RR from an RRset
	ClassANY   Class = 255 // RFC 1035 "*"; in updates: delete an RRset
)

// String returns "IN", "CH", "NONE", "ANY" or "CLASS%d" (RFC 3597 section 5).
func (c Class) String() string {
	switch c {
	case ClassINET:
		return "IN"
	case ClassCHAOS:
		return "CH"
	case ClassNONE:
		return "NONE"
	case ClassANY:
		return "ANY"
	}
	return "CLASS" + strconv.Itoa(int(c))
}

// ParseClass parses a class mnemonic or the RFC 3597 form "CLASS32".
func ParseClass(s string) (Class, bool) {
	for _, c := range []Class{ClassINET, ClassCHAOS, ClassNONE, ClassANY} {
		if equalFoldASCII(c.String(), s) {
			return c, true
		}
	}
	if len(s) > 5 && equalFoldASCII(s[:5], "CLASS") {
		n, err := strconv.ParseUint(s[5:], 10, 16)
		if err == nil {
			return Class(n), true
		}
	}
	return 0, false
}

// Opcode is the kind of query in the header (RFC 1035 section 4.1.1).
type Opcode uint8

// Opcodes.
const (
	OpcodeQuery  Opcode = 0 // a standard query
	OpcodeStatus Opcode = 2 // a server status request
	OpcodeNotify Opcode = 4 // RFC 1996
	OpcodeUpdate Opcode = 5 // RFC 2136 dynamic update
)

// String returns the name dig prints ("QUERY", "UPDATE") or the number.
func (o Opcode) String() string {
	switch o {
	case OpcodeQuery:
		return "QUERY"
	case 1:
		return "IQUERY"
	case OpcodeStatus:
		return "STATUS"
	case OpcodeNotify:
		return "NOTIFY"
	case OpcodeUpdate:
		return "UPDATE"
	}
	return strconv.Itoa(int(o))
}

// Rcode is a response code. The header holds its low 4 bits; with EDNS0 the
// OPT record holds 8 more (RFC 6891 section 6.1.3), so an Rcode is 12 bits.
type Rcode uint16

// Response codes (RFC 1035 section 4.1.1, RFC 2136 section 2.2, RFC 6891).
const (
	RcodeSuccess        Rcode = 0  // NOERROR
	RcodeFormatError    Rcode = 1  // FORMERR: the server could not interpret the query
	RcodeServerFailure  Rcode = 2  // SERVFAIL
	RcodeNameError      Rcode = 3  // NXDOMAIN: the name does not exist
	RcodeNotImplemented Rcode = 4  // NOTIMP
	RcodeRefused        Rcode = 5  // REFUSED
	RcodeYXDomain       Rcode = 6  // RFC 2136: a name exists that should not
	RcodeYXRRSet        Rcode = 7  // RFC 2136: an RRset exists that should not
	RcodeNXRRSet        Rcode = 8  // RFC 2136: an RRset does not exist that should
	RcodeNotAuth        Rcode = 9  // RFC 2136: not authoritative for the zone
	RcodeNotZone        Rcode = 10 // RFC 2136: a name is outside the zone
	RcodeBadVers        Rcode = 16 // RFC 6891: unsupported EDNS version
)

var rcodeNames = map[Rcode]string{
	RcodeSuccess: "NOERROR", RcodeFormatError: "FORMERR", RcodeServerFailure: "SERVFAIL",
	RcodeNameError: "NXDOMAIN", RcodeNotImplemented: "NOTIMP", RcodeRefused: "REFUSED",
	RcodeYXDomain: "YXDOMAIN", RcodeYXRRSet: "YXRRSET", RcodeNXRRSet: "NXRRSET",
	RcodeNotAuth: "NOTAUTH", RcodeNotZone: "NOTZONE", RcodeBadVers: "BADVERS",
}

// String returns the name dig prints in "status:", or "RCODE%d".
func (r Rcode) String() string {
	if s, ok := rcodeNames[r]; ok {
		return s
	}
	return "RCODE" + strconv.Itoa(int(r))
}

// Port is the well-known DNS port for both UDP and TCP (RFC 1035 section 4.2).
const Port = 53

// Limits of the wire format.
const (
	// MaxUDPSize is the largest classic DNS message over UDP without EDNS0 (RFC 1035 section 4.2.1).
	MaxUDPSize = 512
	// DefaultEDNSSize is the UDP payload size this package advertises and accepts by
	// default: 1232 octets avoids IP fragmentation on almost every path (DNS Flag Day 2020).
	DefaultEDNSSize = 1232
	// MaxMsgSize is the largest message: TCP frames carry a 16-bit length (RFC 1035 section 4.2.2).
	MaxMsgSize = 65535
	// MaxNameLen is the longest name in wire form, including the root label (RFC 1035 section 2.3.4).
	MaxNameLen = 255
	// MaxLabelLen is the longest label (RFC 1035 section 2.3.4).
	MaxLabelLen = 63
	// MaxPointers bounds the compression pointers followed while reading one name, so
	// that a loop or a long chain is an error, not a hang (RFC 1035 section 4.1.4).
	MaxPointers = 126
)

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
