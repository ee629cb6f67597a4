package dns

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzUnpack: any input either fails with an error or unpacks to a message
// that packs and unpacks to the same value (Unpack(Pack(Unpack(b))) == Unpack(b)).
func FuzzUnpack(f *testing.F) {
	for _, tt := range unpackTests {
		f.Add(tt.in)
	}
	if b, err := benchMsg().Pack(); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Msg
		if err := m.Unpack(b); err != nil {
			return
		}
		b2, err := m.Pack()
		if err != nil {
			return // e.g. an A record with 4 octets is fine, but a name may not recompress past 64 KiB
		}
		var m2 Msg
		if err := m2.Unpack(b2); err != nil {
			t.Fatalf("Unpack(Pack(m)) failed: %v\nin  %x\nout %x", err, b, b2)
		}
		if d := cmp.Diff(&m, &m2, cmpOpts); d != "" {
			t.Fatalf("round trip mismatch (-first +second):\n%s", d)
		}
		_ = m.String()
	})
}

// FuzzZone: the zone parser never panics, and what it reads, written back
// with WriteZone, parses to the same records.
func FuzzZone(f *testing.F) {
	for _, tt := range zoneTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		origin := MustName("example.com.")
		rrs, err := ParseZone(strings.NewReader(s), origin, "fuzz")
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteZone(&buf, origin, rrs); err != nil {
			t.Fatal(err)
		}
		got, err := ParseZone(&buf, origin, "written")
		if err != nil {
			t.Fatalf("re-parse of written zone: %v\n%s", err, buf.String())
		}
		if d := cmp.Diff(rrs, got, cmpOpts); d != "" {
			t.Fatalf("zone round trip mismatch (-want +got):\n%s", d)
		}
	})
}

// nopPacketWriter discards replies.
type nopPacketWriter struct{ n int }

func (w *nopPacketWriter) WriteTo(b []byte, addr net.Addr) (int, error) { w.n++; return len(b), nil }
func (w *nopPacketWriter) LocalAddr() net.Addr {
	return &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 53}
}

// FuzzServe: the server and the authoritative zone never panic on any
// datagram, and answer everything that has a header and is not a reply.
func FuzzServe(f *testing.F) {
	for _, tt := range unpackTests {
		f.Add(tt.in)
	}
	q, _ := new(Msg).SetQuestion(MustName("www.example.test."), TypeA).Pack()
	f.Add(q)
	z := newExampleZone(f)
	srv := &Server{Handler: z, Logger: slog.New(slog.DiscardHandler)}
	f.Fuzz(func(t *testing.T, b []byte) {
		pw := &nopPacketWriter{}
		w := &respWriter{srv: srv, network: "udp", local: pw.LocalAddr(), remote: &net.UDPAddr{IP: net.IPv4(127, 0, 0, 2), Port: 5353}, pw: pw}
		srv.serveMsg(context.Background(), w, b)
		if len(b) >= headerLen && b[2]&0x80 == 0 && pw.n != 1 {
			t.Fatalf("no reply to %x", b)
		}
	})
}
