package dns

import (
	"context"
	"errors"
	"net/netip"
	"strconv"
	"time"
)

// Default bounds of one iterative resolution ([Limits]).
const (
	DefaultMaxReferrals = 16               // referrals followed for one name
	DefaultMaxQueries   = 64               // upstream queries for one resolution, sub-resolutions included
	DefaultMaxDepth     = 4                // nested resolutions of glue-less name server names
	DefaultResolveTime  = 10 * time.Second // wall time of one resolution
)

// Limits bound the work one resolution may do, so that referral loops,
// CNAME loops and deliberately deep delegations cannot make the resolver an
// amplifier. Zero fields mean the defaults.
type Limits struct {
	MaxReferrals int           // DefaultMaxReferrals
	MaxCNAMEs    int           // DefaultMaxCNAMEs
	MaxQueries   int           // DefaultMaxQueries
	MaxDepth     int           // DefaultMaxDepth
	Timeout      time.Duration // DefaultResolveTime
}

func orDefault[T int | time.Duration](v, d T) T {
	if v > 0 {
		return v
	}
	return d
}

// Step is one event of an iterative resolution, reported to [Resolver.Trace]:
// a query to a server and what came back, or an answer found in the cache.
type Step struct {
	Depth    int            // 0 for the name asked; 1 and more for glue-less name server look-ups
	Question Question       // what was asked
	Server   netip.AddrPort // the server asked; zero for a cache hit
	Zone     Name           // the zone that server serves ("." for a root server)
	Reply    *Msg           // the reply; nil on error or cache hit
	Err      error          // the transport error, if any
	Kind     string         // "answer", "referral", "cname", "nxdomain", "nodata", "cache", "error"
	Referral Name           // for a referral, the zone delegated to
}

// String describes the step in one line, as the examples print it.
func (s Step) String() string {
	b := make([]byte, 0, 128)
	for i := 0; i < s.Depth; i++ {
		b = append(b, "  "...)
	}
	b = append(b, s.Question.Name.String()...)
	b = append(b, ' ')
	b = append(b, s.Question.Type.String()...)
	if s.Kind == "cache" {
		return string(append(b, " -> answered from cache"...))
	}
	b = append(b, " -> "...)
	b = append(b, s.Server.String()...)
	b = append(b, " ("...)
	b = append(b, s.Zone.String()...)
	b = append(b, " server): "...)
	switch s.Kind {
	case "referral":
		b = append(b, "referral to "...)
		b = append(b, s.Referral.String()...)
	case "error":
		b = append(b, "error: "...)
		if s.Err != nil {
			b = append(b, s.Err.Error()...)
		}
	default:
		b = append(b, s.Kind...)
		if s.Reply != nil {
			b = append(b, " aa="...)
			b = strconv.AppendBool(b, s.Reply.Authoritative)
			for _, rr := range s.Reply.Answer {
				b = append(b, "\n    "...)
				for i := 0; i < s.Depth; i++ {
					b = append(b, "  "...)
				}
				b = rr.AppendText(b)
			}
		}
	}
	return string(b)
}

// Result is the outcome of an iterative resolution.
type Result struct {
	Question  Question
	Rcode     Rcode // RcodeSuccess or RcodeNameError
	Answer    []RR  // the CNAME chain, then the records (empty for NODATA and NXDOMAIN)
	Authority []RR  // the SOA of a negative answer
	FromCache bool  // the final answer came from the cache
}

// Msg returns the result as a reply message, with RA set.
func (res *Result) Msg() *Msg {
	m := &Msg{Header: Header{Response: true, RecursionAvailable: true, RecursionDesired: true, Rcode: res.Rcode}}
	m.Question = []Question{res.Question}
	m.Answer = append(m.Answer, res.Answer...)
	m.Authority = append(m.Authority, res.Authority...)
	return m
}

// resolution is the state shared by one top-level resolution and its sub-resolutions.
type resolution struct {
	queries int
	lim     Limits
}

