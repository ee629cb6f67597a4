package chord

import (
	"errors"
	"net/netip"

	"github.com/applayer/applayer/bittorrent/bencode"
)

// MaxMessageSize bounds one datagram of the Chord protocol.
const MaxMessageSize = 8192

// The methods of this package's Chord protocol.
const (
	methodPing    = "ping"     // are you alive?
	methodStep    = "step"     // one hop of find_successor(id)
	methodGetPred = "get_pred" // your predecessor and successor list
	methodNotify  = "notify"   // I might be your predecessor
	methodTake    = "take"     // hand me the keys that are now mine
	methodPut     = "put"      // store these items
	methodGet     = "get"      // the value of a key
	methodLeave   = "leave"    // I am leaving: adopt my neighbour
)

// A NodeRef names a Chord node: its identifier and UDP address.
type NodeRef struct {
	ID   ID
	Addr netip.AddrPort
}

type wireRef struct {
	ID   []byte `bencode:"id"`
	Addr string `bencode:"addr"`
}

type wireItem struct {
	Key   []byte `bencode:"k"`
	Value []byte `bencode:"v"`
}

// msg is every message of the protocol, bencoded as one dictionary: a
// query ("y": "q") names its method in "q"; the response ("y": "r") or
// error ("y": "e") echoes the transaction ID "t".
type msg struct {
	Done  int64      `bencode:"done,omitempty"`
	E     string     `bencode:"e,omitempty"`
	Items []wireItem `bencode:"items,omitempty"`
	Key   []byte     `bencode:"key,omitempty"`
	Node  *wireRef   `bencode:"node,omitempty"`
	Nodes []wireRef  `bencode:"nodes,omitempty"`
	Q     string     `bencode:"q,omitempty"`
	T     []byte     `bencode:"t"`
	Y     string     `bencode:"y"`
}

var errMalformed = errors.New("chord: malformed message")

func toWire(r NodeRef) wireRef {
	return wireRef{ID: append([]byte(nil), r.ID[:]...), Addr: r.Addr.String()}
}

func fromWire(w wireRef) (NodeRef, error) {
	var r NodeRef
	if len(w.ID) != len(r.ID) {
		return r, errMalformed
	}
	copy(r.ID[:], w.ID)
	a, err := netip.ParseAddrPort(w.Addr)
	if err != nil {
		return r, errMalformed
	}
	r.Addr = a
	return r, nil
}

func refsToWire(rs []NodeRef) []wireRef {
	var out []wireRef
	for _, r := range rs {
		out = append(out, toWire(r))
	}
	return out
}

func refsFromWire(ws []wireRef) ([]NodeRef, error) {
	var out []NodeRef
	for _, w := range ws {
		r, err := fromWire(w)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

var decoder = bencode.Decoder{MaxDepth: 6, MaxStringLength: MaxMessageSize}

func parseMsg(b []byte) (*msg, error) {
	var m msg
	if len(b) > MaxMessageSize {
		return nil, errMalformed
	}
	if err := decoder.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if m.T == nil || (m.Y != "q" && m.Y != "r" && m.Y != "e") {
		return nil, errMalformed
	}
	return &m, nil
}
