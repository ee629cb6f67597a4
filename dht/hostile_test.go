package dht

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"testing"
	"time"
)

// rawConn is a bare UDP socket for sending hand-made datagrams.
func rawConn(t *testing.T) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func readMsg(t *testing.T, c *net.UDPConn, d time.Duration) (*Msg, error) {
	buf := make([]byte, 2048)
	c.SetReadDeadline(time.Now().Add(d))
	k, err := c.Read(buf)
	if err != nil {
		return nil, err
	}
	return ParseMsg(buf[:k])
}

func TestHostileInput(t *testing.T) {
	n := startNode(t, &Node{})
	dst := net.UDPAddrFromAddrPort(n.AddrPort())
	c := rawConn(t)
	rng := rand.New(rand.NewPCG(3, 4))
	// Garbage, truncated messages, deep nesting and an oversized datagram.
	var junk [][]byte
	for range 200 {
		b := make([]byte, rng.IntN(300))
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		junk = append(junk, b)
	}
	for _, tt := range bep5Examples {
		junk = append(junk, []byte(tt.wire[:len(tt.wire)/2]))
	}
	junk = append(junk, []byte("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:q"+string(make([]byte, 0))))
	nest := []byte("d1:t2:aa1:y1:q1:a")
	for range 1000 {
		nest = append(nest, 'l')
	}
	junk = append(junk, nest, make([]byte, 3000))
	for _, b := range junk {
		c.WriteToUDP(b, dst)
	}
	// A malformed query with a readable transaction ID gets error 203.
	// (The junk may have filled the socket's buffer, and UDP drops what
	// does not fit, so try a few times.)
	c2 := rawConn(t)
	var m *Msg
	var err error
	for range 10 {
		c2.WriteToUDP([]byte("d1:ad2:id3:abce1:q4:ping1:t2:zz1:y1:qe"), dst)
		if m, err = readMsg(t, c2, time.Second); err == nil {
			break
		}
	}
	if err != nil || m.Kind != KindError || m.Err.Code != ErrorProtocol || string(m.T) != "zz" {
		t.Fatalf("malformed query answered with %+v, %v; want error 203", m, err)
	}
	// The node is still up.
	other := startNode(t, &Node{})
	if _, err := other.Ping(context.Background(), n.AddrPort()); err != nil {
		t.Fatalf("node down after garbage: %v", err)
	}
}

func TestFloodFromOneAddress(t *testing.T) {
	n := startNode(t, &Node{RateLimit: 10, RateBurst: 20})
	dst := net.UDPAddrFromAddrPort(n.AddrPort())
	c := rawConn(t)
	const sent = 500
	start := time.Now()
	ping := []byte("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe")
	for range sent {
		c.WriteToUDP(ping, dst)
	}
	answered := 0
	for {
		if _, err := readMsg(t, c, 300*time.Millisecond); err != nil {
			break
		}
		answered++
	}
	limit := 20 + int(10*time.Since(start).Seconds()) + 1
	if answered > limit {
		t.Errorf("answered %d of %d flooding pings, limit %d", answered, sent, limit)
	}
	if answered == 0 {
		t.Error("not even the burst was answered")
	}
	// Another source is still served.
	other := startNode(t, &Node{})
	if _, err := other.Ping(context.Background(), n.AddrPort()); err != nil {
		t.Fatalf("node refuses others during a flood: %v", err)
	}
}

func TestRateLimiterBounded(t *testing.T) {
	now := time.Unix(1e6, 0)
	r := newRateLimiter(1, 2, 100)
	for i := range 1000 {
		r.allow(netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), 1), now)
	}
	if len(r.sources) > 100 {
		t.Fatalf("limiter tracks %d sources, limit 100", len(r.sources))
	}
	src := netip.MustParseAddrPort("10.0.0.1:1")
	r = newRateLimiter(1, 2, 100)
	if !r.allow(src, now) || !r.allow(src, now) || r.allow(src, now) {
		t.Fatal("burst of 2 not enforced")
	}
	if !r.allow(src, now.Add(time.Second)) {
		t.Fatal("bucket did not refill")
	}
}

func TestQueryTimeoutAndClose(t *testing.T) {
	n := startNode(t, &Node{QueryTimeout: 100 * time.Millisecond})
	dead := rawConn(t) // never answers
	_, err := n.Ping(context.Background(), dead.LocalAddr().(*net.UDPAddr).AddrPort())
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Ping of a silent address: %v, want ErrTimeout", err)
	}
	n.Close()
	if _, err := n.Ping(context.Background(), dead.LocalAddr().(*net.UDPAddr).AddrPort()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Ping after Close: %v, want ErrClosed", err)
	}
}
