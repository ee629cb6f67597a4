package bittorrent

import (
	"context"
	"errors"
	"net/netip"
	"time"
)

// AnnounceEvent is the event an announce reports (BEP 3); the values are
// the ones BEP 15 puts on the wire.
type AnnounceEvent int32

// The announce events.
const (
	EventNone      AnnounceEvent = 0
	EventCompleted AnnounceEvent = 1
	EventStarted   AnnounceEvent = 2
	EventStopped   AnnounceEvent = 3
)

// String returns the event as the HTTP event parameter spells it ("" for none).
func (e AnnounceEvent) String() string {
	switch e {
	case EventCompleted:
		return "completed"
	case EventStarted:
		return "started"
	case EventStopped:
		return "stopped"
	}
	return ""
}

// parseAnnounceEvent maps the HTTP event parameter to its value.
func parseAnnounceEvent(s string) (AnnounceEvent, bool) {
	switch s {
	case "":
		return EventNone, true
	case "completed":
		return EventCompleted, true
	case "started":
		return EventStarted, true
	case "stopped":
		return EventStopped, true
	}
	return EventNone, false
}

// An AnnounceRequest tells a tracker (or any [PeerSource]) about us.
type AnnounceRequest struct {
	InfoHash InfoHash
	PeerID   PeerID
	// IP optionally names our address; trackers normally use the source
	// address of the request.
	IP   netip.Addr
	Port uint16
	// Uploaded, Downloaded and Left are byte counts since the started event.
	Uploaded, Downloaded, Left int64
	Event                      AnnounceEvent
	// NumWant is how many peers we would like; 0 lets the tracker choose.
	NumWant int
	// Key identifies us across IP changes (BEP 7, BEP 15).
	Key uint32
}

// An AnnounceResponse is a tracker's answer.
type AnnounceResponse struct {
	// Interval is how long to wait before the next regular announce.
	Interval    time.Duration
	MinInterval time.Duration
	// Seeders and Leechers count the swarm (complete and incomplete).
	Seeders, Leechers int
	Peers             []netip.AddrPort
	// Warning is a tracker's "warning message".
	Warning string
}

// A PeerSource finds peers for a torrent: a tracker, a tier of trackers,
// or the DHT. The swarm client calls Announce with EventStarted first,
// then periodically (at the returned Interval) with EventNone, with
// EventCompleted when the download finishes and with EventStopped when the
// torrent is closed.
type PeerSource interface {
	Announce(ctx context.Context, req AnnounceRequest) (*AnnounceResponse, error)
}

// PeerSourceFunc adapts a function to [PeerSource].
type PeerSourceFunc func(ctx context.Context, req AnnounceRequest) (*AnnounceResponse, error)

// Announce calls f.
func (f PeerSourceFunc) Announce(ctx context.Context, req AnnounceRequest) (*AnnounceResponse, error) {
	return f(ctx, req)
}

// A TrackerError is a tracker's "failure reason" (HTTP) or error action
// (UDP): the tracker understood and refused the request.
type TrackerError struct {
	Reason string
}

// Error returns the tracker's reason.
func (e *TrackerError) Error() string { return "bittorrent: tracker failure: " + e.Reason }

// ErrBadTrackerResponse wraps every malformed tracker response.
var ErrBadTrackerResponse = errors.New("bittorrent: malformed tracker response")

// ScrapeResult is a tracker's count for one torrent.
type ScrapeResult struct {
	Complete   int `bencode:"complete"`
	Downloaded int `bencode:"downloaded"`
	Incomplete int `bencode:"incomplete"`
}
