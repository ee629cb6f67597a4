package bittorrent

// The HTTP transport of the HTTP tracker. This file is the seam between
// the tracker code and an HTTP implementation; it uses net/http until the
// module's http1 client and server are available.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
)

// httpGet performs a GET and returns at most maxBytes of a 200 response.
func httpGet(ctx context.Context, u string, maxBytes int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("bittorrent: tracker answered %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > maxBytes {
		return nil, fmt.Errorf("%w: body over %d bytes", ErrBadTrackerResponse, maxBytes)
	}
	return body, nil
}

// ServeHTTP makes the handler an http.Handler.
func (h *HTTPTrackerHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	remote, _ := netip.ParseAddrPort(r.RemoteAddr)
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	status, body := h.Respond(r.URL.Path, r.URL.RawQuery, remote)
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
