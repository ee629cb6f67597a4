// Package hpack implements HPACK, the header compression of HTTP/2 (RFC
// 7541).
//
// # What HPACK solves
//
// Requests to one server repeat the same header fields over and over: the
// same :authority, user-agent, accept, cookie. HPACK sends each field once
// and afterwards only a small index. Both ends keep the same two tables:
// a static table of 61 common fields fixed by the RFC (":method GET" is
// index 2), and a dynamic table of recently sent fields, newest first from
// index 62, bounded in bytes. A field is sent as an index into them, or as
// a literal that may be added to the dynamic table; string literals may be
// Huffman-coded with a code built for header text (RFC 7541 Appendix B).
//
// # An example
//
// The first request of RFC 7541 Appendix C.4, then the second on the same
// connection:
//
//	82                          :method: GET            (static index 2)
//	86                          :scheme: http           (static index 6)
//	84                          :path: /                (static index 4)
//	41 8c f1e3 c2e5 f23a 6ba0 ab90 f4ff
//	                            :authority: www.example.com
//	                            (literal, name from static index 1, value
//	                            Huffman-coded in 12 bytes, added to the
//	                            dynamic table at index 62)
//
//	82 86 84 be                 the same four fields: 4 bytes
//	58 86 a8eb 1064 9cbf        cache-control: no-cache (new, indexed)
//
// # How this package is organized
//
// [Encoder] turns header fields into a header block, [Decoder] turns a
// block back into fields; each keeps one direction's dynamic table, so one
// of each belongs to each direction of each connection. The integer and
// string representations and the Huffman code ([AppendHuffman],
// [AppendHuffmanDecode]) are exposed for study and fuzzing.
//
// # Limits and security
//
// [Decoder.MaxHeaderListSize] bounds the decoded size of one header list
// (a small block referencing a large table entry many times is an "HPACK
// bomb") and [Decoder.MaxStringLength] one string. Fields marked
// [HeaderField.Sensitive] are sent "never indexed", so no compression
// table, ours or an intermediary's, ever holds them (RFC 7541 section
// 7.1): use it for credentials, which CRIME-style attacks could otherwise
// guess byte by byte from compressed sizes.
//
// # Specifications
//
//   - [RFC 7541]: HPACK: Header Compression for HTTP/2
//
// [RFC 7541]: https://www.rfc-editor.org/rfc/rfc7541
package hpack
