package bittorrent

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/applayer/applayer/http1"
)

// HTTPTrackerClient announces to and scrapes HTTP trackers (BEP 3, BEP 23)
// with the module's [http1.Client]. The zero value is ready and safe for
// concurrent use.
type HTTPTrackerClient struct {
	// HTTP is the HTTP/1.1 client; its zero value keeps connections to
	// the tracker alive between announces.
	HTTP http1.Client
	// Get, if set, replaces HTTP: it performs a GET of url and returns a
	// body of at most maxBytes, or an error for a non-200 status.
	Get func(ctx context.Context, url string, maxBytes int64) ([]byte, error)
}

// Announce sends req to the tracker's announce URL.
func (c *HTTPTrackerClient) Announce(ctx context.Context, announceURL string, req AnnounceRequest) (*AnnounceResponse, error) {
	u, err := AnnounceURL(announceURL, req)
	if err != nil {
		return nil, err
	}
	body, err := c.get(ctx, u)
	if err != nil {
		return nil, err
	}
	return ParseAnnounceResponse(body)
}

// Scrape asks the tracker for the counts of the given torrents.
func (c *HTTPTrackerClient) Scrape(ctx context.Context, announceURL string, hashes ...InfoHash) (map[InfoHash]ScrapeResult, error) {
	u, ok := ScrapeURL(announceURL, hashes...)
	if !ok {
		return nil, errors.New("bittorrent: tracker does not support scrape")
	}
	body, err := c.get(ctx, u)
	if err != nil {
		return nil, err
	}
	return ParseScrapeResponse(body)
}

// HTTPTrackerHandler is the HTTP front end of a [Tracker]: GET
// /announce and GET /scrape (any path ending in those names). Failures are
// sent as 200 with a bencoded "failure reason", as BEP 3 prescribes.
type HTTPTrackerHandler struct {
	Tracker *Tracker
}

// Respond is the transport-independent core of the handler: it takes the
// request path, raw query and client address and returns the status code
// and bencoded body. [HTTPTrackerHandler.ServeHTTP] calls it.
func (h *HTTPTrackerHandler) Respond(path, rawQuery string, remote netip.AddrPort) (int, []byte) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return 200, AppendTrackerFailure(nil, "malformed query")
	}
	switch {
	case strings.HasSuffix(path, "/announce"):
		req, compact, err := ParseAnnounceQuery(q)
		if err != nil {
			return 200, AppendTrackerFailure(nil, strings.TrimPrefix(err.Error(), ErrBadTrackerRequest.Error()+": "))
		}
		resp, err := h.Tracker.Announce(req, remote)
		if err != nil {
			return 200, AppendTrackerFailure(nil, trackerReason(err))
		}
		return 200, AppendAnnounceResponse(nil, resp, compact)
	case strings.HasSuffix(path, "/scrape"):
		var hashes []InfoHash
		for _, s := range q["info_hash"] {
			if len(s) != 20 {
				return 200, AppendTrackerFailure(nil, "invalid info_hash")
			}
			hashes = append(hashes, InfoHash([]byte(s)))
		}
		if len(hashes) == 0 || len(hashes) > MaxScrapeHashes {
			return 200, AppendTrackerFailure(nil, fmt.Sprintf("scrape needs 1 to %d info_hash parameters", MaxScrapeHashes))
		}
		return 200, AppendScrapeResponse(nil, hashes, h.Tracker.Scrape(hashes))
	}
	return 404, AppendTrackerFailure(nil, "not found")
}
