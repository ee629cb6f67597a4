package dns_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
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
