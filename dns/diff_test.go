package dns

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/dns/dnsmessage"
	"pgregory.net/rapid"
)

// Differential tests against golang.org/x/net/dns/dnsmessage: a message packed
// by either side unpacks to the same value on the other side.

func toXName(n Name) dnsmessage.Name { return dnsmessage.MustNewName(n.String()) }

func fromXName(t interface{ Fatalf(string, ...any) }, n dnsmessage.Name) Name {
	v, err := ParseName(n.String())
	if err != nil {
		t.Fatalf("ParseName(%q): %v", n.String(), err)
	}
	return v
}

func toX(t interface{ Fatalf(string, ...any) }, m *Msg) dnsmessage.Message {
	x := dnsmessage.Message{Header: dnsmessage.Header{
		ID: m.ID, Response: m.Response, OpCode: dnsmessage.OpCode(m.Opcode), Authoritative: m.Authoritative,
		Truncated: m.Truncated, RecursionDesired: m.RecursionDesired, RecursionAvailable: m.RecursionAvailable,
		AuthenticData: m.AuthenticData, CheckingDisabled: m.CheckingDisabled, RCode: dnsmessage.RCode(m.Rcode & 0xF),
	}}
	for _, q := range m.Question {
		x.Questions = append(x.Questions, dnsmessage.Question{Name: toXName(q.Name), Type: dnsmessage.Type(q.Type), Class: dnsmessage.Class(q.Class)})
	}
	conv := func(rrs []RR) []dnsmessage.Resource {
		var out []dnsmessage.Resource
		for _, r := range rrs {
			h := dnsmessage.ResourceHeader{Name: toXName(r.Name), Type: dnsmessage.Type(r.Type()), Class: dnsmessage.Class(r.Class), TTL: r.TTL}
			var body dnsmessage.ResourceBody
			switch d := r.Data.(type) {
			case *A:
				body = &dnsmessage.AResource{A: d.Addr.As4()}
			case *AAAA:
				body = &dnsmessage.AAAAResource{AAAA: d.Addr.As16()}
			case *NS:
				body = &dnsmessage.NSResource{NS: toXName(d.Host)}
			case *CNAME:
				body = &dnsmessage.CNAMEResource{CNAME: toXName(d.Target)}
			case *PTR:
				body = &dnsmessage.PTRResource{PTR: toXName(d.Target)}
			case *MX:
				body = &dnsmessage.MXResource{Pref: d.Pref, MX: toXName(d.Host)}
			case *SRV:
				body = &dnsmessage.SRVResource{Priority: d.Priority, Weight: d.Weight, Port: d.Port, Target: toXName(d.Target)}
			case *SOA:
				body = &dnsmessage.SOAResource{NS: toXName(d.NS), MBox: toXName(d.Mbox), Serial: d.Serial, Refresh: d.Refresh,
					Retry: d.Retry, Expire: d.Expire, MinTTL: d.MinTTL}
			case *TXT:
				body = &dnsmessage.TXTResource{TXT: append([]string(nil), d.Txt...)}
			case *OPT:
				c, ttl := d.classTTL(m.Rcode)
				h.Class, h.TTL = dnsmessage.Class(c), ttl
				o := &dnsmessage.OPTResource{}
				for _, op := range d.Options {
					o.Options = append(o.Options, dnsmessage.Option{Code: op.Code, Data: op.Data})
				}
				body = o
			case *Unknown:
				body = &dnsmessage.UnknownResource{Type: dnsmessage.Type(d.T), Data: d.Data}
			default: // CAA, TSIG: types dnsmessage keeps opaque
				p := packer{noCompress: true}
				r.Data.pack(&p)
				body = &dnsmessage.UnknownResource{Type: dnsmessage.Type(r.Type()), Data: p.msg}
			}
			out = append(out, dnsmessage.Resource{Header: h, Body: body})
		}
		return out
	}
	x.Answers, x.Authorities, x.Additionals = conv(m.Answer), conv(m.Authority), conv(m.Additional)
	return x
}