// Resolve resolves name and type t iteratively: from the closest zone whose
// name servers are cached, or else from the root servers, it follows
// referrals to an authoritative server, chases CNAMEs, resolves the names of
// name servers that came without glue, and caches answers, referrals and
// negative answers. It returns NXDOMAIN and NODATA as results, not errors;
// it fails when the Limits are exceeded or no server answers.
func (r *Resolver) Resolve(ctx context.Context, name Name, t Type) (*Result, error) {
	st := &resolution{lim: Limits{
		MaxReferrals: orDefault(r.Limits.MaxReferrals, DefaultMaxReferrals),
		MaxCNAMEs:    orDefault(r.Limits.MaxCNAMEs, DefaultMaxCNAMEs),
		MaxQueries:   orDefault(r.Limits.MaxQueries, DefaultMaxQueries),
		MaxDepth:     orDefault(r.Limits.MaxDepth, DefaultMaxDepth),
		Timeout:      orDefault(r.Limits.Timeout, DefaultResolveTime),
	}}
	ctx, cancel := context.WithTimeout(ctx, st.lim.Timeout)
	defer cancel()
	return r.resolve(ctx, st, name, t, 0)
}

func (r *Resolver) trace(s Step) {
	if r.Trace != nil {
		r.Trace(s)
	}
}

func (r *Resolver) resolve(ctx context.Context, st *resolution, name Name, t Type, depth int) (*Result, error) {
	res := &Result{Question: Question{Name: name, Type: t, Class: ClassINET}}
	for hops := 0; ; hops++ {
		if hops > st.lim.MaxCNAMEs {
			return nil, ErrLimitExceeded
		}
		if done, cname := r.fromCache(res, name, t, depth); done {
			return res, nil
		} else if cname != nil {
			name = *cname
			continue
		}
		m, err := r.iterate(ctx, st, name, t, depth)
		if err != nil {
			return nil, err
		}
		res.FromCache = false
		if m.Rcode == RcodeNameError {
			res.Rcode = RcodeNameError
			res.Authority = soaOf(m.Authority)
			if r.Cache != nil {
				r.Cache.putNegative(name, 0, RcodeNameError, m.Authority)
			}
			return res, nil
		}
		rrs, target, cnames := splitAnswer(m.Answer, name, t)
		if len(rrs) == 0 && len(cnames) > 0 && target.Equal(name) {
			return nil, ErrLimitExceeded // a CNAME loop inside the reply
		}
		if r.Cache != nil {
			for _, c := range cnames {
				r.Cache.PutRRset([]RR{c})
			}
		}
		res.Answer = append(res.Answer, cnames...)
		if len(rrs) > 0 {
			if r.Cache != nil {
				r.Cache.PutRRset(rrs)
			}
			res.Answer = append(res.Answer, rrs...)
			return res, nil
		}
		if !target.Equal(name) {
			name = target // the CNAME chain leaves this zone: resolve its end
			continue
		}
		res.Authority = soaOf(m.Authority)
		if r.Cache != nil {
			r.Cache.putNegative(name, t, RcodeSuccess, m.Authority)
		}
		return res, nil // NODATA
	}
}

// fromCache answers from the cache: done when res is complete, or a CNAME target to follow.
func (r *Resolver) fromCache(res *Result, name Name, t Type, depth int) (done bool, cname *Name) {
	if r.Cache == nil {
		return false, nil
	}
	q := Question{Name: name, Type: t, Class: ClassINET}
	if e, ok := r.Cache.get(name, 0); ok && e.neg {
		res.Rcode, res.Authority, res.FromCache = RcodeNameError, e.rrs, true
		r.trace(Step{Depth: depth, Question: q, Kind: "cache"})
		return true, nil
	}
	if e, ok := r.Cache.get(name, t); ok {
		res.FromCache = true
		if e.neg {
			res.Authority = e.rrs
		} else {
			res.Answer = append(res.Answer, e.rrs...)
		}
		r.trace(Step{Depth: depth, Question: q, Kind: "cache"})
		return true, nil
	}
	if t != TypeCNAME {
		if e, ok := r.Cache.get(name, TypeCNAME); ok && !e.neg && len(e.rrs) > 0 {
			res.Answer = append(res.Answer, e.rrs[0])
			c := e.rrs[0].Data.(*CNAME).Target
			return false, &c
		}
	}
	return false, nil
}

