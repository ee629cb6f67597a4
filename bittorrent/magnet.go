package bittorrent

import (
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// MaxMagnetLength bounds the magnet URIs [ParseMagnet] accepts.
const MaxMagnetLength = 16 << 10

// ErrInvalidMagnet is wrapped by every magnet parsing error.
var ErrInvalidMagnet = errors.New("bittorrent: invalid magnet link")

// A Magnet is a magnet URI naming a torrent by info-hash (BEP 9):
//
//	magnet:?xt=urn:btih:<info-hash>&dn=<name>&tr=<tracker-url>
//
// The info dictionary itself is then fetched from peers with ut_metadata.
type Magnet struct {
	InfoHash InfoHash
	// Name is the display name (dn), a hint only.
	Name string
	// Trackers are the tr parameters, in order.
	Trackers []string
	// Peers are x.pe parameters: "host:port" of peers to try directly.
	Peers []string
}

// ParseMagnet parses a magnet URI. The info-hash may be 40 hex digits or 32
// base32 characters (BEP 9).
func ParseMagnet(s string) (Magnet, error) {
	var m Magnet
	if len(s) > MaxMagnetLength {
		return m, fmt.Errorf("%w: longer than %d bytes", ErrInvalidMagnet, MaxMagnetLength)
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "magnet" {
		return m, fmt.Errorf("%w: not a magnet: URI", ErrInvalidMagnet)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return m, fmt.Errorf("%w: %v", ErrInvalidMagnet, err)
	}
	found := false
	for _, xt := range q["xt"] {
		h, ok := strings.CutPrefix(xt, "urn:btih:")
		if !ok {
			continue
		}
		if m.InfoHash, err = parseBTIH(h); err != nil {
			return m, err
		}
		found = true
		break
	}
	if !found {
		return m, fmt.Errorf("%w: no xt=urn:btih: parameter", ErrInvalidMagnet)
	}
	m.Name = q.Get("dn")
	m.Trackers = q["tr"]
	m.Peers = q["x.pe"]
	return m, nil
}

func parseBTIH(s string) (InfoHash, error) {
	var h InfoHash
	switch len(s) {
	case 40:
		if _, err := hex.Decode(h[:], []byte(s)); err == nil {
			return h, nil
		}
	case 32:
		b, err := base32.StdEncoding.DecodeString(strings.ToUpper(s))
		if err == nil && len(b) == len(h) {
			copy(h[:], b)
			return h, nil
		}
	}
	return h, fmt.Errorf("%w: btih %q is neither 40 hex nor 32 base32 characters", ErrInvalidMagnet, s)
}

// String returns the URI with the hash in hex, then dn, tr and x.pe.
func (m Magnet) String() string {
	var b strings.Builder
	b.WriteString("magnet:?xt=urn:btih:")
	b.WriteString(m.InfoHash.String())
	if m.Name != "" {
		b.WriteString("&dn=")
		b.WriteString(url.QueryEscape(m.Name))
	}
	for _, tr := range m.Trackers {
		b.WriteString("&tr=")
		b.WriteString(url.QueryEscape(tr))
	}
	for _, pe := range m.Peers {
		b.WriteString("&x.pe=")
		b.WriteString(url.QueryEscape(pe))
	}
	return b.String()
}
