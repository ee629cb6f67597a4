package ftp

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/applayer/applayer/internal/wiretest"
)

func dialRaw(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	must(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestServerTranscript runs the lesson's anonymous session on the control
// connection (CHECKLIST C.1 and C.3), with the data connection left out.
func TestServerTranscript(t *testing.T) {
	addr, _ := newTestServer(t, nil)
	conn := dialRaw(t, addr)
	wiretest.Run(t, conn, `
		S: 220 applayer FTP server ready.
		C: USER anonymous
		S: 331 Guest login ok, send your e-mail address as password.
		C: PASS guest@example.com
		S: 230 Guest login ok, access restrictions apply.
		C: PWD
		S: 257 "/" is the current directory.
		C: CWD pub
		S: 250 CWD command successful.
		C: PWD
		S: 257 "/pub" is the current directory.
		C: CWD ../../..
		S: 250 CWD command successful.
		C: PWD
		S: 257 "/" is the current directory.
		C: CWD nope
		S: 550 No such file or directory.
		C: CDUP
		S: 250 CWD command successful.
		C: TYPE I
		S: 200 Type set to I.
		C: SIZE pub/rfc1261.txt
		S: 213 4318
		C: MDTM pub/rfc1261.txt
		S~ 213 \d{14}
		C: MODE B
		S: 504 Only S is supported.
		C: STRU F
		S: 200 Structure set to F.
		C: SYST
		S: 215 UNIX Type: L8
		C: MLST /pub/rfc1261.txt
		S: 250-Listing /pub/rfc1261.txt
		S~  type=file;size=4318;modify=\d{14};perm=r;UNIX.mode=0644; /pub/rfc1261.txt
		S: 250 End
		C: DELE hello.txt
		S: 550 Permission denied.
		C: MKD x
		S: 550 Permission denied.
		C: STOR x
		S: 550 Permission denied.
		C: RETR hello.txt
		S: 425 Use PORT, PASV, EPRT or EPSV first.
		C: REST -1
		S: 501 REST needs a non-negative byte offset.
		C: ABOR
		S: 225 No transfer to abort.
		C: FOO
		S: 500 Unknown command.
		C: SITE CHMOD 777 x
		S: 502 Command not implemented.
		C: AUTH TLS
		S: 502 TLS not configured.
		C: NOOP
		S: 200 NOOP ok.
		C: QUIT
		S: 221 Goodbye.
	`)
}

func TestServerLoginRules(t *testing.T) {
	addr, _ := newTestServer(t, func(s *Server) { s.MaxLoginAttempts = 2 })
	conn := dialRaw(t, addr)
	wiretest.Run(t, conn, `
		S: 220 applayer FTP server ready.
		C: LIST
		S: 530 Please login with USER and PASS.
		C: PASS x
		S: 503 Login with USER first.
		C: USER alice
		S: 331 Password required for alice.
		C: PASS wrong
		S: 530 Login incorrect.
		C: USER bob
		S: 331 Password required for bob.
		C: PASS secret
		S: 421 Too many failed logins, closing control connection.
	`)
	conn = dialRaw(t, addr)
	wiretest.Run(t, conn, `
		S: 220 applayer FTP server ready.
		C: user alice
		S: 331 Password required for alice.
		C: pass secret
		S: 230 User alice logged in.
		C: MKD new"dir
		S: 257 "/new""dir" created.
		C: RMD new"dir
		S: 250 RMD command successful.
		C: RNTO x
		S: 503 RNFR required first.
		C: RNFR hello.txt
		S: 350 Ready for RNTO.
		C: RNTO pub/hello2.txt
		S: 250 Rename successful.
		C: DELE pub/hello2.txt
		S: 250 DELE command successful.
		C: DELE pub
		S: 550 Is a directory; use RMD.
		C: FEAT
		S: 211-Extensions supported:
		S:  EPRT
		S:  EPSV
		S:  MDTM
		S:  MLST type*;size*;modify*;perm*;UNIX.mode*;
		S:  PASV
		S:  REST STREAM
		S:  SIZE
		S:  TVFS
		S:  UTF8
		S: 211 End
		C: OPTS UTF8 ON
		S: 200 Always in UTF8 mode.
		C: QUIT
		S: 221 Goodbye.
	`)
}

func TestServerLongLineAndGlob(t *testing.T) {
	addr, _ := newTestServer(t, func(s *Server) { s.MaxLineLength = 64 })
	conn := dialRaw(t, addr)
	wiretest.Run(t, conn, `
		S: 220 applayer FTP server ready.
		C: USER `+strings.Repeat("x", 100)+`
		S: 500 Command line too long.
		C: USER anonymous
		S: 331 Guest login ok, send your e-mail address as password.
		C: PASS x
		S: 230 Guest login ok, access restrictions apply.
		C: STAT pub/*.txt
		S: 213-Status of /pub/*.txt:
		S~ -rw-r--r-- .* rfc1261.txt
		S: 213 End of status.
		C: STAT pub/*.none
		S: 550 No such file or directory.
	`)
	c := dialLogin(t, addr, "anonymous", "x")
	names, err := c.NameList(context.Background(), "pub/*.dat")
	if err != nil || len(names) != 1 || names[0] != "bin.dat" {
		t.Errorf("NLST pub/*.dat = %q, %v", names, err)
	}
}

// TestServerPathEscape tries to leave the root with .., absolute paths and
// symbolic links.
func TestServerPathEscape(t *testing.T) {
	outside := t.TempDir()
	must(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("top secret"), 0o644))
	addr, dir := newTestServer(t, nil)
	must(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "abs-link")))
	must(t, os.Symlink("../../../../../../../.."+outside, filepath.Join(dir, "rel-link")))
	c := dialLogin(t, addr, "alice", "secret")
	ctx := context.Background()
	for _, name := range []string{
		"../../../../../.." + outside + "/secret",
		outside + "/secret",
		"abs-link",
		"rel-link/secret",
		"pub/../../secret",
	} {
		var sb strings.Builder
		if _, err := c.Retr(ctx, name, &sb); err == nil || strings.Contains(sb.String(), "top secret") {
			t.Errorf("RETR %q: err = %v, got %q; want a refusal", name, err, sb.String())
		}
	}
	if err := c.Cwd(ctx, "rel-link"); err == nil {
		t.Errorf("CWD through an escaping link succeeded")
	}
	if _, err := c.Stor(ctx, "rel-link/planted", strings.NewReader("x")); err == nil {
		t.Errorf("STOR through an escaping link succeeded")
	}
	if _, err := os.Stat(filepath.Join(outside, "planted")); err == nil {
		t.Errorf("file planted outside the root")
	}
	// The virtual path never climbs above "/".
	must(t, c.Cwd(ctx, "../../.."))
	if p, _ := c.Pwd(ctx); p != "/" {
		t.Errorf("PWD after CWD ../../.. = %q", p)
	}
}

