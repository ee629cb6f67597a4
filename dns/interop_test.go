package dns

import (
	"bytes"
	"context"
	"fmt"
	"github.com/applayer/applayer/internal/interop"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func run(t *testing.T, name string, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// runErr runs a command that is expected to fail and returns its output.
func runErr(t *testing.T, name string, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, _ := cmd.CombinedOutput()
	return string(out)
}

// TestDigInterop drives our authoritative server with dig over UDP and TCP,
// a zone transfer, a truncated reply, and an update sent by nsupdate.
func TestDigInterop(t *testing.T) {
	dig := interop.Require(t, "dig")
	z := newExampleZone(t)
	z.File = filepath.Join(t.TempDir(), "example.test.zone")
	addr := startServer(t, z, "127.0.0.1:0")
	host, port, _ := net.SplitHostPort(addr)
	base := []string{"@" + host, "-p", port, "+norec", "+time=5", "+tries=1"}
	check := func(out string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("dig output lacks %q:\n%s", w, out)
			}
		}
	}
	out := run(t, dig, "", append(base, "www.example.test", "A")...)
	check(out, "status: NOERROR", "flags: qr aa;", "www.example.test.\t300\tIN\tA\t192.0.2.", "ANSWER: 3")
	out = run(t, dig, "", append(base, "+tcp", "chain.example.test", "AAAA")...)
	check(out, "chain.example.test.\t300\tIN\tCNAME\talias.example.test.", "www.example.test.\t300\tIN\tAAAA\t2001:db8::1")
	out = run(t, dig, "", append(base, "nope.example.test", "A")...)
	check(out, "status: NXDOMAIN", "example.test.\t\t60\tIN\tSOA")
	out = run(t, dig, "", append(base, "+ignore", "+noedns", "big.example.test", "TXT")...)
	check(out, "flags: qr aa tc;")
	out = run(t, dig, "", append(base, "big.example.test", "TXT")...)
	check(out, "ANSWER: 60", "Truncated, retrying in TCP mode")
	out = run(t, dig, "", append(base, "example.test", "AXFR")...)
	if n := strings.Count(out, "\tSOA\t"); n != 2 {
		t.Errorf("AXFR shows %d SOA records, want 2 (first and last):\n%s", n, out)
	}
	check(out, "big.example.test.", "_sip._tcp.example.test.")

	nsupdate := interop.Require(t, "nsupdate")
	run(t, nsupdate, fmt.Sprintf("server %s %s\nzone example.test\nupdate add utopia.example.test 300 A 212.212.212.22\nupdate delete txt.example.test TXT\nsend\n", host, port))
	out = run(t, dig, "", append(base, "utopia.example.test", "A")...)
	check(out, "utopia.example.test.\t300\tIN\tA\t212.212.212.22")
	out = run(t, dig, "", append(base, "example.test", "SOA")...)
	check(out, "hostmaster.example.test. 2 10800")
	b, err := os.ReadFile(z.File)
	if err != nil || !bytes.Contains(b, []byte("212.212.212.22")) {
		t.Errorf("zone file not rewritten after the update: %v\n%s", err, b)
	}
}

