package dns

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

// cmpOpts compares names exactly (case included) and addresses by value.
var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b Name) bool { return a == b }),
	cmpopts.EquateComparable(netip.Addr{}),
	cmpopts.EquateEmpty(),
}

func genLabel(alphabet string) *rapid.Generator[string] {
	if alphabet == "" {
		return rapid.StringOfN(rapid.Custom(func(t *rapid.T) rune {
			return rune(rapid.Byte().Draw(t, "b"))
		}), 1, 20, -1).Filter(func(s string) bool { return len(s) <= MaxLabelLen && len(s) > 0 })
	}
	return rapid.StringOfN(rapid.RuneFrom([]rune(alphabet)), 1, 20, -1)
}

// genName draws a name of up to 5 labels; binary labels include any octet.
func genName(binary bool) *rapid.Generator[Name] {
	return rapid.Custom(func(t *rapid.T) Name {
		alpha := "abcdefghijklmnopqrstuvwxyzABC0123456789-_"
		if binary {
			alpha = ""
		}
		n := Root
		for i, k := 0, rapid.IntRange(0, 5).Draw(t, "labels"); i < k; i++ {
			l := genLabel(alpha).Draw(t, "label")
			if c, err := n.Child(string([]byte(l))); err == nil {
				n = c
			}
		}
		return n
	})
}

func genAddr4(t *rapid.T) netip.Addr {
	return netip.AddrFrom4([4]byte(rapid.SliceOfN(rapid.Byte(), 4, 4).Draw(t, "a4")))
}

func genAddr6(t *rapid.T) netip.Addr {
	return netip.AddrFrom16([16]byte(rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "a6")))
}

func genString(t *rapid.T, max int) string {
	return string(rapid.SliceOfN(rapid.Byte(), 0, max).Draw(t, "s"))
}

// genRData draws typed data of every kind this package knows, plus opaque types.
func genRData(binary bool) *rapid.Generator[RData] {
	return rapid.Custom(func(t *rapid.T) RData {
		nm := func() Name { return genName(binary).Draw(t, "name") }
		switch rapid.IntRange(0, 11).Draw(t, "kind") {
		case 11:
			return &TSIG{Algorithm: HMACSHA256, TimeSigned: rapid.Uint64Range(0, 1<<48-1).Draw(t, "time"),
				Fudge: rapid.Uint16().Draw(t, "fudge"), MAC: nilIfEmpty(rapid.SliceOfN(rapid.Byte(), 0, 32).Draw(t, "mac")),
				OrigID: rapid.Uint16().Draw(t, "origid"), Error: Rcode(rapid.Uint16Range(0, 23).Draw(t, "err")),
				OtherData: nilIfEmpty(rapid.SliceOfN(rapid.Byte(), 0, 6).Draw(t, "other"))}
		case 0:
			return &A{Addr: genAddr4(t)}
		case 1:
			return &NS{Host: nm()}
		case 2:
			return &CNAME{Target: nm()}
		case 3:
			return &SOA{NS: nm(), Mbox: nm(), Serial: rapid.Uint32().Draw(t, "s"), Refresh: rapid.Uint32().Draw(t, "r"),
				Retry: rapid.Uint32().Draw(t, "re"), Expire: rapid.Uint32().Draw(t, "e"), MinTTL: rapid.Uint32().Draw(t, "m")}
		case 4:
			return &PTR{Target: nm()}
		case 5:
			return &MX{Pref: rapid.Uint16().Draw(t, "p"), Host: nm()}
		case 6:
			n := rapid.IntRange(1, 4).Draw(t, "n")
			d := &TXT{}
			for i := 0; i < n; i++ {
				d.Txt = append(d.Txt, genString(t, 255))
			}
			return d
		case 7:
			a := genAddr6(t)
			if a.Is4In6() {
				a = netip.IPv6Loopback()
			}
			return &AAAA{Addr: a}
		case 8:
			return &SRV{Priority: rapid.Uint16().Draw(t, "p"), Weight: rapid.Uint16().Draw(t, "w"),
				Port: rapid.Uint16().Draw(t, "port"), Target: nm()}
		case 9:
			return &CAA{Flags: rapid.Byte().Draw(t, "f"), Tag: rapid.SampledFrom([]string{"issue", "issuewild", "iodef", "x1"}).Draw(t, "tag"),
				Value: genString(t, 40)}
		default:
			ty := Type(rapid.Uint16Range(258, 65000).Draw(t, "type"))
			return &Unknown{T: ty, Data: rapid.SliceOfN(rapid.Byte(), 1, 30).Draw(t, "data")}
		}
	})
}

func genRR(binary bool) *rapid.Generator[RR] {
	return rapid.Custom(func(t *rapid.T) RR {
		return RR{Name: genName(binary).Draw(t, "owner"), Class: ClassINET, TTL: rapid.Uint32().Draw(t, "ttl"),
			Data: genRData(binary).Draw(t, "data")}
	})
}

