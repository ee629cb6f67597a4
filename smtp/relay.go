package smtp

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
)

// Resolver is what a [Relay] needs from DNS: the mail exchangers of a
// domain and the addresses of a host. *net.Resolver implements it, and so
// can an adapter over this module's dns package.
type Resolver interface {
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
	LookupHost(ctx context.Context, host string) ([]string, error)
}

// Relay delivers mail to the mail exchangers of a domain, the way one MTA
// hands mail to the next (RFC 5321 section 5): look up the MX records,
// try the hosts in order of preference, and fall back to the domain's own
// address when it has no MX. The zero value uses the system resolver and
// port 25. A Relay is safe for concurrent use.
type Relay struct {
	// Resolver finds the exchangers; nil means net.DefaultResolver.
	Resolver Resolver
	// Dial opens connections; nil means a net.Dialer. Tests use it to
	// map port 25 of the exchangers to loopback ports.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Port is the SMTP port of the exchangers; "" means "25".
	Port string
	// LocalName is the name given in EHLO; "" means "localhost".
	LocalName string
	// TLSConfig, when set, is used for STARTTLS whenever an exchanger
	// offers it. Its ServerName is set to each exchanger's name.
	TLSConfig *tls.Config
	// Logger receives a line per failed attempt; nil means slog.Default().
	Logger *slog.Logger
}

// ErrNoMailService is the reply for a domain that publishes a null MX
// (RFC 7505 section 3): it accepts no mail at all.
var ErrNoMailService = &Reply{Code: 556, Enhanced: EnhancedCode{5, 1, 10}, Lines: []string{"Recipient address has null MX"}}

// ErrNoSuchDomain is the reply for a domain with neither MX nor address
// records (RFC 5321 section 5.1).
var ErrNoSuchDomain = &Reply{Code: 550, Enhanced: EnhancedCode{5, 1, 2}, Lines: []string{"Bad destination system address"}}

func (r *Relay) resolver() Resolver {
	if r.Resolver == nil {
		return net.DefaultResolver
	}
	return r.Resolver
}

func (r *Relay) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.Default()
	}
	return r.Logger
}

func isNotFound(err error) bool {
	var de *net.DNSError
	if errors.As(err, &de) {
		return de.IsNotFound
	}
	type notFound interface{ NotFound() bool }
	var nf notFound
	return errors.As(err, &nf) && nf.NotFound()
}

// Hosts returns the exchangers of domain in the order to try them: by
// preference, lowest first, with equal preferences shuffled to spread the
// load (RFC 5321 section 5.1). A domain without MX records is its own
// exchanger. A temporary DNS failure is returned as is; a domain that
// does not exist or has a null MX gives a permanent *Reply.
func (r *Relay) Hosts(ctx context.Context, domain string) ([]string, error) {
	mxs, err := r.resolver().LookupMX(ctx, domain)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	if len(mxs) == 0 {
		// Implicit MX: the address records of the domain itself.
		if _, err := r.resolver().LookupHost(ctx, domain); err != nil {
			if isNotFound(err) {
				return nil, ErrNoSuchDomain
			}
			return nil, err
		}
		return []string{domain}, nil
	}
	if len(mxs) == 1 && (mxs[0].Host == "." || mxs[0].Host == "") {
		return nil, ErrNoMailService
	}
	mxs = slices.Clone(mxs)
	rand.Shuffle(len(mxs), func(i, j int) { mxs[i], mxs[j] = mxs[j], mxs[i] })
	slices.SortStableFunc(mxs, func(a, b *net.MX) int { return cmp.Compare(a.Pref, b.Pref) })
	hosts := make([]string, 0, len(mxs))
	for _, mx := range mxs {
		hosts = append(hosts, strings.TrimSuffix(mx.Host, "."))
	}
	return hosts, nil
}

// Deliver sends one message to the recipients, who must all be in domain,
// through the domain's exchangers. It tries each exchanger (and each of its
// addresses) in turn until one gives answers about the recipients; a
// connection failure or a 4yz reply before RCPT moves on to the next.
//
// results holds one entry per recipient as in [Client.Send]. err is set
// when no exchanger could be reached or the transaction failed as a whole;
// use [IsPermanent] to tell a bounce from a retry.
func (r *Relay) Deliver(ctx context.Context, domain string, mail Mail, rcpts []Rcpt, msg io.ReaderAt, size int64) (results []error, err error) {
	hosts, err := r.Hosts(ctx, domain)
	if err != nil {
		return nil, err
	}
	port := r.Port
	if port == "" {
		port = "25"
	}
	var lastErr error
	for _, host := range hosts {
		addrs, err := r.resolver().LookupHost(ctx, host)
		if err != nil {
			lastErr = fmt.Errorf("smtp: looking up exchanger %s: %w", host, err)
			continue
		}
		for _, a := range addrs {
			res, err := r.try(ctx, host, net.JoinHostPort(a, port), mail, rcpts, io.NewSectionReader(msg, 0, size))
			if err == nil || IsPermanent(err) {
				return res, err
			}
			r.logger().Info("smtp: delivery attempt failed", "domain", domain, "host", host, "addr", a, "err", err)
			lastErr = err
			if ctx.Err() != nil {
				return nil, lastErr
			}
		}
	}
	if lastErr == nil {
		lastErr = ErrNoSuchDomain
	}
	return nil, lastErr
}

// try runs one session with one exchanger address.
func (r *Relay) try(ctx context.Context, host, addr string, mail Mail, rcpts []Rcpt, msg io.Reader) ([]error, error) {
	dial := r.Dial
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	conn, err := dial(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	c, err := NewClient(ctx, conn, host)
	if err != nil {
		conn.Close()
		return nil, temporaryBefore(err)
	}
	defer c.Close()
	c.LocalName = r.LocalName
	if err := c.Hello(ctx); err != nil {
		return nil, temporaryBefore(err)
	}
	if ok, _ := c.Extension(ExtStartTLS); ok && r.TLSConfig != nil {
		cfg := r.TLSConfig.Clone()
		cfg.ServerName = host
		if err := c.StartTLS(ctx, cfg); err != nil {
			return nil, temporaryBefore(err)
		}
	}
	res, err := c.Send(ctx, mail, rcpts, msg)
	var rep *Reply
	if err != nil && !errors.As(err, &rep) {
		return nil, err // I/O error: try the next address
	}
	c.Quit(ctx)
	return res, err
}

// temporaryBefore makes a permanent reply from the greeting or EHLO stage
// count as this host's problem, so the next exchanger is tried (RFC 5321
// section 5.1 asks to try the alternatives).
func temporaryBefore(err error) error {
	var rep *Reply
	if errors.As(err, &rep) && !rep.Temporary() {
		return fmt.Errorf("smtp: exchanger refused the session: %s", rep.Error())
	}
	return err
}

// IsPermanent reports whether err is a permanent failure (a 5yz reply),
// after which the message must be bounced rather than retried.
func IsPermanent(err error) bool {
	var rep *Reply
	return errors.As(err, &rep) && rep.Code >= 500
}
