package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/applayer/applayer/bittorrent"
)

func build(t *testing.T, dir, pkg string) string {
	t.Helper()
	bin := filepath.Join(dir, filepath.Base(pkg))
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// startProgram runs a server program until the test ends and returns the
// addresses of its "listening on PROTO ADDR" lines, by protocol.
func startProgram(t *testing.T, lines int, bin string, args ...string) map[string]string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	addrs := map[string]string{}
	sc := bufio.NewScanner(stdout)
	for len(addrs) < lines && sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 4 && f[0] == "listening" {
			addrs[f[2]] = f[3]
		}
	}
	if len(addrs) < lines {
		t.Fatalf("%s printed %d listening lines, want %d", filepath.Base(bin), len(addrs), lines)
	}
	go io.Copy(io.Discard, stdout)
	return addrs
}

// TestTrackerlessMagnetThroughDHT: a torrent with no tracker, seeded with
// -dht; a magnet link with no tr= downloads through the DHT, all three
// programs (dhtnode as the meeting point, the seeder, the leecher) real
// processes on loopback.
func TestTrackerlessMagnetThroughDHT(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs three programs")
	}
	dir := t.TempDir()
	torrent := build(t, dir, "github.com/applayer/applayer/examples/torrent")
	dhtnode := build(t, dir, "github.com/applayer/applayer/examples/dhtnode")

	data := make([]byte, 300<<10)
	rand.Read(data)
	seedDir := filepath.Join(dir, "seed")
	os.MkdirAll(seedDir, 0o755)
	os.WriteFile(filepath.Join(seedDir, "lecture.bin"), data, 0o644)
	tfile := filepath.Join(dir, "lecture.torrent")
	if out, err := exec.Command(torrent, "create", "-o", tfile, filepath.Join(seedDir, "lecture.bin")).CombinedOutput(); err != nil {
		t.Fatalf("create: %v\n%s", err, out)
	}
	b, _ := os.ReadFile(tfile)
	mi, err := bittorrent.ParseMetaInfo(b)
	if err != nil {
		t.Fatal(err)
	}

	boot := startProgram(t, 1, dhtnode, "-addr", "127.0.0.1:0")["udp"]
	startProgram(t, 2, torrent, "seed", "-listen", "127.0.0.1:0", "-dht", "-bootstrap", boot, tfile, seedDir)

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	out := filepath.Join(dir, "out")
	magnet := "magnet:?xt=urn:btih:" + mi.InfoHash().String()
	get := exec.CommandContext(ctx, torrent, "get", "-listen", "127.0.0.1:0", "-dht", "-bootstrap", boot, "-o", out, magnet)
	if msg, err := get.CombinedOutput(); err != nil {
		t.Fatalf("get %s: %v\n%s", magnet, err, msg)
	}
	got, err := os.ReadFile(filepath.Join(out, "lecture.bin"))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("downloaded file: %d bytes, %v; want the seeded %d bytes", len(got), err, len(data))
	}
}
