package bittorrent

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/applayer/applayer/bittorrent/bencode"
)

// MaxTrackerResponse bounds an HTTP tracker response body.
const MaxTrackerResponse = 4 << 20

// MaxScrapeHashes bounds the info-hashes of one HTTP scrape.
const MaxScrapeHashes = 100

// AnnounceURL returns the GET URL announcing req to the tracker at base
// (BEP 3 "trackers"), asking for compact peers (BEP 23).
func AnnounceURL(base string, req AnnounceRequest) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("info_hash", string(req.InfoHash[:]))
	q.Set("peer_id", string(req.PeerID[:]))
	q.Set("port", strconv.Itoa(int(req.Port)))
	q.Set("uploaded", strconv.FormatInt(req.Uploaded, 10))
	q.Set("downloaded", strconv.FormatInt(req.Downloaded, 10))
	q.Set("left", strconv.FormatInt(req.Left, 10))
	q.Set("compact", "1")
	if req.Event != EventNone {
		q.Set("event", req.Event.String())
	}
	if req.NumWant > 0 {
		q.Set("numwant", strconv.Itoa(req.NumWant))
	}
	if req.Key != 0 {
		q.Set("key", strconv.FormatUint(uint64(req.Key), 16))
	}
	if req.IP.IsValid() {
		q.Set("ip", req.IP.String())
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// ScrapeURL derives the scrape URL from an announce URL: the last path
// element "announce" becomes "scrape" (the BitTorrent scrape convention).
// It reports false when the tracker does not support scraping.
func ScrapeURL(announce string, hashes ...InfoHash) (string, bool) {
	u, err := url.Parse(announce)
	if err != nil {
		return "", false
	}
	i := strings.LastIndex(u.Path, "/")
	if i < 0 || !strings.HasPrefix(u.Path[i+1:], "announce") {
		return "", false
	}
	u.Path = u.Path[:i+1] + "scrape" + u.Path[i+1+len("announce"):]
	q := u.Query()
	for _, h := range hashes {
		q.Add("info_hash", string(h[:]))
	}
	u.RawQuery = q.Encode()
	return u.String(), true
}

// ParseAnnounceQuery parses the query of an announce (the tracker side).
// It reports whether the client accepts compact peers.
func ParseAnnounceQuery(q url.Values) (AnnounceRequest, bool, error) {
	var req AnnounceRequest
	bad := func(what string) (AnnounceRequest, bool, error) {
		return req, false, fmt.Errorf("%w: invalid %s", ErrBadTrackerRequest, what)
	}
	ih, pid := q.Get("info_hash"), q.Get("peer_id")
	if len(ih) != 20 {
		return bad("info_hash")
	}
	if len(pid) != 20 {
		return bad("peer_id")
	}
	copy(req.InfoHash[:], ih)
	copy(req.PeerID[:], pid)
	port, err := strconv.ParseUint(q.Get("port"), 10, 16)
	if err != nil {
		return bad("port")
	}
	req.Port = uint16(port)
	for _, f := range []struct {
		name string
		dst  *int64
	}{{"uploaded", &req.Uploaded}, {"downloaded", &req.Downloaded}, {"left", &req.Left}} {
		v := q.Get(f.name)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return bad(f.name)
		}
		*f.dst = n
	}
	ev, ok := parseAnnounceEvent(q.Get("event"))
	if !ok {
		return bad("event")
	}
	req.Event = ev
	if v := q.Get("numwant"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return bad("numwant")
		}
		req.NumWant = n
	}
	if v := q.Get("ip"); v != "" {
		if a, err := netip.ParseAddr(v); err == nil {
			req.IP = a
		}
	}
	if v := q.Get("key"); v != "" {
		k, _ := strconv.ParseUint(v, 16, 32)
		req.Key = uint32(k)
	}
	return req, q.Get("compact") != "0", nil
}

// httpAnnounceResponse is the bencoded body of an announce response.
type httpAnnounceResponse struct {
	FailureReason string             `bencode:"failure reason,omitempty"`
	Warning       string             `bencode:"warning message,omitempty"`
	Interval      int64              `bencode:"interval,omitempty"`
	MinInterval   int64              `bencode:"min interval,omitempty"`
	Complete      int                `bencode:"complete"`
	Incomplete    int                `bencode:"incomplete"`
	Peers         bencode.RawMessage `bencode:"peers,omitempty"`
	Peers6        []byte             `bencode:"peers6,omitempty"`
}

// dictPeer is one peer of a non-compact peer list.
type dictPeer struct {
	ID   string `bencode:"peer id,omitempty"`
	IP   string `bencode:"ip"`
	Port int    `bencode:"port"`
}

// ErrBadTrackerRequest wraps every malformed announce or scrape request.
var ErrBadTrackerRequest = fmt.Errorf("bittorrent: malformed tracker request")

