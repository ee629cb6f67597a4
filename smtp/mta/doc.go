// Package mta is a mail transfer agent built from package smtp: the mail
// server of the e-mail lesson, with its two halves.
//
// # The mail server's two halves
//
// A mail server keeps a mailbox for each of its users and a queue of
// outgoing messages. Its SMTP server half accepts mail: [Backend] takes mail
// for the local domains from anyone, and mail for other domains only from
// users who authenticated (a server that relays for strangers is an "open
// relay", and spammers find it within hours). Every accepted message goes
// into the [Queue], on disk, before the server answers 250: from that
// moment the server is responsible for it (RFC 5321 section 6.1).
//
// The SMTP client half empties the queue: local recipients go into their
// mailboxes through a [LocalStore]; other domains go through a [Transport]
// (an smtp.Relay, which looks up the domain's MX records and talks to its
// mail exchanger). A temporary failure (4yz, or no answer) is retried later,
// at intervals that double each time; a permanent failure (5yz), or a
// message that waited too long, goes back to its sender as a bounce: a
// delivery status notification (RFC 3464) in a multipart/report message,
// sent from the null reverse-path "<>" so that a bounce never bounces. A
// recipient that asked for it with NOTIFY=SUCCESS (RFC 3461) gets the sender
// a "delivered" report of the same form once the message is in its mailbox.
// A message that carries more than [MaxReceivedHeaders] trace fields is
// looping between servers and is refused before anything is stored.
//
// # Crash safety
//
// The [Spool] writes every file to a temporary name, fsyncs it, renames it
// into place and fsyncs the directory, so a file is either whole or absent
// after a crash. The envelope (recipients and their state) is written after
// the content and rewritten after each delivery step; when the server
// restarts, [Queue.Run] picks up every message whose envelope exists and
// delivers only the recipients still pending. A crash after the next hop
// said 250 but before the envelope was rewritten can deliver that recipient
// twice; RFC 5321 section 6.1 prefers that to losing mail.
//
// # Specifications
//
//   - [RFC 5321] sections 4.5.4 (retry strategy), 6 (responsibility, loops), 7.1 (relaying)
//   - [RFC 3461] and [RFC 3464]: delivery status notifications
//   - [RFC 6409]: message submission
//
// [RFC 5321]: https://www.rfc-editor.org/rfc/rfc5321
// [RFC 3461]: https://www.rfc-editor.org/rfc/rfc3461
// [RFC 3464]: https://www.rfc-editor.org/rfc/rfc3464
// [RFC 6409]: https://www.rfc-editor.org/rfc/rfc6409
package mta
