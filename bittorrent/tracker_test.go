package bittorrent

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/sockets"
)

var cmpAddrPort = cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })

// startHTTPTracker serves tr over HTTP on loopback and returns the
// announce URL.
func startHTTPTracker(t testing.TB, tr *Tracker) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http1.Server{Handler: &HTTPTrackerHandler{Tracker: tr}}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String() + "/announce"
}

// startUDPTracker serves tr over UDP on addr and returns host:port.
func startUDPTracker(t testing.TB, tr *Tracker, addr string) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	s := &UDPTrackerServer{Tracker: tr}
	go s.Serve(pc)
	t.Cleanup(func() { s.Close() })
	return pc.LocalAddr().String()
}

func TestTrackerRegistry(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	tr := &Tracker{Interval: time.Minute, PeerTTL: 90 * time.Second, MaxNumWant: 3, Now: func() time.Time { return now }}
	ih := InfoHash{9}
	src := func(i int) netip.AddrPort {
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}), 9999)
	}
	for i := 1; i <= 5; i++ {
		req := AnnounceRequest{InfoHash: ih, PeerID: PeerID{byte(i)}, Port: uint16(6880 + i), Left: int64(i % 2), Event: EventStarted}
		if _, err := tr.Announce(req, src(i)); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := tr.Announce(AnnounceRequest{InfoHash: ih, PeerID: PeerID{1}, Port: 6881, Left: 1, NumWant: 100}, src(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Peers) != 3 || resp.Seeders != 2 || resp.Leechers != 3 || resp.Interval != time.Minute {
		t.Errorf("numwant cap / counts: %+v", resp)
	}
	for _, p := range resp.Peers {
		if p.Port() == 6881 {
			t.Errorf("requester listed in its own peers")
		}
		if p.Addr() != src(int(p.Port()-6880)).Addr() {
			t.Errorf("peer %v: address should be the request's source with the announced port", p)
		}
	}
	// Peer 2 stops; 61 s later peers 1 and 3 re-announce; at 120 s the
	// others have expired (TTL 90 s).
	tr.Announce(AnnounceRequest{InfoHash: ih, PeerID: PeerID{2}, Event: EventStopped}, src(2))
	now = now.Add(61 * time.Second)
	tr.Announce(AnnounceRequest{InfoHash: ih, PeerID: PeerID{3}, Port: 6883, Left: 1}, src(3))
	tr.Announce(AnnounceRequest{InfoHash: ih, PeerID: PeerID{1}, Port: 6881, Event: EventCompleted}, src(1))
	now = now.Add(59 * time.Second)
	got := tr.Scrape([]InfoHash{ih, {8}})
	want := []ScrapeResult{{Complete: 1, Downloaded: 1, Incomplete: 1}, {}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Scrape after expiry (-want +got):\n%s", diff)
	}
	deny := &Tracker{Allow: func(h InfoHash) bool { return h == ih }}
	if _, err := deny.Announce(AnnounceRequest{InfoHash: InfoHash{1}}, src(1)); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("allow list: %v", err)
	}
}

func TestHTTPTrackerClientServer(t *testing.T) {
	tr := &Tracker{Interval: 42 * time.Second}
	url := startHTTPTracker(t, tr)
	var c HTTPTrackerClient
	ctx := context.Background()
	ih := InfoHash{1, 2, 3}
	seed := AnnounceRequest{InfoHash: ih, PeerID: PeerID{1}, Port: 7001, Event: EventStarted}
	if _, err := c.Announce(ctx, url, seed); err != nil {
		t.Fatal(err)
	}
	// An IPv6 peer, registered directly as the HTTP front end would from [::1].
	tr.Announce(AnnounceRequest{InfoHash: ih, PeerID: PeerID{3}, Port: 7003, Left: 5}, netip.MustParseAddrPort("[::1]:5555"))
	resp, err := c.Announce(ctx, url, AnnounceRequest{InfoHash: ih, PeerID: PeerID{2}, Port: 7002, Left: 10, Event: EventStarted})
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:7001"), netip.MustParseAddrPort("[::1]:7003")}
	if diff := cmp.Diff(want, resp.Peers, cmpAddrPort, cmpopts.SortSlices(func(a, b netip.AddrPort) bool { return a.Compare(b) < 0 })); diff != "" {
		t.Errorf("peers (-want +got):\n%s", diff)
	}
	if resp.Interval != 42*time.Second || resp.Seeders != 1 || resp.Leechers != 2 {
		t.Errorf("response %+v", resp)
	}
	sc, err := c.Scrape(ctx, url, ih)
	if err != nil || sc[ih] != (ScrapeResult{Complete: 1, Incomplete: 2}) {
		t.Errorf("Scrape = %v, %v", sc, err)
	}
	var te *TrackerError
	_, err = (&Tracker{Allow: func(InfoHash) bool { return false }}).Announce(seed, netip.AddrPort{})
	if !errors.Is(err, ErrNotAllowed) {
		t.Fatal(err)
	}
	denyURL := startHTTPTracker(t, &Tracker{Allow: func(InfoHash) bool { return false }})
	if _, err := c.Announce(ctx, denyURL, seed); !errors.As(err, &te) {
		t.Errorf("failure reason: got %v", err)
	}
}

