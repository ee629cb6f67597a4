package bittorrent

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// UDPProtocolID is the magic constant of a UDP tracker connect request
// (BEP 15).
const UDPProtocolID = 0x41727101980

// UDPAction is the action field of a UDP tracker packet (BEP 15).
type UDPAction uint32

// The UDP tracker actions.
const (
	UDPConnect  UDPAction = 0
	UDPAnnounce UDPAction = 1
	UDPScrape   UDPAction = 2
	UDPError    UDPAction = 3
)

// String returns the action's name.
func (a UDPAction) String() string {
	switch a {
	case UDPConnect:
		return "connect"
	case UDPAnnounce:
		return "announce"
	case UDPScrape:
		return "scrape"
	case UDPError:
		return "error"
	}
	return fmt.Sprintf("action %d", uint32(a))
}

// Sizes and limits of UDP tracker packets (BEP 15).
const (
	udpConnectLen     = 16
	udpAnnounceLen    = 98
	udpScrapeHdrLen   = 16
	udpRespHdrLen     = 8
	udpAnnounceHdrLen = 20
	// MaxUDPScrapeHashes is how many info-hashes one scrape may name (BEP 15:
	// about 74 fit in a packet).
	MaxUDPScrapeHashes = 74
	// MaxUDPPacket is the largest tracker datagram we build or accept.
	MaxUDPPacket = 2048
)

// A UDPRequest is a client-to-tracker packet.
type UDPRequest struct {
	ConnectionID  uint64
	Action        UDPAction
	TransactionID uint32
	// Announce is used by announce requests; IP is 0 (unset) unless given.
	Announce AnnounceRequest
	// InfoHashes is used by scrape requests.
	InfoHashes []InfoHash
}

// A UDPResponse is a tracker-to-client packet.
type UDPResponse struct {
	Action        UDPAction
	TransactionID uint32
	// ConnectionID answers a connect.
	ConnectionID uint64
	// Interval, Leechers, Seeders and Peers answer an announce.
	Interval          uint32
	Leechers, Seeders uint32
	Peers             []netip.AddrPort
	// Scrape answers a scrape, one entry per requested hash.
	Scrape []ScrapeResult
	// Message is the error text of an error.
	Message string
}

func udpErr(format string, args ...any) error {
	return fmt.Errorf("%w: udp: "+format, append([]any{ErrBadTrackerResponse}, args...)...)
}

// AppendUDPRequest appends the packet for r.
func AppendUDPRequest(b []byte, r UDPRequest) []byte {
	if r.Action == UDPConnect {
		r.ConnectionID = UDPProtocolID
	}
	b = binary.BigEndian.AppendUint64(b, r.ConnectionID)
	b = binary.BigEndian.AppendUint32(b, uint32(r.Action))
	b = binary.BigEndian.AppendUint32(b, r.TransactionID)
	switch r.Action {
	case UDPAnnounce:
		a := r.Announce
		b = append(b, a.InfoHash[:]...)
		b = append(b, a.PeerID[:]...)
		b = binary.BigEndian.AppendUint64(b, uint64(a.Downloaded))
		b = binary.BigEndian.AppendUint64(b, uint64(a.Left))
		b = binary.BigEndian.AppendUint64(b, uint64(a.Uploaded))
		b = binary.BigEndian.AppendUint32(b, uint32(a.Event))
		var ip [4]byte
		if a.IP.Is4() {
			ip = a.IP.As4()
		}
		b = append(b, ip[:]...)
		b = binary.BigEndian.AppendUint32(b, a.Key)
		numWant := int32(-1)
		if a.NumWant > 0 {
			numWant = int32(min(a.NumWant, 1<<30))
		}
		b = binary.BigEndian.AppendUint32(b, uint32(numWant))
		b = binary.BigEndian.AppendUint16(b, a.Port)
	case UDPScrape:
		for _, h := range r.InfoHashes {
			b = append(b, h[:]...)
		}
	}
	return b
}

