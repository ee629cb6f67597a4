package ftp

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Interop with real FTP peers (PEERS.md section 3.5). Each test skips when
// the peer is not installed, unless APPLAYER_INTEROP=require.

func requirePeer(t *testing.T, bin string) string {
	t.Helper()
	p, err := exec.LookPath(bin)
	if err != nil {
		if os.Getenv("APPLAYER_INTEROP") == "require" {
			t.Fatalf("interop peer %s not installed (APPLAYER_INTEROP=require)", bin)
		}
		t.Skipf("interop peer %s not installed; skipping", bin)
	}
	return p
}

// runPeer runs a peer command with a time limit and returns its output.
func runPeer(t *testing.T, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// writeCertFiles writes the test certificate as PEM files.
func writeCertFiles(t *testing.T, cert tls.Certificate) (certFile, keyFile string) {
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	must(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o644))
	der, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	must(t, err)
	must(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
	return certFile, keyFile
}

func newTLSTestServer(t *testing.T) (addr, dir string) {
	cert := testCert(t)
	return newTestServer(t, func(s *Server) {
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	})
}

func sameFile(t *testing.T, a, b string) {
	t.Helper()
	x, err1 := os.ReadFile(a)
	y, err2 := os.ReadFile(b)
	if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
		t.Errorf("%s and %s differ (%v, %v; %d vs %d octets)", a, b, err1, err2, len(x), len(y))
	}
}

func TestInteropCurl(t *testing.T) {
	curl := requirePeer(t, "curl")
	addr, dir := newTLSTestServer(t)
	out := t.TempDir()
	url := "ftp://" + addr
	src := filepath.Join(dir, "pub", "bin.dat")
	version := runPeer(t, curl, "--version")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"passive", nil},
		{"pasv-no-epsv", []string{"--disable-epsv"}},
		{"active", []string{"-P", "127.0.0.1"}},
		{"active-no-eprt", []string{"-P", "127.0.0.1", "--disable-eprt"}},
		{"ftps", []string{"--ssl-reqd", "-k"}},
		{"ftps-active", []string{"--ssl-reqd", "-k", "-P", "127.0.0.1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "ftps-active" && (strings.HasPrefix(version, "curl 7.87.") || strings.HasPrefix(version, "curl 7.88.")) {
				// curl 7.87 and 7.88 do not start TLS on an accepted
				// (active) data connection and hang: curl/curl#10666,
				// fixed in curl 7.89 (curl/curl#10669).
				t.Skip("curl 7.87/7.88 cannot do active FTPS (curl/curl#10666)")
			}
			got := filepath.Join(out, tc.name+".dat")
			args := append([]string{"-sS", "--user", "alice:secret", "-o", got, url + "/pub/bin.dat"}, tc.args...)
			runPeer(t, curl, args...)
			sameFile(t, src, got)
			// Upload it back under another name.
			args = append([]string{"-sS", "--user", "alice:secret", "-T", got, url + "/up-" + tc.name + ".dat"}, tc.args...)
			runPeer(t, curl, args...)
			sameFile(t, src, filepath.Join(dir, "up-"+tc.name+".dat"))
			// Directory listing (LIST) parsed by eye: it must mention both files.
			args = append([]string{"-sS", "--user", "alice:secret", url + "/pub/"}, tc.args...)
			list := runPeer(t, curl, args...)
			if !strings.Contains(list, "bin.dat") || !strings.Contains(list, "rfc1261.txt") {
				t.Errorf("curl listing:\n%s", list)
			}
		})
	}
	// Resume a download with -C -.
	part := filepath.Join(out, "part.dat")
	whole, _ := os.ReadFile(src)
	must(t, os.WriteFile(part, whole[:12345], 0o644))
	runPeer(t, curl, "-sS", "--user", "alice:secret", "-C", "-", "-o", part, url+"/pub/bin.dat")
	sameFile(t, src, part)
	// Anonymous access in ASCII mode (;type=a): 4488 octets with CRLF on
	// the wire, which curl turns back into the 4318-octet original.
	ascii := runPeer(t, curl, "-sS", url+"/pub/rfc1261.txt;type=a")
	if ascii != string(lessonText()) {
		t.Errorf("curl ASCII download: %d octets, want the 4318-octet original", len(ascii))
	}
}