// splitAnswer follows the CNAME chain from name in answer and returns the
// records of type t at its end, the end name, and the CNAME records passed.
func splitAnswer(answer []RR, name Name, t Type) (rrs []RR, end Name, cnames []RR) {
	for hops := 0; hops <= len(answer); hops++ {
		var next *CNAME
		for i := range answer {
			rr := answer[i]
			if !rr.Name.Equal(name) {
				continue
			}
			if rr.Type() == t {
				rrs = append(rrs, rr)
			} else if c, ok := rr.Data.(*CNAME); ok && next == nil {
				next = c
				cnames = append(cnames, rr)
			}
		}
		if len(rrs) > 0 || next == nil {
			return rrs, name, cnames
		}
		name = next.Target
	}
	return nil, name, cnames
}

var errLame = errors.New("dns: lame delegation: referral does not lead closer to the name")

func hasNS(rrs []RR) bool {
	for _, rr := range rrs {
		if rr.Type() == TypeNS {
			return true
		}
	}
	return false
}

func soaOf(rrs []RR) []RR {
	for _, rr := range rrs {
		if rr.Type() == TypeSOA {
			return []RR{rr}
		}
	}
	return nil
}

// iterate walks referrals for one name and returns the final reply (answer,
// CNAME, NXDOMAIN or NODATA).
func (r *Resolver) iterate(ctx context.Context, st *resolution, name Name, t Type, depth int) (*Msg, error) {
	zone, servers := r.closestServers(name)
	q := new(Msg).SetQuestion(name, t)
	q.RecursionDesired = false
	for ref := 0; ref <= st.lim.MaxReferrals; ref++ {
		m, err := r.askServers(ctx, st, q, zone, servers, depth)
		if err != nil {
			return nil, err
		}
		step := Step{Depth: depth, Question: q.Question[0], Server: m.server, Zone: zone, Reply: m.Msg}
		if m.Rcode == RcodeNameError {
			step.Kind = "nxdomain"
			r.trace(step)
			return m.Msg, nil
		}
		if len(m.Answer) > 0 {
			step.Kind = "answer"
			if rrs, _, _ := splitAnswer(m.Answer, name, t); len(rrs) == 0 {
				step.Kind = "cname"
			}
			m.Answer = inBailiwick(m.Answer, zone)
			r.trace(step)
			return m.Msg, nil
		}
		child, ns := referral(m.Msg, name, zone)
		if ns == nil && !m.Authoritative && soaOf(m.Authority) == nil && hasNS(m.Authority) {
			// NS records that lead nowhere new: a lame or upward referral.
			step.Kind, step.Err = "error", errLame
			r.trace(step)
			return nil, errLame
		}
		if ns == nil {
			step.Kind = "nodata"
			r.trace(step)
			return m.Msg, nil
		}
		step.Kind, step.Referral = "referral", child
		r.trace(step)
		glue := inBailiwick(m.Additional, zone)
		if r.Cache != nil {
			r.Cache.PutRRset(ns)
			putGlue(r.Cache, glue)
		}
		servers, err = r.serverAddrs(ctx, st, ns, glue, depth)
		if err != nil {
			return nil, err
		}
		zone = child
	}
	return nil, ErrLimitExceeded
}

// referral finds NS records in the authority section for a zone strictly
// below zone that encloses name: a referral, not a loop back up the tree.
func referral(m *Msg, name, zone Name) (Name, []RR) {
	var child Name
	var ns []RR
	for _, rr := range m.Authority {
		if rr.Type() != TypeNS {
			continue
		}
		if ns == nil {
			if rr.Name.n <= zone.n || !rr.Name.IsSubdomainOf(zone) || !name.IsSubdomainOf(rr.Name) {
				continue
			}
			child = rr.Name
		} else if !rr.Name.Equal(child) {
			continue
		}
		ns = append(ns, rr)
	}
	return child, ns
}

// inBailiwick keeps the records a server for zone may speak for (a defence
// against cache poisoning).
func inBailiwick(rrs []RR, zone Name) []RR {
	out := rrs[:0:0]
	for _, rr := range rrs {
		if rr.Type() != TypeOPT && rr.Name.IsSubdomainOf(zone) {
			out = append(out, rr)
		}
	}
	return out
}