func TestHTTPTrackerBadRequests(t *testing.T) {
	h := &HTTPTrackerHandler{Tracker: &Tracker{}}
	for _, q := range []string{
		"", "info_hash=short&peer_id=12345678901234567890&port=1",
		"info_hash=12345678901234567890&peer_id=12345678901234567890&port=99999",
		"info_hash=12345678901234567890&peer_id=12345678901234567890&port=1&event=bogus",
		"info_hash=12345678901234567890&peer_id=12345678901234567890&port=1&left=-1",
	} {
		status, body := h.Respond("/announce", q, netip.AddrPort{})
		var te *TrackerError
		if _, err := ParseAnnounceResponse(body); status != 200 || !errors.As(err, &te) {
			t.Errorf("query %q: status %d, %v", q, status, err)
		}
	}
	if status, _ := h.Respond("/other", "", netip.AddrPort{}); status != 404 {
		t.Errorf("unknown path: %d", status)
	}
}

func TestParseAnnounceResponseForms(t *testing.T) {
	tests := []struct {
		body string
		want []netip.AddrPort
	}{
		{"d8:intervali1800e5:peers6:\x7f\x00\x00\x01\x1a\xe1e", []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:6881")}},
		{"d8:intervali1800e5:peersld2:ip9:127.0.0.17:peer id20:aaaaaaaaaaaaaaaaaaaa4:porti6881eeee", []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:6881")}},
		{"d8:intervali1800e5:peers0:6:peers618:\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x1a\xe1e", []netip.AddrPort{netip.MustParseAddrPort("[::1]:6881")}},
	}
	for _, tt := range tests {
		resp, err := ParseAnnounceResponse([]byte(tt.body))
		if err != nil {
			t.Fatalf("%q: %v", tt.body, err)
		}
		if diff := cmp.Diff(tt.want, resp.Peers, cmpAddrPort); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.body, diff)
		}
	}
	for _, bad := range []string{"", "d5:peers5:abcdee", "d8:intervali-1ee", "le"} {
		if _, err := ParseAnnounceResponse([]byte(bad)); !errors.Is(err, ErrBadTrackerResponse) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestUDPTracker(t *testing.T) {
	for _, network := range []string{"127.0.0.1:0", "[::1]:0"} {
		t.Run(network, func(t *testing.T) {
			tr := &Tracker{Interval: 77 * time.Second}
			addr := startUDPTracker(t, tr, network)
			c := &UDPTrackerClient{Timeout: 200 * time.Millisecond}
			ctx := context.Background()
			ih := InfoHash{4, 5, 6}
			if _, err := c.Announce(ctx, addr, AnnounceRequest{InfoHash: ih, PeerID: PeerID{1}, Port: 7001, Event: EventStarted}); err != nil {
				t.Fatal(err)
			}
			resp, err := c.Announce(ctx, addr, AnnounceRequest{InfoHash: ih, PeerID: PeerID{2}, Port: 7002, Left: 3, Event: EventStarted})
			if err != nil {
				t.Fatal(err)
			}
			host, _, _ := net.SplitHostPort(addr)
			want := []netip.AddrPort{netip.AddrPortFrom(netip.MustParseAddr(host), 7001)}
			if diff := cmp.Diff(want, resp.Peers, cmpAddrPort); diff != "" || resp.Interval != 77*time.Second || resp.Seeders != 1 {
				t.Errorf("announce %+v (-want +got peers):\n%s", resp, diff)
			}
			sc, err := c.Scrape(ctx, addr, ih, InfoHash{7})
			if err != nil || !cmp.Equal(sc, []ScrapeResult{{Complete: 1, Incomplete: 1}, {}}) {
				t.Errorf("scrape = %v, %v", sc, err)
			}
		})
	}
}

// TestUDPTrackerRetry drops the first datagrams and checks that the client
// retransmits, and that a forged connection ID is refused.
func TestUDPTrackerRetry(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	srv := &UDPTrackerServer{Tracker: &Tracker{}}
	srv.init()
	go func() {
		buf := make([]byte, MaxUDPPacket)
		dropped := 0
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if dropped < 2 {
				dropped++
				continue
			}
			srv.ServePacket(context.Background(), pc, &sockets.Packet{Data: buf[:n], Addr: addr})
		}
	}()
	c := &UDPTrackerClient{Timeout: 50 * time.Millisecond, Retries: 3}
	if _, err := c.Announce(context.Background(), pc.LocalAddr().String(), AnnounceRequest{InfoHash: InfoHash{1}, PeerID: PeerID{1}, Port: 1}); err != nil {
		t.Fatalf("announce after drops: %v", err)
	}
	// A forged connection ID gets an error packet.
	conn, _ := net.Dial("udp", pc.LocalAddr().String())
	defer conn.Close()
	conn.Write(AppendUDPRequest(nil, UDPRequest{ConnectionID: 12345, Action: UDPAnnounce, TransactionID: 9, Announce: AnnounceRequest{Port: 1}}))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 512)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseUDPResponse(buf[:n], false)
	if err != nil || r.Action != UDPError || r.TransactionID != 9 {
		t.Errorf("forged id: %+v, %v", r, err)
	}
	// No tracker at all: the client gives up after its retries.
	dead, _ := net.ListenPacket("udp", "127.0.0.1:0")
	defer dead.Close()
	short := &UDPTrackerClient{Timeout: 10 * time.Millisecond, Retries: 2}
	if _, err := short.Announce(context.Background(), dead.LocalAddr().String(), AnnounceRequest{}); err == nil {
		t.Error("announce to a silent tracker succeeded")
	}
}