// AppendAnnounceResponse appends the bencoded body for resp: compact peer
// strings (BEP 23, with IPv6 peers in peers6, BEP 7) or, if compact is
// false, a list of dictionaries.
func AppendAnnounceResponse(b []byte, resp *AnnounceResponse, compact bool) []byte {
	r := httpAnnounceResponse{Warning: resp.Warning, Interval: int64(resp.Interval / time.Second),
		MinInterval: int64(resp.MinInterval / time.Second), Complete: resp.Seeders, Incomplete: resp.Leechers}
	if compact {
		var p4 []byte
		for _, p := range resp.Peers {
			if p.Addr().Unmap().Is4() {
				p4 = AppendCompactPeer(p4, p)
			} else {
				r.Peers6 = AppendCompactPeer(r.Peers6, p)
			}
		}
		r.Peers = bencode.AppendBytes(nil, p4)
	} else {
		list := make([]dictPeer, 0, len(resp.Peers))
		for _, p := range resp.Peers {
			list = append(list, dictPeer{IP: p.Addr().Unmap().String(), Port: int(p.Port())})
		}
		r.Peers, _ = bencode.Marshal(list)
	}
	b, _ = bencode.Append(b, r)
	return b
}

// AppendTrackerFailure appends a body carrying only a failure reason.
func AppendTrackerFailure(b []byte, reason string) []byte {
	b, _ = bencode.Append(b, struct {
		FailureReason string `bencode:"failure reason"`
	}{reason})
	return b
}

// ParseAnnounceResponse parses an announce response body. A failure
// reason is returned as a [*TrackerError].
func ParseAnnounceResponse(body []byte) (*AnnounceResponse, error) {
	if len(body) > MaxTrackerResponse {
		return nil, fmt.Errorf("%w: %d bytes", ErrBadTrackerResponse, len(body))
	}
	var r httpAnnounceResponse
	if err := bencode.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadTrackerResponse, err)
	}
	if r.FailureReason != "" {
		return nil, &TrackerError{Reason: r.FailureReason}
	}
	if r.Interval < 0 || r.MinInterval < 0 || r.Interval > 1<<31 || r.MinInterval > 1<<31 {
		return nil, fmt.Errorf("%w: interval %d", ErrBadTrackerResponse, r.Interval)
	}
	resp := &AnnounceResponse{Interval: time.Duration(r.Interval) * time.Second,
		MinInterval: time.Duration(r.MinInterval) * time.Second,
		Seeders:     r.Complete, Leechers: r.Incomplete, Warning: r.Warning}
	if len(r.Peers) > 0 {
		var compact []byte
		if err := bencode.Unmarshal(r.Peers, &compact); err == nil {
			peers, err := ParseCompactPeers(compact, false)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrBadTrackerResponse, err)
			}
			resp.Peers = peers
		} else {
			var list []dictPeer
			if err := bencode.Unmarshal(r.Peers, &list); err != nil {
				return nil, fmt.Errorf("%w: peers: %w", ErrBadTrackerResponse, err)
			}
			for _, p := range list {
				a, err := netip.ParseAddr(p.IP)
				if err != nil || p.Port <= 0 || p.Port > 65535 {
					continue // hostnames and bad ports are skipped
				}
				resp.Peers = append(resp.Peers, netip.AddrPortFrom(a.Unmap(), uint16(p.Port)))
			}
		}
	}
	if len(r.Peers6) > 0 {
		peers, err := ParseCompactPeers(r.Peers6, true)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadTrackerResponse, err)
		}
		resp.Peers = append(resp.Peers, peers...)
	}
	return resp, nil
}

// httpScrapeResponse is the bencoded body of a scrape response.
type httpScrapeResponse struct {
	FailureReason string                  `bencode:"failure reason,omitempty"`
	Files         map[string]ScrapeResult `bencode:"files"`
}

// AppendScrapeResponse appends a scrape body for the hashes and results.
func AppendScrapeResponse(b []byte, hashes []InfoHash, results []ScrapeResult) []byte {
	r := httpScrapeResponse{Files: map[string]ScrapeResult{}}
	for i, h := range hashes {
		r.Files[string(h[:])] = results[i]
	}
	b, _ = bencode.Append(b, r)
	return b
}

// ParseScrapeResponse parses a scrape body.
func ParseScrapeResponse(body []byte) (map[InfoHash]ScrapeResult, error) {
	var r httpScrapeResponse
	if err := bencode.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadTrackerResponse, err)
	}
	if r.FailureReason != "" {
		return nil, &TrackerError{Reason: r.FailureReason}
	}
	out := make(map[InfoHash]ScrapeResult, len(r.Files))
	for k, v := range r.Files {
		if len(k) != 20 {
			return nil, fmt.Errorf("%w: scrape key of %d bytes", ErrBadTrackerResponse, len(k))
		}
		out[InfoHash([]byte(k))] = v
	}
	return out, nil
}