func putGlue(c *Cache, glue []RR) {
	groups := map[cacheKey][]RR{}
	for _, rr := range glue {
		if t := rr.Type(); t == TypeA || t == TypeAAAA {
			k := cacheKey{rr.Name.Canonical(), t}
			groups[k] = append(groups[k], rr)
		}
	}
	for _, g := range groups {
		c.PutRRset(g)
	}
}

func (r *Resolver) port() uint16 {
	if len(r.Roots) > 0 {
		return r.Roots[0].Port()
	}
	return Port
}

// closestServers returns the deepest zone enclosing name whose name server
// addresses are cached, or the root and the root hints.
func (r *Resolver) closestServers(name Name) (Name, []netip.AddrPort) {
	if r.Cache != nil {
		for z := name; !z.IsRoot(); z = z.Parent() {
			ns, ok := r.Cache.Lookup(z, TypeNS)
			if !ok {
				continue
			}
			var addrs []netip.AddrPort
			for _, rr := range ns {
				host := rr.Data.(*NS).Host
				for _, t := range []Type{TypeA, TypeAAAA} {
					as, _ := r.Cache.Lookup(host, t)
					addrs = appendAddrs(addrs, as, r.port())
				}
			}
			if len(addrs) > 0 {
				return z, addrs
			}
		}
	}
	return Root, r.Roots
}

func appendAddrs(dst []netip.AddrPort, rrs []RR, port uint16) []netip.AddrPort {
	for _, rr := range rrs {
		switch d := rr.Data.(type) {
		case *A:
			dst = append(dst, netip.AddrPortFrom(d.Addr, port))
		case *AAAA:
			dst = append(dst, netip.AddrPortFrom(d.Addr, port))
		}
	}
	return dst
}

// serverAddrs returns the addresses of the name servers in ns: from glue, or
// by resolving the server names (a glue-less delegation, bounded by MaxDepth).
func (r *Resolver) serverAddrs(ctx context.Context, st *resolution, ns, glue []RR, depth int) ([]netip.AddrPort, error) {
	var addrs []netip.AddrPort
	for _, rr := range ns {
		host := rr.Data.(*NS).Host
		for _, g := range glue {
			if g.Name.Equal(host) {
				addrs = appendAddrs(addrs, []RR{g}, r.port())
			}
		}
	}
	if len(addrs) > 0 {
		return addrs, nil
	}
	if depth+1 > st.lim.MaxDepth {
		return nil, ErrLimitExceeded
	}
	var lastErr error = ErrNoAnswer
	for _, rr := range ns {
		host := rr.Data.(*NS).Host
		res, err := r.resolve(ctx, st, host, TypeA, depth+1)
		if err != nil {
			lastErr = err
			if errors.Is(err, ErrLimitExceeded) || ctx.Err() != nil {
				return nil, err
			}
			continue
		}
		if as := appendAddrs(nil, res.Answer, r.port()); len(as) > 0 {
			return as, nil
		}
	}
	return nil, lastErr
}

type serverReply struct {
	*Msg
	server netip.AddrPort
}

// askServers sends q to each server in turn until one gives a usable reply.
func (r *Resolver) askServers(ctx context.Context, st *resolution, q *Msg, zone Name, servers []netip.AddrPort, depth int) (serverReply, error) {
	var lastErr error = ErrNoAnswer
	for _, s := range servers {
		if st.queries >= st.lim.MaxQueries {
			return serverReply{}, ErrLimitExceeded
		}
		st.queries++
		m, err := r.client().Exchange(ctx, q, s.String())
		if err == nil && m.Rcode != RcodeSuccess && m.Rcode != RcodeNameError {
			err = &RcodeError{Name: q.Question[0].Name, Rcode: m.Rcode}
		}
		if err != nil {
			r.trace(Step{Depth: depth, Question: q.Question[0], Server: s, Zone: zone, Err: err, Kind: "error"})
			lastErr = err
			if ctx.Err() != nil {
				return serverReply{}, ctx.Err()
			}
			continue
		}
		return serverReply{m, s}, nil
	}
	return serverReply{}, lastErr
}
