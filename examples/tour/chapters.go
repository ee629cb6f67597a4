package main

import (
	"context"
	"io"
)

// chapter is one lesson of the tour.
type chapter struct {
	name  string // what -chapter takes
	title string // the heading printed before it
	// run starts the servers, drives the clients and prints to w. With
	// short set it does less (the tour test uses it).
	run func(ctx context.Context, w io.Writer, short bool) error
}

// chapters lists the tour in the order a networking course teaches it.
var chapters = []chapter{
	{"echo", "sockets: the uppercase server over UDP and over TCP", runEcho},
	{"http1", "HTTP/1.1: non-persistent, persistent and pipelined connections", runHTTP1},
	{"cache", "HTTP/1.1: a web cache and the conditional GET", runCache},
	{"http2", "HTTP/2: frames interleaved against head-of-line blocking; server push", runHTTP2},
	{"ftp", "FTP: a control connection, a data connection per transfer, PORT and PASV", runFTP},
	{"smtp", "SMTP: Alice's mail to Bob, through crepes.fr's queue and hamburger.edu's MX", runSMTP},
	{"mime", "mail messages: header, body, MIME parts and transfer encodings", runMime},
	{"pop3", "POP3: download and delete, download and keep", runPOP3},
	{"imap", "IMAP: folders, search, fetching only the text part, sessions that see each other's changes", runIMAP},
	{"dns", "DNS: root, TLD and authoritative servers; iterated and recursive queries; caching; dynamic update", runDNS},
	{"bittorrent", "BitTorrent: a tracker, a seeder and eight leechers trading pieces tit-for-tat", runBittorrent},
	{"dht", "DHT: the Chord ring of the lesson, then a few hundred Kademlia nodes finding a torrent", runDHT},
	{"p2pdist", "distribution time: one server to N peers, client-server versus P2P, measured against the bounds", runP2pdist},
}