func fromX(t interface{ Fatalf(string, ...any) }, x *dnsmessage.Message) *Msg {
	m := &Msg{Header: Header{
		ID: x.ID, Response: x.Response, Opcode: Opcode(x.OpCode), Authoritative: x.Authoritative,
		Truncated: x.Truncated, RecursionDesired: x.RecursionDesired, RecursionAvailable: x.RecursionAvailable,
		AuthenticData: x.AuthenticData, CheckingDisabled: x.CheckingDisabled, Rcode: Rcode(x.RCode),
	}}
	for _, q := range x.Questions {
		m.Question = append(m.Question, Question{Name: fromXName(t, q.Name), Type: Type(q.Type), Class: Class(q.Class)})
	}
	conv := func(rs []dnsmessage.Resource) []RR {
		var out []RR
		for _, r := range rs {
			rr := RR{Name: fromXName(t, r.Header.Name), Class: Class(r.Header.Class), TTL: r.Header.TTL}
			switch b := r.Body.(type) {
			case *dnsmessage.AResource:
				rr.Data = &A{Addr: netip.AddrFrom4(b.A)}
			case *dnsmessage.AAAAResource:
				rr.Data = &AAAA{Addr: netip.AddrFrom16(b.AAAA)}
			case *dnsmessage.NSResource:
				rr.Data = &NS{Host: fromXName(t, b.NS)}
			case *dnsmessage.CNAMEResource:
				rr.Data = &CNAME{Target: fromXName(t, b.CNAME)}
			case *dnsmessage.PTRResource:
				rr.Data = &PTR{Target: fromXName(t, b.PTR)}
			case *dnsmessage.MXResource:
				rr.Data = &MX{Pref: b.Pref, Host: fromXName(t, b.MX)}
			case *dnsmessage.SRVResource:
				rr.Data = &SRV{Priority: b.Priority, Weight: b.Weight, Port: b.Port, Target: fromXName(t, b.Target)}
			case *dnsmessage.SOAResource:
				rr.Data = &SOA{NS: fromXName(t, b.NS), Mbox: fromXName(t, b.MBox), Serial: b.Serial, Refresh: b.Refresh,
					Retry: b.Retry, Expire: b.Expire, MinTTL: b.MinTTL}
			case *dnsmessage.TXTResource:
				rr.Data = &TXT{Txt: b.TXT}
			case *dnsmessage.OPTResource:
				o := &OPT{}
				o.setClassTTL(rr.Class, rr.TTL)
				for _, op := range b.Options {
					o.Options = append(o.Options, EDNSOption{Code: op.Code, Data: op.Data})
				}
				m.Rcode |= Rcode(o.ExtendedRcode) << 4
				rr.Data = o
			case *dnsmessage.UnknownResource:
				d := newRData(Type(b.Type))
				if err := d.unpack(b.Data, 0, len(b.Data)); err != nil {
					t.Fatalf("unknown %v: %v", b.Type, err)
				}
				rr.Data = d
			}
			out = append(out, rr)
		}
		return out
	}
	m.Answer, m.Authority, m.Additional = conv(x.Answers), conv(x.Authorities), conv(x.Additionals)
	return m
}

func TestDiffDNSMessage(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genMsg(false).Draw(t, "msg")
		normalizeOPT(m)
		// Ours -> theirs.
		b, err := m.Pack()
		if err != nil {
			t.Fatalf("Pack: %v", err)
		}
		var x dnsmessage.Message
		if err := x.Unpack(b); err != nil {
			t.Fatalf("dnsmessage.Unpack(%x): %v", b, err)
		}
		if d := cmp.Diff(m, fromX(t, &x), cmpOpts); d != "" {
			t.Fatalf("dnsmessage read our bytes differently (-ours +theirs):\n%s", d)
		}
		// Theirs -> ours.
		xm := toX(t, m)
		xb, err := xm.Pack()
		if err != nil {
			t.Fatalf("dnsmessage.Pack: %v", err)
		}
		var got Msg
		if err := got.Unpack(xb); err != nil {
			t.Fatalf("Unpack(dnsmessage bytes %x): %v", xb, err)
		}
		if d := cmp.Diff(m, &got, cmpOpts); d != "" {
			t.Fatalf("we read dnsmessage's bytes differently (-want +got):\n%s", d)
		}
	})
}
