// Package world builds the DNS lesson's world on loopback: a root server, the
// edu and com TLD servers, dns.cs.umass.edu (authoritative for umass.edu),
// dns.poly.edu (authoritative for poly.edu and the local DNS server of its
// hosts), and dns1.networkutopia.com, the new company's server that the
// "Network Utopia" start-up fills by dynamic update.
//
// Every server listens on its own 127.0.0.x address and all share one port,
// so that referrals, which carry addresses but not ports, work as on the
// Internet. The local server's cache runs on a [Clock] that the program
// advances to show TTL expiry without waiting.
package world

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/applayer/applayer/dns"
	"github.com/applayer/applayer/internal/loopback"
)

// Server is one name server of the world.
type Server struct {
	Host  string // its name, "a.root-servers.net"
	Addr  string // its loopback address, "127.0.0.10"
	Role  string // what it is in the lesson
	zones []zoneText
	srv   *dns.Server
}

type zoneText struct{ origin, text string }

// Clock is a settable clock for the local server's cache.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// World is the running hierarchy.
type World struct {
	Servers []*Server
	Port    string
	Clock   *Clock
	// Local is the address ("127.0.0.14:port") of dns.poly.edu, the local
	// DNS server that hosts in poly.edu send recursive queries to.
	Local string
	// LocalRecursive is a second local server that, instead of iterating,
	// sends a recursive query to the root, whose servers recurse in turn:
	// the lesson's recursive resolution.
	LocalRecursive string
	// Resolver is dns.poly.edu's iterative resolver.
	Resolver *dns.Resolver
	// Hop receives the hops of recursive resolutions; nil ignores them.
	Hop func(from, to, what string)

	stepFn func(dns.Step)
	names  map[string]string // address -> host name
	zones  map[string]*dns.Zone
	mu     sync.Mutex
}

var servers = []*Server{
	{Host: "a.root-servers.net", Addr: "127.0.0.10", Role: "root DNS server", zones: []zoneText{{".", `$TTL 518400
.	SOA a.root-servers.net. nstld.verisign-grs.com. 2026112100 1800 900 604800 86400
.	NS a.root-servers.net.
a.root-servers.net.	A 127.0.0.10
edu.	172800 NS a.edu-servers.net.
a.edu-servers.net.	172800 A 127.0.0.11
com.	172800 NS a.gtld-servers.net.
a.gtld-servers.net.	172800 A 127.0.0.12
`}}},
	{Host: "a.edu-servers.net", Addr: "127.0.0.11", Role: "edu TLD DNS server (Educause)", zones: []zoneText{{"edu.", `$TTL 172800
edu.	SOA a.edu-servers.net. nstld.educause.edu. 2026112100 1800 900 604800 86400
edu.	NS a.edu-servers.net.
umass.edu.	NS dns.cs.umass.edu.
dns.cs.umass.edu.	A 127.0.0.13
poly.edu.	NS dns.poly.edu.
dns.poly.edu.	A 127.0.0.14
`}}},
	{Host: "a.gtld-servers.net", Addr: "127.0.0.12", Role: "com TLD DNS server (the registry)", zones: []zoneText{{"com.", `$TTL 172800
com.	SOA a.gtld-servers.net. nstld.verisign-grs.com. 2026112100 1800 900 604800 86400
com.	NS a.gtld-servers.net.
`}}},
	{Host: "dns.cs.umass.edu", Addr: "127.0.0.13", Role: "authoritative DNS server for umass.edu", zones: []zoneText{{"umass.edu.", `$TTL 3600
umass.edu.	SOA dns.cs.umass.edu. hostmaster.umass.edu. 2026112100 10800 3600 604800 300
umass.edu.	NS dns.cs.umass.edu.
dns.cs.umass.edu.	A 127.0.0.13
gaia.cs.umass.edu.	600 A 128.119.245.12
www.umass.edu.	CNAME gaia.cs.umass.edu.
umass.edu.	MX 10 mail.umass.edu.
mail.umass.edu.	A 128.119.40.50
web.umass.edu.	60 A 128.119.103.1
web.umass.edu.	60 A 128.119.103.2
web.umass.edu.	60 A 128.119.103.3
`}}},
	{Host: "dns.poly.edu", Addr: "127.0.0.14", Role: "local DNS server of poly.edu (and authoritative for it)", zones: []zoneText{{"poly.edu.", `$TTL 3600
poly.edu.	SOA dns.poly.edu. hostmaster.poly.edu. 2026112100 10800 3600 604800 300
poly.edu.	NS dns.poly.edu.
dns.poly.edu.	A 127.0.0.14
cis.poly.edu.	A 128.238.1.1
`}}},
	{Host: "dns1.networkutopia.com", Addr: "127.0.0.15", Role: "authoritative DNS server of the new start-up", zones: []zoneText{{"networkutopia.com.", `$TTL 3600
networkutopia.com.	SOA dns1.networkutopia.com. hostmaster.networkutopia.com. 1 10800 3600 604800 300
networkutopia.com.	NS dns1.networkutopia.com.
dns1.networkutopia.com.	A 127.0.0.15
`}}},
	{Host: "dns.poly.edu (recursive mode)", Addr: "127.0.0.16", Role: "a local server that sends recursive queries"},
}

