package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/netip"
	"strings"
	"testing"

	"github.com/applayer/applayer/dns"
)

func TestDig(t *testing.T) {
	rrs, err := dns.ParseZone(strings.NewReader(`$ORIGIN example.test.
@ 300 SOA ns1 hostmaster 1 10800 3600 604800 60
@ NS ns1
ns1 A 127.0.0.1
www A 192.0.2.1
`), dns.Root, "")
	if err != nil {
		t.Fatal(err)
	}
	z, err := dns.NewZone(dns.MustName("example.test."), rrs)
	if err != nil {
		t.Fatal(err)
	}
	z.AllowTransfer = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	pc, l, err := dns.ListenUDPTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{Handler: z, Logger: slog.New(slog.DiscardHandler)}
	go srv.ServePacket(pc)
	go srv.Serve(l)
	defer srv.Close()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"@" + pc.LocalAddr().String(), "www.example.test"}, "www.example.test.\t300\tIN\tA\t192.0.2.1"},
		{[]string{"@127.0.0.1", "-p", strings.Split(pc.LocalAddr().String(), ":")[1], "+tcp", "+short", "www.example.test", "A"}, "192.0.2.1\n"},
		{[]string{"@" + pc.LocalAddr().String(), "+trace", "www.example.test"}, "answer aa=true"},
		{[]string{"@" + pc.LocalAddr().String(), "nope.example.test"}, "status: NXDOMAIN"},
		{[]string{"@" + pc.LocalAddr().String(), "example.test", "AXFR"}, "www.example.test.\t300\tIN\tA\t192.0.2.1\nexample.test.\t\t300\tIN\tSOA"},
	} {
		var o options
		if err := parseArgs(&o, tt.args); err != nil {
			t.Fatalf("parseArgs(%v): %v", tt.args, err)
		}
		var out bytes.Buffer
		if err := run(context.Background(), &out, &o); err != nil {
			t.Fatalf("dig %v: %v", tt.args, err)
		}
		if !strings.Contains(out.String(), tt.want) {
			t.Errorf("dig %v output lacks %q:\n%s", tt.args, tt.want, out.String())
		}
	}
}