func genMsg(binary bool) *rapid.Generator[*Msg] {
	return rapid.Custom(func(t *rapid.T) *Msg {
		m := &Msg{Header: Header{
			ID: rapid.Uint16().Draw(t, "id"), Response: rapid.Bool().Draw(t, "qr"),
			Opcode: Opcode(rapid.IntRange(0, 15).Draw(t, "op")), Authoritative: rapid.Bool().Draw(t, "aa"),
			Truncated: rapid.Bool().Draw(t, "tc"), RecursionDesired: rapid.Bool().Draw(t, "rd"),
			RecursionAvailable: rapid.Bool().Draw(t, "ra"), AuthenticData: rapid.Bool().Draw(t, "ad"),
			CheckingDisabled: rapid.Bool().Draw(t, "cd"), Rcode: Rcode(rapid.IntRange(0, 15).Draw(t, "rcode")),
		}}
		for i, n := 0, rapid.IntRange(0, 2).Draw(t, "qd"); i < n; i++ {
			m.Question = append(m.Question, Question{Name: genName(binary).Draw(t, "q"),
				Type: Type(rapid.Uint16().Draw(t, "qt")), Class: ClassINET})
		}
		m.Answer = rapid.SliceOfN(genRR(binary), 0, 4).Draw(t, "an")
		m.Authority = rapid.SliceOfN(genRR(binary), 0, 3).Draw(t, "ns")
		m.Additional = rapid.SliceOfN(genRR(binary), 0, 3).Draw(t, "ar")
		if rapid.Bool().Draw(t, "edns") {
			o := &OPT{UDPSize: rapid.Uint16().Draw(t, "udp"), DO: rapid.Bool().Draw(t, "do"),
				Version: rapid.Byte().Draw(t, "v")}
			if rapid.Bool().Draw(t, "opt") {
				o.Options = []EDNSOption{{Code: rapid.Uint16().Draw(t, "code"), Data: rapid.SliceOfN(rapid.Byte(), 0, 8).Draw(t, "od")}}
			}
			m.Rcode = Rcode(rapid.IntRange(0, 4095).Draw(t, "xrcode"))
			o.ExtendedRcode = uint8(m.Rcode >> 4)
			m.Additional = append(m.Additional, RR{Name: Root, Data: o})
		}
		return m
	})
}

// TestPropWireRoundTrip: Unpack(Pack(m)) == m for messages with every record type.
func TestPropWireRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genMsg(true).Draw(t, "msg")
		b, err := m.Pack()
		if err != nil {
			t.Fatalf("Pack: %v", err)
		}
		var got Msg
		if err := got.Unpack(b); err != nil {
			t.Fatalf("Unpack(%x): %v", b, err)
		}
		normalizeOPT(m)
		if d := cmp.Diff(m, &got, cmpOpts); d != "" {
			t.Fatalf("round trip mismatch (-want +got):\n%s", d)
		}
		// Packing again gives the same bytes: the encoding is canonical for our own output.
		b2, err := got.Pack()
		if err != nil || string(b2) != string(b) {
			t.Fatalf("repack differs: %v\n%x\n%x", err, b, b2)
		}
	})
}

// normalizeOPT sets what unpacking derives for OPT records (class and TTL are not kept).
func normalizeOPT(m *Msg) {
	for i := range m.Additional {
		if _, ok := m.Additional[i].Data.(*OPT); ok {
			m.Additional[i].Class = 0
			m.Additional[i].TTL = 0
			c, ttl := m.Additional[i].Data.(*OPT).classTTL(m.Rcode)
			m.Additional[i].Class, m.Additional[i].TTL = c, ttl
		}
	}
}

// TestPropTextRoundTrip: ParseRR(rr.String()) == rr for every record type,
// with names and strings containing any octet.
func TestPropTextRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rr := genRR(true).Draw(t, "rr")
		s := rr.String()
		got, err := ParseRR(s)
		if err != nil {
			t.Fatalf("ParseRR(%q): %v", s, err)
		}
		if d := cmp.Diff(rr, got, cmpOpts); d != "" {
			t.Fatalf("ParseRR(%q) mismatch (-want +got):\n%s", s, d)
		}
	})
}

// TestPropNameText: ParseName(n.String()) == n for names with any octet.
func TestPropNameText(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genName(true).Draw(t, "n")
		got, err := ParseName(n.String())
		if err != nil || got != n {
			t.Fatalf("ParseName(%q) = %v, %v; want %v", n.String(), got, err, n)
		}
		if !n.Equal(n.Canonical()) || !n.IsSubdomainOf(n.Parent()) {
			t.Fatalf("Canonical/Parent relations broken for %v", n)
		}
	})
}

// TestPropUnpackReuse: unpacking into a Msg that held another message gives
// the same result as unpacking into a fresh one.
func TestPropUnpackReuse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := genMsg(true).Draw(t, "a")
		b := genMsg(true).Draw(t, "b")
		ba, _ := a.Pack()
		bb, _ := b.Pack()
		var reused, fresh Msg
		if err := reused.Unpack(ba); err != nil {
			t.Fatal(err)
		}
		if err := reused.Unpack(bb); err != nil {
			t.Fatal(err)
		}
		if err := fresh.Unpack(bb); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(&fresh, &reused, cmpOpts); d != "" {
			t.Fatalf("reuse mismatch (-fresh +reused):\n%s", d)
		}
	})
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