// TestServerBounce sends PORT and EPRT naming another host, and a
// privileged port (RFC 2577 section 3).
func TestServerBounce(t *testing.T) {
	addr, _ := newTestServer(t, nil)
	conn := dialRaw(t, addr)
	wiretest.Run(t, conn, `
		S: 220 applayer FTP server ready.
		C: USER anonymous
		S: 331 Guest login ok, send your e-mail address as password.
		C: PASS x
		S: 230 Guest login ok, access restrictions apply.
		C: PORT 10,0,0,1,0,25
		S: 501 PORT to a host other than the client refused.
		C: EPRT |1|192.0.2.1|25|
		S: 501 PORT to a host other than the client refused.
		C: PORT 127,0,0,1,0,25
		S: 501 PORT to a privileged port refused.
		C: EPRT |3|x|1|
		S: 522 Network protocol not supported, use (1,2).
		C: PORT 1,2,3
		S: 501 Bad address.
		C: RETR hello.txt
		S: 425 Use PORT, PASV, EPRT or EPSV first.
	`)
}

// TestServerPassiveThirdHost checks that a passive port accepts only the
// client's own address. Loopback has one address per test machine, so this
// dials from 127.0.0.2 where Linux allows it.
func TestServerPassiveThirdHost(t *testing.T) {
	addr, _ := newTestServer(t, nil)
	conn := dialRaw(t, addr)
	r := bufio.NewReader(conn)
	read := func() string { l, _ := r.ReadString('\n'); return strings.TrimSpace(l) }
	read()
	io.WriteString(conn, "USER anonymous\r\nPASS x\r\nEPSV\r\n")
	read()
	read()
	line := read()
	port, err := ParseEPSVReply(line)
	must(t, err)
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}
	other, err := d.Dial("tcp", netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port).String())
	if err != nil {
		t.Skipf("cannot dial from 127.0.0.2: %v", err)
	}
	defer other.Close()
	io.WriteString(conn, "RETR hello.txt\r\n")
	if got := read(); !strings.HasPrefix(got, "150 ") {
		t.Fatalf("RETR: %q", got)
	}
	// The third host's connection is closed without data.
	b, _ := io.ReadAll(other)
	if len(b) != 0 {
		t.Errorf("third host received %q", b)
	}
	io.WriteString(conn, "ABOR\r\n")
	if got := read(); !strings.HasPrefix(got, "426 ") {
		t.Errorf("after ABOR: %q", got)
	}
	if got := read(); !strings.HasPrefix(got, "226 ") {
		t.Errorf("ABOR reply: %q", got)
	}
}