func TestUDPMessages(t *testing.T) {
	req := UDPRequest{ConnectionID: 0x1122334455667788, Action: UDPAnnounce, TransactionID: 7,
		Announce: AnnounceRequest{InfoHash: InfoHash{1}, PeerID: PeerID{2}, Downloaded: 3, Left: 4, Uploaded: 5,
			Event: EventStarted, Key: 9, NumWant: 10, Port: 6881}}
	b := AppendUDPRequest(nil, req)
	if len(b) != 98 {
		t.Fatalf("announce request is %d bytes, want 98", len(b))
	}
	got, err := ParseUDPRequest(b)
	if err != nil || !cmp.Equal(req, got, cmpopts.EquateComparable(netip.Addr{})) {
		t.Errorf("ParseUDPRequest = %+v, %v", got, err)
	}
	conn := AppendUDPRequest(nil, UDPRequest{Action: UDPConnect, TransactionID: 1})
	if string(conn[:8]) != "\x00\x00\x04\x17\x27\x10\x19\x80" {
		t.Errorf("connect magic %x", conn[:8])
	}
	for _, bad := range [][]byte{nil, make([]byte, 15), append(make([]byte, 8), 0, 0, 0, 9, 0, 0, 0, 0)} {
		if _, err := ParseUDPRequest(bad); !errors.Is(err, ErrBadTrackerResponse) {
			t.Errorf("ParseUDPRequest(%x) = %v", bad, err)
		}
	}
}

func FuzzTrackerResponses(f *testing.F) {
	f.Add([]byte("d8:intervali1800e5:peers6:\x7f\x00\x00\x01\x1a\xe1e"), false)
	f.Add([]byte("d5:filesd20:aaaaaaaaaaaaaaaaaaaad8:completei1e10:downloadedi2e10:incompletei3eeee"), false)
	f.Add(AppendUDPResponse(nil, UDPResponse{Action: UDPAnnounce, Interval: 5, Peers: []netip.AddrPort{netip.MustParseAddrPort("1.2.3.4:5")}}, false), true)
	f.Fuzz(func(t *testing.T, data []byte, ipv6 bool) {
		if resp, err := ParseAnnounceResponse(data); err == nil {
			again, err := ParseAnnounceResponse(AppendAnnounceResponse(nil, resp, true))
			if err != nil || !cmp.Equal(resp.Peers, again.Peers, cmpAddrPort, cmpopts.EquateEmpty(),
				cmpopts.SortSlices(func(a, b netip.AddrPort) bool { return a.Compare(b) < 0 })) {
				t.Fatalf("re-encoded response differs: %v vs %v (%v)", resp.Peers, again, err)
			}
		}
		_, _ = ParseScrapeResponse(data)
		if r, err := ParseUDPResponse(data, ipv6); err == nil {
			again, err := ParseUDPResponse(AppendUDPResponse(nil, r, ipv6), ipv6)
			if err != nil || !cmp.Equal(r, again, cmpAddrPort, cmpopts.EquateEmpty()) {
				t.Fatalf("udp response round trip: %+v vs %+v (%v)", r, again, err)
			}
		}
		_, _ = ParseUDPRequest(data)
	})
}
