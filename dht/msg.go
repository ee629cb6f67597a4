package dht

import (
	"net/netip"
	"strconv"

	"github.com/applayer/applayer/bittorrent/bencode"
)

// Limits of the KRPC codec.
const (
	// MaxMessageSize is the largest KRPC datagram parsed or sent. BEP 5 asks
	// responses to fit one unfragmented UDP datagram; 1500 bytes covers every
	// well-formed message including a 1000-byte BEP 44 value.
	MaxMessageSize = 1500
	// MaxTransactionIDLen bounds the "t" field; real clients use 2 to 4 bytes.
	MaxTransactionIDLen = 16
	// MaxValues bounds the peers accepted in one "values" list.
	MaxValues = 200
	// MaxItemSize is the largest BEP 44 value "v", bencoded.
	MaxItemSize = 1000
	// MaxSaltSize is the largest BEP 44 salt.
	MaxSaltSize = 64
)

// A Kind is the "y" of a KRPC message.
type Kind byte

// The three kinds of KRPC message (BEP 5).
const (
	KindQuery    Kind = 'q'
	KindResponse Kind = 'r'
	KindError    Kind = 'e'
)

func (k Kind) String() string {
	switch k {
	case KindQuery:
		return "query"
	case KindResponse:
		return "response"
	case KindError:
		return "error"
	}
	return "kind(" + string(rune(k)) + ")"
}

// A Method is the "q" of a query.
type Method string

// The methods of BEP 5 and BEP 44.
const (
	MethodPing         Method = "ping"
	MethodFindNode     Method = "find_node"
	MethodGetPeers     Method = "get_peers"
	MethodAnnouncePeer Method = "announce_peer"
	MethodGet          Method = "get" // BEP 44
	MethodPut          Method = "put" // BEP 44
)

// Known reports whether m is one of the methods this package serves.
func (m Method) Known() bool {
	switch m {
	case MethodPing, MethodFindNode, MethodGetPeers, MethodAnnouncePeer, MethodGet, MethodPut:
		return true
	}
	return false
}

// Args holds the arguments of a query ("a") or the values of a response
// ("r"); which fields are used depends on the method. Byte-string fields
// that are nil are left out when formatting.
type Args struct {
	ID       ID // the sender's node ID (always present)
	Target   ID // find_node, get (BEP 44): the ID looked for
	InfoHash ID // get_peers, announce_peer

	// Port is announce_peer's port; ImpliedPort asks the receiver to use
	// the UDP source port instead (for peers behind NAT, uTP).
	Port        int
	ImpliedPort bool
	// Token is the write token: in a get_peers or get response, and echoed
	// back in announce_peer or put.
	Token []byte

	// Nodes and Nodes6 are the closest nodes a response returns, in the
	// compact formats of BEP 5 and BEP 32.
	Nodes  []NodeInfo
	Nodes6 []NodeInfo
	// Values are the peers of a get_peers response.
	Values []netip.AddrPort
	// Want lists the address families wanted ("n4", "n6"; BEP 32).
	Want []string

	// BEP 44 fields. V is the bencoded item; K the ed25519 public key;
	// Sig the signature; Salt optional; Seq is the mutable sequence number
	// (HasSeq says it is present, as 0 is valid); CAS the expected current
	// sequence number of a compare-and-swap put (HasCAS).
	V      []byte
	K      []byte
	Sig    []byte
	Salt   []byte
	Seq    int64
	HasSeq bool
	CAS    int64
	HasCAS bool
}

// A Msg is one KRPC message: a query, a response or an error.
type Msg struct {
	// T is the transaction ID: chosen by the querier and echoed back.
	T    []byte
	Kind Kind
	// Method is set for queries.
	Method Method
	// Args are the query arguments or the response values.
	Args Args
	// Err is set for error messages.
	Err *Error
	// Version is the optional client version "v".
	Version []byte
	// IP is the requester's address as the responder sees it (BEP 42 "ip").
	IP netip.AddrPort
	// ReadOnly is set on queries from read-only nodes (BEP 43 "ro": 1).
	ReadOnly bool
}

func malformed(field, detail string) error {
	return &ParseError{Field: field, Err: ErrMalformed, Detail: detail}
}

// ParseMsg parses one KRPC datagram. The byte slices of the result (T,
// Token, V, ...) alias b. On error the returned message still carries the
// transaction ID when one could be read, so that a server can answer with
// error 203.
func ParseMsg(b []byte) (*Msg, error) {
	m := &Msg{}
	if len(b) > MaxMessageSize {
		return m, &ParseError{Err: ErrTooLarge}
	}
	return m, parseMsgFast(b, m)
}

