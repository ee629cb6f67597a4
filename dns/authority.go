package dns

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"sync"
)

// Authoritative-server limits.
const (
	// MaxCNAMEChain bounds the CNAME records followed inside one zone when answering.
	MaxCNAMEChain = 8
	// AXFRRecordsPerMsg is how many records go in each message of a zone transfer.
	AXFRRecordsPerMsg = 100
	// AXFRMaxMsgBytes bounds the records' size in one message of a zone transfer.
	AXFRMaxMsgBytes = 16 << 10
)

// Zone is the data of one zone and the [Handler] that serves it
// authoritatively (RFC 1034 section 4.3.2): answers carry AA; a name that
// does not exist gets NXDOMAIN and a name without the asked type gets
// NODATA, both with the SOA in the authority section for negative caching
// (RFC 2308); names at or below a delegation get a referral with the child's
// NS records and their glue addresses; CNAME chains inside the zone are
// followed; wildcards synthesize answers (RFC 4592); and A and AAAA RRsets
// rotate from one answer to the next, spreading clients over replicated
// servers. Full zone transfer (AXFR, RFC 5936) is served over TCP to
// AllowTransfer, and dynamic update (RFC 2136) is accepted from AllowUpdate.
//
// A Zone is safe for concurrent use. Set its exported fields before serving.
type Zone struct {
	// AllowTransfer lists the client networks allowed to transfer the zone.
	AllowTransfer []netip.Prefix
	// AllowUpdate lists the client networks allowed to update the zone.
	AllowUpdate []netip.Prefix
	// UpdateKeys names the TSIG keys (see [Server.TSIGKeys]) whose signed
	// updates are accepted from any address.
	UpdateKeys []Name
	// File, when set, is rewritten atomically with the zone's records after
	// every successful update.
	File string

	origin Name
	mu     sync.RWMutex
	nodes  map[Name]map[Type][]RR // canonical owner -> type -> RRset
	exists map[Name]int           // canonical names with records at or below them -> count
	order  []Name                 // owners in first-seen order, for transfers and the file
	rotMu  sync.Mutex
	rot    map[rotKey]uint32 // per-RRset round-robin position
}

// NewZone builds a zone with apex origin from rrs, which must hold exactly
// one SOA, at the apex, and only names at or below it.
func NewZone(origin Name, rrs []RR) (*Zone, error) {
	z := &Zone{origin: origin}
	z.reset()
	soas := 0
	for _, rr := range rrs {
		if !rr.Name.IsSubdomainOf(origin) {
			return nil, &RcodeError{Name: rr.Name, Rcode: RcodeNotZone}
		}
		if rr.Type() == TypeSOA {
			if !rr.Name.Equal(origin) {
				return nil, errors.New("dns: SOA record not at the zone apex: " + rr.Name.String())
			}
			soas++
		}
		z.add(rr)
	}
	if soas != 1 {
		return nil, errors.New("dns: zone " + origin.String() + " needs exactly one SOA record")
	}
	return z, nil
}

