// Package pop3 implements the Post Office Protocol version 3: a [Client]
// that downloads mail and a [Server] that serves maildrops through your
// [Backend].
//
// # What POP3 solves
//
// SMTP pushes mail to the recipient's mail server, where it waits in a
// mailbox. The recipient's user agent is not always on line, so it needs a
// mail access protocol to pull the messages down when it is: POP3 is the
// simplest one. The client opens a TCP connection to port 110 (995 for POP3
// over TLS), proves who it is in the AUTHORIZATION state, lists, retrieves and
// marks messages deleted in the TRANSACTION state, and when it says QUIT the
// server enters the UPDATE state and removes the marked messages. Commands
// and replies are CRLF-terminated text lines; a reply starts with +OK or
// -ERR, and a reply with several lines (LIST, RETR, TOP, UIDL, CAPA) ends with
// a line holding a single ".".
//
// POP3 keeps no state across sessions. A client in "download and delete"
// mode removes each message after fetching it, so the mail lives only on the
// machine that fetched it; in "download and keep" mode it leaves the
// messages on the server and remembers the unique-ids (UIDL) it has already
// fetched. Folders, flags and searches on the server are IMAP's job.
//
// # A sample dialogue
//
// The lesson's session (user bob, password hungry), as this package's
// server answers it:
//
//	S: +OK POP3 server ready <1896.697170952@hamburger.edu>
//	C: user bob
//	S: +OK
//	C: pass hungry
//	S: +OK user successfully logged on
//	C: list
//	S: +OK 2 messages (1410 octets)
//	S: 1 498
//	S: 2 912
//	S: .
//	C: retr 1
//	S: +OK 498 octets
//	S: (the 498 octets of message 1)
//	S: .
//	C: dele 1
//	S: +OK message 1 deleted
//	C: retr 2
//	S: +OK 912 octets
//	S: (the 912 octets of message 2)
//	S: .
//	C: dele 2
//	S: +OK message 2 deleted
//	C: quit
//	S: +OK POP3 server signing off
//
// Lines of a message that begin with "." are sent with one more "." in
// front (byte-stuffing), so that no message line can be taken for the end.
//
// # How this package is organized
//
// The codec ([ParseCommand], [AppendCommand], [ParseStatus], [AppendStatus],
// [ParseListLine], [ParseUIDLLine]) does no I/O. [Server] speaks the protocol
// to clients and calls your [Backend], which authenticates users and opens
// and locks their [Maildrop]; the server keeps the deleted marks itself and
// hands them to [Maildrop.Commit] only after QUIT, so a connection that drops
// deletes nothing. [NewMemoryBackend] keeps maildrops in memory for tests and
// examples, and [NewStoreBackend] serves the INBOX folders of a durable
// mailstore. [Client] has one method per command, streams RETR and TOP, and
// [Client.Fetch] implements both download modes.
//
// # Limits
//
// Command and status lines are capped at [DefaultMaxLineLength] octets (see
// [Server.MaxLineLength] and [Client.MaxLineLength]); names at
// [MaxArgLength]; unique-ids at [MaxUIDLength] (RFC 1939 section 7).
//
// # Security
//
// USER/PASS and AUTH PLAIN send the password in the clear. With
// [Server.TLSConfig] set, the server offers STLS (RFC 2595) and refuses
// logins before TLS unless [Server.AllowInsecureAuth] is set. APOP avoids
// sending the password but needs the server to know it in the clear, and
// MD5 is weak; prefer TLS. Failed logins are slowed down
// ([Server.FailedLoginDelay]) and a connection is closed after
// [Server.MaxLoginFailures].
//
// # Specifications
//
//   - [RFC 1939]: Post Office Protocol - Version 3
//   - [RFC 2449]: POP3 Extension Mechanism (CAPA, response codes)
//   - [RFC 2595]: Using TLS with IMAP, POP3 and ACAP (STLS)
//   - [RFC 3206]: The SYS and AUTH POP Response Codes
//   - [RFC 5034]: The POP3 SASL Authentication Mechanism (AUTH)
//   - [RFC 4616]: The PLAIN SASL Mechanism
//
// [RFC 1939]: https://www.rfc-editor.org/rfc/rfc1939
// [RFC 2449]: https://www.rfc-editor.org/rfc/rfc2449
// [RFC 2595]: https://www.rfc-editor.org/rfc/rfc2595
// [RFC 3206]: https://www.rfc-editor.org/rfc/rfc3206
// [RFC 5034]: https://www.rfc-editor.org/rfc/rfc5034
// [RFC 4616]: https://www.rfc-editor.org/rfc/rfc4616
package pop3
