package dns

import (
	"bytes"
	"os"
	"path/filepath"
)

// serveUpdate applies a dynamic update (RFC 2136 section 3): the zone
// section names the zone, the prerequisite section (Answer) states what must
// or must not exist, and the update section (Authority) adds and deletes
// records. All prerequisites are checked before anything changes; a change
// increments the SOA serial and, when File is set, rewrites the zone file
// atomically.
func (z *Zone) serveUpdate(w ResponseWriter, r *Msg) {
	if !allowed(z.AllowUpdate, w.RemoteAddr()) && !z.signedByUpdateKey(w) {
		replyError(w, r, RcodeRefused)
		return
	}
	m := new(Msg).SetReply(r)
	m.Rcode = z.update(r)
	w.WriteMsg(m)
}

func (z *Zone) update(r *Msg) Rcode {
	// Zone section (RFC 2136 section 3.1).
	if len(r.Question) != 1 || r.Question[0].Type != TypeSOA {
		return RcodeFormatError
	}
	if !r.Question[0].Name.Equal(z.origin) {
		return RcodeNotAuth
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	if rc := z.checkPrereqs(r.Answer); rc != RcodeSuccess {
		return rc
	}
	// Prescan the update section (section 3.4.1) before changing anything.
	for _, rr := range r.Authority {
		if !rr.Name.IsSubdomainOf(z.origin) {
			return RcodeNotZone
		}
		switch rr.Class {
		case ClassINET:
			if _, ok := rr.Data.(*Unknown); ok && knownType(rr.Type()) {
				return RcodeFormatError // empty data in an addition
			}
			switch rr.Type() {
			case TypeANY, TypeAXFR, TypeIXFR, TypeOPT:
				return RcodeFormatError
			}
		case ClassANY:
			if rr.TTL != 0 || !isEmpty(rr.Data) {
				return RcodeFormatError
			}
		case ClassNONE:
			if rr.TTL != 0 || rr.Type() == TypeANY {
				return RcodeFormatError
			}
		default:
			return RcodeFormatError
		}
	}
	changed := false
	apex := z.origin.Canonical()
	for _, rr := range r.Authority {
		k := rr.Name.Canonical()
		t := rr.Type()
		switch rr.Class {
		case ClassINET:
			if t == TypeSOA {
				// Replace the SOA only with a higher serial (section 3.4.2.2).
				old := z.soa().Data.(*SOA)
				if nw, ok := rr.Data.(*SOA); ok && k == apex && int32(nw.Serial-old.Serial) > 0 {
					z.nodes[apex][TypeSOA] = []RR{rr}
					changed = true
				}
				continue
			}
			node := z.nodes[k]
			if node != nil {
				// A CNAME and other data cannot share a name (RFC 1034 section 3.6.2).
				if t == TypeCNAME && len(node) > 0 && len(node[TypeCNAME]) == 0 {
					continue
				}
				if t != TypeCNAME && len(node[TypeCNAME]) > 0 {
					continue
				}
			}
			if t == TypeCNAME && node != nil && len(node[TypeCNAME]) > 0 {
				node[TypeCNAME] = nil
			}
			if z.add(rr) {
				changed = true
			}
		case ClassANY:
			node := z.nodes[k]
			if node == nil {
				continue
			}
			for ty := range node {
				if (t == TypeANY || ty == t) && !(k == apex && (ty == TypeSOA || ty == TypeNS)) {
					if len(node[ty]) > 0 {
						changed = true
					}
					node[ty] = nil
				}
			}
			z.removeIfEmpty(k)
		case ClassNONE:
			node := z.nodes[k]
			if node == nil || t == TypeSOA {
				continue
			}
			rrs := node[t]
			for i, old := range rrs {
				if sameRdata(old.Data, rr.Data) {
					if k == apex && t == TypeNS && len(rrs) == 1 {
						break // never delete the last apex NS (section 3.4.2.4)
					}
					node[t] = append(rrs[:i:i], rrs[i+1:]...)
					changed = true
					break
				}
			}
			z.removeIfEmpty(k)
		}
	}
	if changed {
		soa := z.nodes[apex][TypeSOA][0]
		d := *soa.Data.(*SOA)
		d.Serial++
		soa.Data = &d
		z.nodes[apex][TypeSOA] = []RR{soa}
		if z.File != "" {
			if err := z.writeFile(); err != nil {
				return RcodeServerFailure
			}
		}
	}
	return RcodeSuccess
}

func isEmpty(d RData) bool {
	u, ok := d.(*Unknown)
	return ok && len(u.Data) == 0
}

// checkPrereqs evaluates the prerequisite section (RFC 2136 section 3.2).
func (z *Zone) checkPrereqs(prereqs []RR) Rcode {
	type key struct {
		n Name
		t Type
	}
	valueSets := map[key][]RR{}
	for _, rr := range prereqs {
		if rr.TTL != 0 {
			return RcodeFormatError
		}
		if !rr.Name.IsSubdomainOf(z.origin) {
			return RcodeNotZone
		}
		k := rr.Name.Canonical()
		t := rr.Type()
		node := z.nodes[k]
		switch rr.Class {
		case ClassANY:
			if !isEmpty(rr.Data) {
				return RcodeFormatError
			}
			if t == TypeANY {
				if len(node) == 0 {
					return RcodeNameError
				}
			} else if len(node[t]) == 0 {
				return RcodeNXRRSet
			}
		case ClassNONE:
			if !isEmpty(rr.Data) {
				return RcodeFormatError
			}
			if t == TypeANY {
				if len(node) > 0 {
					return RcodeYXDomain
				}
			} else if len(node[t]) > 0 {
				return RcodeYXRRSet
			}
		case ClassINET:
			valueSets[key{k, t}] = append(valueSets[key{k, t}], rr)
		default:
			return RcodeFormatError
		}
	}
	// Value-dependent: the RRset must equal the given records exactly (section 3.2.3).
	for k, want := range valueSets {
		have := z.nodes[k.n][k.t]
		if len(have) != len(want) {
			return RcodeNXRRSet
		}
		for _, w := range want {
			found := false
			for _, h := range have {
				if sameRdata(h.Data, w.Data) {
					found = true
					break
				}
			}
			if !found {
				return RcodeNXRRSet
			}
		}
	}
	return RcodeSuccess
}

// writeFile rewrites File with the zone's records: written to a temporary
// file in the same directory, synced, then renamed over the old one, so a
// crash leaves either the old zone or the new one.
func (z *Zone) writeFile() error {
	var buf bytes.Buffer
	if err := WriteZone(&buf, z.origin, z.records()); err != nil {
		return err
	}
	dir := filepath.Dir(z.File)
	f, err := os.CreateTemp(dir, ".zone-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, z.File)
}

// signedByUpdateKey reports whether the request was signed with one of UpdateKeys.
func (z *Zone) signedByUpdateKey(w ResponseWriter) bool {
	k, ok := TSIGSigner(w)
	if !ok {
		return false
	}
	for _, n := range z.UpdateKeys {
		if n.Equal(k) {
			return true
		}
	}
	return false
}
