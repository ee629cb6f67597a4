package dns_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/applayer/applayer/dns"
)

// A query and its reply in wire form: the reply's answers point back at the
// question's name with compression pointers.
func ExampleMsg_Pack() {
	q := new(dns.Msg).SetQuestion(dns.MustName("www.example.com."), dns.TypeA)
	q.ID = 0xbeef
	b, _ := q.Pack()
	fmt.Printf("% x\n", b)
	// Output:
	// be ef 01 00 00 01 00 00 00 00 00 00 03 77 77 77 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00 01
}

// Unpacking into a reused Msg does not allocate once the Msg has grown.
func ExampleMsg_Unpack() {
	wire := []byte("\xbe\xef\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00" +
		"\x03www\x07example\x03com\x00\x00\x01\x00\x01" +
		"\xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04\xc0\x00\x02\x01")
	var m dns.Msg
	if err := m.Unpack(wire); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(m.String())
	// Output:
	// ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 48879
	// ;; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0
	//
	// ;; QUESTION SECTION:
	// ;www.example.com.		IN	A
	//
	// ;; ANSWER SECTION:
	// www.example.com.	300	IN	A	192.0.2.1
}

func ExampleParseRR() {
	rr, err := dns.ParseRR("nudt.edu.cn. 3600 IN MX 10 webmail.nudt.edu.cn.")
	if err != nil {
		fmt.Println(err)
		return
	}
	mx := rr.Data.(*dns.MX)
	fmt.Println(rr.Name, rr.TTL, mx.Pref, mx.Host)
	// Output: nudt.edu.cn. 3600 10 webmail.nudt.edu.cn.
}

func ExampleParseZone() {
	const zone = `$ORIGIN networkutopia.com.
$TTL 86400
@          SOA dns1 hostmaster 1 10800 3600 604800 86400
@          NS  dns1
dns1       A   212.212.212.1
www        A   212.212.212.22
www.home   CNAME www
@          MX  10 mail
`
	rrs, err := dns.ParseZone(strings.NewReader(zone), dns.Root, "networkutopia.com.zone")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, rr := range rrs[1:] {
		fmt.Println(rr)
	}
	// Output:
	// networkutopia.com.	86400	IN	NS	dns1.networkutopia.com.
	// dns1.networkutopia.com.	86400	IN	A	212.212.212.1
	// www.networkutopia.com.	86400	IN	A	212.212.212.22
	// www.home.networkutopia.com.	86400	IN	CNAME	www.networkutopia.com.
	// networkutopia.com.	86400	IN	MX	10 mail.networkutopia.com.
}

func ExampleReverseName() {
	fmt.Println(dns.ReverseName(netip4("12.34.158.5")))
	// Output: 5.158.34.12.in-addr.arpa.
}

// An authoritative server for one zone on loopback, and a stub resolver
// looking up its mail exchangers, sorted by preference.
func ExampleResolver_LookupMX() {
	rrs, _ := dns.ParseZone(strings.NewReader(`$ORIGIN example.test.
@    3600 SOA ns hostmaster 1 10800 3600 604800 300
@    NS ns
ns   A 127.0.0.1
@    MX 20 backup
@    MX 10 mail
`), dns.Root, "")
	zone, _ := dns.NewZone(dns.MustName("example.test."), rrs)
	pc, _ := net.ListenPacket("udp", "127.0.0.1:0")
	srv := &dns.Server{Handler: zone, Logger: slog.New(slog.DiscardHandler)}
	go srv.ServePacket(pc)
	defer srv.Close()

	r := &dns.Resolver{Servers: []string{pc.LocalAddr().String()}, Client: &dns.Client{NoEDNS: true}}
	mxs, err := r.LookupMX(context.Background(), "example.test")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, mx := range mxs {
		fmt.Println(mx.Pref, mx.Host)
	}
	// Output:
	// 10 mail.example.test.
	// 20 backup.example.test.
}

// The lesson's iterated resolution on loopback: a root server refers to the
// edu server, which refers to umass.edu's server, which answers. Every
// server listens on its own 127.0.0.x address and all share one port,
// because referrals carry addresses, not ports.
func ExampleResolver_Resolve() {
	zones := []struct{ addr, origin, text string }{
		{"127.0.0.10", ".", `. 86400 SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400
. NS a.root-servers.net.
a.root-servers.net. A 127.0.0.10
edu. NS a.edu-servers.net.
a.edu-servers.net. A 127.0.0.11`},
		{"127.0.0.11", "edu.", `edu. 86400 SOA a.edu-servers.net. hostmaster.educause.edu. 1 1800 900 604800 86400
edu. NS a.edu-servers.net.
umass.edu. NS dns.cs.umass.edu.
dns.cs.umass.edu. A 127.0.0.13`},
		{"127.0.0.13", "umass.edu.", `umass.edu. 3600 SOA dns.cs.umass.edu. hostmaster.umass.edu. 1 10800 3600 604800 300
umass.edu. NS dns.cs.umass.edu.
gaia.cs.umass.edu. 600 A 128.119.245.12`},
	}
	port := "0"
	var root netip.AddrPort
	for _, z := range zones {
		rrs, _ := dns.ParseZone(strings.NewReader(z.text), dns.Root, z.origin)
		zone, err := dns.NewZone(dns.MustName(z.origin), rrs)
		if err != nil {
			fmt.Println(err)
			return
		}
		pc, l, err := dns.ListenUDPTCP(net.JoinHostPort(z.addr, port))
		if err != nil {
			fmt.Println(err)
			return
		}
		srv := &dns.Server{Handler: zone, Logger: slog.New(slog.DiscardHandler)}
		go srv.ServePacket(pc)
		go srv.Serve(l)
		defer srv.Close()
		if port == "0" {
			root = netip.MustParseAddrPort(pc.LocalAddr().String())
			port = strconv.Itoa(int(root.Port()))
		}
	}

	r := &dns.Resolver{
		Roots: []netip.AddrPort{root},
		Cache: &dns.Cache{},
		Trace: func(s dns.Step) {
			fmt.Printf("asked the %s server at %s: %s", s.Zone, s.Server.Addr(), s.Kind)
			if s.Kind == "referral" {
				fmt.Printf(" to %s", s.Referral)
			}
			fmt.Println()
		},
	}
	res, err := r.Resolve(context.Background(), dns.MustName("gaia.cs.umass.edu."), dns.TypeA)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Answer[0])
	// Output:
	// asked the . server at 127.0.0.10: referral to edu.
	// asked the edu. server at 127.0.0.11: referral to umass.edu.
	// asked the umass.edu. server at 127.0.0.13: answer
	// gaia.cs.umass.edu.	600	IN	A	128.119.245.12
}
