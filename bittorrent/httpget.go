package bittorrent

// The HTTP transport of the HTTP tracker, on this module's http1 client and
// server.

import (
	"context"
	"fmt"
	"io"
	"net/netip"

	"github.com/applayer/applayer/http1"
)

// get performs a GET and returns at most maxBytes of a 200 response.
func (c *HTTPTrackerClient) get(ctx context.Context, u string) ([]byte, error) {
	if c.Get != nil {
		return c.Get(ctx, u, MaxTrackerResponse)
	}
	resp, err := c.HTTP.Get(ctx, u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.Status != http1.StatusOK {
		return nil, fmt.Errorf("bittorrent: tracker answered %d %s", resp.Status, resp.Reason)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxTrackerResponse+1))
	if err != nil {
		return nil, err
	}
	if len(body) > MaxTrackerResponse {
		return nil, fmt.Errorf("%w: body over %d bytes", ErrBadTrackerResponse, MaxTrackerResponse)
	}
	return body, nil
}

// ServeHTTP makes the handler an [http1.Handler], so an [http1.Server] (or
// an http2 one) serves the tracker.
func (h *HTTPTrackerHandler) ServeHTTP(w http1.ResponseWriter, r *http1.Request) {
	if r.Method != http1.MethodGet {
		w.Header().Set("Allow", "GET")
		w.WriteHeader(http1.StatusMethodNotAllowed)
		return
	}
	remote, _ := netip.ParseAddrPort(r.RemoteAddr)
	status, body := h.Respond(r.Path(), r.RawQuery(), remote)
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http1.Status(status))
	_, _ = w.Write(body)
}
