package ftp

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var allModes = []struct {
	name string
	mode DataMode
}{
	{"passive", Passive}, {"pasv-only", PassiveOnly}, {"epsv", ExtendedPassive},
	{"active", Active}, {"eprt", ExtendedActive},
}

func TestClientServerModes(t *testing.T) {
	addr, dir := newTestServer(t, nil)
	ctx := context.Background()
	want, _ := os.ReadFile(filepath.Join(dir, "pub", "bin.dat"))
	for _, m := range allModes {
		t.Run(m.name, func(t *testing.T) {
			c := dialLogin(t, addr, "anonymous", "guest@example.com")
			c.DataMode = m.mode
			must(t, c.SetBinary(ctx, true))
			var buf bytes.Buffer
			n, err := c.Retr(ctx, "/pub/bin.dat", &buf)
			must(t, err)
			if n != int64(len(want)) || !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("RETR got %d octets, want %d identical", n, len(want))
			}
			entries, err := c.List(ctx, "/pub")
			must(t, err)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name)
			}
			if diff := cmp.Diff([]string{"bin.dat", "rfc1261.txt"}, names); diff != "" {
				t.Errorf("LIST names (-want +got):\n%s", diff)
			}
			must(t, c.Quit(ctx))
		})
	}
}

func TestClientASCII(t *testing.T) {
	addr, dir := newTestServer(t, nil)
	ctx := context.Background()
	c := dialLogin(t, addr, "alice", "secret")
	must(t, c.Cwd(ctx, "pub"))
	must(t, c.SetBinary(ctx, false))
	// On the wire TYPE A is 4488 octets (CHECKLIST C.1); the client turns
	// it back into the 4318-octet local file.
	var wire bytes.Buffer
	_, err := c.transferRaw(ctx, "rfc1261.txt", &wire)
	must(t, err)
	if wire.Len() != 4488 {
		t.Errorf("TYPE A wire size = %d, want 4488", wire.Len())
	}
	var local bytes.Buffer
	n, err := c.Retr(ctx, "rfc1261.txt", &local)
	must(t, err)
	if n != 4488 || !bytes.Equal(local.Bytes(), lessonText()) {
		t.Errorf("TYPE A RETR = %d octets received, %d kept; want 4488 and the 4318-octet original", n, local.Len())
	}
	// Upload in ASCII: CRLF on the wire, LF on disk.
	_, err = c.Stor(ctx, "up.txt", strings.NewReader("a\nb\n"))
	must(t, err)
	got, _ := os.ReadFile(filepath.Join(dir, "pub", "up.txt"))
	if string(got) != "a\nb\n" {
		t.Errorf("ASCII upload stored %q", got)
	}
}

// transferRaw downloads in binary framing regardless of TYPE: the octets
// exactly as they cross the data connection.
func (c *Client) transferRaw(ctx context.Context, name string, w io.Writer) (int64, error) {
	var n int64
	err := c.transfer(ctx, RETR, name, 0, func(conn net.Conn) error {
		var err error
		n, err = io.Copy(w, conn)
		return err
	})
	return n, err
}

func TestClientFileOps(t *testing.T) {
	addr, dir := newTestServer(t, nil)
	ctx := context.Background()
	c := dialLogin(t, addr, "alice", "secret")
	must(t, c.SetBinary(ctx, true))
	must(t, c.Mkdir(ctx, "docs"))
	must(t, c.Cwd(ctx, "docs"))
	if p, err := c.Pwd(ctx); err != nil || p != "/docs" {
		t.Errorf("Pwd = %q, %v", p, err)
	}
	data := bytes.Repeat([]byte("0123456789"), 10000)
	n, err := c.Stor(ctx, "a.bin", bytes.NewReader(data))
	if err != nil || n != int64(len(data)) {
		t.Fatalf("Stor = %d, %v", n, err)
	}
	if size, err := c.Size(ctx, "a.bin"); err != nil || size != int64(len(data)) {
		t.Errorf("Size = %d, %v", size, err)
	}
	mt, err := c.ModTime(ctx, "a.bin")
	if err != nil || time.Since(mt) > time.Hour {
		t.Errorf("ModTime = %v, %v", mt, err)
	}
	_, err = c.Append(ctx, "a.bin", strings.NewReader("tail"))
	must(t, err)
	must(t, c.Rename(ctx, "a.bin", "b.bin"))
	got, _ := os.ReadFile(filepath.Join(dir, "docs", "b.bin"))
	if !bytes.Equal(got, append(data, "tail"...)) {
		t.Errorf("after APPE and rename: %d octets", len(got))
	}
	entries, err := c.MLSD(ctx, "")
	must(t, err)
	if len(entries) != 1 || entries[0].Name != "b.bin" || entries[0].Size != int64(len(data)+4) || entries[0].Type != TypeFile {
		t.Errorf("MLSD = %+v", entries)
	}
	e, err := c.MLST(ctx, "b.bin")
	if err != nil || e.Name != "/docs/b.bin" || e.Perm != "adfrw" {
		t.Errorf("MLST = %+v, %v", e, err)
	}
	names, err := c.NameList(ctx, "")
	if err != nil || !cmp.Equal(names, []string{"b.bin"}) {
		t.Errorf("NameList = %q, %v", names, err)
	}
	must(t, c.Delete(ctx, "b.bin"))
	must(t, c.Cdup(ctx))
	must(t, c.Rmdir(ctx, "docs"))
	var r *Reply
	if err := c.Cwd(ctx, "docs"); !errors.As(err, &r) || r.Code != StatusFileUnavailable {
		t.Errorf("Cwd to removed dir: %v", err)
	}
	// STOU picks a fresh name.
	must(t, c.simple(ctx, 2, NOOP, ""))
	if _, err := c.transferUpload(ctx, STOU, "", "unique"); err != nil {
		t.Errorf("STOU: %v", err)
	}
}

