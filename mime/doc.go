// Package mime implements the Internet message format (RFC 5322) and MIME
// (RFC 2045-2049): it parses a message into a tree of parts that SMTP,
// POP3 and IMAP share, and it builds new messages that any mail server
// accepts.
//
// # What the message format solves
//
// SMTP moves a message from server to server and POP3 and IMAP hand it to
// the reader, but none of them says what a message looks like inside.
// RFC 822 (1982, now RFC 5322) did: lines of US-ASCII text ending in CRLF,
// first a header of "Name: value" fields (From, To, Subject, Date), then a
// blank line, then the body. Those header fields are not the SMTP envelope:
// MAIL FROM and RCPT TO decide where the message goes, From and To are
// what the reader sees.
//
// A body of short ASCII lines cannot hold a photo, a PDF or the word
// "crêpe". MIME (1996) fixed this without changing any mail server, by
// adding header fields: MIME-Version, Content-Type (what the data is:
// text/plain, image/jpeg, multipart/mixed, ...), and
// Content-Transfer-Encoding (how it was turned into short ASCII lines:
// base64 for binary data, quoted-printable for mostly-ASCII text). A
// multipart body holds several parts, each with its own header, separated
// by a boundary line; a message/rfc822 part holds a whole message. The same
// types label data in HTTP.
//
// # A sample message
//
// The lesson's message from Alice to Bob, with a text part and a JPEG
// part; on the wire every line ends in CRLF:
//
//	MIME-Version: 1.0
//	Content-Type: multipart/mixed; boundary="-------417CBA32DF8945BE748"
//	From: Alice <alice@crepes.fr>
//	To: Bob <bob@hamburger.edu>
//	Subject: hello
//	Date: Mon, 18 Sep 2006 19:40:19 -0400
//	                                                  <- blank line: end of header
//	---------417CBA32DF8945BE748                      <- "--" + boundary: part 1 starts
//	Content-Type: text/plain; charset=us-ascii
//	Content-Transfer-Encoding: 7bit
//
//	Bob,
//	Here's something I collect.
//	Alice
//	---------417CBA32DF8945BE748                      <- part 2 starts
//	Content-Type: image/jpeg
//	Content-Transfer-Encoding: base64
//
//	/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////
//	---------417CBA32DF8945BE748--                    <- "--" + boundary + "--": the end
//
// Parsed, it is a tree whose nodes IMAP numbers (RFC 3501 section 6.4.5):
//
//   - multipart/mixed
//     1 text/plain; charset=us-ascii   7bit      "Bob,\r\nHere's something I collect.\r\nAlice"
//     2 image/jpeg                     base64    57 octets of JPEG once decoded
//
// # How this package is organized
//
// Header fields: [Header] keeps the fields in order with their raw bytes
// ([ParseHeader], [Header.AppendTo] folds long ones). Structured values
// have their own parsers and formatters: addresses ([ParseAddressList],
// [Address]), dates ([ParseDate], [FormatDate]), message ids
// ([ParseMessageID], [GenerateMessageID]), media types and dispositions with
// RFC 2231 parameters ([ParseMediaType], [ParseDisposition]), and RFC 2047
// encoded words for non-ASCII text ([DecodeHeader], [EncodeHeader]).
//
// Bodies: [NewDecoder] and [NewEncoder] stream the transfer encodings
// (7bit, 8bit, binary, base64, quoted-printable), and [NewCharsetReader]
// converts text to UTF-8.
//
// Messages: [Parse] reads a message from an [io.ReaderAt] in one pass into a
// tree of [Part] values. Only headers are kept in memory; each part records
// where its header and body lie ([Part.Offset], [Part.BodyOffset],
// [Part.BodySize]), so a 100 MiB message costs a few kilobytes, and
// [Part.Body] decodes a body on demand. Each part carries the description
// IMAP's BODYSTRUCTURE needs (type, parameters, id, encoding, size, lines,
// disposition, language, location) and its IMAP [Part.Section];
// [Message.Section] returns the octets of BODY[1.2], BODY[2.HEADER],
// BODY[1.MIME] and the other section forms. [Header.Envelope] gives
// ENVELOPE. [WriteOutline] prints the tree.
//
// Building: [Builder] composes text, an HTML alternative, inline images and
// attachments, picks each part's transfer encoding ([ChooseEncoding]) and
// writes a message that is valid over 7-bit SMTP.
//
// This package does no network I/O: package smtp sends what it builds,
// and packages pop3 and imap serve what it parses.
//
// # Reading leniently, writing strictly
//
// Real mail is often malformed: missing close delimiters, truncated
// transfers, bad base64, bare LF line ends, 8-bit header text, parameters
// without quotes. [Parse] reads as much as it can, never fails on content,
// and lists each defect in [Message.Problems] as a [*Problem] wrapping a
// sentinel such as [ErrNoCloseDelimiter], test them with [errors.Is].
// Decoders deliver all the data they can and report bad input after it
// ([ErrBadBase64], [ErrBadQuotedPrint]). What this package writes is strict:
// CRLF line ends, folded header lines of at most 78 octets where possible
// and never more than 998, encoded lines of at most 76 characters, no
// CR or LF inside field values.
//
// # Limits
//
// A [Parser] bounds what one message may cost: [DefaultMaxHeaderBytes] per
// header block, [DefaultMaxHeaderFields] fields per block,
// [DefaultMaxTotalHeaderBytes] of headers in the whole tree,
// [DefaultMaxDepth] levels of nesting and [DefaultMaxParts] parts. Past a
// limit the parser keeps going without storing more (the bytes remain in
// the enclosing body) and records [ErrHeaderTooLarge], [ErrTooManyFields],
// [ErrTotalHeaderTooLarge], [ErrTooDeep] or [ErrTooManyParts]. Encoded
// words, address lists and message-id lists are bounded too, and every
// parser runs in time linear in its input.
//
// # Security
//
// File names from [Part.Filename] come from the sender: never use one as a
// path without cleaning it. Content-ID and Content-Location are
// sender-controlled as well. [Header.AppendTo] refuses CR and LF in field
// values, so user input cannot inject header fields (such as a Bcc).
//
// # Specifications
//
//   - [RFC 5322]: Internet Message Format (and RFC 822 before it)
//   - [RFC 2045]: MIME Part One: Format of Internet Message Bodies
//   - [RFC 2046]: MIME Part Two: Media Types
//   - [RFC 2047]: MIME Part Three: Message Header Extensions for Non-ASCII Text
//   - [RFC 2049]: MIME Part Five: Conformance Criteria and Examples
//   - [RFC 2183]: The Content-Disposition Header Field
//   - [RFC 2231]: MIME Parameter Value and Encoded Word Extensions
//   - [RFC 2387]: The MIME Multipart/Related Content-type
//   - [RFC 6532]: Internationalized Email Headers (UTF-8 accepted on input)
//   - [RFC 3501]: IMAP4rev1, sections 6.4.5 (section numbers) and 7.4.2 (BODYSTRUCTURE, ENVELOPE)
//
// [RFC 5322]: https://www.rfc-editor.org/rfc/rfc5322
// [RFC 2045]: https://www.rfc-editor.org/rfc/rfc2045
// [RFC 2046]: https://www.rfc-editor.org/rfc/rfc2046
// [RFC 2047]: https://www.rfc-editor.org/rfc/rfc2047
// [RFC 2049]: https://www.rfc-editor.org/rfc/rfc2049
// [RFC 2183]: https://www.rfc-editor.org/rfc/rfc2183
// [RFC 2231]: https://www.rfc-editor.org/rfc/rfc2231
// [RFC 2387]: https://www.rfc-editor.org/rfc/rfc2387
// [RFC 6532]: https://www.rfc-editor.org/rfc/rfc6532
// [RFC 3501]: https://www.rfc-editor.org/rfc/rfc3501
package mime
