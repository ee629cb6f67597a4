package dht

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// startNode serves n on a fresh loopback port and stops it at cleanup.
func startNode(t testing.TB, n *Node) *Node {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if n.Logger == nil {
		n.Logger = quietLogger
	}
	if n.Workers == 0 {
		n.Workers = 2
	}
	done := make(chan struct{})
	go func() { n.Serve(pc); close(done) }()
	t.Cleanup(func() { n.Close(); <-done })
	for n.Addr() == nil {
		time.Sleep(time.Millisecond)
	}
	return n
}

// cluster starts size nodes, each bootstrapped from the first.
func cluster(t testing.TB, size int, cfg func(*Node)) []*Node {
	t.Helper()
	nodes := make([]*Node, size)
	for i := range nodes {
		n := &Node{QueryTimeout: 500 * time.Millisecond}
		if cfg != nil {
			cfg(n)
		}
		nodes[i] = startNode(t, n)
	}
	ctx := context.Background()
	boot := nodes[0].AddrPort().String()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for _, n := range nodes[1:] {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := n.Bootstrap(ctx, boot); err != nil {
				t.Errorf("bootstrap: %v", err)
			}
		}()
	}
	wg.Wait()
	return nodes
}

func TestPingAndFindNode(t *testing.T) {
	a := startNode(t, &Node{})
	b := startNode(t, &Node{})
	ctx := context.Background()
	id, err := a.Ping(ctx, b.AddrPort())
	if err != nil {
		t.Fatal(err)
	}
	if id != b.Self() {
		t.Fatalf("Ping returned %v, want %v", id, b.Self())
	}
	if a.NumNodes() != 1 || b.NumNodes() != 1 {
		t.Fatalf("tables hold %d and %d nodes, want 1 each", a.NumNodes(), b.NumNodes())
	}
	res, err := a.FindNode(ctx, RandomID())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Closest) != 1 || res.Closest[0].ID != b.Self() {
		t.Fatalf("FindNode closest = %v", res.Closest)
	}
}

func TestAnnounceAndGetPeers(t *testing.T) {
	nodes := cluster(t, 20, nil)
	ctx := context.Background()
	ih := RandomID()
	if _, err := nodes[3].Announce(ctx, ih, 6881); err != nil {
		t.Fatal(err)
	}
	if _, err := nodes[4].Announce(ctx, ih, 0); err != nil { // implied port
		t.Fatal(err)
	}
	res, err := nodes[17].GetPeers(ctx, ih)
	if err != nil {
		t.Fatal(err)
	}
	want := map[netip.AddrPort]bool{
		netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), 6881): true,
		nodes[4].AddrPort(): true,
	}
	got := map[netip.AddrPort]bool{}
	for _, p := range res.Peers {
		got[p] = true
	}
	for p := range want {
		if !got[p] {
			t.Errorf("peer %v not found; got %v", p, res.Peers)
		}
	}
}

