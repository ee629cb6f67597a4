package dht

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"fmt"
	"github.com/applayer/applayer/internal/interop"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/applayer/applayer/bittorrent/bencode"
)

// ltScript runs a loopback-only libtorrent node (Debian's
// python3-libtorrent imports only under /usr/bin/python3).
const ltScript = "testdata/lt_dht.py"

func findLtNode(t *testing.T) string {
	t.Helper()
	err := exec.Command("/usr/bin/python3", "-c", "import libtorrent").Run()
	if err != nil {
		interop.Unavailable(t, "/usr/bin/python3 cannot import libtorrent (Debian package python3-libtorrent)")
	}
	return ltScript
}

// writeTorrent writes a one-file torrent of data and returns its path and
// info-hash. (The dht package does not import bittorrent; a single-file
// info dictionary is four keys.)
func writeTorrent(t *testing.T, dir string, data []byte) (string, ID) {
	t.Helper()
	const pieceLen = 16 << 10
	var pieces []byte
	for off := 0; off < len(data); off += pieceLen {
		h := sha1.Sum(data[off:min(off+pieceLen, len(data))])
		pieces = append(pieces, h[:]...)
	}
	info := struct {
		Length      int    `bencode:"length"`
		Name        string `bencode:"name"`
		PieceLength int    `bencode:"piece length"`
		Pieces      []byte `bencode:"pieces"`
	}{len(data), "payload.bin", pieceLen, pieces}
	ib, err := bencode.Marshal(&info)
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := bencode.Marshal(map[string]bencode.RawMessage{"info": ib})
	path := filepath.Join(dir, "t.torrent")
	if err := os.WriteFile(path, tb, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "payload.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, HashID(ib)
}

func freeUDPPort(t *testing.T) int {
	t.Helper()
	for {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := pc.LocalAddr().(*net.UDPAddr).Port
		pc.Close()
		// libtorrent uses the port for TCP and UDP.
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err == nil {
			l.Close()
			return p
		}
	}
}

// startProc runs a command and kills it (by its PID) at cleanup.
func startProc(t *testing.T, name string, args ...string) *interop.Buffer {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out := &interop.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(args[0]), out.String())
		}
	})
	return out
}

// waitPeer repeats get_peers from n until want is among the peers.
func waitPeer(t *testing.T, n *Node, ih ID, want netip.AddrPort, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		res, err := n.GetPeers(context.Background(), ih)
		if err == nil {
			for _, p := range res.Peers {
				if p == want {
					return
				}
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("peer %v for %v not found through the DHT in %v", want, ih, d)
}

// waitHandshake accepts BitTorrent connections on l until one carries a
// handshake for ih: proof that the other client found our announced
// address through the DHT.
func waitHandshake(t *testing.T, l net.Listener, ih ID, d time.Duration) {
	t.Helper()
	l.(*net.TCPListener).SetDeadline(time.Now().Add(d))
	for {
		c, err := l.Accept()
		if err != nil {
			t.Fatalf("no BitTorrent handshake for %v on our announced port: %v", ih, err)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		hs := make([]byte, 68)
		_, err = io.ReadFull(bufio.NewReader(c), hs)
		c.Close()
		if err == nil && hs[0] == 19 && string(hs[1:20]) == "BitTorrent protocol" && bytes.Equal(hs[28:48], ih[:]) {
			return
		}
	}
}

// TestInteropLibtorrent: libtorrent (python3-libtorrent, through
// PEERS.md's lt_node.py) bootstraps from our node; its seeder's announce
// is found by our lookup, and our announce is found by its lookup (it
// then connects to the address we announced).
func TestInteropLibtorrent(t *testing.T) {
	script := findLtNode(t)
	a := startNode(t, &Node{})
	b := startNode(t, &Node{})
	pa := a.AddrPort().Port()

	dir := t.TempDir()
	data := bytes.Repeat([]byte("applayer dht interop "), 4000)
	tf, ih1 := writeTorrent(t, dir, data)
	pl := freeUDPPort(t)
	startProc(t, "/usr/bin/python3", script, "seed", fmt.Sprint(pl), fmt.Sprint(pa), tf, dir)

	if err := b.Bootstrap(context.Background(), a.AddrPort().String()); err != nil {
		t.Fatal(err)
	}
	// libtorrent's seeder announces on the DHT; our other node finds it.
	waitPeer(t, b, ih1, netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(pl)), 60*time.Second)
	ltKnown := false
	for _, c := range a.Nodes() {
		if c.Addr.Port() == uint16(pl) {
			ltKnown = true
		}
	}
	if !ltKnown {
		t.Errorf("libtorrent's node is not in our routing table: %v", a.Nodes())
	}

	// We announce a second torrent; libtorrent looks it up and connects.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ih2 := HashID([]byte("announced by applayer"))
	if err := b.Bootstrap(context.Background()); err != nil { // learn of libtorrent's node too
		t.Fatal(err)
	}
	if _, err := b.Announce(context.Background(), ih2, l.Addr().(*net.TCPAddr).Port); err != nil {
		t.Fatal(err)
	}
	magnet := "magnet:?xt=urn:btih:" + ih2.String()
	startProc(t, "/usr/bin/python3", script, "get", fmt.Sprint(freeUDPPort(t)), fmt.Sprint(pa), magnet, t.TempDir())
	// Keep announcing (as a client does at its interval) until libtorrent
	// has joined and looked the torrent up.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Second):
			}
			b.Announce(context.Background(), ih2, l.Addr().(*net.TCPAddr).Port)
		}
	}()
	waitHandshake(t, l, ih2, 60*time.Second)
}