// Replace swaps the zone's records for rrs, as a secondary server does after
// a zone transfer. rrs must satisfy the same rules as for [NewZone]; on
// error the zone is unchanged.
func (z *Zone) Replace(rrs []RR) error {
	nz, err := NewZone(z.origin, rrs)
	if err != nil {
		return err
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	z.nodes, z.exists, z.order = nz.nodes, nz.exists, nz.order
	return nil
}

// Serial returns the serial number of the zone's SOA record.
func (z *Zone) Serial() uint32 {
	z.mu.RLock()
	defer z.mu.RUnlock()
	return z.soa().Data.(*SOA).Serial
}

// LoadZone reads a zone from a master file (see [ParseZone]); the zone's
// File is set to path, so updates are written back to it.
func LoadZone(path string, origin Name) (*Zone, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rrs, err := ParseZone(f, origin, path)
	if err != nil {
		return nil, err
	}
	z, err := NewZone(origin, rrs)
	if err != nil {
		return nil, err
	}
	z.File = path
	return z, nil
}

// Origin returns the zone's apex name.
func (z *Zone) Origin() Name { return z.origin }

func (z *Zone) reset() {
	z.nodes = make(map[Name]map[Type][]RR)
	z.exists = make(map[Name]int)
	z.order = nil
}

// add inserts rr, replacing an identical record; the caller holds the lock.
func (z *Zone) add(rr RR) bool {
	k := rr.Name.Canonical()
	node := z.nodes[k]
	if node == nil {
		node = make(map[Type][]RR)
		z.nodes[k] = node
		z.order = append(z.order, k)
		for n := k; ; n = n.Parent() {
			z.exists[n]++
			if n.n <= z.origin.n {
				break
			}
		}
	}
	t := rr.Type()
	for i, old := range node[t] {
		if sameRdata(old.Data, rr.Data) {
			node[t][i].TTL = rr.TTL
			return false
		}
	}
	if t == TypeSOA {
		node[t] = []RR{rr}
		return true
	}
	node[t] = append(node[t], rr)
	return true
}

// removeNode drops an owner with no records left; the caller holds the lock.
func (z *Zone) removeIfEmpty(k Name) {
	node := z.nodes[k]
	for t, rrs := range node {
		if len(rrs) == 0 {
			delete(node, t)
		}
	}
	if node == nil || len(node) > 0 {
		return
	}
	delete(z.nodes, k)
	for i, n := range z.order {
		if n == k {
			z.order = append(z.order[:i], z.order[i+1:]...)
			break
		}
	}
	for n := k; ; n = n.Parent() {
		if z.exists[n]--; z.exists[n] <= 0 {
			delete(z.exists, n)
		}
		if n.n <= z.origin.n {
			break
		}
	}
}

// sameRdata compares record data as RFC 2136 section 1.1 does: by value,
// names ignoring case.
func sameRdata(a, b RData) bool {
	if a.Type() != b.Type() {
		return false
	}
	var pa, pb packer
	pa.noCompress, pb.noCompress = true, true
	if canonicalRdata(a).pack(&pa) != nil || canonicalRdata(b).pack(&pb) != nil {
		return false
	}
	return string(pa.msg) == string(pb.msg)
}

// canonicalRdata returns d with the names in it lower-cased.
func canonicalRdata(d RData) RData {
	switch d := d.(type) {
	case *NS:
		return &NS{Host: d.Host.Canonical()}
	case *CNAME:
		return &CNAME{Target: d.Target.Canonical()}
	case *PTR:
		return &PTR{Target: d.Target.Canonical()}
	case *MX:
		return &MX{Pref: d.Pref, Host: d.Host.Canonical()}
	case *SRV:
		c := *d
		c.Target = d.Target.Canonical()
		return &c
	case *SOA:
		c := *d
		c.NS, c.Mbox = d.NS.Canonical(), d.Mbox.Canonical()
		return &c
	}
	return d
}

// Records returns every record of the zone, the SOA first.
func (z *Zone) Records() []RR {
	z.mu.RLock()
	defer z.mu.RUnlock()
	return z.records()
}

func (z *Zone) records() []RR {
	out := append([]RR(nil), z.nodes[z.origin.Canonical()][TypeSOA]...)
	for _, k := range z.order {
		node := z.nodes[k]
		for _, t := range sortedTypes(node) {
			if t == TypeSOA {
				continue
			}
			out = append(out, node[t]...)
		}
	}
	return out
}

func sortedTypes(node map[Type][]RR) []Type {
	ts := make([]Type, 0, len(node))
	for t := range node {
		ts = append(ts, t)
	}
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j] < ts[j-1]; j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
	return ts
}

func (z *Zone) soa() RR { return z.nodes[z.origin.Canonical()][TypeSOA][0] }

// negativeSOA returns the SOA with the TTL negative caches use (RFC 2308 section 3).
func (z *Zone) negativeSOA() RR {
	rr := z.soa()
	rr.TTL = min(rr.TTL, rr.Data.(*SOA).MinTTL)
	return rr
}

