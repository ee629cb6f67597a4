package dns

import (
	"net/netip"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// benchMsg is the typical response of the benchmarks: one question and two A
// answers whose owner names compress against the question.
func benchMsg() *Msg {
	name := MustName("www.example.com.")
	m := &Msg{Header: Header{ID: 0xbeef, Response: true, RecursionDesired: true, RecursionAvailable: true}}
	m.Question = []Question{{Name: name, Type: TypeA, Class: ClassINET}}
	m.Answer = []RR{
		{Name: name, Class: ClassINET, TTL: 300, Data: &A{Addr: netip.MustParseAddr("192.0.2.1")}},
		{Name: name, Class: ClassINET, TTL: 300, Data: &A{Addr: netip.MustParseAddr("192.0.2.2")}},
	}
	return m
}

func benchXMsg() dnsmessage.Message {
	name := dnsmessage.MustNewName("www.example.com.")
	h := dnsmessage.ResourceHeader{Name: name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 300}
	return dnsmessage.Message{
		Header:    dnsmessage.Header{ID: 0xbeef, Response: true, RecursionDesired: true, RecursionAvailable: true},
		Questions: []dnsmessage.Question{{Name: name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET}},
		Answers: []dnsmessage.Resource{
			{Header: h, Body: &dnsmessage.AResource{A: [4]byte{192, 0, 2, 1}}},
			{Header: h, Body: &dnsmessage.AResource{A: [4]byte{192, 0, 2, 2}}},
		},
	}
}

func BenchmarkPack(b *testing.B) {
	b.Run("dns", func(b *testing.B) {
		m := benchMsg()
		buf := make([]byte, 0, 512)
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if buf, err = m.AppendPack(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dnsmessage", func(b *testing.B) {
		m := benchXMsg()
		buf := make([]byte, 0, 512)
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if buf, err = m.AppendPack(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkUnpack(b *testing.B) {
	wire, err := benchMsg().Pack()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("dns", func(b *testing.B) {
		var m Msg
		b.ReportAllocs()
		for b.Loop() {
			if err := m.Unpack(wire); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dnsmessage", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m dnsmessage.Message
			if err := m.Unpack(wire); err != nil {
				b.Fatal(err)
			}
		}
	})
	// dnsmessage's zero-allocation path: a Parser walking every field.
	b.Run("dnsmessage-parser", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var p dnsmessage.Parser
			if _, err := p.Start(wire); err != nil {
				b.Fatal(err)
			}
			if _, err := p.AllQuestions(); err != nil {
				b.Fatal(err)
			}
			for {
				h, err := p.AnswerHeader()
				if err == dnsmessage.ErrSectionDone {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				if h.Type == dnsmessage.TypeA {
					if _, err := p.AResource(); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	})
}