// Start starts every server of the world on loopback. The shared port is
// chosen by the first server; if another address has it taken, Start tries
// again with a new port. Where the loopback interface lacks the servers'
// addresses (macOS without aliases), the error wraps loopback.ErrNoAlias
// and says how to add them.
func Start() (*World, error) {
	var addrs []string
	for _, s := range servers {
		addrs = append(addrs, s.Addr)
	}
	if err := loopback.Check(addrs...); err != nil {
		return nil, fmt.Errorf("world: %w", err)
	}
	var err error
	for try := 0; try < 5; try++ {
		var w *World
		if w, err = start(); err == nil {
			return w, nil
		}
	}
	return nil, err
}

func start() (*World, error) {
	w := &World{
		Clock: &Clock{now: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)},
		names: map[string]string{},
		zones: map[string]*dns.Zone{},
	}
	for _, s := range servers {
		w.names[s.Addr] = s.Host
	}
	quiet := slog.New(slog.DiscardHandler)
	port := "0"
	var roots []netip.AddrPort
	for _, tmpl := range servers {
		s := *tmpl
		mux := new(dns.ServeMux)
		for _, zt := range s.zones {
			origin := dns.MustName(zt.origin)
			rrs, err := dns.ParseZone(strings.NewReader(zt.text), origin, zt.origin)
			if err != nil {
				w.Close()
				return nil, err
			}
			z, err := dns.NewZone(origin, rrs)
			if err != nil {
				w.Close()
				return nil, err
			}
			z.AllowUpdate = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
			z.AllowTransfer = z.AllowUpdate
			w.zones[zt.origin] = z
			mux.Handle(origin, &recursing{w: w, host: s.Host, zone: z})
		}
		pc, l, err := dns.ListenUDPTCP(net.JoinHostPort(s.Addr, port))
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("world: %s: %w", s.Host, err)
		}
		if port == "0" {
			_, port, _ = net.SplitHostPort(pc.LocalAddr().String())
			w.Port = port // before any server goroutine reads it
		}
		if s.Addr == "127.0.0.10" {
			roots = []netip.AddrPort{netip.MustParseAddrPort(pc.LocalAddr().String())}
			w.Resolver = &dns.Resolver{Roots: roots, Cache: &dns.Cache{Now: w.Clock.Now}, Trace: w.step}
		}
		switch s.Addr {
		case "127.0.0.14":
			mux.Handle(dns.Root, &dns.Recursive{Resolver: w.Resolver})
			w.Local = pc.LocalAddr().String()
		case "127.0.0.16":
			mux.Handle(dns.Root, &forwarder{w: w, host: s.Host, to: roots[0].String()})
			w.LocalRecursive = pc.LocalAddr().String()
		}
		s.srv = &dns.Server{Handler: mux, Logger: quiet}
		go s.srv.ServePacket(pc)
		go s.srv.Serve(l)
		w.Servers = append(w.Servers, &s)
	}
	return w, nil
}

// Close shuts every server down.
func (w *World) Close() {
	for _, s := range w.Servers {
		if s.srv != nil {
			s.srv.Close()
		}
	}
}

