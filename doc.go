// Package applayer is a library of the Internet's application-layer
// protocols, written for real use and to be read as the "application
// layer" chapter of a networking course. This file is the map; each
// package's own documentation tells its protocol's story, with a real
// dialogue and the sections of the RFCs it implements.
//
// Read the packages in the order a course teaches them:
//
// # Application architectures and sockets
//
// [github.com/applayer/applayer/sockets]: how processes talk through the
// socket interface over UDP and TCP; the welcoming socket and the
// connection socket; the uppercase client and server of the socket lesson;
// the serve loop with timeouts, limits and graceful shutdown that every
// server in the module stands on (RFC 768, RFC 9293).
//
// # The Web and HTTP
//
// [github.com/applayer/applayer/http1]: HTTP/1.0 and HTTP/1.1: request and
// response messages, methods and status codes, persistent and non-persistent
// connections, pipelining, cookies, the conditional GET and a web cache
// (RFC 9110, RFC 9111, RFC 9112, RFC 6265).
//
// [github.com/applayer/applayer/http2]: HTTP/2: binary frames, streams
// multiplexed on one connection against head-of-line blocking, HPACK header
// compression, priorities and server push (RFC 9113, RFC 7541, RFC 9218).
//
// # File transfer
//
// [github.com/applayer/applayer/ftp]: FTP: a control connection and a data
// connection per transfer, active and passive modes, a stateful server,
// resumed transfers and FTPS (RFC 959, RFC 2428, RFC 3659, RFC 4217).
//
// # Electronic mail
//
// [github.com/applayer/applayer/smtp]: SMTP and ESMTP: mail transfer
// between servers, submission, the outgoing queue and MX delivery
// (RFC 5321, RFC 6409, RFC 3207, RFC 4954, RFC 3461-3464);
// [github.com/applayer/applayer/smtp/mta] is the mail transfer agent: the
// durable queue, retries, bounces and local delivery.
//
// [github.com/applayer/applayer/mime]: the Internet message format and
// MIME: header fields, addresses, encodings, multipart messages as one tree
// (RFC 5322, RFC 2045-2049, RFC 2231).
//
// [github.com/applayer/applayer/pop3]: POP3: download-and-delete and
// download-and-keep mail access (RFC 1939, RFC 2449, RFC 2595).
//
// [github.com/applayer/applayer/imap]: IMAP: mail kept on the server in
// folders, searched and fetched part by part (RFC 3501, RFC 9051).
//
// # The Domain Name System
//
// [github.com/applayer/applayer/dns]: DNS: a distributed, hierarchical
// database of resource records; message codec, zone files, authoritative
// and recursive servers, the iterative resolver with its cache, and dynamic
// update (RFC 1034, RFC 1035, RFC 2136, RFC 2308, RFC 6891).
//
// # Peer-to-peer file distribution
//
// [github.com/applayer/applayer/bittorrent]: BitTorrent: torrents and
// magnet links, trackers, the peer wire protocol, rarest-first piece
// selection and tit-for-tat choking (BEP 3, 6, 9, 10, 11, 12, 15, 23).
// [github.com/applayer/applayer/bittorrent/bencode] is its data encoding.
//
// [github.com/applayer/applayer/dht]: distributed hash tables: the
// BitTorrent Mainline DHT (Kademlia over KRPC, BEP 5) and, in
// [github.com/applayer/applayer/dht/chord], the lesson's Chord ring.
//
// # Running it
//
// go run ./examples/tour starts real servers on loopback and drives real
// clients through every chapter; the programs under examples/ are one
// server and one client per protocol (echo, httpd and httpget, ftpd and
// ftp, mailserver and sendmail, pop3get, imapc, mimeview, dnsd and dig,
// tracker and torrent, dhtnode), plus applications composed from the
// packages: a mail system serving two domains, a web cache, the DNS
// hierarchy of the lesson, and the client-server versus P2P distribution
// experiment.
package applayer
