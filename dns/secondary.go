package dns

import (
	"context"
	"log/slog"
	"time"
)

// Secondary keeps a copy of a zone from its primary server up to date, as a
// secondary (slave) name server does (RFC 1034 section 4.3.5): it transfers
// the zone, then every SOA refresh interval asks the primary for its SOA and
// transfers again when the serial has grown (RFC 1982 arithmetic), retrying
// after the SOA retry interval when the primary does not answer. Both servers
// are authoritative for the zone.
type Secondary struct {
	Origin  Name
	Primary string  // the primary's address, "host:port"
	Client  *Client // nil means a zero Client
	Logger  *slog.Logger

	zone *Zone
}

func (s *Secondary) client() *Client {
	if s.Client != nil {
		return s.Client
	}
	return &Client{}
}

func (s *Secondary) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Load makes the first transfer and returns the zone to serve.
func (s *Secondary) Load(ctx context.Context) (*Zone, error) {
	rrs, err := s.client().Transfer(ctx, s.Origin, s.Primary)
	if err != nil {
		return nil, err
	}
	z, err := NewZone(s.Origin, rrs)
	if err != nil {
		return nil, err
	}
	s.zone = z
	return z, nil
}

// Refresh checks the primary's serial once and transfers the zone if it is
// newer. It reports whether the zone changed.
func (s *Secondary) Refresh(ctx context.Context) (bool, error) {
	m, err := s.client().Exchange(ctx, new(Msg).SetQuestion(s.Origin, TypeSOA), s.Primary)
	if err != nil {
		return false, err
	}
	if m.Rcode != RcodeSuccess {
		return false, &RcodeError{Name: s.Origin, Rcode: m.Rcode}
	}
	var serial uint32
	found := false
	for _, rr := range m.Answer {
		if soa, ok := rr.Data.(*SOA); ok {
			serial, found = soa.Serial, true
		}
	}
	if !found {
		return false, ErrNoAnswer
	}
	if int32(serial-s.zone.Serial()) <= 0 {
		return false, nil
	}
	rrs, err := s.client().Transfer(ctx, s.Origin, s.Primary)
	if err != nil {
		return false, err
	}
	return true, s.zone.Replace(rrs)
}

// Run refreshes the zone on the SOA's timers until ctx ends. Load must have succeeded.
func (s *Secondary) Run(ctx context.Context) {
	for {
		soa := s.zone.Records()[0].Data.(*SOA)
		wait := time.Duration(max(soa.Refresh, 1)) * time.Second
		changed, err := s.Refresh(ctx)
		switch {
		case err != nil:
			s.logger().Warn("dns: secondary refresh failed", "zone", s.Origin.String(), "primary", s.Primary, "err", err)
			wait = time.Duration(max(soa.Retry, 1)) * time.Second
		case changed:
			s.logger().Info("dns: secondary transferred zone", "zone", s.Origin.String(), "serial", s.zone.Serial())
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}