func TestServerPassivePortRange(t *testing.T) {
	// Find two free ports next to each other is racy; a range of 20 from a
	// free port is good enough on loopback.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	lo := l.Addr().(*net.TCPAddr).Port
	l.Close()
	if lo > 65000 {
		lo = 40000
	}
	hi := lo + 20
	addr, _ := newTestServer(t, func(s *Server) { s.PasvMinPort, s.PasvMaxPort = lo, hi })
	conn := dialRaw(t, addr)
	r := bufio.NewReader(conn)
	read := func() string { l, _ := r.ReadString('\n'); return strings.TrimSpace(l) }
	read()
	io.WriteString(conn, "USER anonymous\r\nPASS x\r\n")
	read()
	read()
	for range 3 {
		io.WriteString(conn, "EPSV\r\n")
		port, err := ParseEPSVReply(read())
		must(t, err)
		if int(port) < lo || int(port) > hi {
			t.Errorf("EPSV port %d outside %d-%d", port, lo, hi)
		}
		io.WriteString(conn, "PASV\r\n")
		ap, err := ParsePASVReply(read()[4:])
		must(t, err)
		if int(ap.Port()) < lo || int(ap.Port()) > hi {
			t.Errorf("PASV port %d outside %d-%d", ap.Port(), lo, hi)
		}
	}
}

// TestServerStatAndAborDuringTransfer keeps a download stalled (the client
// does not read the data connection) and uses the control connection
// meanwhile: STAT reports progress, ABOR ends the transfer with 426 and 226.
func TestServerStatAndAborDuringTransfer(t *testing.T) {
	addr, dir := newTestServer(t, nil)
	must(t, os.WriteFile(filepath.Join(dir, "big.bin"), make([]byte, 16<<20), 0o644))
	conn := dialRaw(t, addr)
	r := bufio.NewReader(conn)
	read := func() string { l, _ := r.ReadString('\n'); return strings.TrimSpace(l) }
	read()
	io.WriteString(conn, "USER anonymous\r\nPASS x\r\nTYPE I\r\nEPSV\r\n")
	read()
	read()
	read()
	port, err := ParseEPSVReply(read())
	must(t, err)
	data, err := net.Dial("tcp", netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port).String())
	must(t, err)
	defer data.Close()
	io.WriteString(conn, "RETR big.bin\r\n")
	if got := read(); !strings.HasPrefix(got, "150 ") {
		t.Fatalf("RETR: %q", got)
	}
	io.WriteString(conn, "STAT\r\n")
	if got := read(); got != "211-Transfer in progress." {
		t.Fatalf("STAT during transfer: %q", got)
	}
	if got := read(); !strings.HasPrefix(got, "Bytes transferred: ") {
		t.Errorf("STAT line: %q", got)
	}
	if got := read(); got != "211 End of status." {
		t.Errorf("STAT end: %q", got)
	}
	io.WriteString(conn, "ABOR\r\n")
	if got := read(); !strings.HasPrefix(got, "426 ") {
		t.Errorf("transfer after ABOR: %q", got)
	}
	if got := read(); got != "226 ABOR command successful." {
		t.Errorf("ABOR reply: %q", got)
	}
	io.WriteString(conn, "NOOP\r\n")
	if got := read(); got != "200 NOOP ok." {
		t.Errorf("after ABOR: %q", got)
	}
}
