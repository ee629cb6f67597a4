package dns

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// startServer serves h over UDP and TCP on addr ("127.0.0.1:0" for any port)
// and returns the address; the server is shut down when the test ends.
func startServer(t testing.TB, h Handler, addr string) string {
	t.Helper()
	pc, l, err := ListenUDPTCP(addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Handler: h, Logger: slog.New(slog.DiscardHandler)}
	done := make(chan struct{}, 2)
	go func() { s.ServePacket(pc); done <- struct{}{} }()
	go func() { s.Serve(l); done <- struct{}{} }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
		<-done
		<-done
	})
	return pc.LocalAddr().String()
}

const exampleZone = `$ORIGIN example.test.
$TTL 300
@	IN SOA ns1 hostmaster 1 10800 3600 604800 60
	IN NS ns1
	IN MX 20 mx2
	IN MX 10 mx1
ns1	IN A 127.0.0.1
mx1	IN A 192.0.2.25
mx2	IN A 192.0.2.26
www	IN A 192.0.2.1
	IN A 192.0.2.2
	IN A 192.0.2.3
	IN AAAA 2001:db8::1
alias	IN CNAME www
chain	IN CNAME alias
out	IN CNAME www.elsewhere.test.
*.wild	IN A 192.0.2.99
deep.empty.nonterminal IN A 192.0.2.50
sub	IN NS ns.sub
ns.sub	IN A 127.0.0.2
_sip._tcp IN SRV 10 60 5060 sip1
	IN SRV 10 20 5060 sip2
	IN SRV 5 0 5060 sip0
txt	IN TXT "hello" "world"
pool	IN A 192.0.2.101
	IN A 192.0.2.102
`

func newExampleZone(t testing.TB) *Zone {
	t.Helper()
	rrs, err := ParseZone(strings.NewReader(exampleZone), Root, "example.test.zone")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 60; i++ { // 60 x 200-octet TXT records: far over 512 octets
		rrs = append(rrs, RR{Name: MustName("big.example.test."), Class: ClassINET, TTL: 300,
			Data: &TXT{Txt: []string{strings.Repeat(string(rune('a'+i%26)), 199) + string(rune('0'+i%10))}}})
	}
	z, err := NewZone(MustName("example.test."), rrs)
	if err != nil {
		t.Fatal(err)
	}
	z.AllowTransfer = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	z.AllowUpdate = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	return z
}

func query(t *testing.T, c *Client, addr, name string, ty Type) *Msg {
	t.Helper()
	q := new(Msg).SetQuestion(MustName(name), ty)
	q.RecursionDesired = false
	m, err := c.Exchange(context.Background(), q, addr)
	if err != nil {
		t.Fatalf("Exchange(%s %v): %v", name, ty, err)
	}
	return m
}

func texts(rrs []RR) []string {
	var out []string
	for _, rr := range rrs {
		if rr.Type() == TypeOPT {
			continue
		}
		out = append(out, flat(rr.String()))
	}
	return out
}

// flat collapses the runs of tabs that align dig's columns into one tab.
func flat(s string) string {
	for strings.Contains(s, "\t\t") {
		s = strings.ReplaceAll(s, "\t\t", "\t")
	}
	return s
}

