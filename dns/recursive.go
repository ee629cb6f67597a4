package dns

import (
	"context"
	"net/netip"
)

// Recursive is the Handler of a local DNS server (the lesson's dns.poly.edu):
// hosts send it queries with RD set and it answers them with RA, from its
// cache or by iterating through the hierarchy with Resolver. A query without
// RD is answered only from the cache. Resolution failures get SERVFAIL.
//
// An open recursive server is an amplifier for attacks on others, so only
// the networks in Allow are served; the rest get REFUSED.
type Recursive struct {
	// Resolver resolves the names; it should be in iterative mode with a Cache.
	Resolver *Resolver
	// Allow lists the client networks served; nil means loopback only.
	Allow []netip.Prefix
}

var loopbackOnly = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// ServeDNS answers one query.
func (h *Recursive) ServeDNS(ctx context.Context, w ResponseWriter, r *Msg) {
	allow := h.Allow
	if allow == nil {
		allow = loopbackOnly
	}
	if !allowed(allow, w.RemoteAddr()) || r.Opcode != OpcodeQuery {
		replyError(w, r, RcodeRefused)
		return
	}
	q := r.Question[0]
	m := new(Msg).SetReply(r)
	m.RecursionAvailable = true
	if q.Class != ClassINET || q.Type == TypeAXFR || q.Type == TypeIXFR {
		m.Rcode = RcodeRefused
		w.WriteMsg(m)
		return
	}
	if !r.RecursionDesired {
		if h.Resolver.Cache != nil {
			if rrs, ok := h.Resolver.Cache.Lookup(q.Name, q.Type); ok {
				m.Answer = rrs
				w.WriteMsg(m)
				return
			}
		}
		m.Rcode = RcodeRefused
		w.WriteMsg(m)
		return
	}
	res, err := h.Resolver.Resolve(ctx, q.Name, q.Type)
	if err != nil {
		m.Rcode = RcodeServerFailure
		w.WriteMsg(m)
		return
	}
	m.Rcode = res.Rcode
	m.Answer = res.Answer
	m.Authority = res.Authority
	w.WriteMsg(m)
}
