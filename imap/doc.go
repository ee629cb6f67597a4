// Package imap implements the Internet Message Access Protocol, IMAP4rev2
// (RFC 9051) and IMAP4rev1 (RFC 3501): a [Client] that works on mail kept on
// a server and a [Server] that serves the mailboxes of your [Backend].
//
// # What IMAP solves
//
// SMTP carries mail to the recipient's server; a mail access protocol lets
// the recipient read it there. POP3 downloads the messages and, usually,
// deletes them from the server, so the mail ends up on one machine. IMAP
// keeps all messages on the server, where the user organizes them in a
// hierarchy of folders (mailboxes), marks them with flags (\Seen, \Flagged,
// \Deleted), searches them, and moves them between folders. Because the
// server keeps this state across sessions, a nomadic user sees the same
// mailbox from every computer, and the server's mailbox is operated like a
// local one.
//
// IMAP can also fetch parts of a message. A client on a slow or wireless
// link asks for the BODYSTRUCTURE (the MIME tree: a text part, an image
// attachment), fetches BODY[1], the text, and leaves the image on the server.
//
// The client opens a TCP connection to port 143 (993 for IMAP over TLS). Each
// command carries a tag chosen by the client ("a1"); the server answers with
// untagged data ("* ...") and ends the command with a tagged status: OK, NO
// (failed) or BAD (not understood). The server may also send untagged
// responses the client did not ask for: new mail arrives as "* 3 EXISTS",
// another session's expunge as "* 2 EXPUNGE". Strings that hold line breaks
// or 8-bit octets travel as literals: "{40}" CRLF and then exactly 40 octets.
//
// A connection moves through four states (RFC 9051 section 3): not
// authenticated (after the greeting), authenticated (after LOGIN or
// AUTHENTICATE), selected (after SELECT or EXAMINE of a mailbox) and logout.
// In the selected state messages are named by sequence numbers (1 to the
// number of messages, renumbered when one is expunged) or by unique
// identifiers, UIDs, which never change while the mailbox's UIDVALIDITY
// stays the same.
//
// # A sample dialogue
//
// Bob reads the message Alice sent him with a picture of a crepe, fetching
// the structure and then only the text, and files the message away. This is
// exactly what this package's server answers (the test suite replays it):
//
//	S: * OK [CAPABILITY IMAP4rev1 IMAP4rev2 ...] applayer IMAP server ready
//	C: a1 LOGIN bob hungry
//	S: a1 OK [CAPABILITY ...] logged in
//	C: a2 SELECT INBOX
//	S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
//	S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] flags permitted
//	S: * 1 EXISTS
//	S: * 1 RECENT
//	S: * OK [UNSEEN 1] first unseen
//	S: * OK [UIDVALIDITY 1] UIDs valid
//	S: * OK [UIDNEXT 2] predicted next UID
//	S: a2 OK [READ-WRITE] SELECT completed
//	C: a3 FETCH 1 BODY
//	S: * 1 FETCH (BODY (("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 40 2)("IMAGE" "JPEG" ("NAME" "crepe.jpg") NIL NIL "BASE64" 76) "MIXED"))
//	S: a3 OK FETCH completed
//	C: a4 FETCH 1 BODY[1]
//	S: * 1 FETCH (BODY[1] {40}
//	S: Bob,
//	S: Here's something I collect.
//	S: Alice FLAGS (\Seen \Recent))
//	S: a4 OK FETCH completed
//	C: a5 CREATE Crepes
//	S: a5 OK CREATE completed
//	C: a6 MOVE 1 Crepes
//	S: * OK [COPYUID 2 1 1] moved
//	S: * 1 EXPUNGE
//	S: a6 OK MOVE completed
//	C: a7 LOGOUT
//	S: * BYE logging out
//	S: a7 OK LOGOUT completed
//
// The text part comes as a literal of 40 octets; the FETCH response goes on
// after them on the same line. Fetching BODY[1] set the \Seen flag, which
// the server reports; BODY.PEEK[1] would not have.
//
// # How this package is organized
//
// The codec does no I/O on connections: a [Reader] reads [Value]s (atoms,
// strings, literals, lists, NIL) under fixed limits, [ReadCommand] and
// [ReadResponse] read whole [Command]s and [Response]s, and [AppendCommand],
// [SplitCommand], [AppendResponse] and [AppendValue] write them, choosing
// the atom, quoted or literal form a string needs. Typed helpers give the
// arguments their meaning: [ParseSeqSet], [ParseFetchItems] and
// [ParseFetchData], [ParseSearch] and [SearchKey], [ParseStoreAction],
// [ParseBodyStructure] and [ParseEnvelope], [ParseDateTime].
//
// [Server] runs the protocol, keeps each connection's view of its selected
// mailbox (so sequence numbers change only when the client is told), and
// reports changes made by other sessions at the moments RFC 9051 section
// 7.5.1 allows, or at once during IDLE. Your [Backend] only stores mail:
// [NewMemBackend] keeps it in memory for tests and examples, and
// [NewStoreBackend] in the durable Maildir store the module's SMTP and POP3
// servers share. BODYSTRUCTURE, ENVELOPE and BODY[section] come from the
// mime package's parse of each message.
//
// IMAP4rev1 also has the session flag \Recent (RFC 3501 section 2.3.2): a
// message is recent in exactly one session, the first to SELECT its mailbox
// after it arrived, which reports "* n RECENT" and matches SEARCH RECENT and
// NEW. A Backend keeps the mark with the optional [RecentMailbox]
// interface; sessions that ENABLE IMAP4rev2, which dropped the flag, neither
// see nor take it.
//
// Mailbox names are UTF-8 in IMAP4rev2. IMAP4rev1 clients send and expect
// non-ASCII names in modified UTF-7 (RFC 3501 section 5.1.3): "Reçus" is
// "Re&AOc-us", "&" is "&-". EncodeMailboxName and DecodeMailboxName convert;
// the server decodes the names of rev1 clients before the Backend sees them
// and encodes those it lists, so the Backend always deals in UTF-8, and
// ClientOptions.ModifiedUTF7 does the same for the client.
//
// [Client] has one method per command with a typed result ([SelectData],
// [FetchData], [SearchData], [CopyData] ...), sends literals synchronizing
// or, when the server has LITERAL+, not, and hands the responses nobody asked
// for to [ClientOptions.UnilateralHandler], which is how [Client.Idle] pushes
// new mail.
//
// # Limits
//
// A line is capped at [DefaultMaxLineLength] octets without its literals, a
// literal at [DefaultMaxLiteralSize] ([Server.MaxMessageBytes], announced as
// APPENDLIMIT), a command at [DefaultMaxCommandSize], list nesting at
// [DefaultMaxDepth]. A literal over the limit is refused from its announced
// size with NO [TOOBIG] before a single octet is read. A connection waits at
// most [DefaultIdleTimeout] (over the 30 minutes of RFC 9051 section 5.4)
// for its next command.
//
// # Security
//
// LOGIN and AUTHENTICATE PLAIN send the password in the clear. With
// [Server.TLSConfig] set the server offers STARTTLS, and until the client
// has used it the server announces LOGINDISABLED and refuses to log anyone
// in, unless [Server.AllowInsecureAuth] is set (tests, loopback). Bytes that
// a client pipelines after STARTTLS are refused, since they would otherwise
// be taken as sent over TLS. [Server.DebugWriter] and
// [ClientOptions.DebugWriter] record passwords.
//
// # Specifications
//
//   - [RFC 9051]: Internet Message Access Protocol (IMAP) - Version 4rev2
//   - [RFC 3501]: Internet Message Access Protocol - Version 4rev1
//     (section 5.1.3: modified UTF-7 mailbox names)
//   - [RFC 2177]: IMAP4 IDLE command
//   - [RFC 4315]: IMAP UIDPLUS extension (APPENDUID, COPYUID, UID EXPUNGE)
//   - [RFC 6851]: IMAP MOVE extension
//   - [RFC 7888]: IMAP4 Non-synchronizing Literals (LITERAL+, LITERAL-)
//   - [RFC 4731]: IMAP4 Extension to SEARCH Command for Controlling What Kind of Information Is Returned (ESEARCH)
//   - [RFC 6154]: IMAP LIST Extension for Special-Use Mailboxes
//   - [RFC 3516]: IMAP4 Binary Content Extension
//   - [RFC 5161]: The IMAP ENABLE Extension
//   - [RFC 2342]: IMAP4 Namespace
//   - [RFC 3691]: IMAP UNSELECT command
//   - [RFC 4616]: The PLAIN Simple Authentication and Security Layer (SASL) Mechanism
//   - [RFC 1730]: IMAP4, where the name began
//
// [RFC 9051]: https://www.rfc-editor.org/rfc/rfc9051
// [RFC 3501]: https://www.rfc-editor.org/rfc/rfc3501
// [RFC 2177]: https://www.rfc-editor.org/rfc/rfc2177
// [RFC 4315]: https://www.rfc-editor.org/rfc/rfc4315
// [RFC 6851]: https://www.rfc-editor.org/rfc/rfc6851
// [RFC 7888]: https://www.rfc-editor.org/rfc/rfc7888
// [RFC 4731]: https://www.rfc-editor.org/rfc/rfc4731
// [RFC 6154]: https://www.rfc-editor.org/rfc/rfc6154
// [RFC 3516]: https://www.rfc-editor.org/rfc/rfc3516
// [RFC 5161]: https://www.rfc-editor.org/rfc/rfc5161
// [RFC 2342]: https://www.rfc-editor.org/rfc/rfc2342
// [RFC 3691]: https://www.rfc-editor.org/rfc/rfc3691
// [RFC 4616]: https://www.rfc-editor.org/rfc/rfc4616
// [RFC 1730]: https://www.rfc-editor.org/rfc/rfc1730
package imap