func TestAuthoritative(t *testing.T) {
	addr := startServer(t, newExampleZone(t), "127.0.0.1:0")
	c := &Client{}
	tests := []struct {
		name       string
		qname      string
		qtype      Type
		rcode      Rcode
		aa         bool
		answer     []string
		authority  []string
		additional []string
	}{
		{"A", "ns1.example.test.", TypeA, RcodeSuccess, true,
			[]string{"ns1.example.test.\t300\tIN\tA\t127.0.0.1"}, nil, nil},
		{"case-insensitive", "NS1.Example.TEST.", TypeA, RcodeSuccess, true,
			[]string{"NS1.Example.TEST.\t300\tIN\tA\t127.0.0.1"}, nil, nil},
		{"NXDOMAIN with SOA", "nope.example.test.", TypeA, RcodeNameError, true, nil,
			[]string{"example.test.\t60\tIN\tSOA\tns1.example.test. hostmaster.example.test. 1 10800 3600 604800 60"}, nil},
		{"NODATA with SOA", "ns1.example.test.", TypeMX, RcodeSuccess, true, nil,
			[]string{"example.test.\t60\tIN\tSOA\tns1.example.test. hostmaster.example.test. 1 10800 3600 604800 60"}, nil},
		{"empty non-terminal is NODATA", "empty.nonterminal.example.test.", TypeA, RcodeSuccess, true, nil,
			[]string{"example.test.\t60\tIN\tSOA\tns1.example.test. hostmaster.example.test. 1 10800 3600 604800 60"}, nil},
		{"CNAME chain", "chain.example.test.", TypeAAAA, RcodeSuccess, true, []string{
			"chain.example.test.\t300\tIN\tCNAME\talias.example.test.",
			"alias.example.test.\t300\tIN\tCNAME\twww.example.test.",
			"www.example.test.\t300\tIN\tAAAA\t2001:db8::1"}, nil, nil},
		{"CNAME out of zone", "out.example.test.", TypeA, RcodeSuccess, true,
			[]string{"out.example.test.\t300\tIN\tCNAME\twww.elsewhere.test."}, nil, nil},
		{"wildcard", "anything.wild.example.test.", TypeA, RcodeSuccess, true,
			[]string{"anything.wild.example.test.\t300\tIN\tA\t192.0.2.99"}, nil, nil},
		{"wildcard NODATA", "anything.wild.example.test.", TypeMX, RcodeSuccess, true, nil,
			[]string{"example.test.\t60\tIN\tSOA\tns1.example.test. hostmaster.example.test. 1 10800 3600 604800 60"}, nil},
		{"referral with glue", "host.sub.example.test.", TypeA, RcodeSuccess, false, nil,
			[]string{"sub.example.test.\t300\tIN\tNS\tns.sub.example.test."},
			[]string{"ns.sub.example.test.\t300\tIN\tA\t127.0.0.2"}},
		{"MX with additional addresses", "example.test.", TypeMX, RcodeSuccess, true, []string{
			"example.test.\t300\tIN\tMX\t20 mx2.example.test.",
			"example.test.\t300\tIN\tMX\t10 mx1.example.test."}, nil, []string{
			"mx2.example.test.\t300\tIN\tA\t192.0.2.26",
			"mx1.example.test.\t300\tIN\tA\t192.0.2.25"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := query(t, c, addr, tt.qname, tt.qtype)
			if m.Rcode != tt.rcode || m.Authoritative != tt.aa {
				t.Errorf("rcode %v aa %v, want %v aa %v", m.Rcode, m.Authoritative, tt.rcode, tt.aa)
			}
			if d := cmp.Diff(tt.answer, texts(m.Answer)); d != "" {
				t.Errorf("answer (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.authority, texts(m.Authority)); d != "" {
				t.Errorf("authority (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.additional, texts(m.Additional)); d != "" {
				t.Errorf("additional (-want +got):\n%s", d)
			}
		})
	}
}

func TestRoundRobin(t *testing.T) {
	addr := startServer(t, newExampleZone(t), "127.0.0.1:0")
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		m := query(t, &Client{}, addr, "www.example.test.", TypeA)
		if len(m.Answer) != 3 {
			t.Fatalf("got %d answers, want 3", len(m.Answer))
		}
		seen[m.Answer[0].Data.String()] = true
	}
	if len(seen) != 3 {
		t.Errorf("first addresses over three queries = %v, want all three servers in turn", seen)
	}
	// Interleaved queries for another RRset do not disturb the rotation.
	var firsts []string
	for i := 0; i < 3; i++ {
		query(t, &Client{}, addr, "www.example.test.", TypeAAAA)
		query(t, &Client{}, addr, "pool.example.test.", TypeA) // another rotating RRset
		firsts = append(firsts, query(t, &Client{}, addr, "www.example.test.", TypeA).Answer[0].Data.String())
	}
	if d := cmp.Diff([]string{"192.0.2.1", "192.0.2.2", "192.0.2.3"}, firsts); d != "" {
		t.Errorf("rotation with other queries in between (-want +got):\n%s", d)
	}
}

func TestTruncationAndTCPFallback(t *testing.T) {
	addr := startServer(t, newExampleZone(t), "127.0.0.1:0")
	// With truncation ignored, the UDP reply is cut with TC set and fits 512 octets.
	m := query(t, &Client{NoEDNS: true, IgnoreTruncation: true}, addr, "big.example.test.", TypeTXT)
	if !m.Truncated || len(m.Answer) != 0 {
		t.Errorf("UDP reply: tc=%v answers=%d, want tc and none", m.Truncated, len(m.Answer))
	}
	// The default client retries over TCP and gets all 60 records.
	m = query(t, &Client{}, addr, "big.example.test.", TypeTXT)
	if m.Truncated || len(m.Answer) != 60 {
		t.Errorf("after TCP retry: tc=%v answers=%d, want 60", m.Truncated, len(m.Answer))
	}
}

func TestEDNSNegotiation(t *testing.T) {
	addr := startServer(t, newExampleZone(t), "127.0.0.1:0")
	m := query(t, &Client{UDPSize: 4096}, addr, "www.example.test.", TypeA)
	o := m.OPT()
	if o == nil || o.UDPSize != DefaultEDNSSize {
		t.Fatalf("reply OPT = %v, want one advertising %d", o, DefaultEDNSSize)
	}
	q0 := new(Msg).SetQuestion(MustName("www.example.test."), TypeA)
	q0.SetEDNS(1232, true)
	if m, err := (&Client{}).Exchange(context.Background(), q0, addr); err != nil || m.OPT() == nil || !m.OPT().DO {
		t.Errorf("DO bit not copied into the reply (RFC 3225): %v %v", m, err)
	}
	m = query(t, &Client{NoEDNS: true}, addr, "www.example.test.", TypeA)
	if m.OPT() != nil {
		t.Errorf("reply to a non-EDNS query has an OPT record")
	}
	q := new(Msg).SetQuestion(MustName("www.example.test."), TypeA)
	q.SetEDNS(1232, false).Version = 1
	m, err := (&Client{}).Exchange(context.Background(), q, addr)
	if err != nil {
		t.Fatal(err)
	}
	if m.Rcode != RcodeBadVers {
		t.Errorf("EDNS version 1: rcode %v, want BADVERS", m.Rcode)
	}
}

// rawExchange sends b over UDP and returns the reply bytes.
func rawExchange(t *testing.T, addr string, b []byte) []byte {
	t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write(b); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1500)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	return buf[:n]
}