// TestNSDInterop runs our client, stub resolver and iterative resolver
// against NSD serving the same zone.
func TestNSDInterop(t *testing.T) {
	nsd := interop.Require(t, "nsd")
	dir := t.TempDir()
	z := newExampleZone(t)
	var zf bytes.Buffer
	if err := WriteZone(&zf, z.Origin(), z.Records()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "example.test.zone"), zf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// A free port for UDP and TCP.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	_, port, _ := net.SplitHostPort(addr)
	conf := nsdConfig("127.0.0.1", port, dir, "example.test")
	confPath := filepath.Join(dir, "nsd.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nsd, "-d", "-c", confPath)
	var stderr interop.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	ctx := context.Background()
	// Wait until NSD answers (it loads the zone after binding).
	waitAnswer(t, addr, "ns1.example.test.", &stderr)
	m, err := (&Client{}).Exchange(ctx, new(Msg).SetQuestion(MustName("ns1.example.test."), TypeA), addr)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Authoritative || len(m.Answer) != 1 {
		t.Errorf("nsd reply: %v", m)
	}
	r := &Resolver{Servers: []string{addr}}
	mx, err := r.LookupMX(ctx, "example.test")
	if err != nil || len(mx) != 2 || mx[0].Pref != 10 {
		t.Errorf("LookupMX via nsd = %v, %v", mx, err)
	}
	if _, err := r.LookupHost(ctx, "nope.example.test"); !IsNotFound(err) {
		t.Errorf("NXDOMAIN via nsd: %v", err)
	}
	// 60 big TXT records: truncated over UDP, fetched again over TCP.
	big, err := (&Client{}).Exchange(ctx, new(Msg).SetQuestion(MustName("big.example.test."), TypeTXT), addr)
	if err != nil || len(big.Answer) != 60 {
		t.Errorf("big TXT via nsd with TCP fallback: %v answers, %v", len(big.Answer), err)
	}
	// The iterative resolver with NSD as its only "root": answers and CNAME chains.
	it := &Resolver{Roots: []netip.AddrPort{netip.MustParseAddrPort(addr)}, Cache: &Cache{}}
	res, err := it.Resolve(ctx, MustName("chain.example.test."), TypeA)
	if err != nil || len(res.Answer) != 5 {
		t.Errorf("iterative via nsd: %+v %v", res, err)
	}
}

// freeAddr returns a loopback address with a port that was just free for UDP and TCP.
func freeAddr(t *testing.T) string {
	t.Helper()
	pc, l, err := ListenUDPTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	l.Close()
	return addr
}

// waitAnswer polls addr until it answers name authoritatively.
func waitAnswer(t *testing.T, addr string, name string, log *interop.Buffer) {
	t.Helper()
	// Generous: peers start slowly on a loaded machine.
	c := &Client{Timeout: 300 * time.Millisecond, Attempts: 1}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		m, err := c.Exchange(context.Background(), new(Msg).SetQuestion(MustName(name), TypeA), addr)
		if err == nil && m.Rcode == RcodeSuccess && m.Authoritative {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("server at %s never answered %s\n%s", addr, name, log.String())
}

// TestKnotInterop reads a zone transfer from Knot DNS with our codec, and
// resolves through it.
func TestKnotInterop(t *testing.T) {
	knotd := interop.Require(t, "knotd")
	dir := t.TempDir()
	z := newExampleZone(t)
	var zf bytes.Buffer
	if err := WriteZone(&zf, z.Origin(), z.Records()); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "example.test.zone"), zf.Bytes(), 0o644)
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	db := filepath.Join(dir, "knotdb")
	os.MkdirAll(db, 0o755)
	conf := fmt.Sprintf(`server:
    rundir: "%[2]s"
    listen: 127.0.0.1@%[1]s
    background-workers: 1
    udp-workers: 1
    tcp-workers: 1
log:
  - target: stderr
    any: info
database:
    storage: "%[2]s"
control:
    listen: "%[2]s/knot.sock"
acl:
  - id: local
    address: 127.0.0.0/8
    action: transfer
template:
  - id: default
    storage: "%[3]s"
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: example.test
    file: "example.test.zone"
    acl: local
`, port, db, dir)
	confPath := filepath.Join(dir, "knot.conf")
	os.WriteFile(confPath, []byte(conf), 0o644)
	cmd := exec.Command(knotd, "-c", confPath)
	var log interop.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitAnswer(t, addr, "ns1.example.test.", &log)

	// AXFR from Knot, read with our TCP framing and codec.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	q := new(Msg).SetQuestion(MustName("example.test."), TypeAXFR)
	b, _ := q.AppendPack([]byte{0, 0})
	b[0], b[1] = byte((len(b)-2)>>8), byte(len(b)-2)
	conn.Write(b)
	var got []RR
	for soas := 0; soas < 2; {
		var m Msg
		if _, err := readTCPMsg(conn, &m, nil); err != nil {
			t.Fatalf("reading Knot's AXFR: %v", err)
		}
		for _, rr := range m.Answer {
			got = append(got, rr)
			if rr.Type() == TypeSOA {
				soas++
			}
		}
	}
	if want := len(z.Records()) + 1; len(got) != want {
		t.Errorf("AXFR from Knot: %d records, want %d", len(got), want)
	}
	// Knot's copy, loaded into our Zone, answers like the original.
	z2, err := NewZone(z.Origin(), got[:len(got)-1])
	if err != nil {
		t.Fatalf("zone from Knot's AXFR: %v", err)
	}
	if len(z2.Records()) != len(z.Records()) {
		t.Errorf("transferred zone has %d records, original %d", len(z2.Records()), len(z.Records()))
	}
	r := &Resolver{Servers: []string{addr}}
	if addrs, err := r.LookupHost(context.Background(), "chain.example.test"); err != nil || len(addrs) != 4 {
		t.Errorf("LookupHost via Knot = %v, %v", addrs, err)
	}
}

