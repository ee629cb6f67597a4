// Package ftp implements the File Transfer Protocol: a [Client] that logs
// in, lists, downloads and uploads, and a [Server] that serves a file system
// (any io/fs.FS, writable through [WriteFS]) to named and anonymous users.
//
// # What FTP solves
//
// FTP moves files between a user's host and a remote host. Its design has
// two ideas that HTTP later dropped. First, it keeps two kinds of TCP
// connection: one control connection (server port 21) that lives for the
// whole session and carries commands and replies as lines of text, and a new
// data connection for every file or listing, closed at the end of it. The
// control channel is "out of band": commands never mix with file bytes.
// Second, the server keeps state for the session: who logged in, the current
// directory, the transfer type, a restart offset.
//
// The data connection is opened in one of two directions. In active mode the
// client listens on a port and names it with PORT h1,h2,h3,h4,p1,p2 (port =
// p1*256+p2); the server connects to it (classically from port 20). In
// passive mode the client sends PASV, the server listens and says where, and
// the client connects, which works when a firewall or NAT in front of the
// client blocks incoming connections. EPRT and EPSV (RFC 2428) do the same
// for IPv6.
//
// # A sample dialogue
//
// The anonymous session of the lesson, against this package's server:
//
//	S: 220 applayer FTP server ready.
//	C: USER anonymous
//	S: 331 Guest login ok, send your e-mail address as password.
//	C: PASS guest@example.com
//	S: 230 Guest login ok, access restrictions apply.
//	C: CWD pub
//	S: 250 CWD command successful.
//	C: PORT 127,0,0,1,5,121
//	S: 200 PORT command successful.
//	C: RETR rfc1261.txt
//	S: 150 ASCII data connection for rfc1261.txt (127.0.0.1,1401) (4318 bytes).
//	S: 226 ASCII Transfer complete.
//	C: QUIT
//	S: 221 Goodbye.
//
// Between 150 and 226 the file crossed the data connection: 4488 octets for
// a 4318-octet file of 170 lines, because TYPE A (ASCII, the default) sends
// every line end as CRLF. TYPE I (binary) sends the octets unchanged.
//
// Replies are a three-digit code and text. The first digit says how it went
// (1 preliminary, 2 done, 3 more needed, 4 try again, 5 failed). A reply may
// span lines: "211-Features:" starts it and "211 End" ends it.
//
// # How this package is organized
//
// The codec does no I/O: [ParseCommand] and [AppendCommand]; [ReplyParser],
// [ParseReply] and [AppendReply]; the address forms [ParsePORT],
// [ParsePASVReply], [ParseEPRT], [ParseEPSVReply] and their Append
// functions; listings in the Unix "ls -l" and DOS styles ([AppendListLine],
// [ParseListLine]) and as RFC 3659 facts ([AppendFacts], [ParseFacts]);
// the TYPE A line-end conversion ([NewASCIIEncoder], [NewASCIIDecoder]).
// Commands ([Verb]) and reply codes ([Code]) are typed constants.
//
// [Client] speaks the protocol over a connection from [Dial]: login,
// directories, [Client.List] and [Client.MLSD], streaming [Client.Retr] and
// [Client.Stor], resume with [Client.RetrFrom] and [Client.StorFrom],
// active or passive [DataMode], TYPE A or I, explicit FTPS with
// [Client.AuthTLS], and [Client.MGet]/[Client.MPut] with a [Progress]
// callback. Cancelling a transfer's context sends ABOR.
//
// [Server] serves [Server.FS] to the users of [Server.Users] and, when
// [Server.Anonymous] is set, to anonymous users read-only. [DirFS] serves an
// operating-system directory confined to its root. The server runs on the
// sockets package, so its lifecycle (Serve, Shutdown, Close, connection
// limits, panic guard) is that of every server in this module.
//
// # Limits
//
// Command lines are capped at [DefaultMaxLineLength] octets
// ([Server.MaxLineLength]); a multi-line reply at [DefaultMaxReplyLines]
// lines ([ReplyParser.MaxLines]); a listing at [DefaultMaxListEntries]
// entries ([Client.MaxListEntries]); verbs at [MaxVerbLength] letters.
// [Server.IdleTimeout] closes quiet control connections with 421 (a transfer
// in progress is not quiet), [Server.DataTimeout] bounds waiting for and
// using a data connection, [Server.MaxConns] caps connections and
// [Server.MaxLoginAttempts] failed logins.
//
// # Security
//
// USER and PASS travel in clear text unless the client first sends AUTH TLS
// (RFC 4217); set [Server.TLSConfig], and [Server.RequireTLS] to insist on
// it for logins (530) and data (PROT P, else 521). The server refuses PORT
// and EPRT naming any host but the client's own and privileged ports, so it
// cannot be used to "bounce" connections to third hosts (RFC 2577), and a
// passive port accepts only the client's address. Client paths are cleaned
// against a virtual root, and [DirFS] uses os.Root so that "..", absolute
// paths and symbolic links cannot reach outside the served directory.
// Uploads are atomic: STOR writes a hidden temporary file renamed into place
// only when the transfer completes, so a failed or aborted STOR leaves
// nothing. APPE and REST+STOR write in place, by design (that is how a
// transfer resumes). Anonymous users cannot write. In stream mode the end of
// a file is the close of the data connection, so a client that dies with a
// clean TCP close looks like a complete upload: that is FTP's design.
//
// # Specifications
//
//   - [RFC 959]: File Transfer Protocol
//   - [RFC 1123] section 4.1: requirements for FTP implementations
//   - [RFC 2389]: feature negotiation (FEAT, OPTS)
//   - [RFC 2428]: extensions for IPv6 and NATs (EPRT, EPSV)
//   - [RFC 2577]: FTP security considerations (bounce attacks)
//   - [RFC 3659]: extensions (SIZE, MDTM, REST STREAM, MLST, MLSD)
//   - [RFC 4217]: securing FTP with TLS
//
// [RFC 959]: https://www.rfc-editor.org/rfc/rfc959
// [RFC 1123]: https://www.rfc-editor.org/rfc/rfc1123
// [RFC 2389]: https://www.rfc-editor.org/rfc/rfc2389
// [RFC 2428]: https://www.rfc-editor.org/rfc/rfc2428
// [RFC 2577]: https://www.rfc-editor.org/rfc/rfc2577
// [RFC 3659]: https://www.rfc-editor.org/rfc/rfc3659
// [RFC 4217]: https://www.rfc-editor.org/rfc/rfc4217
package ftp