func TestInteropLftp(t *testing.T) {
	lftp := requirePeer(t, "lftp")
	addr, dir := newTLSTestServer(t)
	host, port, _ := net.SplitHostPort(addr)
	out := t.TempDir()
	up := filepath.Join(out, "up.txt")
	must(t, os.WriteFile(up, []byte("uploaded by lftp\n"), 0o644))
	for _, tc := range []struct{ name, settings string }{
		{"passive", "set ftp:ssl-allow no;"},
		{"active", "set ftp:ssl-allow no; set ftp:passive-mode off;"},
		{"ftps", "set ssl:verify-certificate no; set ftp:ssl-force yes; set ftp:ssl-protect-data yes;"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := filepath.Join(out, tc.name+".dat")
			script := tc.settings + " set net:max-retries 1; set net:timeout 10;" +
				fmt.Sprintf(" cls -l pub; get pub/bin.dat -o %s; put %s -o up-%s.txt; mkdir d-%s; rm up-%s.txt; bye",
					got, up, tc.name, tc.name, tc.name)
			listing := runPeer(t, lftp, "-u", "alice,secret", "-p", port, "-e", script, host)
			if !strings.Contains(listing, "bin.dat") {
				t.Errorf("lftp listing:\n%s", listing)
			}
			sameFile(t, filepath.Join(dir, "pub", "bin.dat"), got)
			if fi, err := os.Stat(filepath.Join(dir, "d-"+tc.name)); err != nil || !fi.IsDir() {
				t.Errorf("lftp mkdir: %v", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "up-"+tc.name+".txt")); err == nil {
				t.Errorf("lftp rm left the file")
			}
		})
	}
}

const ftplibScript = `
import ftplib, io, sys
host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if mode == "tls":
    f = ftplib.FTP_TLS()
    f.connect(host, port, timeout=10)
    f.auth()
    f.login("alice", "secret")
    f.prot_p()
else:
    f = ftplib.FTP()
    f.connect(host, port, timeout=10)
    f.login("alice", "secret")
f.set_pasv(mode != "active")
print("PWD", f.pwd())
f.cwd("pub")
buf = io.BytesIO()
f.retrbinary("RETR bin.dat", buf.write)
print("RETR", len(buf.getvalue()))
lines = []
f.retrlines("RETR rfc1261.txt", lines.append)
print("LINES", len(lines))
print("SIZE", f.size("bin.dat"))
print("MLSD", sorted(name for name, facts in f.mlsd()))
f.storbinary("STOR py.bin", io.BytesIO(b"x" * 70000))
f.rename("py.bin", "py2.bin")
print("NLST", sorted(f.nlst()))
f.delete("py2.bin")
f.mkd("pydir")
f.rmd("pydir")
f.quit()
print("OK")
`

func TestInteropFtplib(t *testing.T) {
	py := requirePeer(t, "python3")
	addr, _ := newTLSTestServer(t)
	host, port, _ := net.SplitHostPort(addr)
	script := filepath.Join(t.TempDir(), "client.py")
	must(t, os.WriteFile(script, []byte(ftplibScript), 0o644))
	for _, mode := range []string{"passive", "active", "tls"} {
		t.Run(mode, func(t *testing.T) {
			out := runPeer(t, py, script, host, port, mode)
			for _, want := range []string{"PWD /", "RETR 100000", "LINES 170", "SIZE 100000",
				"MLSD ['bin.dat', 'rfc1261.txt']", "NLST ['bin.dat', 'py2.bin', 'rfc1261.txt']", "OK"} {
				if !strings.Contains(out, want) {
					t.Errorf("ftplib %s: missing %q in\n%s", mode, want, out)
				}
			}
		})
	}
}

