// Command dnsd is a DNS server: authoritative for the zones in its zone
// files, and optionally a recursive local DNS server that resolves other
// names from the root hints.
//
//	go run ./examples/dnsd -addr 127.0.0.1:5353 -zone example.test.zone -allow-update 127.0.0.0/8
//	dig @127.0.0.1 -p 5353 www.example.test
//	go run ./examples/dnsd -addr 127.0.0.1:5354 -recursive -root-hints examples/dnsd/named.root
//
// A zone's origin is the owner of its SOA record. Updates are written back
// to the zone file atomically.
package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/applayer/applayer/dns"
	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/sockets"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	var zones, updates, transfers, keys, secondaries list
	addr := flag.String("addr", "127.0.0.1:5353", "UDP and TCP address to listen on")
	flag.Var(&zones, "zone", "zone file to serve (repeatable); the origin is its SOA owner")
	flag.Var(&secondaries, "secondary", "serve ORIGIN as a secondary of the primary at ADDR: ORIGIN@ADDR (repeatable)")
	recursive := flag.Bool("recursive", false, "resolve other names iteratively for loopback clients")
	hints := flag.String("root-hints", "", "root hints file (NS and A records of the root servers), with -recursive")
	hintsPort := flag.Int("root-port", dns.Port, "port of the root servers (and every server they refer to)")
	flag.Var(&updates, "allow-update", "network allowed to send dynamic updates, CIDR (repeatable)")
	flag.Var(&keys, "tsig", "TSIG key NAME:BASE64SECRET (hmac-sha256) whose signed updates are accepted, as for nsupdate -y (repeatable)")
	flag.Var(&transfers, "allow-transfer", "network allowed to transfer zones, CIDR (repeatable; default 127.0.0.0/8)")
	flag.Parse()

	tsig, err := parseKeys(keys)
	if err != nil {
		cli.Fatal("dnsd", err)
	}
	handler, err := build(zones, updates, transfers, *recursive, *hints, uint16(*hintsPort), tsig, len(secondaries))
	if err != nil {
		cli.Fatal("dnsd", err)
	}
	ctx, stop := cli.SignalContext()
	defer stop()
	if err := addSecondaries(ctx, handler.(*dns.ServeMux), secondaries); err != nil {
		cli.Fatal("dnsd", err)
	}
	pc, l, err := dns.ListenUDPTCP(*addr)
	if err != nil {
		cli.Fatal("dnsd", err)
	}
	srv := &dns.Server{Handler: handler, Logger: cli.Logger(), TSIGKeys: tsig}
	if *recursive {
		srv.Workers = 64 // each resolution waits on other servers
	}
	cli.Listening("udp", pc.LocalAddr())
	cli.Listening("tcp", l.Addr())
	served := make(chan error, 2)
	go func() { served <- srv.ServePacket(pc) }()
	go func() { served <- srv.Serve(l) }()
	if err := cli.WaitAndShutdown(ctx, srv, served, sockets.ErrServerClosed); err != nil {
		cli.Fatal("dnsd", err)
	}
}

func prefixes(l list, def string) ([]netip.Prefix, error) {
	if len(l) == 0 && def != "" {
		l = list{def}
	}
	var out []netip.Prefix
	for _, s := range l {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func build(zones, updates, transfers list, recursive bool, hints string, port uint16, keys []dns.TSIGKey, secondaries int) (dns.Handler, error) {
	up, err := prefixes(updates, "")
	if err != nil {
		return nil, err
	}
	xfr, err := prefixes(transfers, "127.0.0.0/8")
	if err != nil {
		return nil, err
	}
	mux := new(dns.ServeMux)
	for _, file := range zones {
		z, err := loadZone(file)
		if err != nil {
			return nil, err
		}
		z.AllowUpdate, z.AllowTransfer = up, xfr
		for _, k := range keys {
			z.UpdateKeys = append(z.UpdateKeys, k.Name)
		}
		mux.Handle(z.Origin(), z)
	}
	if recursive {
		if hints == "" {
			return nil, errors.New("-recursive needs -root-hints")
		}
		roots, err := loadHints(hints, port)
		if err != nil {
			return nil, err
		}
		mux.Handle(dns.Root, &dns.Recursive{Resolver: &dns.Resolver{Roots: roots, Cache: &dns.Cache{}}})
	}
	if len(zones) == 0 && !recursive && secondaries == 0 {
		return nil, errors.New("nothing to serve: give -zone, -secondary or -recursive")
	}
	return mux, nil
}

// loadZone reads a zone file and takes its origin from the SOA record.
func loadZone(file string) (*dns.Zone, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rrs, err := dns.ParseZone(f, dns.Root, file)
	if err != nil {
		return nil, err
	}
	for _, rr := range rrs {
		if rr.Type() == dns.TypeSOA {
			z, err := dns.NewZone(rr.Name, rrs)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			z.File = file
			return z, nil
		}
	}
	return nil, fmt.Errorf("%s: no SOA record", file)
}

// loadHints reads the addresses of the root servers from a root hints file.
func loadHints(file string, port uint16) ([]netip.AddrPort, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rrs, err := dns.ParseZone(f, dns.Root, file)
	if err != nil {
		return nil, err
	}
	var roots []netip.AddrPort
	for _, rr := range rrs {
		switch d := rr.Data.(type) {
		case *dns.A:
			roots = append(roots, netip.AddrPortFrom(d.Addr, port))
		case *dns.AAAA:
			roots = append(roots, netip.AddrPortFrom(d.Addr, port))
		}
	}
	if len(roots) == 0 {
		return nil, errors.New(file + ": no root server addresses (port " + strconv.Itoa(int(port)) + ")")
	}
	return roots, nil
}

// parseKeys reads NAME:BASE64SECRET keys.
func parseKeys(l list) ([]dns.TSIGKey, error) {
	var keys []dns.TSIGKey
	for _, s := range l {
		name, secret, ok := strings.Cut(s, ":")
		if !ok {
			return nil, fmt.Errorf("-tsig %q: want NAME:BASE64SECRET", s)
		}
		n, err := dns.ParseName(name)
		if err != nil {
			return nil, err
		}
		b, err := base64.StdEncoding.DecodeString(secret)
		if err != nil {
			return nil, fmt.Errorf("-tsig %s: %w", name, err)
		}
		keys = append(keys, dns.TSIGKey{Name: n, Secret: b})
	}
	return keys, nil
}

// addSecondaries transfers each ORIGIN@ADDR zone from its primary, serves it,
// and keeps it fresh on its SOA timers until ctx ends.
func addSecondaries(ctx context.Context, mux *dns.ServeMux, l list) error {
	for _, s := range l {
		origin, primary, ok := strings.Cut(s, "@")
		if !ok {
			return fmt.Errorf("-secondary %q: want ORIGIN@ADDR", s)
		}
		n, err := dns.ParseName(origin)
		if err != nil {
			return err
		}
		sec := &dns.Secondary{Origin: n, Primary: primary, Logger: cli.Logger()}
		z, err := sec.Load(ctx)
		if err != nil {
			return fmt.Errorf("-secondary %s: %w", s, err)
		}
		mux.Handle(n, z)
		go sec.Run(ctx)
	}
	return nil
}