func TestBadRequests(t *testing.T) {
	mux := new(ServeMux)
	mux.Handle(MustName("example.test."), newExampleZone(t))
	mux.HandleFunc(MustName("panic.test."), func(ctx context.Context, w ResponseWriter, r *Msg) { panic("boom") })
	addr := startServer(t, mux, "127.0.0.1:0")
	pack := func(m *Msg) []byte {
		b, err := m.Pack()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	status := &Msg{Header: Header{ID: 7, Opcode: OpcodeStatus}}
	status.Question = []Question{{Name: MustName("example.test."), Type: TypeA, Class: ClassINET}}
	two := new(Msg).SetQuestion(MustName("example.test."), TypeA)
	two.Question = append(two.Question, two.Question[0])
	for _, tt := range []struct {
		name string
		in   []byte
		want Rcode
	}{
		{"garbage after header", append(hexMsg("1234 0000 0001 0000 0000 0000"), 0xff), RcodeFormatError},
		{"pointer loop", hexMsg("1234 0000 0001 0000 0000 0000 01 61 c00c 0001 0001"), RcodeFormatError},
		{"unknown opcode", pack(status), RcodeNotImplemented},
		{"two questions", pack(two), RcodeFormatError},
		{"outside served zones", pack(new(Msg).SetQuestion(MustName("example.org."), TypeA)), RcodeRefused},
		{"handler panic", pack(new(Msg).SetQuestion(MustName("x.panic.test."), TypeA)), RcodeServerFailure},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var m Msg
			if err := m.Unpack(rawExchange(t, addr, tt.in)); err != nil {
				t.Fatal(err)
			}
			if m.Rcode != tt.want || !m.Response {
				t.Errorf("rcode %v, want %v", m.Rcode, tt.want)
			}
		})
	}
}

