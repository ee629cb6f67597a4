package main

import (
	"bufio"
	"bytes"
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/applayer/applayer/ftp"
)

// TestScript drives the client from a script, as "ftp < script" would.
func TestScript(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "pub"), 0o755)
	os.WriteFile(filepath.Join(root, "pub", "rfc1261.txt"), []byte("line one\nline two\n"), 0o644)
	fsys, err := ftp.NewDirFS(root)
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	srv := &ftp.Server{FS: fsys, Users: map[string]string{"alice": "secret"}, Logger: slog.New(slog.DiscardHandler)}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	host, port, _ := net.SplitHostPort(l.Addr().String())
	work := t.TempDir()
	t.Chdir(work)
	os.WriteFile("up.txt", []byte("uploaded\n"), 0o644)
	script := strings.Join([]string{
		"user alice secret",
		"pwd",
		"cd pub",
		"ascii",
		"get rfc1261.txt nicinfo",
		"binary",
		"put up.txt",
		"size up.txt",
		"rename up.txt up2.txt",
		"ls",
		"active",
		"mget *.txt",
		"mdelete up2.*",
		"bye",
	}, "\n")
	var out bytes.Buffer
	sh := &shell{in: bufio.NewScanner(strings.NewReader(script)), out: &out}
	if err := sh.run(context.Background(), []string{host, port}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"Connected to 127.0.0.1.",
		"230 User alice logged in.",
		"250 CWD command successful.",
		"local: nicinfo remote: rfc1261.txt",
		"226 ASCII Transfer complete.",
		"20 bytes received in", // 18 octets of text, 2 CRs added in TYPE A
		"213 9",
		"221 Goodbye.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if b, _ := os.ReadFile("nicinfo"); string(b) != "line one\nline two\n" {
		t.Errorf("nicinfo = %q", b)
	}
	if b, _ := os.ReadFile("rfc1261.txt"); string(b) != "line one\nline two\n" {
		t.Errorf("mget rfc1261.txt = %q", b)
	}
	if _, err := os.Stat(filepath.Join(root, "pub", "up2.txt")); err == nil {
		t.Errorf("delete did not delete")
	}
}

// TestScriptStopsOnError: from a script the first failure is fatal.
func TestScriptStopsOnError(t *testing.T) {
	var out bytes.Buffer
	sh := &shell{in: bufio.NewScanner(strings.NewReader("pwd\nbye\n")), out: &out}
	if err := sh.run(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "not connected") {
		t.Errorf("run = %v, want not connected", err)
	}
}
