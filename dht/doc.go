// Package dht implements the BitTorrent Mainline DHT: Kademlia over the
// KRPC protocol (BEP 5), with IPv6 (BEP 32), node-ID checks (BEP 42),
// read-only nodes (BEP 43) and storage of arbitrary items (BEP 44). A
// [Node] answers other nodes' queries and runs lookups of its own; the
// bittorrent package's DHTSource uses one to find peers for trackerless
// torrents and magnet links. Package chord implements the Chord ring that
// courses teach.
//
// # What a DHT solves
//
// A tracker is a single server that knows every peer of a torrent. A
// distributed hash table spreads that knowledge over the peers
// themselves: the (key, value) pairs, here (info-hash, peer addresses),
// are spread evenly over millions of nodes; any node can look up any key
// with a few messages; each node knows only a few others; and nodes come
// and go all the time. Kademlia gives every node a random 160-bit ID and
// measures closeness by XOR: the value for key k lives on the K = 8
// nodes whose IDs are closest to k. Each node keeps a routing table of
// k-buckets, many contacts near its own ID and a few far away, so that
// every query it sends at least halves the distance to any target: a
// lookup needs O(log n) rounds.
//
// # A sample dialogue
//
// KRPC messages are bencoded dictionaries, one per UDP datagram. A node
// looking for peers of an info-hash asks the closest nodes it knows
// (BEP 5's own example; "t" is the transaction ID, "y" the kind):
//
//	C: d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e
//	   1:q9:get_peers1:t2:aa1:y1:qe
//	S: d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth
//	   6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re
//
// The answer carries two compact peers (6 bytes each: IPv4 address and
// port, so "axje.u" is 97.120.106.101:11893), or else "nodes": the K
// closest nodes it knows, 26 bytes each (ID, address, port), which the
// asker queries next. The token lets the asker come back and announce
// itself:
//
//	C: d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:
//	   mnopqrstuvwxyz1234564:porti6881e5:token8:aoeusnthe1:q13:announce_peer
//	   1:t2:aa1:y1:qe
//	S: d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re
//
// Errors are lists of a code and a message: 201 generic, 202 server, 203
// protocol (malformed query, bad token), 204 method unknown.
//
// # How this package is organized
//
// The codec ([ParseMsg], [AppendMsg], [Msg], [Args], the compact forms
// [AppendCompactNodes] and [ParseCompactPeer]) does no I/O. It is written
// by hand for speed (AppendMsg does not allocate); the tests hold it to a
// reference written over the bencode package's reflection, byte for byte. [ID] holds
// the XOR metric. A [Node] serves a UDP socket through
// sockets.PacketServer and keeps the routing table (buckets of [Node.K]
// contacts that split around our own ID; contacts silent for
// [Node.Questionable] are pinged before a newcomer takes their place,
// and buckets idle for [Node.RefreshInterval] are refreshed), a peer
// store with expiry, BEP 44 items, and write tokens from a rotating
// secret. [Node.Bootstrap] joins through given nodes; [Node.FindNode],
// [Node.GetPeers], [Node.Announce], [Node.Put] and [Node.Get] are
// iterative lookups with [Node.Alpha] queries in flight, and each returns
// its path ([LookupResult.Path]): the XOR distance shrinks at every hop.
// [Node.StateFile] keeps the ID and routing table across restarts.
//
// # Limits
//
// Datagrams over [MaxMessageSize] are dropped; transaction IDs are capped
// at [MaxTransactionIDLen], "values" at [MaxValues], BEP 44 values at
// [MaxItemSize] and salts at [MaxSaltSize]. A node answers at most
// [Node.RateLimit] queries per second from one source address (after a
// burst of [Node.RateBurst]), tracks at most [Node.MaxRateSources]
// sources, stores at most [Node.MaxPeersPerHash] peers for each of
// [Node.MaxInfoHashes] info-hashes and [Node.MaxItems] items, and keeps at
// most [Node.MaxPending] queries of its own waiting.
//
// # Security
//
// Write tokens bind an announce to the address that asked get_peers, so
// nobody can announce someone else's address. BEP 42 ties node IDs to IP
// addresses ([ValidID], [SecureID]) so that an attacker cannot place
// nodes next to a chosen key; contacts that fail the check are answered
// but kept out of the routing table (loopback and private addresses are
// exempt). A node never contacts public bootstrap routers unless they are
// among its [Node.BootstrapNodes].
//
// # Specifications
//
//   - [BEP 5]: DHT Protocol
//   - [BEP 32]: IPv6 extension for DHT
//   - [BEP 42]: DHT Security extension
//   - [BEP 43]: Read-only DHT Nodes
//   - [BEP 44]: Storing arbitrary data in the DHT
//   - P. Maymounkov, D. Mazières, "Kademlia: A Peer-to-peer Information
//     System Based on the XOR Metric", IPTPS 2002.
//
// [BEP 5]: https://www.bittorrent.org/beps/bep_0005.html
// [BEP 32]: https://www.bittorrent.org/beps/bep_0032.html
// [BEP 42]: https://www.bittorrent.org/beps/bep_0042.html
// [BEP 43]: https://www.bittorrent.org/beps/bep_0043.html
// [BEP 44]: https://www.bittorrent.org/beps/bep_0044.html
package dht
