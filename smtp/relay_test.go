package smtp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/applayer/applayer/dns"
)

// fakeResolver maps names to MX records and addresses in memory.
type fakeResolver struct {
	mx    map[string][]*net.MX
	hosts map[string][]string
}

func (f *fakeResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	if mx, ok := f.mx[name]; ok {
		return mx, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (f *fakeResolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	if a, ok := f.hosts[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// portMap is a dial hook: "127.0.0.N:25" goes to a loopback test port;
// anything else fails, so nothing leaves the machine.
type portMap struct {
	mu    sync.Mutex
	to    map[string]string
	tried []string
}

func (p *portMap) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	p.mu.Lock()
	p.tried = append(p.tried, addr)
	real, ok := p.to[addr]
	p.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("test dialer: %s is not mapped", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, real)
}

func TestRelayHostsOrder(t *testing.T) {
	r := &Relay{Resolver: &fakeResolver{
		mx: map[string][]*net.MX{
			"a.test":    {{Host: "mx3.a.test.", Pref: 30}, {Host: "mx1.a.test.", Pref: 10}, {Host: "mx2a.a.test.", Pref: 20}, {Host: "mx2b.a.test.", Pref: 20}},
			"null.test": {{Host: ".", Pref: 0}},
		},
		hosts: map[string][]string{"plain.test": {"127.0.0.9"}},
	}}
	ctx := context.Background()
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		h, err := r.Hosts(ctx, "a.test")
		if err != nil {
			t.Fatal(err)
		}
		if h[0] != "mx1.a.test" || h[3] != "mx3.a.test" {
			t.Fatalf("Hosts = %v, want mx1 first and mx3 last", h)
		}
		seen[h[1]] = true
	}
	if !seen["mx2a.a.test"] || !seen["mx2b.a.test"] {
		t.Errorf("equal preferences were never shuffled: %v", seen)
	}
	if h, err := r.Hosts(ctx, "plain.test"); err != nil || len(h) != 1 || h[0] != "plain.test" {
		t.Errorf("Hosts(plain.test) = %v, %v; want the implicit MX", h, err)
	}
	if _, err := r.Hosts(ctx, "null.test"); !errors.Is(err, ErrNoMailService) {
		t.Errorf("Hosts(null.test) error = %v, want ErrNoMailService", err)
	}
	if _, err := r.Hosts(ctx, "nowhere.test"); !errors.Is(err, ErrNoSuchDomain) {
		t.Errorf("Hosts(nowhere.test) error = %v, want ErrNoSuchDomain", err)
	}
}

// TestRelayFallback delivers through the second exchanger when the first
// is down, and to the domain itself when there is no MX.
func TestRelayFallback(t *testing.T) {
	b := &memBackend{}
	addr := startServer(t, &Server{Hostname: "mx2.b.test", Backend: b})
	pm := &portMap{to: map[string]string{"127.0.0.12:25": addr, "127.0.0.20:25": addr}}
	r := &Relay{
		Resolver: &fakeResolver{
			mx:    map[string][]*net.MX{"b.test": {{Host: "mx1.b.test", Pref: 10}, {Host: "mx2.b.test", Pref: 20}}},
			hosts: map[string][]string{"mx1.b.test": {"127.0.0.11"}, "mx2.b.test": {"127.0.0.12"}, "c.test": {"127.0.0.20"}},
		},
		Dial: pm.dial, LocalName: "relay.test",
	}
	msg := "Subject: t\r\n\r\nbody\r\n"
	ctx := context.Background()
	res, err := r.Deliver(ctx, "b.test", Mail{From: "a@x.test"}, []Rcpt{{To: "u@b.test"}}, strings.NewReader(msg), int64(len(msg)))
	if err != nil || res[0] != nil {
		t.Fatalf("Deliver = %v, %v", res, err)
	}
	if want := []string{"127.0.0.11:25", "127.0.0.12:25"}; strings.Join(pm.tried, " ") != strings.Join(want, " ") {
		t.Errorf("dialled %v, want %v", pm.tried, want)
	}
	if _, err := r.Deliver(ctx, "c.test", Mail{From: "a@x.test"}, []Rcpt{{To: "u@c.test"}}, strings.NewReader(msg), int64(len(msg))); err != nil {
		t.Fatalf("Deliver to implicit MX: %v", err)
	}
	if n := len(b.messages()); n != 2 {
		t.Errorf("%d messages delivered, want 2", n)
	}
	_, err = r.Deliver(ctx, "down.test", Mail{From: "a@x.test"}, []Rcpt{{To: "u@down.test"}}, strings.NewReader(msg), int64(len(msg)))
	if err == nil || IsPermanent(err) == false && !errors.Is(err, ErrNoSuchDomain) {
		t.Errorf("Deliver to a missing domain: %v", err)
	}
}

// TestRelayWithDNSServer resolves through this module's DNS server and
// resolver: MX preference, fallback to the next exchanger, implicit MX
// for a name with only an address, and NXDOMAIN as a permanent failure.
func TestRelayWithDNSServer(t *testing.T) {
	rrs, err := dns.ParseZone(strings.NewReader(`$ORIGIN b.test.
@      3600 SOA ns hostmaster 1 10800 3600 604800 300
@      NS  ns
ns     A   127.0.0.1
@      MX  10 mx1
@      MX  20 mx2
mx1    A   127.0.0.11
mx2    A   127.0.0.12
plain  A   127.0.0.20
`), dns.Root, "b.test.zone")
	if err != nil {
		t.Fatal(err)
	}
	zone, err := dns.NewZone(dns.MustName("b.test."), rrs)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dsrv := &dns.Server{Handler: zone, Logger: slog.New(slog.DiscardHandler)}
	done := make(chan struct{})
	go func() { defer close(done); dsrv.ServePacket(pc) }()
	t.Cleanup(func() { dsrv.Close(); <-done })

	b := &memBackend{}
	addr := startServer(t, &Server{Backend: b})
	pm := &portMap{to: map[string]string{"127.0.0.12:25": addr, "127.0.0.20:25": addr}}
	r := &Relay{Resolver: DNSResolver{R: &dns.Resolver{Servers: []string{pc.LocalAddr().String()}}}, Dial: pm.dial, Logger: slog.New(slog.DiscardHandler)}
	ctx := context.Background()
	hosts, err := r.Hosts(ctx, "b.test")
	if err != nil || strings.Join(hosts, " ") != "mx1.b.test mx2.b.test" {
		t.Fatalf("Hosts(b.test) = %v, %v", hosts, err)
	}
	msg := "Subject: dns\r\n\r\nx\r\n"
	for _, domain := range []string{"b.test", "plain.b.test"} {
		if _, err := r.Deliver(ctx, domain, Mail{From: "a@x.test"}, []Rcpt{{To: "u@" + domain}}, strings.NewReader(msg), int64(len(msg))); err != nil {
			t.Errorf("Deliver(%s): %v", domain, err)
		}
	}
	if _, err := r.Deliver(ctx, "missing.b.test", Mail{From: "a@x.test"}, []Rcpt{{To: "u@missing.b.test"}}, strings.NewReader(msg), int64(len(msg))); !errors.Is(err, ErrNoSuchDomain) {
		t.Errorf("Deliver to NXDOMAIN: %v, want ErrNoSuchDomain", err)
	}
	if n := len(b.messages()); n != 2 {
		t.Errorf("%d messages delivered, want 2", n)
	}
}