// ServeDNS answers queries, zone transfers and updates for the zone.
func (z *Zone) ServeDNS(ctx context.Context, w ResponseWriter, r *Msg) {
	if r.Opcode == OpcodeUpdate {
		z.serveUpdate(w, r)
		return
	}
	if r.Opcode != OpcodeQuery || len(r.Question) != 1 {
		replyError(w, r, RcodeNotImplemented)
		return
	}
	q := r.Question[0]
	if q.Class != ClassINET && q.Class != ClassANY {
		replyError(w, r, RcodeRefused)
		return
	}
	if !q.Name.IsSubdomainOf(z.origin) {
		replyError(w, r, RcodeRefused)
		return
	}
	switch q.Type {
	case TypeAXFR:
		z.serveAXFR(w, r)
		return
	case TypeIXFR:
		replyError(w, r, RcodeNotImplemented)
		return
	}
	m := new(Msg).SetReply(r)
	z.mu.RLock()
	z.answer(m, q.Name, q.Type)
	z.mu.RUnlock()
	w.WriteMsg(m)
}

// answer fills m for name and type t; the caller holds the read lock.
func (z *Zone) answer(m *Msg, name Name, t Type) {
	m.Authoritative = true
	for hops := 0; hops <= MaxCNAMEChain; hops++ {
		if !name.IsSubdomainOf(z.origin) {
			return // the chain left the zone; the resolver follows it
		}
		if cut, ns := z.delegation(name); ns != nil {
			if hops == 0 {
				m.Authoritative = false
			}
			m.Authority = append(m.Authority, ns...)
			z.addGlue(m, ns)
			_ = cut
			return
		}
		k := name.Canonical()
		node, ok := z.nodes[k]
		if !ok {
			if z.exists[k] > 0 { // an empty non-terminal: NODATA
				m.Authority = append(m.Authority, z.negativeSOA())
				return
			}
			node, ok = z.wildcard(name)
			if !ok {
				if hops == 0 {
					m.Rcode = RcodeNameError
				}
				m.Authority = append(m.Authority, z.negativeSOA())
				return
			}
		}
		if rrs := node[t]; len(rrs) > 0 || t == TypeANY {
			if t == TypeANY {
				for _, ty := range sortedTypes(node) {
					m.Answer = appendOwned(m.Answer, node[ty], name)
				}
			} else {
				m.Answer = appendOwned(m.Answer, z.rotate(rrs, t), name)
			}
			z.addAdditional(m, node[t])
			return
		}
		if c := node[TypeCNAME]; len(c) > 0 {
			m.Answer = appendOwned(m.Answer, c, name)
			name = c[0].Data.(*CNAME).Target
			continue
		}
		m.Authority = append(m.Authority, z.negativeSOA())
		return
	}
}

// appendOwned appends rrs with owner name (a wildcard's records take the query name).
func appendOwned(dst, rrs []RR, name Name) []RR {
	for _, rr := range rrs {
		rr.Name = name
		dst = append(dst, rr)
	}
	return dst
}

type rotKey struct {
	name Name
	t    Type
}

// rotate returns A and AAAA RRsets rotated by one more position on every
// answer for that RRset, a simple DNS load distribution over replicated
// servers.
func (z *Zone) rotate(rrs []RR, t Type) []RR {
	if (t != TypeA && t != TypeAAAA) || len(rrs) < 2 {
		return rrs
	}
	z.rotMu.Lock()
	if z.rot == nil {
		z.rot = make(map[rotKey]uint32)
	}
	// Keyed by the stored owner (a wildcard's, not the query's), so the
	// map is bounded by the zone's size whatever names are asked.
	k := rotKey{rrs[0].Name.Canonical(), t}
	i := int(z.rot[k] % uint32(len(rrs)))
	z.rot[k]++
	z.rotMu.Unlock()
	out := make([]RR, 0, len(rrs))
	out = append(out, rrs[i:]...)
	return append(out, rrs[:i]...)
}