// TestInteropVsftpd runs our client against vsftpd (anonymous read and
// upload, passive and active, explicit FTPS), configured as in PEERS.md 3.5.
func TestInteropVsftpd(t *testing.T) {
	vsftpd := requirePeer(t, "vsftpd")
	if os.Geteuid() != 0 {
		t.Skip("vsftpd needs root to chroot anonymous users")
	}
	ftpUser, err := user.Lookup("ftp")
	if err != nil {
		t.Skipf("no ftp user for vsftpd: %v", err)
	}
	base, err := os.MkdirTemp("", "applayer-vsftpd-")
	must(t, err)
	t.Cleanup(func() {
		if !t.Failed() {
			os.RemoveAll(base)
		} else {
			t.Logf("vsftpd files kept in %s", base)
		}
	})
	must(t, os.Chmod(base, 0o755))
	root := filepath.Join(base, "root")
	must(t, os.MkdirAll(filepath.Join(root, "incoming"), 0o755))
	must(t, os.MkdirAll(filepath.Join(base, "empty"), 0o755))
	uid, _ := strconv.Atoi(ftpUser.Uid)
	gid, _ := strconv.Atoi(ftpUser.Gid)
	must(t, os.Chown(filepath.Join(root, "incoming"), uid, gid))
	payload := bytes.Repeat([]byte("vsftpd interop\n"), 5000)
	must(t, os.WriteFile(filepath.Join(root, "file.txt"), payload, 0o644))
	certFile, keyFile := writeCertFiles(t, testCert(t))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := fmt.Sprintf(`listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=%d
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root=%s
write_enable=YES
anon_upload_enable=YES
anon_mkdir_write_enable=YES
anon_other_write_enable=YES
local_enable=NO
secure_chroot_dir=%s
pasv_enable=YES
pasv_address=127.0.0.1
port_enable=YES
connect_from_port_20=NO
seccomp_sandbox=NO
ssl_enable=YES
allow_anon_ssl=YES
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
require_ssl_reuse=NO
rsa_cert_file=%s
rsa_private_key_file=%s
xferlog_enable=YES
vsftpd_log_file=%s
log_ftp_protocol=YES
`, port, root, filepath.Join(base, "empty"), certFile, keyFile, filepath.Join(base, "vsftpd.log"))
	confFile := filepath.Join(base, "vsftpd.conf")
	must(t, os.WriteFile(confFile, []byte(conf), 0o600))
	cmd := exec.Command(vsftpd, confFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	must(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	ready := false
	for range 100 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			ready = true
			break
		}
		time.Sleep(50 * time.Millisecond) // waiting for an external process to listen
	}
	if !ready {
		t.Fatalf("vsftpd did not start: %s", stderr.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, tc := range []struct {
		name string
		mode DataMode
		tls  bool
	}{
		{"passive", Passive, false}, {"pasv", PassiveOnly, false}, {"active", Active, false},
		{"eprt", ExtendedActive, false}, {"ftps", Passive, true}, {"ftps-active", Active, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Dial(ctx, addr, nil)
			must(t, err)
			defer c.Close()
			c.DataMode = tc.mode
			if tc.tls {
				must(t, c.AuthTLS(ctx, &tls.Config{InsecureSkipVerify: true}))
			}
			must(t, c.Login(ctx, "anonymous", "guest@example.com"))
			must(t, c.SetBinary(ctx, true))
			var buf bytes.Buffer
			_, err = c.Retr(ctx, "file.txt", &buf)
			must(t, err)
			if !bytes.Equal(buf.Bytes(), payload) {
				t.Errorf("RETR from vsftpd: %d octets", buf.Len())
			}
			if n, err := c.Size(ctx, "file.txt"); err != nil || n != int64(len(payload)) {
				t.Errorf("SIZE = %d, %v", n, err)
			}
			if _, err := c.ModTime(ctx, "file.txt"); err != nil {
				t.Errorf("MDTM: %v", err)
			}
			entries, err := c.List(ctx, "")
			must(t, err)
			found := false
			for _, e := range entries {
				if e.Name == "file.txt" && e.Size == int64(len(payload)) && e.Type == TypeFile {
					found = true
				}
			}
			if !found {
				t.Errorf("LIST from vsftpd parsed to %+v", entries)
			}
			name := "incoming/" + tc.name + ".bin"
			_, err = c.Stor(ctx, name, bytes.NewReader(payload))
			must(t, err)
			// Resume: fetch the second half only.
			var half bytes.Buffer
			_, err = c.RetrFrom(ctx, "file.txt", int64(len(payload)/2), &half, nil) // uploads are 0600, not downloadable
			must(t, err)
			if !bytes.Equal(half.Bytes(), payload[len(payload)/2:]) {
				t.Errorf("REST+RETR from vsftpd: %d octets", half.Len())
			}
			must(t, c.Cwd(ctx, "incoming"))
			if p, err := c.Pwd(ctx); err != nil || p != "/incoming" {
				t.Errorf("PWD = %q, %v", p, err)
			}
			must(t, c.Quit(ctx))
		})
	}
}

// TestInteropNcftp uses ncftpget, ncftpput and ncftpls (PEERS.md): passive
// by default, active with -E.
func TestInteropNcftp(t *testing.T) {
	get := requirePeer(t, "ncftpget")
	put := requirePeer(t, "ncftpput")
	ls := requirePeer(t, "ncftpls")
	addr, dir := newTestServer(t, nil)
	host, port, _ := net.SplitHostPort(addr)
	for _, mode := range []struct{ name, flag string }{{"passive", "-F"}, {"active", "-E"}} {
		t.Run(mode.name, func(t *testing.T) {
			out := t.TempDir()
			runPeer(t, get, "-u", "alice", "-p", "secret", "-P", port, mode.flag, "-V", host, out, "/pub/bin.dat")
			sameFile(t, filepath.Join(dir, "pub", "bin.dat"), filepath.Join(out, "bin.dat"))
			must(t, os.Rename(filepath.Join(out, "bin.dat"), filepath.Join(out, "nc-"+mode.name+".dat")))
			runPeer(t, put, "-u", "alice", "-p", "secret", "-P", port, mode.flag, "-V", host, "/", filepath.Join(out, "nc-"+mode.name+".dat"))
			sameFile(t, filepath.Join(dir, "pub", "bin.dat"), filepath.Join(dir, "nc-"+mode.name+".dat"))
			list := runPeer(t, ls, "-u", "alice", "-p", "secret", "-P", port, mode.flag, "-l", "ftp://"+host+"/pub/")
			if !strings.Contains(list, "rfc1261.txt") {
				t.Errorf("ncftpls:\n%s", list)
			}
		})
	}
}