// ParseUDPRequest parses a client packet (the tracker side).
func ParseUDPRequest(b []byte) (UDPRequest, error) {
	var r UDPRequest
	if len(b) < 16 {
		return r, udpErr("request of %d bytes", len(b))
	}
	r.ConnectionID = binary.BigEndian.Uint64(b)
	r.Action = UDPAction(binary.BigEndian.Uint32(b[8:]))
	r.TransactionID = binary.BigEndian.Uint32(b[12:])
	switch r.Action {
	case UDPConnect:
		if r.ConnectionID != UDPProtocolID {
			return r, udpErr("connect without the protocol ID")
		}
	case UDPAnnounce:
		if len(b) < udpAnnounceLen { // BEP 41 options may follow
			return r, udpErr("announce of %d bytes", len(b))
		}
		a := &r.Announce
		copy(a.InfoHash[:], b[16:36])
		copy(a.PeerID[:], b[36:56])
		a.Downloaded = int64(binary.BigEndian.Uint64(b[56:]))
		a.Left = int64(binary.BigEndian.Uint64(b[64:]))
		a.Uploaded = int64(binary.BigEndian.Uint64(b[72:]))
		a.Event = AnnounceEvent(binary.BigEndian.Uint32(b[80:]))
		if a.Event > EventStopped {
			return r, udpErr("event %d", a.Event)
		}
		if ip := netip.AddrFrom4([4]byte(b[84:88])); !ip.IsUnspecified() {
			a.IP = ip
		}
		a.Key = binary.BigEndian.Uint32(b[88:])
		a.NumWant = int(int32(binary.BigEndian.Uint32(b[92:])))
		a.Port = binary.BigEndian.Uint16(b[96:])
	case UDPScrape:
		p := b[udpScrapeHdrLen:]
		if len(p)%20 != 0 || len(p) == 0 || len(p)/20 > MaxUDPScrapeHashes {
			return r, udpErr("scrape of %d bytes", len(b))
		}
		for ; len(p) > 0; p = p[20:] {
			r.InfoHashes = append(r.InfoHashes, InfoHash(p[:20]))
		}
	default:
		return r, udpErr("unknown %v", r.Action)
	}
	return r, nil
}

// AppendUDPResponse appends the packet for r; peers are written in the
// family of the request (IPv6 when ipv6 is set), others are skipped.
func AppendUDPResponse(b []byte, r UDPResponse, ipv6 bool) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(r.Action))
	b = binary.BigEndian.AppendUint32(b, r.TransactionID)
	switch r.Action {
	case UDPConnect:
		b = binary.BigEndian.AppendUint64(b, r.ConnectionID)
	case UDPAnnounce:
		b = binary.BigEndian.AppendUint32(b, r.Interval)
		b = binary.BigEndian.AppendUint32(b, r.Leechers)
		b = binary.BigEndian.AppendUint32(b, r.Seeders)
		for _, p := range r.Peers {
			if p.Addr().Unmap().Is4() != ipv6 {
				b = AppendCompactPeer(b, p)
			}
		}
	case UDPScrape:
		for _, s := range r.Scrape {
			b = binary.BigEndian.AppendUint32(b, uint32(s.Complete))
			b = binary.BigEndian.AppendUint32(b, uint32(s.Downloaded))
			b = binary.BigEndian.AppendUint32(b, uint32(s.Incomplete))
		}
	case UDPError:
		b = append(b, r.Message...)
	}
	return b
}

// ParseUDPResponse parses a tracker packet (the client side); ipv6 says
// whether peers are 18-byte IPv6 entries.
func ParseUDPResponse(b []byte, ipv6 bool) (UDPResponse, error) {
	var r UDPResponse
	if len(b) < udpRespHdrLen {
		return r, udpErr("response of %d bytes", len(b))
	}
	r.Action = UDPAction(binary.BigEndian.Uint32(b))
	r.TransactionID = binary.BigEndian.Uint32(b[4:])
	p := b[udpRespHdrLen:]
	switch r.Action {
	case UDPConnect:
		if len(p) < 8 {
			return r, udpErr("connect response of %d bytes", len(b))
		}
		r.ConnectionID = binary.BigEndian.Uint64(p)
	case UDPAnnounce:
		if len(p) < 12 {
			return r, udpErr("announce response of %d bytes", len(b))
		}
		r.Interval = binary.BigEndian.Uint32(p)
		r.Leechers = binary.BigEndian.Uint32(p[4:])
		r.Seeders = binary.BigEndian.Uint32(p[8:])
		peers, err := ParseCompactPeers(p[12:], ipv6)
		if err != nil {
			return r, udpErr("%v", err)
		}
		r.Peers = peers
	case UDPScrape:
		if len(p)%12 != 0 {
			return r, udpErr("scrape response of %d bytes", len(b))
		}
		for ; len(p) > 0; p = p[12:] {
			r.Scrape = append(r.Scrape, ScrapeResult{
				Complete:   int(binary.BigEndian.Uint32(p)),
				Downloaded: int(binary.BigEndian.Uint32(p[4:])),
				Incomplete: int(binary.BigEndian.Uint32(p[8:])),
			})
		}
	case UDPError:
		r.Message = string(p)
	default:
		return r, udpErr("unknown %v", r.Action)
	}
	return r, nil
}
