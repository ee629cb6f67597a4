package bittorrent

import (
	"context"
	"fmt"
	"github.com/applayer/applayer/internal/interop"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ariaLoopback keeps aria2c on loopback (PEERS.md section 3.6).
var ariaLoopback = []string{"--interface=127.0.0.1", "--disable-ipv6=true", "--enable-dht=false", "--enable-dht6=false",
	"--bt-enable-lpd=false", "--enable-peer-exchange=false", "--summary-interval=0", "--console-log-level=warn",
	"--check-certificate=false", "--auto-save-interval=0", "--file-allocation=none"}

func freePort(t *testing.T) int {
	t.Helper()
	// Free for both TCP and UDP: peers such as opentracker and aria2 bind
	// the same number on both.
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		pc, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		l.Close()
		if err == nil {
			pc.Close()
			return port
		}
	}
	t.Fatal("no port free for both TCP and UDP")
	return 0
}

// startAria runs aria2c with args and stops it at cleanup.
func startAria(t *testing.T, bin string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, append(append([]string{}, ariaLoopback...), args...)...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("aria2c output:\n%s", out.String())
		}
	})
	return cmd
}

// TestInteropAriaSeedsToUs: aria2c seeds through our HTTP tracker and our
// client downloads from it.
func TestInteropAriaSeedsToUs(t *testing.T) {
	bin := interop.Require(t, "aria2c")
	announce := startHTTPTracker(t, &Tracker{Interval: 2 * time.Second})
	seedDir, mi, data := testTorrent(t, 2<<20+777, 64<<10, []string{announce})
	tf := filepath.Join(t.TempDir(), "t.torrent")
	b, _ := mi.Marshal()
	os.WriteFile(tf, b, 0o644)
	startAria(t, bin, "--dir="+seedDir, "-V", "--seed-ratio=0.0", "--listen-port="+strconv.Itoa(freePort(t)), tf)

	dir := t.TempDir()
	c := fastClient(t, func(c *Client) { c.MinAnnounceInterval = 500 * time.Millisecond })
	tor, err := c.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, tor, 60*time.Second)
	checkFile(t, filepath.Join(dir, "payload.bin"), data)
	if testing.Short() {
		return
	}
	// A magnet link: the info dictionary comes from aria2c (ut_metadata);
	// our first client leaves the swarm so that aria2c is the only source.
	c.Close()
	m := mi.Magnet()
	dir2 := t.TempDir()
	c2 := fastClient(t, func(c *Client) { c.MinAnnounceInterval = 500 * time.Millisecond })
	tor2, err := c2.Add(context.Background(), TorrentSpec{Magnet: &m, Dir: dir2})
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, tor2, 60*time.Second)
	checkFile(t, filepath.Join(dir2, "payload.bin"), data)
}

// TestInteropAriaDownloadsFromUs: our client seeds, aria2c downloads it
// through our tracker, once from the .torrent and once from a magnet link
// (fetching the info dictionary from us with ut_metadata).
func TestInteropAriaDownloadsFromUs(t *testing.T) {
	bin := interop.Require(t, "aria2c")
	announce := startHTTPTracker(t, &Tracker{Interval: 2 * time.Second})
	seedDir, mi, data := testTorrent(t, 2<<20+555, 64<<10, []string{announce})
	seeder := fastClient(t, nil)
	st, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: seedDir})
	if err != nil {
		t.Fatal(err)
	}
	tf := filepath.Join(t.TempDir(), "t.torrent")
	b, _ := mi.Marshal()
	os.WriteFile(tf, b, 0o644)
	sources := []string{tf, mi.Magnet().String()}
	if testing.Short() {
		sources = sources[:1]
	}
	for _, src := range sources {
		dir := t.TempDir()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		args := append(append([]string{}, ariaLoopback...), "--dir="+dir, "--seed-time=0", "--bt-stop-timeout=60",
			"--bt-save-metadata=false", "--listen-port="+strconv.Itoa(freePort(t)), src)
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		start := time.Now()
		out, err := cmd.CombinedOutput()
		cancel()
		t.Logf("aria2c fetched %s in %v", src, time.Since(start))
		if err != nil {
			t.Fatalf("aria2c %s: %v\n%s", src, err, out)
		}
		checkFile(t, filepath.Join(dir, "payload.bin"), data)
	}
	if s := st.Stats(); s.Uploaded < int64(len(sources)*len(data)) {
		t.Errorf("seeder uploaded %d bytes, want at least %d", s.Uploaded, len(sources)*len(data))
	}
}

