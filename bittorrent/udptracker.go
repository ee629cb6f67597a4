package bittorrent

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/applayer/applayer/sockets"
)

// Timing of the UDP tracker protocol (BEP 15).
const (
	// DefaultUDPTimeout is the first retransmission timeout; it doubles on
	// each retry (15 * 2^n seconds).
	DefaultUDPTimeout = 15 * time.Second
	// DefaultUDPRetries is the number of retransmissions after the first
	// send (BEP 15 allows up to 8).
	DefaultUDPRetries = 8
	// UDPConnectionIDLifetime is how long a client may use a connection ID.
	UDPConnectionIDLifetime = time.Minute
	// udpServerIDWindow is the server's window for issued IDs; the current
	// and the previous window are accepted, so an ID lives 2-4 minutes.
	udpServerIDWindow = 2 * time.Minute
)

// UDPTrackerClient announces to UDP trackers (BEP 15). It caches connection
// IDs per tracker for UDPConnectionIDLifetime. The zero value is ready;
// it is safe for concurrent use.
type UDPTrackerClient struct {
	// Timeout is the first retransmission timeout; zero is DefaultUDPTimeout.
	Timeout time.Duration
	// Retries is the number of retransmissions; zero is DefaultUDPRetries,
	// negative means none.
	Retries int

	mu  sync.Mutex
	ids map[string]udpConnID
}

type udpConnID struct {
	id      uint64
	expires time.Time
}

// Announce announces req to the tracker at host:port.
func (c *UDPTrackerClient) Announce(ctx context.Context, hostport string, req AnnounceRequest) (*AnnounceResponse, error) {
	r, err := c.do(ctx, hostport, UDPRequest{Action: UDPAnnounce, Announce: req})
	if err != nil {
		return nil, err
	}
	return &AnnounceResponse{Interval: time.Duration(r.Interval) * time.Second,
		Seeders: int(r.Seeders), Leechers: int(r.Leechers), Peers: r.Peers}, nil
}

// Scrape asks for the counts of up to MaxUDPScrapeHashes torrents.
func (c *UDPTrackerClient) Scrape(ctx context.Context, hostport string, hashes ...InfoHash) ([]ScrapeResult, error) {
	if len(hashes) == 0 || len(hashes) > MaxUDPScrapeHashes {
		return nil, errors.New("bittorrent: udp scrape of 1 to 74 info-hashes")
	}
	r, err := c.do(ctx, hostport, UDPRequest{Action: UDPScrape, InfoHashes: hashes})
	if err != nil {
		return nil, err
	}
	if len(r.Scrape) != len(hashes) {
		return nil, udpErr("%d scrape results for %d hashes", len(r.Scrape), len(hashes))
	}
	return r.Scrape, nil
}

// do connects (or reuses a connection ID) and performs one request.
func (c *UDPTrackerClient) do(ctx context.Context, hostport string, req UDPRequest) (UDPResponse, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "udp", hostport)
	if err != nil {
		return UDPResponse{}, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	ipv6 := false
	if ap, err := netip.ParseAddrPort(conn.RemoteAddr().String()); err == nil {
		ipv6 = !ap.Addr().Unmap().Is4()
	}
	for attempt := 0; attempt < 2; attempt++ {
		id, ok := c.cachedID(hostport)
		if !ok {
			r, err := c.exchange(ctx, conn, UDPRequest{Action: UDPConnect}, false)
			if err != nil {
				return r, err
			}
			id = r.ConnectionID
			c.mu.Lock()
			if c.ids == nil {
				c.ids = map[string]udpConnID{}
			}
			c.ids[hostport] = udpConnID{id: id, expires: time.Now().Add(UDPConnectionIDLifetime)}
			c.mu.Unlock()
		}
		req.ConnectionID = id
		r, err := c.exchange(ctx, conn, req, ipv6)
		var te *TrackerError
		if errors.As(err, &te) && ok && attempt == 0 {
			// A cached ID the tracker no longer accepts: connect again.
			c.mu.Lock()
			delete(c.ids, hostport)
			c.mu.Unlock()
			continue
		}
		return r, err
	}
	return UDPResponse{}, errors.New("bittorrent: udp tracker refused a fresh connection ID")
}

func (c *UDPTrackerClient) cachedID(hostport string) (uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.ids[hostport]
	if !ok || time.Now().After(id.expires) {
		return 0, false
	}
	return id.id, true
}

