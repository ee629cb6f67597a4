// Command dig queries a DNS server and prints the reply the way BIND's dig does.
//
//	go run ./examples/dig @127.0.0.1 -p 5353 www.example.test A
//	go run ./examples/dig -tcp @127.0.0.1:5353 example.test AXFR
//	go run ./examples/dig -trace @127.0.0.1:5353 gaia.cs.umass.edu   (iterate from that server as the root)
//	go run ./examples/dig -x 128.119.245.12
//
// Options may also be written dig's way, after the name: +tcp +norec +ignore
// +noedns +short +trace.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/applayer/applayer/dns"
	"github.com/applayer/applayer/examples/internal/cli"
)

type options struct {
	server, port         string
	tcp, norec, ignore   bool
	noedns, short, trace bool
	reverse              string
	name                 string
	qtype                dns.Type
}

func main() {
	var o options
	flag.StringVar(&o.port, "p", "", "server port (default 53)")
	flag.BoolVar(&o.tcp, "tcp", false, "query over TCP")
	flag.BoolVar(&o.norec, "norec", false, "clear the RD bit")
	flag.BoolVar(&o.ignore, "ignore", false, "do not retry over TCP when the reply is truncated")
	flag.BoolVar(&o.noedns, "noedns", false, "send no OPT record")
	flag.BoolVar(&o.short, "short", false, "print only the answer data")
	flag.BoolVar(&o.trace, "trace", false, "resolve iteratively, starting at the server as the root, and print each step")
	flag.StringVar(&o.reverse, "x", "", "reverse look-up of this address (PTR under in-addr.arpa or ip6.arpa)")
	flag.Parse()
	if err := parseArgs(&o, flag.Args()); err != nil {
		cli.Fatal("dig", err)
	}
	ctx, stop := cli.SignalContext()
	defer stop()
	if err := run(ctx, os.Stdout, &o); err != nil {
		cli.Fatal("dig", err)
	}
}

func parseArgs(o *options, args []string) error {
	o.qtype = dns.TypeA
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-p" && i+1 < len(args): // dig's order: @server -p port name
			o.port = args[i+1]
			i++
		case strings.HasPrefix(a, "@"):
			o.server = a[1:]
		case strings.HasPrefix(a, "+"):
			switch a {
			case "+tcp":
				o.tcp = true
			case "+norec", "+norecurse":
				o.norec = true
			case "+ignore":
				o.ignore = true
			case "+noedns":
				o.noedns = true
			case "+short":
				o.short = true
			case "+trace":
				o.trace = true
			default:
				return fmt.Errorf("unknown option %s", a)
			}
		case o.name == "":
			o.name = a
		default:
			t, ok := dns.ParseType(a)
			if !ok {
				return fmt.Errorf("unknown type %s", a)
			}
			o.qtype = t
		}
	}
	if o.reverse != "" {
		a, err := netip.ParseAddr(o.reverse)
		if err != nil {
			return err
		}
		o.name, o.qtype = dns.ReverseName(a).String(), dns.TypePTR
	}
	if o.name == "" {
		return errors.New("usage: dig [@server[:port]] [-p port] name [type]")
	}
	if o.server == "" {
		o.server = systemServer()
	}
	host := o.server
	if h, p, err := net.SplitHostPort(o.server); err == nil {
		host = h
		if o.port == "" {
			o.port = p
		}
	}
	if o.port == "" {
		o.port = strconv.Itoa(dns.Port)
	}
	o.server = net.JoinHostPort(host, o.port)
	return nil
}

// systemServer returns the first nameserver of /etc/resolv.conf, the local
// DNS server the host is configured with.
func systemServer() string {
	f, err := os.Open("/etc/resolv.conf")
	if err != nil {
		return "127.0.0.1"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "nameserver" {
			return fields[1]
		}
	}
	return "127.0.0.1"
}

func run(ctx context.Context, w io.Writer, o *options) error {
	name, err := dns.ParseName(o.name)
	if err != nil {
		return err
	}
	c := &dns.Client{TCP: o.tcp, NoEDNS: o.noedns, IgnoreTruncation: o.ignore}
	if o.trace {
		root, err := netip.ParseAddrPort(o.server)
		if err != nil {
			return fmt.Errorf("-trace needs a numeric server address: %w", err)
		}
		r := &dns.Resolver{Roots: []netip.AddrPort{root}, Client: c, Trace: func(s dns.Step) { fmt.Fprintln(w, s) }}
		res, err := r.Resolve(ctx, name, o.qtype)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, ";; %s\n", res.Rcode)
		return nil
	}
	q := new(dns.Msg).SetQuestion(name, o.qtype)
	q.RecursionDesired = !o.norec
	if o.qtype == dns.TypeAXFR {
		return axfr(ctx, w, q, o.server)
	}
	start := time.Now()
	m, err := c.Exchange(ctx, q, o.server)
	if err != nil {
		return err
	}
	rtt := time.Since(start)
	if o.short {
		for _, rr := range m.Answer {
			fmt.Fprintln(w, rr.Data.String())
		}
		return nil
	}
	size := 0
	if b, err := m.Pack(); err == nil {
		size = len(b)
	}
	proto := "UDP"
	if o.tcp {
		proto = "TCP"
	}
	fmt.Fprintf(w, "\n; <<>> applayer dig <<>> %s %s\n;; Got answer:\n", o.name, o.qtype)
	fmt.Fprint(w, m.String())
	fmt.Fprintf(w, "\n;; Query time: %d msec\n;; SERVER: %s(%s) (%s)\n;; WHEN: %s\n;; MSG SIZE  rcvd: %d\n\n",
		rtt.Milliseconds(), strings.Replace(o.server, ":", "#", 1), strings.Split(o.server, ":")[0], proto,
		time.Now().Format(time.UnixDate), size)
	return nil
}

// axfr transfers a zone over TCP and prints its records, the SOA first and last.
func axfr(ctx context.Context, w io.Writer, q *dns.Msg, server string) error {
	rrs, err := (&dns.Client{}).Transfer(ctx, q.Question[0].Name, server)
	if err != nil {
		return err
	}
	for _, rr := range append(rrs, rrs[0]) {
		fmt.Fprintln(w, rr.String())
	}
	return nil
}
