package dht

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func idOf(s string) ID {
	var id ID
	copy(id[:], s)
	return id
}

// The example messages of BEP 5, byte for byte.
var bep5Examples = []struct {
	name string
	wire string
	msg  Msg
}{
	{"ping query", "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe",
		Msg{T: []byte("aa"), Kind: KindQuery, Method: MethodPing, Args: Args{ID: idOf("abcdefghij0123456789")}}},
	{"ping response", "d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re",
		Msg{T: []byte("aa"), Kind: KindResponse, Args: Args{ID: idOf("mnopqrstuvwxyz123456")}}},
	{"error", "d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee",
		Msg{T: []byte("aa"), Kind: KindError, Err: &Error{Code: ErrorGeneric, Msg: "A Generic Error Ocurred"}}},
	{"find_node query", "d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe",
		Msg{T: []byte("aa"), Kind: KindQuery, Method: MethodFindNode, Args: Args{ID: idOf("abcdefghij0123456789"), Target: idOf("mnopqrstuvwxyz123456")}}},
	{"get_peers query", "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe",
		Msg{T: []byte("aa"), Kind: KindQuery, Method: MethodGetPeers, Args: Args{ID: idOf("abcdefghij0123456789"), InfoHash: idOf("mnopqrstuvwxyz123456")}}},
	{"get_peers response with peers", "d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re",
		Msg{T: []byte("aa"), Kind: KindResponse, Args: Args{ID: idOf("abcdefghij0123456789"), Token: []byte("aoeusnth"),
			Values: []netip.AddrPort{netip.MustParseAddrPort("97.120.106.101:11893"), netip.MustParseAddrPort("105.100.104.116:28269")}}}},
	{"announce_peer query", "d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz1234564:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe",
		Msg{T: []byte("aa"), Kind: KindQuery, Method: MethodAnnouncePeer, Args: Args{ID: idOf("abcdefghij0123456789"), ImpliedPort: true,
			InfoHash: idOf("mnopqrstuvwxyz123456"), Port: 6881, Token: []byte("aoeusnth")}}},
	{"read-only query (BEP 43)", "d1:ad2:id20:abcdefghij0123456789e1:q4:ping2:roi1e1:t2:aa1:y1:qe",
		Msg{T: []byte("aa"), Kind: KindQuery, Method: MethodPing, ReadOnly: true, Args: Args{ID: idOf("abcdefghij0123456789")}}},
}

func TestBEP5Examples(t *testing.T) {
	for _, tt := range bep5Examples {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMsg([]byte(tt.wire))
			if err != nil {
				t.Fatalf("ParseMsg: %v", err)
			}
			if diff := cmp.Diff(&tt.msg, got, cmpopts.EquateEmpty(), cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); diff != "" {
				t.Errorf("ParseMsg mismatch (-want +got):\n%s", diff)
			}
			b, err := AppendMsg(nil, &tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.wire {
				t.Errorf("AppendMsg = %q, want %q", b, tt.wire)
			}
		})
	}
}

func TestCompactNodes(t *testing.T) {
	nodes := []NodeInfo{
		{ID: idOf("abcdefghij0123456789"), Addr: netip.MustParseAddrPort("1.2.3.4:6881")},
		{ID: idOf("mnopqrstuvwxyz123456"), Addr: netip.MustParseAddrPort("[2001:db8::1]:6882")},
	}
	b4 := AppendCompactNodes(nil, nodes, false)
	b6 := AppendCompactNodes(nil, nodes, true)
	if len(b4) != 26 || len(b6) != 38 {
		t.Fatalf("lengths %d and %d, want 26 and 38", len(b4), len(b6))
	}
	got4, _ := ParseCompactNodes(b4, false)
	got6, _ := ParseCompactNodes(b6, true)
	if diff := cmp.Diff(nodes, append(got4, got6...), cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

var badMessages = []struct {
	name, wire string
	wantT      string
	wantErr    error
}{
	{"not bencode", "hello", "", ErrMalformed},
	{"no t", "d1:y1:qe", "", ErrMalformed},
	{"no y", "d1:t2:aae", "aa", ErrMalformed},
	{"unknown y", "d1:t2:aa1:y1:xe", "aa", ErrMalformed},
	{"query without a", "d1:q4:ping1:t2:aa1:y1:qe", "aa", ErrMalformed},
	{"short id", "d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe", "aa", ErrMalformed},
	{"bad nodes length", "d1:rd2:id20:abcdefghij01234567895:nodes3:abce1:t2:aa1:y1:re", "aa", ErrMalformed},
	{"bad peer", "d1:rd2:id20:abcdefghij01234567896:valuesl3:abcee1:t2:aa1:y1:re", "aa", ErrMalformed},
	{"port out of range", "d1:ad2:id20:abcdefghij01234567894:porti70000ee1:q13:announce_peer1:t2:aa1:y1:qe", "aa", ErrMalformed},
	{"error not a list pair", "d1:eli201ee1:t2:aa1:y1:ee", "aa", ErrMalformed},
	{"long t", "d1:t17:aaaaaaaaaaaaaaaaa1:y1:qe", "", ErrMalformed},
	{"trailing data", "d1:t2:aa1:y1:qexx", "aa", ErrMalformed},
	{"deep nesting", "d1:t2:aa1:y1:q1:xllllllllllllllleeeeeeeeeeeeeeee", "aa", ErrMalformed},
}

func TestParseMsgErrors(t *testing.T) {
	for _, tt := range badMessages {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMsg([]byte(tt.wire))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseMsg(%q) error = %v, want %v", tt.wire, err, tt.wantErr)
			}
			if string(m.T) != tt.wantT {
				t.Errorf("ParseMsg(%q).T = %q, want %q", tt.wire, m.T, tt.wantT)
			}
		})
	}
	big := make([]byte, MaxMessageSize+1)
	if _, err := ParseMsg(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized: %v, want ErrTooLarge", err)
	}
}

func TestXorMetric(t *testing.T) {
	a, b := RandomID(), RandomID()
	if a.Xor(a) != (ID{}) || a.Xor(b) != b.Xor(a) {
		t.Fatal("xor not a metric")
	}
	var x, y ID
	y[19] = 1
	if x.CommonPrefixLen(y) != 159 || x.CommonPrefixLen(x) != 160 {
		t.Fatal("common prefix")
	}
	p := a.randomWithPrefix(10, true)
	if a.CommonPrefixLen(p) != 10 {
		t.Fatalf("randomWithPrefix(10) shares %d bits", a.CommonPrefixLen(p))
	}
}