// AppendMsg appends the bencoded form of m to b, keys in sorted order as
// bencoding requires. Nodes whose address is not of the list's family
// (Nodes: IPv4, Nodes6: IPv6) are left out; empty byte strings and lists
// are left out; Args.V must be one valid bencoded value.
func AppendMsg(b []byte, m *Msg) ([]byte, error) {
	start := len(b)
	b = append(b, 'd')
	var err error
	switch m.Kind {
	case KindQuery:
		b = append(b, "1:a"...)
		if b, err = appendArgs(b, &m.Args, m.Method, m.Kind); err != nil {
			return b[:start], err
		}
	case KindResponse:
	case KindError:
		e := m.Err
		if e == nil {
			e = &Error{Code: ErrorGeneric}
		}
		b = append(b, "1:eli"...)
		b = strconv.AppendInt(b, int64(e.Code), 10)
		b = append(b, 'e')
		b = bencode.AppendString(b, e.Msg)
		b = append(b, 'e')
	default:
		return b[:start], malformed("y", "unknown message kind")
	}
	if m.IP.IsValid() {
		b = append(b, "2:ip"...)
		b = bencode.AppendBytes(b, AppendCompactPeer(nil, m.IP))
	}
	if m.Kind == KindQuery {
		b = append(b, "1:q"...)
		b = bencode.AppendString(b, string(m.Method))
	}
	if m.Kind == KindResponse {
		b = append(b, "1:r"...)
		if b, err = appendArgs(b, &m.Args, m.Method, m.Kind); err != nil {
			return b[:start], err
		}
	}
	if m.ReadOnly {
		b = append(b, "2:roi1e"...)
	}
	b = append(b, "1:t"...)
	b = bencode.AppendBytes(b, m.T)
	if len(m.Version) > 0 {
		b = append(b, "1:v"...)
		b = bencode.AppendBytes(b, m.Version)
	}
	b = append(b, "1:y1:"...)
	b = append(b, byte(m.Kind))
	return append(b, 'e'), nil
}

func appendKeyBytes(b []byte, key string, v []byte) []byte {
	if len(v) == 0 {
		return b
	}
	b = bencode.AppendString(b, key)
	return bencode.AppendBytes(b, v)
}

func appendKeyInt(b []byte, key string, v int64) []byte {
	b = bencode.AppendString(b, key)
	return bencode.AppendInt(b, v)
}

// appendArgs appends an argument or response dictionary.
func appendArgs(b []byte, a *Args, m Method, kind Kind) ([]byte, error) {
	b = append(b, 'd')
	if a.HasCAS {
		b = appendKeyInt(b, "cas", a.CAS)
	}
	b = appendKeyBytes(b, "id", a.ID[:])
	if a.ImpliedPort {
		b = appendKeyInt(b, "implied_port", 1)
	}
	if !a.InfoHash.IsZero() {
		b = appendKeyBytes(b, "info_hash", a.InfoHash[:])
	}
	b = appendKeyBytes(b, "k", a.K)
	var nodes [8 * CompactNode6Len]byte
	b = appendKeyBytes(b, "nodes", AppendCompactNodes(nodes[:0], a.Nodes, false))
	b = appendKeyBytes(b, "nodes6", AppendCompactNodes(nodes[:0], a.Nodes6, true))
	if a.Port != 0 || (kind == KindQuery && m == MethodAnnouncePeer) {
		b = appendKeyInt(b, "port", int64(a.Port))
	}
	b = appendKeyBytes(b, "salt", a.Salt)
	if a.HasSeq {
		b = appendKeyInt(b, "seq", a.Seq)
	}
	b = appendKeyBytes(b, "sig", a.Sig)
	if !a.Target.IsZero() {
		b = appendKeyBytes(b, "target", a.Target[:])
	}
	b = appendKeyBytes(b, "token", a.Token)
	if len(a.V) > 0 {
		if !bencode.Valid(a.V) {
			return b, malformed("v", "not one bencoded value")
		}
		b = append(b, "1:v"...)
		b = append(b, a.V...)
	}
	if len(a.Values) > 0 {
		b = append(b, "6:valuesl"...)
		var peer [CompactPeer6Len]byte
		for _, p := range a.Values {
			b = bencode.AppendBytes(b, AppendCompactPeer(peer[:0], p))
		}
		b = append(b, 'e')
	}
	if len(a.Want) > 0 {
		b = append(b, "4:wantl"...)
		for _, w := range a.Want {
			b = bencode.AppendString(b, w)
		}
		b = append(b, 'e')
	}
	return append(b, 'e'), nil
}
