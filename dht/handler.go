package dht

import (
	"net/netip"
	"slices"
	"time"
)

func errorMsg(code ErrorCode, text string) *Msg {
	return &Msg{Kind: KindError, Err: &Error{Code: code, Msg: text}}
}

// closestFor returns the k closest contacts to target split by family:
// the families asked for in want (BEP 32), or else the requester's.
func (n *Node) closestFor(target ID, want []string, src netip.AddrPort) (v4, v6 []NodeInfo) {
	wantV4 := slices.Contains(want, "n4")
	wantV6 := slices.Contains(want, "n6")
	if !wantV4 && !wantV6 {
		wantV4, wantV6 = src.Addr().Is4(), !src.Addr().Is4()
	}
	n.mu.Lock()
	all := n.tab.closestWithin(target, 4*n.k(), 1)
	n.mu.Unlock()
	for _, c := range all {
		is4 := c.Addr.Addr().Is4()
		if is4 && wantV4 && len(v4) < n.k() {
			v4 = append(v4, c)
		} else if !is4 && wantV6 && len(v6) < n.k() {
			v6 = append(v6, c)
		}
	}
	return v4, v6
}

// answer builds the response (or error) to query m from src.
func (n *Node) answer(m *Msg, src netip.AddrPort, now time.Time) *Msg {
	r := &Msg{Kind: KindResponse, Args: Args{ID: n.self}}
	a := &m.Args
	switch m.Method {
	case MethodPing:
	case MethodFindNode:
		if a.Target.IsZero() {
			return errorMsg(ErrorProtocol, "find_node without target")
		}
		r.Args.Nodes, r.Args.Nodes6 = n.closestFor(a.Target, a.Want, src)
	case MethodGetPeers:
		if a.InfoHash.IsZero() {
			return errorMsg(ErrorProtocol, "get_peers without info_hash")
		}
		n.mu.Lock()
		r.Args.Token = n.tok.issue(src.Addr(), now)
		r.Args.Values = n.peers.get(a.InfoHash, MaxPeersPerResponse, now)
		n.mu.Unlock()
		r.Args.Nodes, r.Args.Nodes6 = n.closestFor(a.InfoHash, a.Want, src)
	case MethodAnnouncePeer:
		if a.InfoHash.IsZero() {
			return errorMsg(ErrorProtocol, "announce_peer without info_hash")
		}
		port := a.Port
		if a.ImpliedPort {
			port = int(src.Port())
		}
		if port == 0 {
			return errorMsg(ErrorProtocol, "announce_peer without port")
		}
		n.mu.Lock()
		defer n.mu.Unlock()
		if !n.tok.valid(a.Token, src.Addr(), now) {
			return errorMsg(ErrorProtocol, "bad token")
		}
		n.peers.add(a.InfoHash, netip.AddrPortFrom(src.Addr(), uint16(port)), now)
	case MethodGet:
		if a.Target.IsZero() {
			return errorMsg(ErrorProtocol, "get without target")
		}
		n.mu.Lock()
		r.Args.Token = n.tok.issue(src.Addr(), now)
		it := n.items.get(a.Target, now)
		n.mu.Unlock()
		if it != nil && !(a.HasSeq && it.Mutable() && it.Seq <= a.Seq) {
			r.Args.V = it.V
			if it.Mutable() {
				r.Args.K, r.Args.Sig = it.K, it.Sig
				r.Args.Seq, r.Args.HasSeq = it.Seq, true
			}
		} else if it != nil && it.Mutable() {
			r.Args.Seq, r.Args.HasSeq = it.Seq, true
		}
		r.Args.Nodes, r.Args.Nodes6 = n.closestFor(a.Target, a.Want, src)
	case MethodPut:
		return n.put(m, src, now)
	default:
		return errorMsg(ErrorMethodUnknown, "method unknown")
	}
	return r
}
