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
	{"pop3", "POP3: download and delete, download and keep", runPOP3},
	{"imap", "IMAP: folders, search, fetching only the text part, sessions that see each other's changes", runIMAP},
}