// delegation finds the highest zone cut strictly below the apex at or above name.
func (z *Zone) delegation(name Name) (Name, []RR) {
	var cut Name
	var ns []RR
	for n := name.Canonical(); n.n > z.origin.n; n = n.Parent() {
		if rrs := z.nodes[n][TypeNS]; len(rrs) > 0 {
			cut, ns = n, rrs // keep walking up: the highest cut wins
		}
	}
	return cut, ns
}

// wildcard finds the node that synthesizes name: "*" under its closest
// encloser (RFC 4592 section 3.3.1).
func (z *Zone) wildcard(name Name) (map[Type][]RR, bool) {
	for n := name.Canonical().Parent(); n.n >= z.origin.n; n = n.Parent() {
		if z.exists[n] > 0 {
			w, err := n.Child("*")
			if err != nil {
				return nil, false
			}
			node, ok := z.nodes[w]
			return node, ok
		}
		if n.n == z.origin.n {
			break
		}
	}
	return nil, false
}

// addGlue adds the addresses of in-zone name servers to the additional section.
func (z *Zone) addGlue(m *Msg, ns []RR) {
	for _, rr := range ns {
		host := rr.Data.(*NS).Host
		if !host.IsSubdomainOf(z.origin) {
			continue
		}
		node := z.nodes[host.Canonical()]
		m.Additional = append(m.Additional, node[TypeA]...)
		m.Additional = append(m.Additional, node[TypeAAAA]...)
	}
}

// addAdditional adds addresses for the targets of MX, NS and SRV answers (RFC 1035 section 3.3.9).
func (z *Zone) addAdditional(m *Msg, rrs []RR) {
	for _, rr := range rrs {
		var host Name
		switch d := rr.Data.(type) {
		case *MX:
			host = d.Host
		case *NS:
			host = d.Host
		case *SRV:
			host = d.Target
		default:
			continue
		}
		if node := z.nodes[host.Canonical()]; node != nil && host.IsSubdomainOf(z.origin) {
			m.Additional = append(m.Additional, node[TypeA]...)
			m.Additional = append(m.Additional, node[TypeAAAA]...)
		}
	}
}

// allowed reports whether addr's IP is in one of the prefixes.
func allowed(prefixes []netip.Prefix, addr net.Addr) bool {
	var ip netip.Addr
	switch a := addr.(type) {
	case *net.UDPAddr:
		ip, _ = netip.AddrFromSlice(a.IP)
	case *net.TCPAddr:
		ip, _ = netip.AddrFromSlice(a.IP)
	default:
		if ap, err := netip.ParseAddrPort(addr.String()); err == nil {
			ip = ap.Addr()
		}
	}
	ip = ip.Unmap()
	for _, p := range prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// serveAXFR sends the whole zone over TCP: SOA, every record, SOA (RFC 5936 section 2.2).
func (z *Zone) serveAXFR(w ResponseWriter, r *Msg) {
	if w.Network() != "tcp" || !allowed(z.AllowTransfer, w.RemoteAddr()) || !r.Question[0].Name.Equal(z.origin) {
		replyError(w, r, RcodeRefused)
		return
	}
	z.mu.RLock()
	rrs := z.records()
	soa := z.soa()
	z.mu.RUnlock()
	rrs = append(rrs, soa)
	for len(rrs) > 0 {
		// Up to AXFRRecordsPerMsg records, and fewer when they are large,
		// so that every message stays far below the 64 KiB TCP frame.
		n, size := 0, 0
		for n < len(rrs) && n < AXFRRecordsPerMsg {
			l := rrWireLen(&rrs[n])
			if n > 0 && size+l > AXFRMaxMsgBytes {
				break
			}
			size += l
			n++
		}
		m := new(Msg).SetReply(r)
		m.Authoritative = true
		m.Answer = rrs[:n]
		rrs = rrs[n:]
		if err := w.WriteMsg(m); err != nil {
			return
		}
	}
}

// rrWireLen returns the uncompressed wire length of rr.
func rrWireLen(rr *RR) int {
	p := packer{noCompress: true}
	if p.rr(rr, 0) != nil {
		return MaxMsgSize
	}
	return len(p.msg)
}
