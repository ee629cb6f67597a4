// Package mime implements the Internet message format (RFC 5322) and MIME
// (RFC 2045-2049): it parses a message into a tree of parts that SMTP,
// POP3 and IMAP share, and builds new messages.
//
// (The full lesson is being written; see the Specifications below.)
//
// # Specifications
//
//   - [RFC 5322]: Internet Message Format
//   - [RFC 2045]: MIME Part One: Format of Internet Message Bodies
//   - [RFC 2046]: MIME Part Two: Media Types
//   - [RFC 2047]: MIME Part Three: Message Header Extensions for Non-ASCII Text
//   - [RFC 2231]: MIME Parameter Value and Encoded Word Extensions
//   - [RFC 2183]: The Content-Disposition Header Field
//   - [RFC 3501]: IMAP4rev1, section 6.4.5 (section numbers) and 7.4.2 (BODYSTRUCTURE)
//
// [RFC 5322]: https://www.rfc-editor.org/rfc/rfc5322
// [RFC 2045]: https://www.rfc-editor.org/rfc/rfc2045
// [RFC 2046]: https://www.rfc-editor.org/rfc/rfc2046
// [RFC 2047]: https://www.rfc-editor.org/rfc/rfc2047
// [RFC 2231]: https://www.rfc-editor.org/rfc/rfc2231
// [RFC 2183]: https://www.rfc-editor.org/rfc/rfc2183
// [RFC 3501]: https://www.rfc-editor.org/rfc/rfc3501
package mime