// exchange sends req and waits for the matching response, retransmitting
// with doubling timeouts (BEP 15).
func (c *UDPTrackerClient) exchange(ctx context.Context, conn net.Conn, req UDPRequest, ipv6 bool) (UDPResponse, error) {
	var tid [4]byte
	_, _ = rand.Read(tid[:])
	req.TransactionID = binary.BigEndian.Uint32(tid[:])
	pkt := AppendUDPRequest(nil, req)
	timeout := orDefault(c.Timeout, DefaultUDPTimeout)
	retries := orDefault(c.Retries, DefaultUDPRetries)
	buf := make([]byte, MaxUDPPacket)
	for try := 0; try <= max(retries, 0); try++ {
		if _, err := conn.Write(pkt); err != nil {
			return UDPResponse{}, err
		}
		deadline := time.Now().Add(timeout << try)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		_ = conn.SetReadDeadline(deadline)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				if ctx.Err() != nil {
					return UDPResponse{}, ctx.Err()
				}
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					break // retransmit
				}
				return UDPResponse{}, err
			}
			r, err := ParseUDPResponse(buf[:n], ipv6)
			if err != nil || r.TransactionID != req.TransactionID {
				continue // a stray or stale datagram
			}
			if r.Action == UDPError {
				return r, &TrackerError{Reason: r.Message}
			}
			if r.Action != req.Action {
				return r, udpErr("%v answered with %v", req.Action, r.Action)
			}
			return r, nil
		}
	}
	return UDPResponse{}, errors.New("bittorrent: udp tracker timed out")
}

// UDPTrackerServer is the UDP front end of a [Tracker] (BEP 15), run by a
// [sockets.PacketServer]. Connection IDs are a keyed hash of the client's
// address and a time window, so the server keeps no per-client state.
type UDPTrackerServer struct {
	Tracker *Tracker
	// Logger receives diagnostics; nil is slog.Default().
	Logger *slog.Logger

	once   sync.Once
	secret [32]byte
	ps     *sockets.PacketServer
}

func (s *UDPTrackerServer) init() {
	s.once.Do(func() {
		_, _ = rand.Read(s.secret[:])
		s.ps = &sockets.PacketServer{Handler: s, Logger: s.Logger, MaxPacketSize: MaxUDPPacket}
	})
}

// Serve answers tracker requests on pc until Close or Shutdown.
func (s *UDPTrackerServer) Serve(pc net.PacketConn) error {
	s.init()
	return s.ps.Serve(pc)
}

// Shutdown stops serving, waiting for requests in progress.
func (s *UDPTrackerServer) Shutdown(ctx context.Context) error {
	s.init()
	return s.ps.Shutdown(ctx)
}

// Close stops serving at once.
func (s *UDPTrackerServer) Close() error {
	s.init()
	return s.ps.Close()
}

func (s *UDPTrackerServer) connID(addr netip.AddrPort, window int64) uint64 {
	m := hmac.New(sha256.New, s.secret[:])
	b, _ := addr.MarshalBinary()
	m.Write(b)
	m.Write(binary.BigEndian.AppendUint64(nil, uint64(window)))
	return binary.BigEndian.Uint64(m.Sum(nil))
}

func (s *UDPTrackerServer) now() time.Time {
	if s.Tracker != nil {
		return s.Tracker.now()
	}
	return time.Now()
}

// ServePacket answers one datagram.
func (s *UDPTrackerServer) ServePacket(ctx context.Context, w sockets.PacketWriter, p *sockets.Packet) {
	s.init()
	ua, ok := p.Addr.(*net.UDPAddr)
	if !ok {
		return
	}
	src := ua.AddrPort()
	src = netip.AddrPortFrom(src.Addr().Unmap(), src.Port())
	req, err := ParseUDPRequest(p.Data)
	if err != nil {
		return // BEP 15: ignore what cannot be parsed
	}
	window := s.now().UnixNano() / int64(udpServerIDWindow)
	resp := UDPResponse{Action: req.Action, TransactionID: req.TransactionID}
	if req.Action == UDPConnect {
		resp.ConnectionID = s.connID(src, window)
	} else if req.ConnectionID != s.connID(src, window) && req.ConnectionID != s.connID(src, window-1) {
		resp = UDPResponse{Action: UDPError, TransactionID: req.TransactionID, Message: "invalid connection id"}
	} else if req.Action == UDPAnnounce {
		a, err := s.Tracker.Announce(req.Announce, src)
		if err != nil {
			resp = UDPResponse{Action: UDPError, TransactionID: req.TransactionID, Message: trackerReason(err)}
		} else {
			resp.Interval = uint32(a.Interval / time.Second)
			resp.Seeders, resp.Leechers = uint32(a.Seeders), uint32(a.Leechers)
			resp.Peers = a.Peers
		}
	} else {
		resp.Scrape = s.Tracker.Scrape(req.InfoHashes)
	}
	_, _ = w.WriteTo(AppendUDPResponse(nil, resp, !src.Addr().Is4()), p.Addr)
}

// trackerReason is the failure text sent to clients: the reason for errors
// of this package, a generic text for anything else.
func trackerReason(err error) string {
	switch {
	case errors.Is(err, ErrNotAllowed):
		return "torrent not allowed on this tracker"
	case errors.Is(err, ErrTrackerFull):
		return "tracker full"
	}
	return "internal error"
}
