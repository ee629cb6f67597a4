package dht

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

func genID() *rapid.Generator[ID] {
	return rapid.Custom(func(t *rapid.T) ID {
		var id ID
		copy(id[:], rapid.SliceOfN(rapid.Byte(), IDLen, IDLen).Draw(t, "id"))
		return id
	})
}

func genNonZeroID() *rapid.Generator[ID] {
	return genID().Filter(func(id ID) bool { return !id.IsZero() })
}

func genAddr(v6 bool) *rapid.Generator[netip.AddrPort] {
	return rapid.Custom(func(t *rapid.T) netip.AddrPort {
		n := 4
		if v6 {
			n = 16
		}
		a, _ := netip.AddrFromSlice(rapid.SliceOfN(rapid.Byte(), n, n).Draw(t, "ip"))
		if v6 && a.Is4In6() {
			a = netip.IPv6Loopback()
		}
		return netip.AddrPortFrom(a, rapid.Uint16().Draw(t, "port"))
	})
}

func genNodes(v6 bool) *rapid.Generator[[]NodeInfo] {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) NodeInfo {
		return NodeInfo{ID: genID().Draw(t, "id"), Addr: genAddr(v6).Draw(t, "addr")}
	}), 0, 8)
}

func optBytes(t *rapid.T, name string, min, max int) []byte {
	if !rapid.Bool().Draw(t, name+"?") {
		return nil
	}
	return rapid.SliceOfN(rapid.Byte(), min, max).Draw(t, name)
}

func genMsg() *rapid.Generator[*Msg] {
	return rapid.Custom(func(t *rapid.T) *Msg {
		m := &Msg{T: rapid.SliceOfN(rapid.Byte(), 0, MaxTransactionIDLen).Draw(t, "t")}
		m.Kind = rapid.SampledFrom([]Kind{KindQuery, KindResponse, KindError}).Draw(t, "kind")
		m.Version = optBytes(t, "v", 1, 4)
		m.ReadOnly = rapid.Bool().Draw(t, "ro")
		if rapid.Bool().Draw(t, "ip?") {
			m.IP = genAddr(rapid.Bool().Draw(t, "ip6")).Draw(t, "ip")
		}
		if m.Kind == KindError {
			m.Err = &Error{Code: ErrorCode(rapid.IntRange(201, 302).Draw(t, "code")), Msg: rapid.String().Draw(t, "msg")}
			return m
		}
		if m.Kind == KindQuery {
			m.Method = rapid.SampledFrom([]Method{MethodPing, MethodFindNode, MethodGetPeers, MethodAnnouncePeer, MethodGet, MethodPut, "vote"}).Draw(t, "q")
		}
		a := &m.Args
		a.ID = genID().Draw(t, "id")
		if rapid.Bool().Draw(t, "target?") {
			a.Target = genNonZeroID().Draw(t, "target")
		}
		if rapid.Bool().Draw(t, "ih?") {
			a.InfoHash = genNonZeroID().Draw(t, "ih")
		}
		a.Port = rapid.IntRange(0, 65535).Draw(t, "port")
		a.ImpliedPort = rapid.Bool().Draw(t, "implied")
		a.Token = optBytes(t, "token", 1, 20)
		a.Nodes = genNodes(false).Draw(t, "nodes")
		a.Nodes6 = genNodes(true).Draw(t, "nodes6")
		a.Values = rapid.SliceOfN(genAddr(false), 0, 10).Draw(t, "values")
		if rapid.Bool().Draw(t, "want?") {
			a.Want = []string{"n4", "n6"}
		}
		if rapid.Bool().Draw(t, "v?") {
			a.V = []byte("4:spam")
		}
		a.K = optBytes(t, "k", 32, 32)
		a.Sig = optBytes(t, "sig", 64, 64)
		a.Salt = optBytes(t, "salt", 1, MaxSaltSize)
		a.HasSeq = rapid.Bool().Draw(t, "seq?")
		if a.HasSeq {
			a.Seq = rapid.Int64Min(0).Draw(t, "seq")
		}
		a.HasCAS = rapid.Bool().Draw(t, "cas?")
		if a.HasCAS {
			a.CAS = rapid.Int64Min(0).Draw(t, "cas")
		}
		return m
	})
}

var msgCmp = []cmp.Option{cmpopts.EquateEmpty(), cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })}

func checkRoundTrip(t *rapid.T) {
	m := genMsg().Draw(t, "msg")
	b, err := AppendMsg(nil, m)
	if err != nil {
		t.Fatalf("AppendMsg: %v", err)
	}
	if len(b) > MaxMessageSize {
		t.Skip("larger than a datagram")
	}
	got, err := ParseMsg(b)
	if err != nil {
		t.Fatalf("ParseMsg(%q): %v", b, err)
	}
	if diff := cmp.Diff(m, got, msgCmp...); diff != "" {
		t.Fatalf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestRoundTrip(t *testing.T) { rapid.Check(t, checkRoundTrip) }
