// Package experiment measures the lesson's distribution time: how long it
// takes to send a file of F bytes from one server to N peers, first with a
// client-server design (an http1 server whose total upload is us) and then
// with a peer-to-peer one (a BitTorrent swarm: our tracker, one seeder that
// uploads at us and N leechers that each upload at u).
//
// The lesson proves two lower bounds. A server alone must upload N copies,
// and the slowest client must download one:
//
//	D_cs  >= max{ N·F/us , F/dmin }
//
// In P2P the server must upload at least one copy, every peer must download
// one, and the whole system uploads N copies at its total rate:
//
//	D_p2p >= max{ F/us , F/dmin , N·F/(us + Σ ui) }
//
// Client-server grows linearly in N; P2P stays below F/u however large the
// swarm grows, because every new peer brings upload capacity with it.
//
// The P2P bound is reached only by a perfect schedule: the server sends
// every piece out once, early, each peer relays what it gets at once, and
// no uploader is ever idle or sends a block twice. A real swarm comes
// close when its seeder spreads fresh pieces across the swarm (here it
// unchokes the peers holding the fewest pieces, [Swarm.SeedFastest]) and
// its leechers trade with each other as soon as they have a piece; what
// is left over the bound is the swarm's start (peers must find and
// connect to each other), the blocks still on the wire when an endgame
// duplicate wins, and the last blocks, which come from one peer at that
// peer's share of its uplink.
//
// The transfers are real, on loopback, with rates scaled down so that F/u
// is a few seconds. Every upload (and, when set, download) goes through a
// token bucket ([Bucket]) wrapped around the connections, so both designs
// are limited by the same mechanism. [Params] holds the rates, [Run] runs
// both designs for each N, [WriteTable] prints the comparison and
// [WriteSVG] plots it.
package experiment