// Name returns the host name of a server address ("127.0.0.10:port" -> "a.root-servers.net").
func (w *World) Name(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if n, ok := w.names[host]; ok {
		return n
	}
	return addr
}

// Zone returns the zone with the given origin ("umass.edu.").
func (w *World) Zone(origin string) *dns.Zone { return w.zones[origin] }

// Addr returns host:port for a server of the world by its address.
func (w *World) Addr(ip string) string { return net.JoinHostPort(ip, w.Port) }

func (w *World) hop(from, to, what string) {
	w.mu.Lock()
	f := w.Hop
	w.mu.Unlock()
	if f != nil {
		f(from, to, what)
	}
}

func (w *World) step(s dns.Step) {
	w.mu.Lock()
	f := w.stepFn
	w.mu.Unlock()
	if f != nil {
		f(s)
	}
}

func (w *World) setStep(f func(dns.Step)) { w.mu.Lock(); w.stepFn = f; w.mu.Unlock() }

// SetHop sets the hop reporter.
func (w *World) SetHop(f func(from, to, what string)) { w.mu.Lock(); w.Hop = f; w.mu.Unlock() }

// recursing serves a zone; when a query with RD set would get a referral, it
// resolves it by asking the referred server itself (recursive resolution,
// putting the burden on the contacted server). Iterative queries (RD clear)
// get the referral.
type recursing struct {
	w    *World
	host string
	zone *dns.Zone
}

type capture struct {
	dns.ResponseWriter
	m *dns.Msg
}

func (c *capture) WriteMsg(m *dns.Msg) error { c.m = m; return nil }

func (h *recursing) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) {
	if !r.RecursionDesired || r.Opcode != dns.OpcodeQuery {
		h.zone.ServeDNS(ctx, w, r)
		return
	}
	c := &capture{ResponseWriter: w}
	h.zone.ServeDNS(ctx, c, r)
	m := c.m
	if m == nil {
		return
	}
	if m.Authoritative || len(m.Answer) > 0 || len(m.Authority) == 0 || m.Authority[0].Type() != dns.TypeNS {
		w.WriteMsg(m)
		return
	}
	var next string
	for _, rr := range m.Additional {
		if a, ok := rr.Data.(*dns.A); ok {
			next = h.w.Addr(a.Addr.String())
			break
		}
	}
	if next == "" {
		w.WriteMsg(m)
		return
	}
	q := r.Question[0]
	h.w.hop(h.host, h.w.Name(next), q.Name.String()+" "+q.Type.String()+"? (recursive query)")
	reply, err := (&dns.Client{}).Exchange(ctx, new(dns.Msg).SetQuestion(q.Name, q.Type), next)
	out := new(dns.Msg).SetReply(r)
	out.RecursionAvailable = true
	if err != nil {
		out.Rcode = dns.RcodeServerFailure
	} else {
		out.Rcode, out.Answer, out.Authority = reply.Rcode, reply.Answer, reply.Authority
		h.w.hop(h.w.Name(next), h.host, summary(reply))
	}
	w.WriteMsg(out)
}

// forwarder is the recursive-mode local server: it sends each query, with RD
// set, to the root server and relays the answer.
type forwarder struct {
	w    *World
	host string
	to   string
}

func (f *forwarder) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) {
	q := r.Question[0]
	f.w.hop(f.host, f.w.Name(f.to), q.Name.String()+" "+q.Type.String()+"? (recursive query)")
	reply, err := (&dns.Client{}).Exchange(ctx, new(dns.Msg).SetQuestion(q.Name, q.Type), f.to)
	out := new(dns.Msg).SetReply(r)
	out.RecursionAvailable = true
	if err != nil {
		out.Rcode = dns.RcodeServerFailure
	} else {
		out.Rcode, out.Answer, out.Authority = reply.Rcode, reply.Answer, reply.Authority
		f.w.hop(f.w.Name(f.to), f.host, summary(reply))
	}
	w.WriteMsg(out)
}

func summary(m *dns.Msg) string {
	if len(m.Answer) == 0 {
		return "no answer (" + m.Rcode.String() + ")"
	}
	var parts []string
	for _, rr := range m.Answer {
		parts = append(parts, rr.Type().String()+" "+rr.Data.String())
	}
	return "answer: " + strings.Join(parts, ", ")
}

