package dht

import (
	"net/netip"

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

// wire types mirror the bencoded dictionaries.
type wireArgs struct {
	ID          []byte             `bencode:"id,omitempty"`
	Target      []byte             `bencode:"target,omitempty"`
	InfoHash    []byte             `bencode:"info_hash,omitempty"`
	Port        *int64             `bencode:"port,omitempty"`
	ImpliedPort *int64             `bencode:"implied_port,omitempty"`
	Token       []byte             `bencode:"token,omitempty"`
	Nodes       []byte             `bencode:"nodes,omitempty"`
	Nodes6      []byte             `bencode:"nodes6,omitempty"`
	Values      [][]byte           `bencode:"values,omitempty"`
	Want        []string           `bencode:"want,omitempty"`
	V           bencode.RawMessage `bencode:"v,omitempty"`
	K           []byte             `bencode:"k,omitempty"`
	Sig         []byte             `bencode:"sig,omitempty"`
	Salt        []byte             `bencode:"salt,omitempty"`
	Seq         *int64             `bencode:"seq,omitempty"`
	CAS         *int64             `bencode:"cas,omitempty"`
}

type wireMsg struct {
	A  *wireArgs `bencode:"a,omitempty"`
	E  []any     `bencode:"e,omitempty"`
	IP []byte    `bencode:"ip,omitempty"`
	Q  *string   `bencode:"q,omitempty"`
	R  *wireArgs `bencode:"r,omitempty"`
	RO int64     `bencode:"ro,omitempty"`
	T  *[]byte   `bencode:"t,omitempty"`
	V  []byte    `bencode:"v,omitempty"`
	Y  *string   `bencode:"y,omitempty"`
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

func idBytes(id ID, keep bool) []byte {
	if !keep {
		return nil
	}
	return id[:]
}

func formatArgs(a *Args, m Method, kind Kind) *wireArgs {
	w := &wireArgs{ID: idBytes(a.ID, true)}
	w.Target = idBytes(a.Target, !a.Target.IsZero())
	w.InfoHash = idBytes(a.InfoHash, !a.InfoHash.IsZero())
	if a.Port != 0 || (kind == KindQuery && m == MethodAnnouncePeer) {
		p := int64(a.Port)
		w.Port = &p
	}
	if a.ImpliedPort {
		one := int64(1)
		w.ImpliedPort = &one
	}
	w.Token = a.Token
	if len(a.Nodes) > 0 {
		w.Nodes = AppendCompactNodes([]byte{}, a.Nodes, false)
	}
	if len(a.Nodes6) > 0 {
		w.Nodes6 = AppendCompactNodes([]byte{}, a.Nodes6, true)
	}
	for _, p := range a.Values {
		w.Values = append(w.Values, AppendCompactPeer(nil, p))
	}
	w.Want = a.Want
	if a.V != nil {
		w.V = bencode.RawMessage(a.V)
	}
	w.K, w.Sig, w.Salt = a.K, a.Sig, a.Salt
	if a.HasSeq {
		s := a.Seq
		w.Seq = &s
	}
	if a.HasCAS {
		c := a.CAS
		w.CAS = &c
	}
	return w
}

// AppendMsg appends the bencoded form of m to b. Nodes whose address is
// not of the list's family (Nodes: IPv4, Nodes6: IPv6) are left out.
func AppendMsg(b []byte, m *Msg) ([]byte, error) {
	t := m.T
	if t == nil {
		t = []byte{}
	}
	y := string(rune(m.Kind))
	w := wireMsg{T: &t, Y: &y, V: m.Version}
	if m.IP.IsValid() {
		w.IP = AppendCompactPeer(nil, m.IP)
	}
	if m.ReadOnly {
		w.RO = 1
	}
	switch m.Kind {
	case KindQuery:
		q := string(m.Method)
		w.Q = &q
		w.A = formatArgs(&m.Args, m.Method, m.Kind)
	case KindResponse:
		w.R = formatArgs(&m.Args, m.Method, m.Kind)
	case KindError:
		e := m.Err
		if e == nil {
			e = &Error{Code: ErrorGeneric}
		}
		w.E = []any{int64(e.Code), e.Msg}
	default:
		return b, malformed("y", "unknown message kind")
	}
	return bencode.Append(b, &w)
}
