package bittorrent

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
)

// TrackerTiers is a [PeerSource] over the announce-list tiers of BEP 12:
// tiers are tried in order; within a tier the URLs are tried in order and
// the one that answers moves to the front. The tiers are shuffled by the
// torrent's author, not by us.
type TrackerTiers struct {
	mu    sync.Mutex
	tiers [][]string
	// HTTP is the HTTP tracker client; nil uses a zero HTTPTrackerClient.
	HTTP *HTTPTrackerClient
	// UDP is the UDP tracker client; nil uses a zero UDPTrackerClient.
	UDP *UDPTrackerClient
}

// NewTrackerTiers returns a source for the tiers (copied).
func NewTrackerTiers(tiers [][]string) *TrackerTiers {
	cp := make([][]string, len(tiers))
	for i, t := range tiers {
		cp[i] = append([]string(nil), t...)
	}
	return &TrackerTiers{tiers: cp, HTTP: &HTTPTrackerClient{}, UDP: &UDPTrackerClient{}}
}

// Announce tries the trackers in tier order until one answers.
func (tt *TrackerTiers) Announce(ctx context.Context, req AnnounceRequest) (*AnnounceResponse, error) {
	tt.mu.Lock()
	tiers := make([][]string, len(tt.tiers))
	for i, t := range tt.tiers {
		tiers[i] = append([]string(nil), t...)
	}
	tt.mu.Unlock()
	var errs []error
	for ti, tier := range tiers {
		for ui, u := range tier {
			resp, err := tt.announce(ctx, u, req)
			if err == nil {
				tt.promote(ti, ui)
				return resp, nil
			}
			errs = append(errs, fmt.Errorf("%s: %w", u, err))
			if ctx.Err() != nil {
				return nil, errors.Join(errs...)
			}
		}
	}
	if len(errs) == 0 {
		return nil, errors.New("bittorrent: no trackers")
	}
	return nil, errors.Join(errs...)
}

func (tt *TrackerTiers) promote(ti, ui int) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	if ti < len(tt.tiers) && ui < len(tt.tiers[ti]) && ui > 0 {
		tier := tt.tiers[ti]
		u := tier[ui]
		copy(tier[1:ui+1], tier[:ui])
		tier[0] = u
	}
}

func (tt *TrackerTiers) announce(ctx context.Context, rawURL string, req AnnounceRequest) (*AnnounceResponse, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "http", "https":
		return tt.HTTP.Announce(ctx, rawURL, req)
	case "udp":
		return tt.UDP.Announce(ctx, u.Host, req)
	}
	return nil, fmt.Errorf("bittorrent: unsupported tracker scheme %q", u.Scheme)
}
