// Package chord implements Chord, the distributed hash table of Stoica et
// al. (SIGCOMM 2001), as real nodes speaking a small protocol over UDP.
// It is the DHT that networking courses teach; package dht implements
// Kademlia, the one BitTorrent runs.
//
// # What Chord solves
//
// A distributed hash table spreads (key, value) pairs evenly over many
// peers so that any peer can find the value of any key with few messages,
// while each peer knows only a few others and peers come and go. Chord
// uses consistent hashing: nodes and keys get m-bit identifiers (SHA-1 cut
// to m bits: [Ring.Hash]) on a circle modulo 2^m, and key k is stored at
// successor(k), the first node whose identifier is k or follows k round
// the circle ([Successor] is the definition). When a node joins, it takes
// over the keys between its predecessor and itself from its successor;
// when it leaves, its successor takes them back; nothing else moves.
//
// # The lesson's ring
//
// With m = 6 (identifiers 0 to 63) and nodes 1, 8, 14, 21, 32, 38, 42,
// 48, 51 and 56 (the ring of the Chord paper), successor(10) = 14,
// successor(24) = 32, successor(54) = 56 and successor(60) = 1, since
// the circle wraps. Node 8's finger table has finger i =
// successor(8 + 2^(i-1)):
//
//	i  start  node
//	1    9     14
//	2   10     14
//	3   12     14
//	4   16     21
//	5   24     32
//	6   40     42
//
// A lookup of 54 from node 8 jumps to the farthest finger that precedes
// 54 (42), which jumps to 51, whose successor 56 is the answer: each hop
// at least halves the remaining distance, so lookups take O(log N) hops.
// The package Example builds exactly this ring on loopback.
//
// # How this package is organized
//
// A [Node] serves one UDP socket. [Node.Create] starts a ring and
// [Node.Join] enters one through any member. [Node.Stabilize] (ask the
// successor for its predecessor, adopt it if it sits between, notify the
// successor), [Node.CheckPredecessor] and [Node.FixFingers] keep the
// pointers right; they run every [Node.StabilizeInterval] or when called.
// [Node.Lookup] finds successor(k) and counts the hops; [Node.Put] and
// [Node.Get] store and fetch values; [Node.Leave] departs gracefully and
// [Node.Close] crashes. A successor list of [Node.Successors] entries lets
// the ring survive failures: a dead successor is replaced by the next one
// on the list. A crashed node's keys are lost (this package does not
// replicate values).
//
// # The protocol
//
// Every message is one bencoded dictionary in one datagram: "t" a
// transaction ID, "y" "q" for a query, "r" for a response or "e" for an
// error (with "e" the text), "q" the method. The methods are ping,
// step (one hop of find_successor: the answer is either "done" with the
// asked node's successor list, or the nodes it knows preceding "key",
// closest first), get_pred (predecessor in "node", successor list in
// "nodes"), notify ("node" might be your predecessor; keys that now
// belong to it are handed over with put before the answer), take (keys
// that now belong to "node"), put and get ("items" of "k" and "v"), and
// leave. A node is "node": {"id": 20 bytes, "addr": "ip:port"}.
//
//	C: d1:q4:step3:key20:<k>1:t4:<t>1:y1:qe
//	S: d4:donei1e5:nodesld2:id20:<id>4:addr15:127.0.0.1:40001ee1:t4:<t>1:y1:re
//
// # Limits
//
// Datagrams are capped at [MaxMessageSize]; a lookup gives up after
// [DefaultMaxHops] hops; a node stores at most [Node.MaxKeys] keys.
//
// # Specifications
//
//   - I. Stoica, R. Morris, D. Karger, M. F. Kaashoek, H. Balakrishnan,
//     "Chord: A Scalable Peer-to-peer Lookup Service for Internet
//     Applications", SIGCOMM 2001.
package chord
