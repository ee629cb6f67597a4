// Package bittorrent implements BitTorrent: .torrent metainfo and magnet
// links, HTTP and UDP trackers (client and server), the peer wire protocol
// with its Fast, extension, metadata and peer-exchange extensions, and a
// swarm [Client] that downloads and seeds with rarest-first piece picking
// and tit-for-tat choking.
//
// # What BitTorrent solves
//
// A server that sends a file to N clients must upload N copies: its upload
// capacity bounds the distribution time, which grows linearly with N
// (D_cs >= max{N·F/u_s, F/d_min}). In BitTorrent every downloader also
// uploads, so each new peer brings capacity with it and the time grows far
// more slowly (D_p2p >= max{F/u_s, F/d_min, N·F/(u_s + Σu_i)}). The file is
// cut into pieces; a peer that has a piece can share it at once.
//
// The parts, as the lesson names them:
//
//   - The .torrent file ([MetaInfo]) holds the file's name and length, the
//     piece length, the SHA-1 of every piece and the tracker's URL. The SHA-1
//     of its bencoded info dictionary, the info-hash, names the torrent
//     everywhere. A [Magnet] link carries only the info-hash; the info
//     dictionary then comes from peers (BEP 9).
//   - The tracker ([Tracker], [HTTPTrackerHandler], [UDPTrackerServer]) keeps
//     the list of peers of each torrent. A peer announces itself and gets
//     other peers back ([HTTPTrackerClient], [UDPTrackerClient]).
//   - The swarm: peers connect to a subset of the others, tell each other
//     which pieces they hold (BITFIELD, HAVE), and request 16 KiB blocks of
//     the pieces they lack.
//
// # A sample dialogue
//
// After a TCP connection, each side sends the 68-byte handshake; then
// length-prefixed messages flow. A leecher asking a seeder for the first
// block of piece 0 (bytes on the left, meaning on the right):
//
//	C: 13 "BitTorrent protocol" 0000000000100004 <info-hash> <peer-id>
//	S: 13 "BitTorrent protocol" 0000000000100004 <info-hash> <peer-id>
//	S: 00000001 0e                                    have all (BEP 6)
//	C: 00000001 02                                    interested
//	S: 00000001 01                                    unchoke
//	C: 0000000d 06 00000000 00000000 00004000         request piece 0, offset 0, 16384 bytes
//	S: 00004009 07 00000000 00000000 <16384 bytes>    piece 0, offset 0
//	C: 00000005 04 00000000                           have 0 (after its SHA-1 checked out)
//
// The reserved bytes 0000000000100004 advertise the extension protocol
// (0x10 in byte 5, BEP 10) and the Fast extension (0x04 in byte 7, BEP 6).
//
// # Piece selection and choking
//
// The [Client] picks a random first piece (a new peer needs something to
// trade quickly), then the rarest piece among its neighbours, finishing
// started pieces first; when every missing block has been requested and
// only a few remain it enters endgame mode and asks a few more peers for
// the same blocks, cancelling the duplicates as they arrive. A copy is
// asked only of a peer at least twice as fast as those already asked: a
// slower one would spend its upload on a block that arrives first
// elsewhere. Each peer is asked for about half a second's worth of blocks
// at the rate it sends them, so the last blocks do not wait in a slow
// peer's queue. Every piece is SHA-1 verified before it is written and
// announced with HAVE; a peer that sends a bad piece is banned and the
// data thrown away.
//
// Uploads follow tit-for-tat: every [Client.ChokeInterval] (10 s) the four
// interested peers that upload to us fastest are unchoked ([Client.UnchokeSlots]),
// or, once we are seeding, the four we upload to fastest (or, with
// [Client.SeedChoking] set to [SeedFewestPieces], the four holding the
// fewest pieces); every [Client.OptimisticInterval] (30 s) one more choked
// peer is unchoked at random, so newcomers get a chance to prove
// themselves. [EventChokeRound] reports each decision. A peer with the
// Fast extension (BEP 6) may also fetch a few "allowed fast" pieces while
// choked; as that set depends only on the peer's /24 network, one peer
// per network gets it at a time, lest every peer behind one address ask
// the seeder for the same pieces.
//
// # How this package is organized
//
// The codecs do no I/O: [ParseMessage]/[AppendMessage] and
// [ParseHandshake]/[AppendHandshake] for the wire protocol,
// [ParseExtHandshake], [ParseMetadataMsg] and [ParsePEXMsg] for the
// extensions, [ParseUDPRequest]/[ParseUDPResponse] for BEP 15 and
// [ParseAnnounceResponse]/[AppendAnnounceResponse] for HTTP trackers. A
// [MessageReader] frames messages from a stream, enforcing the length
// limit. The [Client] runs [Torrent]s, each with its own peers, picker,
// choker and [Storage]; [PeerSource] is the interface through which
// trackers (and the DHT) supply peers.
//
// # The data path
//
// Hashing every piece (SHA-1) is the largest cost of a fast download, and
// moving bytes comes next, so each byte is copied as few times as the
// protocol allows. A leecher reads a
// fast peer's block straight from the socket into its place in the piece
// buffer (the reader takes only a message header at a time while blocks
// stream in), hashes the complete piece and writes it to storage once. A
// slow peer's block, and every block in endgame, is read aside and copied
// into place, so that the first complete copy of a block wins rather than
// the first to start arriving. A seeder with [FileStorage] on Linux sends
// a batch of blocks through a pipe: each header is written into it, each
// block spliced into it from its file (splice(2) passes page-cache pages
// by reference, without copying them through the program), and the batch
// spliced on to the socket at once. Other storage, or a block that spans
// two files, is read and written. [FileStorage] reserves a file's disk
// space when it first opens it, so the page-cache writes of a download do
// not allocate blocks one at a time, and it sends one write at a time to
// each file.
//
// # Limits
//
// Peer messages are capped at [DefaultMaxMessageLength] ([Client.MaxMessageLength]),
// block requests at [MaxRequestLength], queued requests per peer at
// [Client.MaxPeerRequests], connections at [Client.MaxPeers] per torrent and
// [Client.MaxConns] incoming. Metainfo is capped at [MaxMetaInfoSize],
// tracker responses at [MaxTrackerResponse], UDP tracker packets at
// [MaxUDPPacket]. A [Tracker] bounds numwant, torrents and peers per
// torrent and forgets peers after PeerTTL. Bandwidth is limited by token
// buckets per session ([Client.UploadRate], [Client.DownloadRate]) and per
// connection ([Client.PeerUploadRate], [Client.PeerDownloadRate]).
//
// # Security
//
// Paths in a torrent are checked ([Info.Validate]: no "..", no separators)
// and [FileStorage] opens files through an [os.Root], so a torrent cannot
// write outside its directory. Peers are untrusted: every piece is
// verified, malformed or oversized messages end the connection and ban the
// peer, and a request for a piece we do not have is refused. Metadata from
// a magnet link is accepted only if its SHA-1 equals the info-hash. The
// UDP tracker's connection IDs are keyed hashes of the client address, so
// the server keeps no state per client and spoofed announces are refused.
// Nothing in BitTorrent is encrypted: peers and trackers see what you
// share.
//
// # Specifications
//
//   - [BEP 3]: The BitTorrent Protocol Specification
//   - [BEP 6]: Fast Extension
//   - [BEP 7]: IPv6 Tracker Extension
//   - [BEP 9]: Extension for Peers to Send Metadata Files (magnet links)
//   - [BEP 10]: Extension Protocol
//   - [BEP 11]: Peer Exchange (PEX)
//   - [BEP 12]: Multitracker Metadata Extension
//   - [BEP 15]: UDP Tracker Protocol
//   - [BEP 19]: WebSeed - HTTP/FTP Seeding (url-list; read and kept only)
//   - [BEP 20]: Peer ID Conventions
//   - [BEP 23]: Tracker Returns Compact Peer Lists
//
// [BEP 3]: https://www.bittorrent.org/beps/bep_0003.html
// [BEP 6]: https://www.bittorrent.org/beps/bep_0006.html
// [BEP 7]: https://www.bittorrent.org/beps/bep_0007.html
// [BEP 9]: https://www.bittorrent.org/beps/bep_0009.html
// [BEP 10]: https://www.bittorrent.org/beps/bep_0010.html
// [BEP 11]: https://www.bittorrent.org/beps/bep_0011.html
// [BEP 12]: https://www.bittorrent.org/beps/bep_0012.html
// [BEP 15]: https://www.bittorrent.org/beps/bep_0015.html
// [BEP 19]: https://www.bittorrent.org/beps/bep_0019.html
// [BEP 20]: https://www.bittorrent.org/beps/bep_0020.html
// [BEP 23]: https://www.bittorrent.org/beps/bep_0023.html
package bittorrent
