package dns

import (
	"cmp"
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"
)

// Resolver limits.
const (
	// DefaultMaxCNAMEs bounds the CNAME chain followed for one look-up.
	DefaultMaxCNAMEs = 8
)

// Resolver looks names up. It works in one of two modes:
//
//   - Stub: with Servers set, it sends recursive queries (RD) to those servers
//     in order, as a host's resolver sends them to its local DNS server
//     (/etc/resolv.conf), moving to the next on timeout, SERVFAIL or REFUSED.
//   - Iterative: with Servers empty and Roots set, it is itself a local DNS
//     server's resolver: it starts at the root servers and follows referrals
//     down to an authoritative answer, caching as it goes (see [Resolver.Resolve]).
//
// A Resolver is safe for concurrent use once configured.
type Resolver struct {
	// Servers are the recursive servers of stub mode, "host:port" (port 53 if absent).
	Servers []string
	// Roots are the root servers' addresses (root hints) for iterative mode.
	// Referrals carry addresses but no ports, so every server learned from
	// one is asked on the port of Roots[0]: 53 on the Internet, one shared
	// high port when a test or example runs the hierarchy on 127.0.0.x.
	Roots []netip.AddrPort
	// Client sends the queries; nil means a zero Client.
	Client *Client
	// Cache holds answers in iterative mode; nil means no caching.
	Cache *Cache
	// Limits bound the work of one iterative resolution; zero fields mean the defaults.
	Limits Limits
	// Trace, when non-nil, is called for every query sent in iterative mode,
	// and for every answer served from the cache. Concurrent resolutions
	// call it concurrently.
	Trace func(Step)
}

func (r *Resolver) client() *Client {
	if r.Client != nil {
		return r.Client
	}
	return &Client{}
}

// Query returns the reply to a question for name and type t. In stub mode a
// reply with NXDOMAIN or NOERROR is returned as it is (the caller reads
// Rcode); in iterative mode see [Resolver.Resolve].
func (r *Resolver) Query(ctx context.Context, name Name, t Type) (*Msg, error) {
	if len(r.Servers) == 0 {
		if len(r.Roots) == 0 {
			return nil, errors.New("dns: Resolver has neither Servers nor Roots")
		}
		res, err := r.Resolve(ctx, name, t)
		if err != nil {
			return nil, err
		}
		return res.Msg(), nil
	}
	q := new(Msg).SetQuestion(name, t)
	var lastErr error
	for _, s := range r.Servers {
		m, err := r.client().Exchange(ctx, q, s)
		if err != nil {
			lastErr = err
			if ctx.Err() != nil {
				return nil, err
			}
			continue
		}
		switch m.Rcode {
		case RcodeSuccess, RcodeNameError:
			return m, nil
		}
		lastErr = &RcodeError{Name: name, Rcode: m.Rcode}
	}
	return nil, lastErr
}

// lookup returns the records of type t for name, following CNAMEs.
func (r *Resolver) lookup(ctx context.Context, name string, t Type) ([]RR, error) {
	n, err := ParseName(name)
	if err != nil {
		return nil, err
	}
	max := r.Limits.MaxCNAMEs
	if max <= 0 {
		max = DefaultMaxCNAMEs
	}
	for hops := 0; hops <= max; hops++ {
		m, err := r.Query(ctx, n, t)
		if err != nil {
			return nil, err
		}
		if m.Rcode != RcodeSuccess {
			return nil, &RcodeError{Name: n, Rcode: m.Rcode}
		}
		rrs, next, ok := answerChain(m.Answer, n, t, max)
		if ok {
			if len(rrs) == 0 {
				return nil, &noAnswerError{name: n, t: t}
			}
			return rrs, nil
		}
		n = next // the chain left the reply: ask for its end
	}
	return nil, ErrLimitExceeded
}

