package dns

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// BenchmarkServeUDP measures queries per second through a UDP server: ours
// (a fixed answer through a HandlerFunc, and the Zone handler) against a
// minimal server built on dnsmessage's Parser and Builder with the same
// number of reader goroutines. The clients are 8 goroutines, each with its
// own socket, one query in flight each.
func BenchmarkServeUDP(b *testing.B) {
	name := MustName("www.example.test.")
	fixed := HandlerFunc(func(ctx context.Context, w ResponseWriter, r *Msg) {
		m := new(Msg).SetReply(r)
		m.Authoritative = true
		m.Answer = append(m.Answer, RR{Name: r.Question[0].Name, Class: ClassINET, TTL: 300, Data: &A{Addr: netip.MustParseAddr("192.0.2.1")}})
		w.WriteMsg(m)
	})
	b.Run("dns-handlerfunc", func(b *testing.B) { benchQPS(b, startServer(b, fixed, "127.0.0.1:0"), name) })
	b.Run("dns-zone", func(b *testing.B) {
		benchQPS(b, startServer(b, newExampleZone(b), "127.0.0.1:0"), MustName("ns1.example.test."))
	})
	b.Run("dnsmessage", func(b *testing.B) { benchQPS(b, startXServer(b), name) })
}

func benchQPS(b *testing.B, addr string, name Name) {
	q := new(Msg).SetQuestion(name, TypeA)
	wire, _ := q.Pack()
	const clients = 8
	var wg sync.WaitGroup
	per := b.N/clients + 1
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("udp", addr)
			if err != nil {
				b.Error(err)
				return
			}
			defer c.Close()
			buf := make([]byte, 512)
			for j := 0; j < per; j++ {
				c.SetDeadline(time.Now().Add(2 * time.Second))
				if _, err := c.Write(wire); err != nil {
					b.Error(err)
					return
				}
				if _, err := c.Read(buf); err != nil {
					continue // a lost datagram: count it and go on
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(per*clients)/time.Since(start).Seconds(), "qps")
}

// startXServer is the reference: the least code that answers an A query with dnsmessage.
func startXServer(b *testing.B) string {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 512)
			out := make([]byte, 0, 512)
			for {
				n, addr, err := pc.ReadFrom(buf)
				if err != nil {
					return
				}
				var p dnsmessage.Parser
				h, err := p.Start(buf[:n])
				if err != nil {
					continue
				}
				q, err := p.Question()
				if err != nil {
					continue
				}
				bl := dnsmessage.NewBuilder(out[:0], dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired})
				bl.EnableCompression()
				bl.StartQuestions()
				bl.Question(q)
				bl.StartAnswers()
				bl.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 300}, dnsmessage.AResource{A: [4]byte{192, 0, 2, 1}})
				msg, err := bl.Finish()
				if err != nil {
					continue
				}
				pc.WriteTo(msg, addr)
			}
		}()
	}
	b.Cleanup(func() { pc.Close(); wg.Wait() })
	return pc.LocalAddr().String()
}

// BenchmarkServeMsg measures the server's work per UDP query without the
// sockets: unpack, zone look-up, pack.
func BenchmarkServeMsg(b *testing.B) {
	srv := &Server{Handler: newExampleZone(b)}
	q, _ := new(Msg).SetQuestion(MustName("ns1.example.test."), TypeA).Pack()
	pw := &nopPacketWriter{}
	remote := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5353}
	b.ReportAllocs()
	for b.Loop() {
		w := &respWriter{srv: srv, network: "udp", local: pw.LocalAddr(), remote: remote, pw: pw}
		srv.serveMsg(context.Background(), w, q)
	}
}
