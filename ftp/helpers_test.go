package ftp

import (
	"context"
	"crypto/tls"
	"github.com/applayer/applayer/internal/selfsigned"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testLogger discards logs unless -v.
func testLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// testTree writes a small tree into a temp dir:
//
//	/pub/rfc1261.txt   (170 lines, 4318 octets: the lesson's file)
//	/pub/bin.dat       (binary)
//	/hello.txt
func testTree(t testing.TB) string {
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "pub"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "pub", "rfc1261.txt"), lessonText(), 0o644))
	bin := make([]byte, 100000)
	for i := range bin {
		bin[i] = byte(i * 7)
	}
	must(t, os.WriteFile(filepath.Join(dir, "pub", "bin.dat"), bin, 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hello\nworld\n"), 0o644))
	return dir
}

// lessonText is a 4318-octet text of 170 LF-terminated lines: 4488 octets
// in TYPE A, as in the lesson's transcript (CHECKLIST C.1).
func lessonText() []byte {
	var b []byte
	for i := range 170 {
		n := 25
		if i < 68 { // 68 lines of 26 octets, 102 of 25: 68*26 + 102*25 = 4318
			n = 26
		}
		for j := 0; j < n-1; j++ {
			b = append(b, byte('a'+(i+j)%26))
		}
		b = append(b, '\n')
	}
	return b
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// startServer serves srv on a free loopback port until the test ends.
func startServer(t testing.TB, srv *Server) string {
	t.Helper()
	if srv.Logger == nil {
		srv.Logger = testLogger()
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(l)
	}()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		<-done
	})
	return l.Addr().String()
}

// newTestServer serves a fresh tree with user alice/secret and anonymous
// access, and returns the address and the tree's directory.
func newTestServer(t testing.TB, tweak func(*Server)) (addr, dir string) {
	t.Helper()
	dir = testTree(t)
	fsys, err := NewDirFS(dir)
	must(t, err)
	t.Cleanup(func() { fsys.Close() })
	srv := &Server{FS: fsys, Users: map[string]string{"alice": "secret"}, Anonymous: true}
	if tweak != nil {
		tweak(srv)
	}
	return startServer(t, srv), dir
}

// dialLogin connects and logs in.
func dialLogin(t testing.TB, addr, user, pass string) *Client {
	t.Helper()
	ctx := context.Background()
	c, err := Dial(ctx, addr, nil)
	must(t, err)
	t.Cleanup(func() { c.Close() })
	must(t, c.Login(ctx, user, pass))
	return c
}

// testCert makes a self-signed certificate for 127.0.0.1 and localhost.
func testCert(t testing.TB) tls.Certificate {
	t.Helper()
	cert, err := selfsigned.New("localhost", "127.0.0.1")
	must(t, err)
	return cert
}