func (c *Client) transferUpload(ctx context.Context, verb Verb, arg, data string) (int64, error) {
	return c.upload(ctx, verb, arg, 0, strings.NewReader(data), nil)
}

// TestClientResume interrupts a download and an upload, resumes both with
// REST, and checks the files are identical.
func TestClientResume(t *testing.T) {
	addr, dir := newTestServer(t, nil)
	ctx := context.Background()
	c := dialLogin(t, addr, "alice", "secret")
	must(t, c.SetBinary(ctx, true))
	want, _ := os.ReadFile(filepath.Join(dir, "pub", "bin.dat"))

	// Download: the first 30000 octets are "already here".
	local := filepath.Join(t.TempDir(), "bin.dat")
	must(t, os.WriteFile(local, want[:30000], 0o644))
	var calls []int64
	must(t, c.GetFile(ctx, "pub/bin.dat", local, int64(len(want)), func(name string, done, total int64) {
		calls = append(calls, done)
	}))
	got, _ := os.ReadFile(local)
	if !bytes.Equal(got, want) {
		t.Errorf("resumed download differs: %d octets", len(got))
	}
	if len(calls) < 2 || calls[0] != 30000 || calls[len(calls)-1] != int64(len(want)) {
		t.Errorf("progress calls %v", calls)
	}

	// Upload: send the first part, then REST + STOR the rest.
	_, err := c.Stor(ctx, "up.dat", bytes.NewReader(want[:40000]))
	must(t, err)
	_, err = c.StorFrom(ctx, "up.dat", 40000, bytes.NewReader(want[40000:]), nil)
	must(t, err)
	got, _ = os.ReadFile(filepath.Join(dir, "up.dat"))
	if !bytes.Equal(got, want) {
		t.Errorf("resumed upload differs: %d octets", len(got))
	}
}

// TestAbortedUploadLeavesNothing cancels an upload half way: the server gets
// ABOR, replies 426 and 226, and no file (not even a temporary) remains.
func TestAbortedUploadLeavesNothing(t *testing.T) {
	for _, m := range []DataMode{Passive, Active} {
		addr, dir := newTestServer(t, nil)
		c := dialLogin(t, addr, "alice", "secret")
		c.DataMode = m
		ctx, cancel := context.WithCancel(context.Background())
		must(t, c.SetBinary(ctx, true))
		r := &cancelAfter{n: 200000, cancel: cancel}
		_, err := c.Stor(ctx, "partial.bin", r)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Stor = %v, want context.Canceled", err)
		}
		// The control connection is still usable after ABOR.
		must(t, c.Noop(context.Background()))
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Name() != "pub" && e.Name() != "hello.txt" {
				t.Errorf("mode %d: left behind %q", m, e.Name())
			}
		}
	}
}

// cancelAfter is an endless reader that cancels a context after n octets.
type cancelAfter struct {
	n      int
	cancel context.CancelFunc
}

func (r *cancelAfter) Read(p []byte) (int, error) {
	if r.n <= 0 {
		r.cancel() // the copy goes on until the cancellation interrupts it
		return len(p), nil
	}
	n := min(len(p), r.n)
	r.n -= n
	return n, nil
}

// TestAbortDownload cancels a download: the server aborts with 426 and the
// session goes on.
func TestAbortDownload(t *testing.T) {
	addr, _ := newTestServer(t, nil)
	c := dialLogin(t, addr, "anonymous", "x")
	must(t, c.SetBinary(context.Background(), true))
	ctx, cancel := context.WithCancel(context.Background())
	w := &cancelWriter{cancel: cancel}
	_, err := c.Retr(ctx, "pub/bin.dat", w)
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("Retr = %v", err)
	}
	must(t, c.Noop(context.Background()))
}

