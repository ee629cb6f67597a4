package main

import (
	"bufio"
	"context"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/applayer/applayer/http1"
)

func build(t *testing.T, dir, pkg string) string {
	t.Helper()
	bin := filepath.Join(dir, filepath.Base(pkg))
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// start runs a server program and returns its address from the
// "listening on" line; the process gets SIGTERM when the test ends.
func start(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("%s exit after SIGTERM: %v", filepath.Base(bin), err)
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("%s printed no listening line: %v", bin, err)
	}
	f := strings.Fields(line)
	if len(f) != 4 || f[0] != "listening" || (f[2] != "http" && f[2] != "https") {
		t.Fatalf("listening line = %q", line)
	}
	return f[3]
}

// TestPrograms runs httpd, httpget and webcache as real processes.
func TestPrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs three programs")
	}
	dir := t.TempDir()
	httpd := build(t, dir, "github.com/applayer/applayer/examples/httpd")
	httpget := build(t, dir, "github.com/applayer/applayer/examples/httpget")
	webcache := build(t, dir, "github.com/applayer/applayer/examples/webcache")
	root := filepath.Join(dir, "www")
	os.MkdirAll(root, 0o755)
	os.WriteFile(filepath.Join(root, "a.txt"), []byte("alpha\n"), 0o644)
	os.WriteFile(filepath.Join(root, "b.txt"), []byte("beta\n"), 0o644)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()

	addr := start(t, httpd, "-addr", "127.0.0.1:0", "-root", root)
	base := "http://" + addr
	out, err := exec.CommandContext(ctx, httpget, base+"/a.txt", base+"/b.txt").Output()
	if err != nil || string(out) != "alpha\nbeta\n" {
		t.Errorf("httpget: %q, %v", out, err)
	}
	cmd := exec.CommandContext(ctx, httpget, "-v", "-pipeline", base+"/b.txt", base+"/a.txt")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err = cmd.Output()
	if err != nil || string(out) != "beta\nalpha\n" || !strings.Contains(stderr.String(), "< HTTP/1.1 200 OK") {
		t.Errorf("httpget -v -pipeline: %q, %v\n%s", out, err, stderr.String())
	}
	out, err = exec.CommandContext(ctx, httpget, base+"/missing").CombinedOutput()
	if err == nil || !strings.HasPrefix(string(out), "404 page not found\nhttpget: ") {
		t.Errorf("httpget of a missing page: %q, %v", out, err)
	}

	proxy := start(t, webcache, "-addr", "127.0.0.1:0", "-max-bytes", "100000")
	pu, _ := url.Parse("http://" + proxy)
	c := &http1.Client{Proxy: http1.ProxyURL(pu)}
	defer c.CloseIdleConnections()
	for i, want := range []string{"MISS", "REVALIDATED"} {
		resp, err := c.Get(ctx, base+"/a.txt")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		// The file is brand new, so its heuristic freshness is tiny: the
		// second request revalidates (or, within a fraction of a second, hits).
		if got := resp.Header.Get("X-Cache"); string(body) != "alpha\n" || got != want && !(i == 1 && got == "HIT") {
			t.Errorf("through webcache #%d: %q X-Cache %q, want %q", i+1, body, got, want)
		}
	}
}