// npmScript is run by node next to an npm-installed bittorrent-dht: it
// joins through our node, announces one info-hash, looks up another and
// prints what it finds. bootstrap is given explicitly so that it never
// contacts the public routers (PEERS.md section 3.6).
const npmScript = `import DHT from 'bittorrent-dht'
const [boot, announceHash, lookupHash] = process.argv.slice(2)
const d = new DHT({ bootstrap: [boot], host: '127.0.0.1' })
d.on('peer', (peer, ih) => console.log('peer', peer.host + ':' + peer.port, ih.toString('hex')))
d.listen(0, '127.0.0.1', () => console.log('listening', d.address().port))
d.once('ready', () => {
  console.log('ready', d.toJSON().nodes.length)
  d.announce(announceHash, 40000, err => {
    console.log('announced', err ? err.message : 'ok')
    const again = () => d.lookup(lookupHash, () => setTimeout(again, 500))
    again()
  })
})
setTimeout(() => process.exit(1), 60000)
`

// TestInteropNpmBittorrentDHT: webtorrent's bittorrent-dht (npm, in
// JavaScript) bootstraps from our node; we find the peer it announced and
// it finds the peer we announced.
func TestInteropNpmBittorrentDHT(t *testing.T) {
	node, err1 := exec.LookPath("node")
	npm, err2 := exec.LookPath("npm")
	if err1 != nil || err2 != nil {
		interop.Unavailable(t, "node and npm are needed (Debian packages nodejs and npm)")
	}
	dir := t.TempDir()
	install := exec.Command(npm, "install", "--no-audit", "--no-fund", "--silent", "bittorrent-dht")
	install.Dir = dir
	install.Env = append(os.Environ(), "HOME="+dir)
	out, err := install.CombinedOutput()
	if err != nil {
		// The package comes from the npm registry: without network
		// access there is nothing to test against, whatever the mode.
		t.Skipf("npm install bittorrent-dht failed (no registry access?): %v %s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "peer.mjs"), []byte(npmScript), 0o644); err != nil {
		t.Fatal(err)
	}

	a := startNode(t, &Node{})
	b := startNode(t, &Node{})
	if err := b.Bootstrap(context.Background(), a.AddrPort().String()); err != nil {
		t.Fatal(err)
	}
	ours := HashID([]byte("announced by applayer for npm"))
	theirs := HashID([]byte("announced by bittorrent-dht"))
	const ourPort = 41000
	if _, err := b.Announce(context.Background(), ours, ourPort); err != nil {
		t.Fatal(err)
	}
	log := startProc(t, node, filepath.Join(dir, "peer.mjs"), a.AddrPort().String(), theirs.String(), ours.String())

	deadline := time.Now().Add(45 * time.Second)
	for !strings.Contains(log.String(), "announced ok") {
		if time.Now().After(deadline) {
			t.Fatalf("bittorrent-dht did not announce:\n%s", log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	waitPeer(t, b, theirs, netip.MustParseAddrPort("127.0.0.1:40000"), 30*time.Second)
	want := fmt.Sprintf("peer 127.0.0.1:%d %s", ourPort, ours)
	for !strings.Contains(log.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("bittorrent-dht did not find our peer (%q):\n%s", want, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