func TestBadTokenRefused(t *testing.T) {
	a := startNode(t, &Node{})
	b := startNode(t, &Node{})
	ctx := context.Background()
	ih := RandomID()
	_, err := a.Query(ctx, b.AddrPort(), &Msg{Method: MethodAnnouncePeer, Args: Args{InfoHash: ih, Port: 1, Token: []byte("forged!!")}})
	var ke *Error
	if !errors.As(err, &ke) || ke.Code != ErrorProtocol {
		t.Fatalf("announce with a forged token: %v, want error 203", err)
	}
	r, err := a.Query(ctx, b.AddrPort(), &Msg{Method: MethodGetPeers, Args: Args{InfoHash: ih}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Query(ctx, b.AddrPort(), &Msg{Method: MethodAnnouncePeer, Args: Args{InfoHash: ih, Port: 1, Token: r.Args.Token}}); err != nil {
		t.Fatalf("announce with the right token: %v", err)
	}
	_, err = a.Query(ctx, b.AddrPort(), &Msg{Method: "vote", Args: Args{}})
	if !errors.As(err, &ke) || ke.Code != ErrorMethodUnknown {
		t.Fatalf("unknown method: %v, want error 204", err)
	}
}

func TestTokenExpiry(t *testing.T) {
	now := time.Unix(1e6, 0)
	tk := newTokens(5*time.Minute, now)
	ip := netip.MustParseAddr("192.0.2.1")
	tok := tk.issue(ip, now)
	if !tk.valid(tok, ip, now.Add(9*time.Minute)) {
		t.Error("token refused after 9 minutes")
	}
	if tk.valid(tok, ip, now.Add(11*time.Minute)) {
		t.Error("token accepted after 11 minutes")
	}
	if tk.valid(tok, netip.MustParseAddr("192.0.2.2"), now) {
		t.Error("token accepted from another address")
	}
}

func TestPeerStoreExpiry(t *testing.T) {
	now := time.Unix(1e6, 0)
	s := newPeerStore(30*time.Minute, 2, 1)
	ih := RandomID()
	for i := range 3 {
		s.add(ih, netip.AddrPortFrom(netip.MustParseAddr("192.0.2.1"), uint16(i+1)), now.Add(time.Duration(i)*time.Second))
	}
	if got := s.get(ih, 10, now.Add(time.Minute)); len(got) != 2 {
		t.Fatalf("store keeps %d peers, want its limit 2", len(got))
	}
	s.add(RandomID(), netip.MustParseAddrPort("192.0.2.9:1"), now)
	if len(s.hashes) != 1 {
		t.Fatal("store grew past its info-hash limit")
	}
	if got := s.get(ih, 10, now.Add(31*time.Minute)); len(got) != 0 {
		t.Fatalf("expired peers returned: %v", got)
	}
}

func TestStateSaveRestore(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "dht.state")
	nodes := cluster(t, 5, nil)
	a := startNode(t, &Node{StateFile: file})
	if err := a.Bootstrap(context.Background(), nodes[0].AddrPort().String()); err != nil {
		t.Fatal(err)
	}
	id, count := a.Self(), a.NumNodes()
	a.Close()
	b := startNode(t, &Node{StateFile: file})
	if b.Self() != id || b.NumNodes() != count {
		t.Fatalf("restored id %v with %d nodes, want %v with %d", b.Self(), b.NumNodes(), id, count)
	}
	if err := b.Bootstrap(context.Background()); err != nil {
		t.Fatalf("bootstrap from restored table: %v", err)
	}
}

func TestReadOnlyNode(t *testing.T) {
	nodes := cluster(t, 5, nil)
	ro := startNode(t, &Node{ReadOnly: true})
	ctx := context.Background()
	if err := ro.Bootstrap(ctx, nodes[0].AddrPort().String()); err != nil {
		t.Fatal(err)
	}
	if ro.NumNodes() == 0 {
		t.Fatal("read-only node learned no nodes")
	}
	for _, n := range nodes {
		for _, c := range n.Nodes() {
			if c.ID == ro.Self() {
				t.Fatal("a read-only node entered a routing table (BEP 43)")
			}
		}
	}
	if _, err := nodes[1].Ping(ctx, ro.AddrPort()); !errors.Is(err, ErrTimeout) {
		t.Fatalf("read-only node answered a query: %v", err)
	}
}

func TestImmutableAndMutableItems(t *testing.T) {
	nodes := cluster(t, 12, nil)
	ctx := context.Background()
	imm, err := NewImmutableItem("Hello World!")
	if err != nil {
		t.Fatal(err)
	}
	// BEP 44's example target for the immutable "Hello World!".
	if got := imm.Target().String(); got != "e5f96f6f38320f0f33959cb4d3d656452117aadb" {
		t.Fatalf("immutable target %s", got)
	}
	if _, err := nodes[2].Put(ctx, imm, nil); err != nil {
		t.Fatal(err)
	}
	got, err := nodes[9].Get(ctx, imm.Target(), nil)
	if err != nil || string(got.V) != "12:Hello World!" {
		t.Fatalf("Get immutable = %v, %v", got, err)
	}

	_, priv, _ := ed25519.GenerateKey(nil)
	salt := []byte("foobar")
	m1, _ := NewMutableItem(priv, salt, 1, "v1")
	if _, err := nodes[3].Put(ctx, m1, nil); err != nil {
		t.Fatal(err)
	}
	m2, _ := NewMutableItem(priv, salt, 2, "v2")
	cas := int64(1)
	if _, err := nodes[4].Put(ctx, m2, &cas); err != nil {
		t.Fatal(err)
	}
	got, err = nodes[10].Get(ctx, m2.Target(), salt)
	if err != nil || got.Seq != 2 || string(got.V) != "2:v2" {
		t.Fatalf("Get mutable = %+v, %v", got, err)
	}
	// A stale compare-and-swap and a lower sequence number are refused.
	m3, _ := NewMutableItem(priv, salt, 3, "v3")
	var ke *Error
	if _, err := nodes[5].Put(ctx, m3, &cas); !errors.As(err, &ke) || ke.Code != ErrorCASMismatch {
		t.Fatalf("stale CAS put: %v, want error 301", err)
	}
	if _, err := nodes[5].Put(ctx, m1, nil); !errors.As(err, &ke) || ke.Code != ErrorSeqTooLow {
		t.Fatalf("old seq put: %v, want error 302", err)
	}
	// A forged signature is refused by Check before sending.
	bad := *m2
	bad.V = []byte("4:evil")
	if err := bad.Check(); !errors.Is(err, ErrBadSig) {
		t.Fatalf("forged item Check = %v", err)
	}
}

// The signature test vector of BEP 44 (mutable item with salt).
func TestBEP44SignedBytes(t *testing.T) {
	got := string(SignedBytes([]byte("foobar"), 1, []byte("12:Hello World!")))
	if want := "4:salt6:foobar3:seqi1e1:v12:Hello World!"; got != want {
		t.Fatalf("SignedBytes = %q, want %q", got, want)
	}
}

func ExampleNode() {
	// Two nodes on loopback: b bootstraps from a, announces a torrent,
	// and a finds b's peer.
	ctx := context.Background()
	var a, b Node
	for _, n := range []*Node{&a, &b} {
		pc, _ := net.ListenPacket("udp", "127.0.0.1:0")
		go n.Serve(pc)
		defer n.Close()
	}
	for a.Addr() == nil || b.Addr() == nil {
		time.Sleep(time.Millisecond)
	}
	b.Bootstrap(ctx, a.AddrPort().String())
	ih := HashID([]byte("a torrent"))
	b.Announce(ctx, ih, 6881)
	res, _ := a.GetPeers(ctx, ih)
	fmt.Println(res.Peers)
	// Output: [127.0.0.1:6881]
}

// TestIPv6 runs nodes on ::1: nodes travel in "nodes6" (BEP 32) and
// peers as 18-byte compact values.
func TestIPv6(t *testing.T) {
	pc, err := net.ListenPacket("udp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	pc.Close()
	var nodes []*Node
	for range 4 {
		n := &Node{Logger: quietLogger}
		pc, err := net.ListenPacket("udp6", "[::1]:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { n.Serve(pc); close(done) }()
		t.Cleanup(func() { n.Close(); <-done })
		for n.Addr() == nil {
			time.Sleep(time.Millisecond)
		}
		nodes = append(nodes, n)
	}
	ctx := context.Background()
	for _, n := range nodes[1:] {
		if err := n.Bootstrap(ctx, nodes[0].AddrPort().String()); err != nil {
			t.Fatal(err)
		}
	}
	if got := nodes[3].NumNodes(); got != 3 {
		t.Fatalf("node knows %d others over IPv6, want 3", got)
	}
	ih := RandomID()
	if _, err := nodes[1].Announce(ctx, ih, 6881); err != nil {
		t.Fatal(err)
	}
	res, err := nodes[3].GetPeers(ctx, ih)
	if err != nil {
		t.Fatal(err)
	}
	want := netip.MustParseAddrPort("[::1]:6881")
	if len(res.Peers) != 1 || res.Peers[0] != want {
		t.Fatalf("peers %v, want [%v]", res.Peers, want)
	}
}

func TestStaleBucketsRefreshed(t *testing.T) {
	now := time.Unix(1e6, 0)
	self := RandomID()
	tb := newTable(self, 8, 2, 15*time.Minute, now)
	for range 100 {
		tb.seen(NodeInfo{ID: RandomID(), Addr: netip.MustParseAddrPort("10.0.0.1:1")}, now)
	}
	if got := tb.stale(now.Add(14*time.Minute), 15*time.Minute); len(got) != 0 {
		t.Fatalf("%d buckets stale after 14 minutes", len(got))
	}
	got := tb.stale(now.Add(15*time.Minute), 15*time.Minute)
	if len(got) != len(tb.buckets) {
		t.Fatalf("%d of %d buckets stale after 15 minutes", len(got), len(tb.buckets))
	}
	for i, id := range got {
		if i < len(tb.buckets)-1 && tb.index(id) != i {
			t.Errorf("refresh target %d falls in bucket %d", i, tb.index(id))
		}
	}
}

// TestBEP42KeepsForgedIDsOut: a contact at a public address whose ID does
// not match the address is answered but not added to the routing table.
func TestBEP42KeepsForgedIDsOut(t *testing.T) {
	n := &Node{}
	n.init()
	now := time.Now()
	public := netip.MustParseAddrPort("124.31.75.21:6881")
	n.mu.Lock()
	n.heard(RandomID(), public, false, now) // random: fails BEP 42 (with overwhelming probability)
	n.heard(SecureID(public.Addr()), public, false, now)
	n.heard(RandomID(), netip.MustParseAddrPort("192.168.1.5:6881"), false, now) // private: exempt
	count := n.tab.len()
	n.mu.Unlock()
	if count != 2 {
		t.Fatalf("table holds %d contacts, want 2 (the secure ID and the exempt one)", count)
	}
}
