package smtp

import (
	"context"
	"errors"
	"net"

	"github.com/applayer/applayer/dns"
)

// DNSResolver is a [Resolver] over this module's dns package: a Relay can
// look up MX records with a *dns.Resolver (stub mode towards a DNS server
// of your own, or iterative from the roots). "No such name" (NXDOMAIN) and
// "no records of that type" become a *net.DNSError with IsNotFound set, so
// the Relay can tell a domain without MX (use its address records) from a
// failing DNS.
type DNSResolver struct {
	R *dns.Resolver
}

var _ Resolver = DNSResolver{}

// LookupMX returns the mail exchangers of name.
func (d DNSResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	mxs, err := d.R.LookupMX(ctx, name)
	if err != nil {
		return nil, notFound(name, err)
	}
	out := make([]*net.MX, len(mxs))
	for i, mx := range mxs {
		out[i] = &net.MX{Host: mx.Host.String(), Pref: mx.Pref}
	}
	return out, nil
}

// LookupHost returns the addresses of host.
func (d DNSResolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	addrs, err := d.R.LookupHost(ctx, host)
	if err != nil {
		return nil, notFound(host, err)
	}
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = a.String()
	}
	return out, nil
}

func notFound(name string, err error) error {
	var re *dns.RcodeError
	if errors.Is(err, dns.ErrNoAnswer) || errors.As(err, &re) && re.Rcode == dns.RcodeNameError {
		return &net.DNSError{Err: err.Error(), Name: name, IsNotFound: true}
	}
	return err
}