type cancelWriter struct{ cancel context.CancelFunc }

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.cancel()
	return len(p), nil
}

// TestFailedUploadLeavesNothing drops the data connection with a reset in
// the middle of a STOR: the atomic upload is discarded.
func TestFailedUploadLeavesNothing(t *testing.T) {
	addr, dir := newTestServer(t, nil)
	c := dialLogin(t, addr, "alice", "secret")
	ctx := context.Background()
	must(t, c.SetBinary(ctx, true))
	err := c.transfer(ctx, STOR, "reset.bin", 0, func(conn net.Conn) error {
		conn.Write(make([]byte, 100000))
		if tc, ok := conn.(interface{ SetLinger(int) error }); ok {
			tc.SetLinger(0) // close with RST, not FIN
		}
		return nil
	})
	var r *Reply
	if !errors.As(err, &r) || r.Code != StatusTransferAborted {
		t.Errorf("STOR with reset = %v, want 426", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "reset.bin")); err == nil {
		t.Errorf("partial upload left behind")
	}
	// Anonymous users cannot upload at all.
	a := dialLogin(t, addr, "anonymous", "x")
	if _, err := a.Stor(ctx, "x", strings.NewReader("x")); !errors.As(err, &r) || r.Code != StatusFileUnavailable {
		t.Errorf("anonymous STOR = %v", err)
	}
}

func TestClientTLS(t *testing.T) {
	cert := testCert(t)
	addr, dir := newTestServer(t, func(s *Server) {
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		s.RequireTLS = true
	})
	ctx := context.Background()
	// Without TLS the server refuses to log in.
	plain, err := Dial(ctx, addr, nil)
	must(t, err)
	defer plain.Close()
	var r *Reply
	if err := plain.Login(ctx, "alice", "secret"); !errors.As(err, &r) || r.Code != StatusNotLoggedIn {
		t.Errorf("Login without TLS = %v, want 530", err)
	}
	for _, m := range []DataMode{Passive, Active} {
		c, err := Dial(ctx, addr, nil)
		must(t, err)
		defer c.Close()
		c.DataMode = m
		must(t, c.AuthTLS(ctx, &tls.Config{InsecureSkipVerify: true}))
		must(t, c.Login(ctx, "alice", "secret"))
		must(t, c.SetBinary(ctx, true))
		var buf bytes.Buffer
		_, err = c.Retr(ctx, "pub/bin.dat", &buf)
		must(t, err)
		want, _ := os.ReadFile(filepath.Join(dir, "pub", "bin.dat"))
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("FTPS RETR differs")
		}
		_, err = c.Stor(ctx, "tls.txt", strings.NewReader("over tls"))
		must(t, err)
		got, _ := os.ReadFile(filepath.Join(dir, "tls.txt"))
		if string(got) != "over tls" {
			t.Errorf("FTPS STOR stored %q", got)
		}
		must(t, c.Quit(ctx))
	}
}

func TestClientMGetMPut(t *testing.T) {
	addr, dir := newTestServer(t, nil)
	ctx := context.Background()
	c := dialLogin(t, addr, "alice", "secret")
	must(t, c.SetBinary(ctx, true))
	must(t, c.Cwd(ctx, "pub"))
	local := t.TempDir()
	seen := map[string]int64{}
	got, err := c.MGet(ctx, "*", local, func(name string, done, total int64) { seen[name] = done })
	must(t, err)
	sort.Strings(got)
	if !cmp.Equal(got, []string{"bin.dat", "rfc1261.txt"}) {
		t.Errorf("MGet = %v", got)
	}
	if seen["bin.dat"] != 100000 || seen["rfc1261.txt"] != 4318 {
		t.Errorf("progress = %v", seen)
	}
	must(t, c.Mkdir(ctx, "/back"))
	must(t, c.Cwd(ctx, "/back"))
	must(t, c.MPut(ctx, []string{filepath.Join(local, "bin.dat"), filepath.Join(local, "rfc1261.txt")}, nil))
	a, _ := os.ReadFile(filepath.Join(dir, "pub", "bin.dat"))
	b, _ := os.ReadFile(filepath.Join(dir, "back", "bin.dat"))
	if !bytes.Equal(a, b) {
		t.Errorf("MPut copy differs")
	}
}

func TestServerConnLimit(t *testing.T) {
	addr, _ := newTestServer(t, func(s *Server) { s.MaxConns = 1 })
	ctx := context.Background()
	c := dialLogin(t, addr, "anonymous", "x")
	_, err := Dial(ctx, addr, nil)
	var r *Reply
	if !errors.As(err, &r) || r.Code != StatusNotAvailable {
		t.Errorf("second connection: %v, want 421", err)
	}
	must(t, c.Quit(ctx))
}