// startOpentracker runs opentracker on port (TCP and UDP) and waits until
// it answers an announce; it is stopped when the test ends.
func startOpentracker(t *testing.T, bin, scheme, port, announce string, mi *MetaInfo) error {
	otDir := t.TempDir()
	os.WriteFile(filepath.Join(otDir, "whitelist"), []byte(mi.InfoHash().String()+"\n"), 0o644)
	cmd := exec.Command(bin, "-i", "127.0.0.1", "-p", port, "-P", port, "-d", otDir, "-w", "whitelist")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cmd.Process.Kill()
			cmd.Wait()
		}
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("opentracker output:\n%s", out.String())
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		var err error
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		req := AnnounceRequest{InfoHash: mi.InfoHash(), PeerID: PeerID{1}, Port: 1, Event: EventStopped}
		if scheme == "http" {
			_, err = (&HTTPTrackerClient{}).Announce(ctx, announce, req)
		} else {
			_, err = (&UDPTrackerClient{Timeout: 50 * time.Millisecond}).Announce(ctx, "127.0.0.1:"+port, req)
		}
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || strings.Contains(out.String(), "already in use") {
			stop()
			return fmt.Errorf("%v (opentracker said %q)", err, strings.TrimSpace(out.String()))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestInteropOpentracker announces our seeder and leecher to opentracker,
// over HTTP and over UDP (BEP 15), and checks the download completes.
func TestInteropOpentracker(t *testing.T) {
	bin := interop.Require(t, "opentracker")
	for _, scheme := range []string{"http", "udp"} {
		t.Run(scheme, func(t *testing.T) {
			// Another test may take the port between our check and
			// opentracker's bind: try a few ports.
			var port, announce string
			var mi *MetaInfo
			var seedDir string
			var data []byte
			for attempt := 1; ; attempt++ {
				port = strconv.Itoa(freePort(t))
				if scheme == "http" {
					announce = "http://127.0.0.1:" + port + "/announce"
				} else {
					announce = "udp://127.0.0.1:" + port
				}
				seedDir, mi, data = testTorrent(t, 512<<10, 32<<10, []string{announce})
				err := startOpentracker(t, bin, scheme, port, announce, mi)
				if err == nil {
					break
				}
				if attempt == 3 {
					t.Fatalf("opentracker not answering: %v", err)
				}
			}
			seeder := fastClient(t, nil)
			if _, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: seedDir}); err != nil {
				t.Fatal(err)
			}
			// Let the seeder's started announce land first.
			for start := time.Now(); time.Since(start) < 5*time.Second; time.Sleep(10 * time.Millisecond) {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				var n int
				if scheme == "http" {
					sc, err := (&HTTPTrackerClient{}).Scrape(ctx, announce, mi.InfoHash())
					n = sc[mi.InfoHash()].Complete
					_ = err
				} else {
					sc, err := (&UDPTrackerClient{Timeout: 50 * time.Millisecond}).Scrape(ctx, "127.0.0.1:"+port, mi.InfoHash())
					if err == nil {
						n = sc[0].Complete
					}
				}
				cancel()
				if n > 0 {
					break
				}
			}
			dir := t.TempDir()
			leecher := fastClient(t, nil)
			tor, err := leecher.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			waitDone(t, tor, 30*time.Second)
			checkFile(t, filepath.Join(dir, "payload.bin"), data)
		})
	}
}
