package bittorrent

import (
	"fmt"
	"net/netip"

	"github.com/applayer/applayer/bittorrent/bencode"
)

// MaxPEXPeers bounds how many peers one ut_pex message may add (BEP 11 says
// 50; we accept a little slack).
const MaxPEXPeers = 200

// A PEXMsg is a ut_pex message (BEP 11): peers the sender connected to or
// dropped since its last message, in compact form.
type PEXMsg struct {
	Added    []byte `bencode:"added,omitempty"`
	AddedF   []byte `bencode:"added.f,omitempty"`
	Dropped  []byte `bencode:"dropped,omitempty"`
	Added6   []byte `bencode:"added6,omitempty"`
	Added6F  []byte `bencode:"added6.f,omitempty"`
	Dropped6 []byte `bencode:"dropped6,omitempty"`
}

// NewPEXMsg builds a message from address lists.
func NewPEXMsg(added, dropped []netip.AddrPort) PEXMsg {
	var m PEXMsg
	for _, ap := range added {
		if ap.Addr().Unmap().Is4() {
			m.Added = AppendCompactPeer(m.Added, ap)
			m.AddedF = append(m.AddedF, 0)
		} else {
			m.Added6 = AppendCompactPeer(m.Added6, ap)
			m.Added6F = append(m.Added6F, 0)
		}
	}
	for _, ap := range dropped {
		if ap.Addr().Unmap().Is4() {
			m.Dropped = AppendCompactPeer(m.Dropped, ap)
		} else {
			m.Dropped6 = AppendCompactPeer(m.Dropped6, ap)
		}
	}
	return m
}

// ParsePEXMsg decodes a ut_pex payload and returns the added peers.
func ParsePEXMsg(b []byte) (PEXMsg, []netip.AddrPort, error) {
	var m PEXMsg
	if err := bencode.Unmarshal(b, &m); err != nil {
		return m, nil, fmt.Errorf("%w: ut_pex: %w", ErrBadMessage, err)
	}
	a4, err := ParseCompactPeers(m.Added, false)
	if err != nil {
		return m, nil, err
	}
	a6, err := ParseCompactPeers(m.Added6, true)
	if err != nil {
		return m, nil, err
	}
	added := append(a4, a6...)
	if len(added) > MaxPEXPeers {
		return m, nil, fmt.Errorf("%w: ut_pex adds %d peers", ErrBadMessage, len(added))
	}
	return m, added, nil
}
