package bittorrent

import (
	"net/netip"
)

// EventType says what an [Event] reports.
type EventType int

// The swarm events.
const (
	// EventPeerConnected: a handshake completed (Peer).
	EventPeerConnected EventType = iota + 1
	// EventPeerClosed: a connection ended (Peer, Err).
	EventPeerClosed
	// EventPieceVerified: a piece passed its SHA-1 and was stored (Piece,
	// Sources: the peers that sent its blocks).
	EventPieceVerified
	// EventPieceFailed: a piece failed its SHA-1 and was thrown away.
	EventPieceFailed
	// EventPeerBanned: a peer sent bad data or broke the protocol (Peer, Err).
	EventPeerBanned
	// EventChokeRound: the choker decided (Round).
	EventChokeRound
	// EventMetadata: the info dictionary arrived from peers (BEP 9).
	EventMetadata
	// EventComplete: every piece is verified; the torrent now seeds.
	EventComplete
	// EventAnnounce: a peer source answered (Peers found, or Err).
	EventAnnounce
	// EventDHTNode: a peer sent PORT (BEP 5); Peer.Addr is its DHT node.
	EventDHTNode
)

var eventNames = [...]string{"", "peer connected", "peer closed", "piece verified", "piece failed",
	"peer banned", "choke round", "metadata", "complete", "announce", "dht node"}

// String returns the event's name.
func (t EventType) String() string {
	if int(t) < len(eventNames) {
		return eventNames[t]
	}
	return "unknown event"
}

// PeerInfo identifies a connected peer.
type PeerInfo struct {
	// Addr is the peer's address: the one we dialled, or its source address
	// with the listening port from its extension handshake when known.
	Addr netip.AddrPort
	ID   PeerID
}

// An Event is one thing that happened in a torrent. Events are delivered
// in order to [Client.OnEvent] from one goroutine of the client, a little
// after they happen.
type Event struct {
	Type     EventType
	InfoHash InfoHash
	Peer     PeerInfo
	Piece    int
	Sources  []PeerInfo
	Round    *ChokeRound
	Peers    int
	Err      error
}

// ChokeRound reports one choking decision (the lesson's tit-for-tat).
type ChokeRound struct {
	Round   int
	Seeding bool
	// Top are the peers unchoked for their rank, best first: the fastest
	// to us while downloading; while seeding, the fastest from us
	// ([SeedFastest]) or those holding the fewest pieces
	// ([SeedFewestPieces]). Each comes with its rate over the last round in
	// bytes per second, to us while downloading and from us while seeding.
	Top []PeerRate
	// Optimistic is the optimistically unchoked peer, if any.
	Optimistic *PeerRate
	// NewOptimistic is set in the rounds that chose a new optimistic peer.
	NewOptimistic bool
}

// PeerRate is a peer and its transfer rate in bytes per second.
type PeerRate struct {
	PeerInfo
	Rate int64
}

// Stats is a snapshot of a torrent's progress.
type Stats struct {
	// Pieces and PiecesDone count pieces; both are 0 until the metadata is
	// known.
	Pieces, PiecesDone int
	// Length and LengthDone count bytes of verified pieces.
	Length, LengthDone int64
	// Downloaded and Uploaded count payload bytes over the wire.
	Downloaded, Uploaded int64
	Peers                int
	Complete             bool
	// FromPeers counts verified pieces by the peer that sent most of them,
	// keyed by peer ID.
	FromPeers map[PeerID]int
}