// answerChain collects the records of type t for name in answer, following
// CNAME records. ok is false when a CNAME points at a name the answer does
// not cover; next is then the name to ask about.
func answerChain(answer []RR, name Name, t Type, max int) (rrs []RR, next Name, ok bool) {
	for hops := 0; hops <= max; hops++ {
		var cname *CNAME
		for i := range answer {
			rr := &answer[i]
			if !rr.Name.Equal(name) {
				continue
			}
			if rr.Type() == t {
				rrs = append(rrs, *rr)
			} else if c, isC := rr.Data.(*CNAME); isC && t != TypeCNAME {
				cname = c
			}
		}
		if len(rrs) > 0 || cname == nil {
			return rrs, name, true
		}
		name = cname.Target
		found := false
		for i := range answer {
			if answer[i].Name.Equal(name) {
				found = true
				break
			}
		}
		if !found {
			return nil, name, false
		}
	}
	return nil, name, true
}

type noAnswerError struct {
	name Name
	t    Type
}

func (e *noAnswerError) Error() string {
	return "dns: no " + e.t.String() + " records for " + e.name.String()
}
func (e *noAnswerError) Unwrap() error { return ErrNoAnswer }

// LookupHost returns the IPv4 and IPv6 addresses of host (A and AAAA records,
// following CNAMEs), IPv4 first; an address literal is returned as it is. It fails with a *RcodeError for NXDOMAIN,
// and ErrNoAnswer when the name has neither type.
func (r *Resolver) LookupHost(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil // an address literal needs no look-up
	}
	var addrs []netip.Addr
	var firstErr error
	for _, t := range []Type{TypeA, TypeAAAA} {
		rrs, err := r.lookup(ctx, host, t)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			var re *RcodeError
			if errors.As(err, &re) && re.Rcode == RcodeNameError {
				return nil, err
			}
			continue
		}
		for _, rr := range rrs {
			switch d := rr.Data.(type) {
			case *A:
				addrs = append(addrs, d.Addr)
			case *AAAA:
				addrs = append(addrs, d.Addr)
			}
		}
	}
	if len(addrs) == 0 {
		return nil, firstErr
	}
	return addrs, nil
}

// LookupMX returns the mail exchangers of name sorted by preference, lowest
// (most preferred) first (RFC 5321 section 5.1). Equal preferences keep the
// server's order.
func (r *Resolver) LookupMX(ctx context.Context, name string) ([]*MX, error) {
	rrs, err := r.lookup(ctx, name, TypeMX)
	if err != nil {
		return nil, err
	}
	mxs := make([]*MX, 0, len(rrs))
	for _, rr := range rrs {
		if d, ok := rr.Data.(*MX); ok {
			mxs = append(mxs, d)
		}
	}
	slices.SortStableFunc(mxs, func(a, b *MX) int { return cmp.Compare(a.Pref, b.Pref) })
	return mxs, nil
}

// LookupTXT returns the TXT records of name, each record's strings joined.
func (r *Resolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	rrs, err := r.lookup(ctx, name, TypeTXT)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, rr := range rrs {
		if d, ok := rr.Data.(*TXT); ok {
			out = append(out, strings.Join(d.Txt, ""))
		}
	}
	return out, nil
}

// LookupAddr returns the names for addr by a PTR query under in-addr.arpa
// or ip6.arpa (see [ReverseName]): the lesson's gethostbyaddr.
func (r *Resolver) LookupAddr(ctx context.Context, addr netip.Addr) ([]Name, error) {
	rrs, err := r.lookup(ctx, ReverseName(addr).String(), TypePTR)
	if err != nil {
		return nil, err
	}
	var out []Name
	for _, rr := range rrs {
		if d, ok := rr.Data.(*PTR); ok {
			out = append(out, d.Target)
		}
	}
	return out, nil
}

// LookupSRV returns the SRV records of _service._proto.name (RFC 2782),
// sorted by priority and, within a priority, by descending weight. An empty
// service and proto look up name directly.
func (r *Resolver) LookupSRV(ctx context.Context, service, proto, name string) ([]*SRV, error) {
	target := name
	if service != "" || proto != "" {
		target = "_" + service + "._" + proto + "." + name
	}
	rrs, err := r.lookup(ctx, target, TypeSRV)
	if err != nil {
		return nil, err
	}
	var out []*SRV
	for _, rr := range rrs {
		if d, ok := rr.Data.(*SRV); ok {
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, func(a, b *SRV) int {
		if c := cmp.Compare(a.Priority, b.Priority); c != 0 {
			return c
		}
		return cmp.Compare(b.Weight, a.Weight)
	})
	return out, nil
}