func TestServerIdleTimeout(t *testing.T) {
	addr, _ := newTestServer(t, func(s *Server) { s.IdleTimeout = 50 * time.Millisecond })
	conn := dialRaw(t, addr)
	b, _ := io.ReadAll(conn) // greeting, then 421 when idle, then EOF
	if !strings.Contains(string(b), "421 Timeout") {
		t.Errorf("idle connection got %q", b)
	}
}

func TestServerShutdownSays421(t *testing.T) {
	dir := testTree(t)
	srv := &Server{FS: os.DirFS(dir), Anonymous: true, Logger: testLogger()}
	addr := startServer(t, srv)
	c := dialLogin(t, addr, "anonymous", "x")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	must(t, srv.Shutdown(ctx))
	r, err := c.readReply()
	if err != nil || r.Code != StatusNotAvailable {
		t.Errorf("after Shutdown: %v, %v", r, err)
	}
}

// TestIPv6 runs EPSV and EPRT over ::1 (PASV and PORT cannot carry IPv6).
func TestIPv6(t *testing.T) {
	l, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	dir := testTree(t)
	srv := &Server{FS: os.DirFS(dir), Anonymous: true, Logger: testLogger()}
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(l) }()
	defer func() { srv.Close(); <-done }()
	ctx := context.Background()
	for _, m := range []DataMode{Passive, Active} {
		c := dialLogin(t, l.Addr().String(), "anonymous", "x")
		c.DataMode = m
		must(t, c.SetBinary(ctx, true))
		var buf bytes.Buffer
		if _, err := c.Retr(ctx, "hello.txt", &buf); err != nil || buf.String() != "hello\nworld\n" {
			t.Errorf("mode %d over IPv6: %q, %v", m, buf.String(), err)
		}
		if r, err := c.Cmd(ctx, PASV, ""); err != nil || r.Code != StatusNotImplementedParameter {
			t.Errorf("PASV over IPv6 = %v, %v; want 504", r, err)
		}
		must(t, c.Quit(ctx))
	}
}

// TestShutdownDuringTransfer: Shutdown lets a running download finish, then
// ends the session with 421.
func TestShutdownDuringTransfer(t *testing.T) {
	dir := testTree(t)
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<19) // 8 MiB, more than the socket buffers
	must(t, os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644))
	srv := &Server{FS: os.DirFS(dir), Anonymous: true, Logger: testLogger()}
	addr := startServer(t, srv)
	c := dialLogin(t, addr, "anonymous", "x")
	ctx := context.Background()
	must(t, c.SetBinary(ctx, true))
	w := &gateWriter{started: make(chan struct{}), release: make(chan struct{})}
	type result struct {
		n   int64
		err error
	}
	got := make(chan result, 1)
	go func() {
		n, err := c.Retr(ctx, "big.bin", w)
		got <- result{n, err}
	}()
	<-w.started
	shut := make(chan error, 1)
	go func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shut <- srv.Shutdown(sctx)
	}()
	close(w.release)
	r := <-got
	if r.err != nil || r.n != int64(len(big)) || w.n != len(big) {
		t.Fatalf("Retr during Shutdown = %d, %v (wrote %d)", r.n, r.err, w.n)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown = %v", err)
	}
	reply, err := c.readReply()
	if err != nil || reply.Code != StatusNotAvailable {
		t.Errorf("after the transfer: %v, %v; want 421", reply, err)
	}
}

// gateWriter blocks its first write until released.
type gateWriter struct {
	started, release chan struct{}
	n                int
}

func (w *gateWriter) Write(p []byte) (int, error) {
	if w.n == 0 {
		close(w.started)
		<-w.release
	}
	w.n += len(p)
	return len(p), nil
}

// TestAbortAfterTransferEnded aborts a download whose data has all arrived
// already: the server has sent 226 for the transfer and answers ABOR with
// 225, and the client must read both so later replies stay in step.
func TestAbortAfterTransferEnded(t *testing.T) {
	addr, _ := newTestServer(t, nil)
	c := dialLogin(t, addr, "anonymous", "x")
	ctx := context.Background()
	must(t, c.SetBinary(ctx, true))
	actx, cancel := context.WithCancel(ctx)
	err := c.transfer(actx, RETR, "hello.txt", 0, func(conn net.Conn) error {
		io.ReadAll(conn) // the whole file: the server is done
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("transfer = %v", err)
	}
	if p, err := c.Pwd(ctx); err != nil || p != "/" {
		t.Errorf("Pwd after the abort = %q, %v (replies out of step?)", p, err)
	}
	if n, err := c.Size(ctx, "hello.txt"); err != nil || n != 12 {
		t.Errorf("Size after the abort = %d, %v", n, err)
	}
}
