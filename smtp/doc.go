// Package smtp implements the Simple Mail Transfer Protocol: a [Client]
// that submits and relays mail, a [Server] that receives it through your
// [Backend], a [Relay] that finds a domain's mail exchangers, and the pure
// codec both sides share. Package [github.com/applayer/applayer/smtp/mta]
// builds a mail server from them: an outgoing queue, bounces, relay policy.
//
// # What SMTP solves
//
// E-mail has three kinds of parts: user agents (the mail reader where Alice
// writes her message), mail servers (which keep a mailbox for each user
// and a queue of outgoing messages), and SMTP, which moves messages between
// them. Alice's user agent pushes the message to her own mail server; the
// client side of that server opens a TCP connection (port 25) to the server
// of Bob's domain, found through its DNS MX records, and pushes it again;
// Bob's server puts it into Bob's mailbox, where a mail access protocol
// (POP3, IMAP) lets Bob read it later. The transfer is direct, server to
// server, and SMTP is a push protocol: the sender opens the connection, where
// HTTP's client pulls. A transfer has three phases, handshake (greeting,
// HELO), transfer of messages (MAIL, RCPT, DATA), and closure (QUIT), and
// one connection can carry many messages (persistent connections).
//
// SMTP is a dialogue of commands in ASCII text and replies made of a
// three-digit status code and a phrase, like HTTP and FTP. The first digit
// says what happened: 2 success, 3 go on, 4 try again later, 5 give up
// (RFC 5321 section 4.2.1). The envelope of MAIL FROM and RCPT TO routes the
// message; the To: and From: header lines inside the message are a
// different thing, which is how Bcc works. The message itself ends with a
// line holding a single period (CRLF.CRLF); a line of the message that
// starts with a period gets a second one in front on the wire
// ("dot-stuffing", section 4.5.2), removed again by the receiver.
//
// # A sample dialogue
//
// The lesson's transcript, as this package's server speaks it (S: server,
// C: client):
//
//	S: 220 hamburger.edu ESMTP ready
//	C: HELO crepes.fr
//	S: 250 hamburger.edu Hello crepes.fr, pleased to meet you
//	C: MAIL FROM: <alice@crepes.fr>
//	S: 250 alice@crepes.fr... Sender ok
//	C: RCPT TO: <bob@hamburger.edu>
//	S: 250 bob@hamburger.edu... Recipient ok
//	C: DATA
//	S: 354 Enter mail, end with "." on a line by itself
//	C: Do you like ketchup?
//	C: How about pickles?
//	C: .
//	S: 250 Message accepted for delivery
//	C: QUIT
//	S: 221 hamburger.edu closing connection
//
// A modern client says EHLO instead of HELO and gets the list of service
// extensions the server offers, one per line of a multi-line reply:
//
//	C: EHLO crepes.fr
//	S: 250-hamburger.edu Hello crepes.fr
//	S: 250-PIPELINING
//	S: 250-8BITMIME
//	S: 250-ENHANCEDSTATUSCODES
//	S: 250-CHUNKING
//	S: 250-BINARYMIME
//	S: 250-SMTPUTF8
//	S: 250-DSN
//	S: 250-SIZE 33554432
//	S: 250-STARTTLS
//	S: 250 AUTH PLAIN LOGIN
//
// With ENHANCEDSTATUSCODES every reply carries a second, finer code
// (RFC 3463): "550 5.1.1 User unknown" says the mailbox (1.1) does not exist.
//
// # How this package is organized
//
// The codec does no I/O: [ParseCommand], [ParseMail] and [ParseRcpt] turn
// command lines into typed values ([Mail] with its [MailOptions]: SIZE,
// BODY, SMTPUTF8, RET, ENVID, AUTH; [Rcpt] with NOTIFY and ORCPT), and
// [Reply] with [EnhancedCode] is both the reply and an error. The line
// framing, multi-line replies and dot-stuffing come from the module's
// internal textwire layer. [Server] runs the state machine (HELO before
// MAIL before RCPT before DATA), checks the limits and calls your [Session]
// for each step; [Client] speaks the other side, with pipelining
// (RFC 2920) when the server offers it. [Relay] delivers to a domain through
// its MX records.
//
// # Limits
//
// Every size limit of RFC 5321 section 4.5.3.1 is a field of [Limits]
// (local-part 64, domain 255, path 256, reply line 512, text line 1000,
// recipients 100), and the message size is [Server.MaxMessageBytes],
// advertised with SIZE and enforced while the data streams in: an
// oversized message is answered 552 without being buffered. The server's
// wait for a command is [Server.CommandTimeout] (RFC 5321 section
// 4.5.3.2.7); the client uses the per-command timeouts of section 4.5.3.2.
//
// # Security
//
// AUTH PLAIN and LOGIN send the password in base64, which is clear text: the
// server offers AUTH only after STARTTLS unless [Server.AllowInsecureAuth]
// is set, and the client refuses to send a password without TLS except to
// a loopback address. Commands pipelined after STARTTLS are discarded with
// the plaintext buffer. A server that relays for anyone becomes a spam
// engine; mta.Backend relays only for authenticated users.
//
// # Specifications
//
//   - [RFC 5321]: Simple Mail Transfer Protocol
//   - [RFC 1870]: SIZE; [RFC 6152]: 8BITMIME; [RFC 2920]: PIPELINING
//   - [RFC 2034] and [RFC 3463]: enhanced status codes
//   - [RFC 3207]: STARTTLS; [RFC 4954]: AUTH; [RFC 4616]: PLAIN
//   - [RFC 3030]: CHUNKING, BDAT and BINARYMIME; [RFC 6531]: SMTPUTF8
//   - [RFC 3461] and [RFC 3464]: delivery status notifications
//   - [RFC 2033]: LMTP; [RFC 7505]: null MX
//
// [RFC 5321]: https://www.rfc-editor.org/rfc/rfc5321
// [RFC 1870]: https://www.rfc-editor.org/rfc/rfc1870
// [RFC 6152]: https://www.rfc-editor.org/rfc/rfc6152
// [RFC 2920]: https://www.rfc-editor.org/rfc/rfc2920
// [RFC 2034]: https://www.rfc-editor.org/rfc/rfc2034
// [RFC 3463]: https://www.rfc-editor.org/rfc/rfc3463
// [RFC 3207]: https://www.rfc-editor.org/rfc/rfc3207
// [RFC 4954]: https://www.rfc-editor.org/rfc/rfc4954
// [RFC 4616]: https://www.rfc-editor.org/rfc/rfc4616
// [RFC 3030]: https://www.rfc-editor.org/rfc/rfc3030
// [RFC 6531]: https://www.rfc-editor.org/rfc/rfc6531
// [RFC 3461]: https://www.rfc-editor.org/rfc/rfc3461
// [RFC 3464]: https://www.rfc-editor.org/rfc/rfc3464
// [RFC 2033]: https://www.rfc-editor.org/rfc/rfc2033
// [RFC 7505]: https://www.rfc-editor.org/rfc/rfc7505
package smtp