// TestRealHierarchyInterop: our iterative resolver walks a hierarchy of real
// servers: NSD serving the root and edu zones on 127.0.0.10, Knot serving
// umass.edu on 127.0.0.13, both on one port (referrals carry no ports).
func TestRealHierarchyInterop(t *testing.T) {
	nsd := interop.Require(t, "nsd")
	knotd := interop.Require(t, "knotd")
	dir := t.TempDir()
	zones := map[string]string{
		"root.zone": `. 86400 IN SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400
. 518400 IN NS a.root-servers.net.
a.root-servers.net. 518400 IN A 127.0.0.10
edu. 172800 IN NS a.edu-servers.net.
a.edu-servers.net. 172800 IN A 127.0.0.10
`,
		"edu.zone": `edu. 86400 IN SOA a.edu-servers.net. hostmaster.educause.edu. 1 1800 900 604800 86400
edu. 172800 IN NS a.edu-servers.net.
umass.edu. 172800 IN NS dns.cs.umass.edu.
dns.cs.umass.edu. 172800 IN A 127.0.0.13
`,
		"umass.edu.zone": `umass.edu. 3600 IN SOA dns.cs.umass.edu. hostmaster.umass.edu. 1 10800 3600 604800 300
umass.edu. 3600 IN NS dns.cs.umass.edu.
dns.cs.umass.edu. 3600 IN A 127.0.0.13
gaia.cs.umass.edu. 600 IN A 128.119.245.12
www.umass.edu. 3600 IN CNAME gaia.cs.umass.edu.
`,
	}
	for f, text := range zones {
		os.WriteFile(filepath.Join(dir, f), []byte(text), 0o644)
	}
	// One port free on both addresses.
	var port string
	for try := 0; try < 5 && port == ""; try++ {
		pc, l, err := ListenUDPTCP("127.0.0.10:0")
		if err != nil {
			t.Fatal(err)
		}
		_, p, _ := net.SplitHostPort(pc.LocalAddr().String())
		pc2, l2, err := ListenUDPTCP("127.0.0.13:" + p)
		pc.Close()
		l.Close()
		if err == nil {
			pc2.Close()
			l2.Close()
			port = p
		}
	}
	if port == "" {
		t.Fatal("no common free port")
	}
	nsdConf := nsdConfig("127.0.0.10", port, dir, ".", "edu")
	db := filepath.Join(dir, "knotdb")
	os.MkdirAll(db, 0o755)
	knotConf := fmt.Sprintf(`server:
    rundir: "%[2]s"
    listen: 127.0.0.13@%[1]s
    background-workers: 1
    udp-workers: 1
    tcp-workers: 1
log:
  - target: stderr
    any: info
database:
    storage: "%[2]s"
control:
    listen: "%[2]s/knot.sock"
template:
  - id: default
    storage: "%[3]s"
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: umass.edu
    file: "umass.edu.zone"
`, port, db, dir)
	os.WriteFile(filepath.Join(dir, "nsd.conf"), []byte(nsdConf), 0o644)
	os.WriteFile(filepath.Join(dir, "knot.conf"), []byte(knotConf), 0o644)
	var log interop.Buffer
	for _, args := range [][]string{{nsd, "-d", "-c", filepath.Join(dir, "nsd.conf")}, {knotd, "-c", filepath.Join(dir, "knot.conf")}} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Stdout, cmd.Stderr = &log, &log
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	}
	waitAnswer(t, net.JoinHostPort("127.0.0.10", port), "a.root-servers.net.", &log)
	waitAnswer(t, net.JoinHostPort("127.0.0.13", port), "gaia.cs.umass.edu.", &log)

	var steps []string
	r := &Resolver{Roots: []netip.AddrPort{netip.MustParseAddrPort(net.JoinHostPort("127.0.0.10", port))}, Cache: &Cache{},
		Trace: func(s Step) { steps = append(steps, s.Zone.String()+" "+s.Kind) }}
	res, err := r.Resolve(context.Background(), MustName("www.umass.edu."), TypeA)
	if err != nil {
		t.Fatalf("Resolve via NSD and Knot: %v\ntrace %v\n%s", err, steps, log.String())
	}
	if len(res.Answer) != 2 || res.Answer[1].Data.String() != "128.119.245.12" {
		t.Errorf("answer %v", texts(res.Answer))
	}
	// NSD serves root and edu, so it refers straight to umass.edu; Knot answers.
	if want := []string{". referral", "umass.edu. answer"}; strings.Join(steps, ",") != strings.Join(want, ",") {
		t.Errorf("trace %v, want %v", steps, want)
	}
	res, err = r.Resolve(context.Background(), MustName("nosuch.umass.edu."), TypeA)
	if err != nil || res.Rcode != RcodeNameError || len(res.Authority) != 1 {
		t.Errorf("NXDOMAIN from Knot: %+v %v", res, err)
	}
}

// nsdConfig is an NSD configuration for loopback tests: one address, no
// rate limiting (RRL would drop test queries), every file under dir, and
// one zone per origin, read from dir/ORIGIN.zone ("." reads root.zone).
func nsdConfig(ip, port, dir string, origins ...string) string {
	conf := fmt.Sprintf(`server:
  ip-address: %[1]s@%[2]s
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "%[3]s"
  pidfile: "%[3]s/nsd.pid"
  xfrdfile: "%[3]s/xfrd.state"
  zonelistfile: "%[3]s/zone.list"
  xfrdir: "%[3]s"
  database: ""
  logfile: "%[3]s/nsd.log"
  server-count: 1
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
`, ip, port, dir)
	for _, o := range origins {
		file := o + ".zone"
		if o == "." {
			file = "root.zone"
		}
		conf += fmt.Sprintf("zone:\n  name: %q\n  zonefile: %q\n", o, file)
	}
	return conf
}