func TestAXFR(t *testing.T) {
	z := newExampleZone(t)
	addr := startServer(t, z, "127.0.0.1:0")
	// Refused over UDP.
	if m := query(t, &Client{}, addr, "example.test.", TypeAXFR); m.Rcode != RcodeRefused {
		t.Errorf("AXFR over UDP: %v, want REFUSED", m.Rcode)
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	q := new(Msg).SetQuestion(MustName("example.test."), TypeAXFR)
	b, _ := q.AppendPack([]byte{0, 0})
	b[0], b[1] = byte((len(b)-2)>>8), byte(len(b)-2)
	conn.Write(b)
	var got []RR
	for {
		var m Msg
		if _, err := readTCPMsg(conn, &m, nil); err != nil {
			t.Fatal(err)
		}
		got = append(got, m.Answer...)
		if len(got) > 1 && got[len(got)-1].Type() == TypeSOA {
			break
		}
	}
	want := append(z.Records(), z.Records()[0])
	if d := cmp.Diff(want, got, cmpOpts); d != "" {
		t.Errorf("AXFR records (-want +got):\n%s", d)
	}
}

func TestDynamicUpdate(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "example.test.zone")
	if err := os.WriteFile(file, []byte(exampleZone), 0o644); err != nil {
		t.Fatal(err)
	}
	z, err := LoadZone(file, MustName("example.test."))
	if err != nil {
		t.Fatal(err)
	}
	z.AllowUpdate = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	addr := startServer(t, z, "127.0.0.1:0")
	rr := func(s string) RR {
		r, err := ParseRR(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	send := func(prereq, upd []RR) Rcode {
		m := &Msg{Header: Header{Opcode: OpcodeUpdate}}
		m.Question = []Question{{Name: MustName("example.test."), Type: TypeSOA, Class: ClassINET}}
		m.Answer, m.Authority = prereq, upd
		r, err := (&Client{}).Exchange(context.Background(), m, addr)
		if err != nil {
			t.Fatal(err)
		}
		return r.Rcode
	}
	// Prerequisite "name not in use" fails for www.
	if rc := send([]RR{{Name: MustName("www.example.test."), Class: ClassNONE, Data: &Unknown{T: TypeANY}}}, nil); rc != RcodeYXDomain {
		t.Errorf("prereq name-not-in-use on www: %v, want YXDOMAIN", rc)
	}
	// Add a record when the name is free.
	if rc := send([]RR{{Name: MustName("new.example.test."), Class: ClassNONE, Data: &Unknown{T: TypeANY}}},
		[]RR{rr("new.example.test. 300 IN A 192.0.2.77")}); rc != RcodeSuccess {
		t.Fatalf("add: %v", rc)
	}
	m := query(t, &Client{}, addr, "new.example.test.", TypeA)
	if len(m.Answer) != 1 {
		t.Fatalf("after add: %v", m)
	}
	// Delete one of www's addresses, and the whole TXT RRset.
	if rc := send(nil, []RR{
		{Name: MustName("www.example.test."), Class: ClassNONE, Data: &A{Addr: netip.MustParseAddr("192.0.2.2")}},
		{Name: MustName("txt.example.test."), Class: ClassANY, Data: &Unknown{T: TypeTXT}},
	}); rc != RcodeSuccess {
		t.Fatalf("delete: %v", rc)
	}
	if m := query(t, &Client{}, addr, "www.example.test.", TypeA); len(m.Answer) != 2 {
		t.Errorf("www after delete has %d addresses, want 2", len(m.Answer))
	}
	if m := query(t, &Client{}, addr, "txt.example.test.", TypeTXT); m.Rcode != RcodeNameError {
		t.Errorf("txt after delete: %v, want NXDOMAIN", m.Rcode)
	}
	// Out-of-zone update.
	if rc := send(nil, []RR{rr("x.example.org. 300 IN A 192.0.2.1")}); rc != RcodeNotZone {
		t.Errorf("out of zone: %v, want NOTZONE", rc)
	}
	// Serial went 1 -> 2 -> 3, and the file was rewritten with the changes.
	z2, err := LoadZone(file, MustName("example.test."))
	if err != nil {
		t.Fatal(err)
	}
	if s := z2.Records()[0].Data.(*SOA).Serial; s != 3 {
		t.Errorf("serial in rewritten file = %d, want 3", s)
	}
	if len(z2.Records()) != len(z.Records()) {
		t.Errorf("rewritten file has %d records, zone has %d", len(z2.Records()), len(z.Records()))
	}
}

func TestUpdateRefused(t *testing.T) {
	z := newExampleZone(t)
	z.AllowUpdate = nil
	addr := startServer(t, z, "127.0.0.1:0")
	m := &Msg{Header: Header{Opcode: OpcodeUpdate}}
	m.Question = []Question{{Name: MustName("example.test."), Type: TypeSOA, Class: ClassINET}}
	r, err := (&Client{}).Exchange(context.Background(), m, addr)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rcode != RcodeRefused {
		t.Errorf("update from a client not allowed: %v, want REFUSED", r.Rcode)
	}
}

func TestStubLookups(t *testing.T) {
	addr := startServer(t, newExampleZone(t), "127.0.0.1:0")
	r := &Resolver{Servers: []string{addr}}
	ctx := context.Background()
	mx, err := r.LookupMX(ctx, "example.test")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range mx {
		got = append(got, m.String())
	}
	if d := cmp.Diff([]string{"10 mx1.example.test.", "20 mx2.example.test."}, got); d != "" {
		t.Errorf("LookupMX sorted (-want +got):\n%s", d)
	}
	addrs, err := r.LookupHost(ctx, "chain.example.test")
	if err != nil || len(addrs) != 4 {
		t.Errorf("LookupHost(chain) = %v, %v; want 3 IPv4 + 1 IPv6 through two CNAMEs", addrs, err)
	}
	if _, err := r.LookupHost(ctx, "nope.example.test"); !IsNotFound(err) {
		t.Errorf("LookupHost(nope) err = %v, want not found", err)
	}
	if _, err := r.LookupMX(ctx, "ns1.example.test"); !errors.Is(err, ErrNoAnswer) {
		t.Errorf("LookupMX(ns1) err = %v, want ErrNoAnswer", err)
	}
	txt, err := r.LookupTXT(ctx, "txt.example.test")
	if err != nil || len(txt) != 1 || txt[0] != "helloworld" {
		t.Errorf("LookupTXT = %q, %v", txt, err)
	}
	srv, err := r.LookupSRV(ctx, "sip", "tcp", "example.test")
	if err != nil || len(srv) != 3 || srv[0].Target.String() != "sip0.example.test." || srv[1].Target.String() != "sip1.example.test." {
		t.Errorf("LookupSRV = %v, %v", srv, err)
	}
	// A dead first server is skipped.
	dead, _ := net.ListenPacket("udp", "127.0.0.1:0")
	deadAddr := dead.LocalAddr().String()
	dead.Close()
	r2 := &Resolver{Servers: []string{deadAddr, addr}, Client: &Client{Timeout: 200 * time.Millisecond, Attempts: 1}}
	if _, err := r2.LookupMX(ctx, "example.test"); err != nil {
		t.Errorf("with a dead first server: %v", err)
	}
}

// TestEDNSFallback: a server that answers FORMERR to any OPT record (an old
// one, simulated on a raw socket) still gets answered, by a retry without EDNS0.
func TestEDNSFallback(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	defer func() { pc.Close(); <-done }()
	go func() {
		defer close(done)
		buf := make([]byte, 512)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var r Msg
			if r.Unpack(buf[:n]) != nil {
				continue
			}
			m := new(Msg).SetReply(&r)
			if r.OPT() != nil {
				m.Rcode = RcodeFormatError
				m.Question = nil
			} else {
				m.Answer = []RR{{Name: r.Question[0].Name, Class: ClassINET, TTL: 1, Data: &A{Addr: netip.MustParseAddr("192.0.2.9")}}}
			}
			b, _ := m.Pack()
			pc.WriteTo(b, addr)
		}
	}()
	m, err := (&Client{}).Exchange(context.Background(), new(Msg).SetQuestion(MustName("old.test."), TypeA), pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	if m.Rcode != RcodeSuccess || len(m.Answer) != 1 {
		t.Errorf("after fallback: %v", m)
	}
}

// TestTCPSeveralQueries: one TCP connection carries several length-prefixed
// queries (RFC 7766 section 6.2.1), and an idle connection is closed by the server.
func TestTCPSeveralQueries(t *testing.T) {
	srv := &Server{Handler: newExampleZone(t), IdleTimeout: 100 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)}
	addr := startServerWith(t, srv, "127.0.0.1:0")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	names := []string{"www.example.test.", "ns1.example.test.", "mx1.example.test."}
	// Send all three before reading any reply.
	for i, n := range names {
		q := new(Msg).SetQuestion(MustName(n), TypeA)
		q.ID = uint16(100 + i)
		b, _ := q.AppendPack([]byte{0, 0})
		b[0], b[1] = byte((len(b)-2)>>8), byte(len(b)-2)
		if _, err := conn.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	for i, n := range names {
		var m Msg
		if _, err := readTCPMsg(conn, &m, nil); err != nil {
			t.Fatal(err)
		}
		if m.ID != uint16(100+i) || !m.Question[0].Name.Equal(MustName(n)) || len(m.Answer) == 0 {
			t.Errorf("reply %d: id %d question %v answers %d", i, m.ID, m.Question, len(m.Answer))
		}
	}
	// Then silence: the server closes the connection after IdleTimeout.
	var one [1]byte
	if _, err := conn.Read(one[:]); err == nil {
		t.Error("idle connection still open")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Error("server did not close the idle connection within 10 s")
	}
}

// TestLookupAddr: the lesson's gethostbyaddr, a PTR query under in-addr.arpa.
func TestLookupAddr(t *testing.T) {
	rrs, err := ParseZone(strings.NewReader(`$ORIGIN 34.12.in-addr.arpa.
@	3600 SOA ns.example.test. hostmaster.example.test. 1 10800 3600 604800 300
@	NS ns.example.test.
5.158	PTR host.example.test.
`), Root, "rev")
	if err != nil {
		t.Fatal(err)
	}
	z, err := NewZone(MustName("34.12.in-addr.arpa."), rrs)
	if err != nil {
		t.Fatal(err)
	}
	mux := new(ServeMux)
	mux.Handle(z.Origin(), z)
	mux.Handle(MustName("example.test."), newExampleZone(t))
	r := &Resolver{Servers: []string{startServer(t, mux, "127.0.0.1:0")}}
	names, err := r.LookupAddr(context.Background(), netip.MustParseAddr("12.34.158.5"))
	if err != nil || len(names) != 1 || names[0].String() != "host.example.test." {
		t.Errorf("LookupAddr(12.34.158.5) = %v, %v", names, err)
	}
	if _, err := r.LookupAddr(context.Background(), netip.MustParseAddr("12.34.1.1")); !IsNotFound(err) {
		t.Errorf("LookupAddr(12.34.1.1) err = %v, want not found", err)
	}
}

// TestSecondary: a secondary server loads the zone from its primary by zone
// transfer and answers the same (CHECKLIST DNS-40).
func TestSecondary(t *testing.T) {
	primary := newExampleZone(t)
	addr := startServer(t, primary, "127.0.0.1:0")
	rrs, err := (&Client{}).Transfer(context.Background(), MustName("example.test."), addr)
	if err != nil {
		t.Fatal(err)
	}
	secondary, err := NewZone(MustName("example.test."), rrs)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(primary.Records(), secondary.Records(), cmpOpts); d != "" {
		t.Errorf("secondary differs (-primary +secondary):\n%s", d)
	}
	saddr := startServer(t, secondary, "127.0.0.1:0")
	m := query(t, &Client{}, saddr, "chain.example.test.", TypeAAAA)
	if !m.Authoritative || len(m.Answer) != 3 {
		t.Errorf("secondary's answer: %v", m)
	}
	// A refused transfer is an error.
	primary.AllowTransfer = nil
	var re *RcodeError
	if _, err := (&Client{}).Transfer(context.Background(), MustName("example.test."), addr); !errors.As(err, &re) || re.Rcode != RcodeRefused {
		t.Errorf("refused transfer: err = %v, want REFUSED", err)
	}
}

// TestClientIgnoresForgedReplies: replies with the wrong ID or question are
// dropped, and the client waits for the real one (RFC 5452 section 9.1).
func TestClientIgnoresForgedReplies(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	defer func() { pc.Close(); <-done }()
	go func() {
		defer close(done)
		buf := make([]byte, 512)
		n, addr, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		var q Msg
		if q.Unpack(buf[:n]) != nil {
			return
		}
		send := func(id uint16, name string, a string) {
			m := new(Msg).SetReply(&q)
			m.ID = id
			m.Question[0].Name = MustName(name)
			m.Answer = []RR{{Name: m.Question[0].Name, Class: ClassINET, TTL: 1, Data: &A{Addr: netip.MustParseAddr(a)}}}
			b, _ := m.Pack()
			pc.WriteTo(b, addr)
		}
		send(q.ID+1, "www.example.test.", "6.6.6.6") // wrong ID
		send(q.ID, "evil.example.test.", "6.6.6.7")  // wrong question
		send(q.ID, "www.example.test.", "192.0.2.1") // the real reply
	}()
	m, err := (&Client{}).Exchange(context.Background(), new(Msg).SetQuestion(MustName("www.example.test."), TypeA), pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Answer[0].Data.String(); got != "192.0.2.1" {
		t.Errorf("client accepted a forged reply: %s", got)
	}
}

// TestSecondaryRefresh: after an update on the primary bumps the serial, a
// refresh transfers the new zone; without a change nothing is transferred.
func TestSecondaryRefresh(t *testing.T) {
	primary := newExampleZone(t)
	addr := startServer(t, primary, "127.0.0.1:0")
	sec := &Secondary{Origin: MustName("example.test."), Primary: addr}
	z, err := sec.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := sec.Refresh(context.Background()); err != nil || changed {
		t.Fatalf("refresh without change: %v, %v", changed, err)
	}
	upd := &Msg{Header: Header{Opcode: OpcodeUpdate}}
	upd.Question = []Question{{Name: MustName("example.test."), Type: TypeSOA, Class: ClassINET}}
	rr, _ := ParseRR("late.example.test. 60 IN A 192.0.2.60")
	upd.Authority = []RR{rr}
	if r, err := (&Client{}).Exchange(context.Background(), upd, addr); err != nil || r.Rcode != RcodeSuccess {
		t.Fatalf("update: %v %v", r, err)
	}
	if changed, err := sec.Refresh(context.Background()); err != nil || !changed {
		t.Fatalf("refresh after update: %v, %v", changed, err)
	}
	if z.Serial() != 2 || len(z.Records()) != len(primary.Records()) {
		t.Errorf("secondary serial %d with %d records; primary has %d", z.Serial(), len(z.Records()), len(primary.Records()))
	}
}

// TestAXFRLargeRecords: big records are spread over messages that each fit a TCP frame.
func TestAXFRLargeRecords(t *testing.T) {
	z := newExampleZone(t)
	for i := 0; i < 20; i++ {
		var txt []string
		for j := 0; j < 200; j++ { // 200 strings of 255 octets: ~51 KiB of data per record
			txt = append(txt, strings.Repeat("x", 255))
		}
		z.add(RR{Name: MustName(fmt.Sprintf("huge%d.example.test.", i)), Class: ClassINET, TTL: 60, Data: &TXT{Txt: txt}})
	}
	addr := startServer(t, z, "127.0.0.1:0")
	rrs, err := (&Client{}).Transfer(context.Background(), MustName("example.test."), addr)
	if err != nil {
		t.Fatal(err)
	}
	if len(rrs) != len(z.Records()) {
		t.Errorf("transferred %d records, zone has %d", len(rrs), len(z.Records()))
	}
}

// TestReplyTooLarge: an RRset too large even for TCP gets SERVFAIL over TCP
// and TC over UDP, never silence.
func TestReplyTooLarge(t *testing.T) {
	z := newExampleZone(t)
	for i := 0; i < 2; i++ {
		var txt []string
		for j := 0; j < 200; j++ {
			txt = append(txt, strings.Repeat(string(rune('a'+i)), 255))
		}
		z.add(RR{Name: MustName("huge.example.test."), Class: ClassINET, TTL: 60, Data: &TXT{Txt: txt}})
	}
	addr := startServer(t, z, "127.0.0.1:0")
	if m := query(t, &Client{TCP: true}, addr, "huge.example.test.", TypeTXT); m.Rcode != RcodeServerFailure {
		t.Errorf("over TCP: %v, want SERVFAIL", m.Rcode)
	}
	if m := query(t, &Client{IgnoreTruncation: true}, addr, "huge.example.test.", TypeTXT); !m.Truncated {
		t.Errorf("over UDP: tc=%v, want TC", m.Truncated)
	}
}

// TestClientRetriesLostDatagram: UDP loses the first query; the client
// sends it again after its timeout, from a new source port.
func TestClientRetriesLostDatagram(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ports := make(chan int, 16)
	done := make(chan struct{})
	defer func() { pc.Close(); <-done }()
	go func() {
		defer close(done)
		buf := make([]byte, 512)
		for i := 0; ; i++ {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			select {
			case ports <- addr.(*net.UDPAddr).Port:
			default:
			}
			if i == 0 {
				continue // lost
			}
			var q Msg
			if q.Unpack(buf[:n]) != nil {
				continue
			}
			b, _ := new(Msg).SetReply(&q).Pack()
			pc.WriteTo(b, addr)
		}
	}()
	c := &Client{Timeout: 300 * time.Millisecond, Attempts: 5}
	if _, err := c.Exchange(context.Background(), new(Msg).SetQuestion(MustName("x.test."), TypeA), pc.LocalAddr().String()); err != nil {
		t.Fatal(err)
	}
	if p1, p2 := <-ports, <-ports; p1 == p2 {
		t.Errorf("retry used the same source port %d", p1)
	}
}