// Iterated resolves name for host cis.poly.edu through the local server and
// prints the lesson's numbered messages: 1 the host's query, then the local
// server's iterated queries and their replies, then the answer to the host.
func (w *World) Iterated(ctx context.Context, out io.Writer, name string, t dns.Type) error {
	out = lock(out) // the trace is written from the server's goroutines
	var n atomic.Int32
	n.Store(1)
	fmt.Fprintf(out, "  %d. cis.poly.edu -> dns.poly.edu: %s %v? (recursion desired)\n", 1, name, t)
	w.setStep(func(s dns.Step) {
		server := w.Name(s.Server.String())
		switch s.Kind {
		case "cache":
			fmt.Fprintf(out, "     dns.poly.edu finds %s %v in its cache\n", s.Question.Name, s.Question.Type)
			return
		case "error":
			fmt.Fprintf(out, "     dns.poly.edu -> %s: error %v\n", server, s.Err)
			return
		}
		indent := strings.Repeat("  ", s.Depth)
		fmt.Fprintf(out, "  %s%d. dns.poly.edu -> %s (%s server): %s %v?\n", indent, n.Add(1), server, s.Zone, s.Question.Name, s.Question.Type)
		switch s.Kind {
		case "referral":
			var ns []string
			for _, rr := range s.Reply.Authority {
				if d, ok := rr.Data.(*dns.NS); ok {
					ns = append(ns, d.Host.String())
				}
			}
			fmt.Fprintf(out, "  %s%d. %s -> dns.poly.edu: I don't know, ask the %s servers: %s\n", indent, n.Add(1), server, s.Referral, strings.Join(ns, " "))
		default:
			fmt.Fprintf(out, "  %s%d. %s -> dns.poly.edu: %s (authoritative: %v)\n", indent, n.Add(1), server, summary(s.Reply), s.Reply.Authoritative)
		}
	})
	defer w.setStep(nil)
	m, err := (&dns.Client{}).Exchange(ctx, new(dns.Msg).SetQuestion(dns.MustName(name), t), w.Local)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  %d. dns.poly.edu -> cis.poly.edu: %s\n", n.Add(1), summary(m))
	for _, rr := range m.Answer {
		fmt.Fprintf(out, "     %s\n", rr.String())
	}
	return nil
}

// Recursive resolves name through the recursive-mode local server, whose
// query travels root -> TLD -> authoritative and back, one hop per line.
func (w *World) Recursive(ctx context.Context, out io.Writer, name string, t dns.Type) error {
	out = lock(out)
	var n atomic.Int32
	w.SetHop(func(from, to, what string) { fmt.Fprintf(out, "  %d. %s -> %s: %s\n", n.Add(1), from, to, what) })
	defer w.SetHop(nil)
	fmt.Fprintf(out, "  %d. cis.poly.edu -> dns.poly.edu: %s %v? (recursion desired)\n", n.Add(1), name, t)
	m, err := (&dns.Client{}).Exchange(ctx, new(dns.Msg).SetQuestion(dns.MustName(name), t), w.LocalRecursive)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  %d. dns.poly.edu -> cis.poly.edu: %s\n", n.Add(1), summary(m))
	return nil
}

// Update sends a dynamic update adding records (zone-file lines) to the zone
// origin on the server at ip, and returns the reply's rcode.
func (w *World) Update(ctx context.Context, ip, origin string, lines ...string) (dns.Rcode, error) {
	m := &dns.Msg{Header: dns.Header{Opcode: dns.OpcodeUpdate}}
	m.Question = []dns.Question{{Name: dns.MustName(origin), Type: dns.TypeSOA, Class: dns.ClassINET}}
	for _, l := range lines {
		rr, err := dns.ParseRR(l)
		if err != nil {
			return 0, err
		}
		m.Authority = append(m.Authority, rr)
	}
	r, err := (&dns.Client{}).Exchange(ctx, m, w.Addr(ip))
	if err != nil {
		return 0, err
	}
	return r.Rcode, nil
}

// lockedWriter serializes writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func lock(w io.Writer) io.Writer {
	if lw, ok := w.(*lockedWriter); ok {
		return lw
	}
	return &lockedWriter{w: w}
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
