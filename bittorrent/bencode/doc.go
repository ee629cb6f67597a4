// Package bencode implements bencoding, the serialization of BitTorrent:
// .torrent files, tracker responses, the extension protocol and the DHT's
// KRPC messages are all bencoded.
//
// # What bencoding solves
//
// BitTorrent needs one byte-exact way to write a small tree of integers,
// byte strings, lists and dictionaries, so that everyone who hashes a
// torrent's info dictionary gets the same SHA-1: the info-hash that names the
// torrent everywhere. Bencoding has exactly one encoding per value: integers
// have no leading zeros, and dictionary keys are sorted as raw bytes.
//
// # The four types, with their bytes
//
//	i42e                    integer 42 (i-3e is -3; i03e and i-0e are invalid)
//	4:spam                  byte string "spam" (length, colon, bytes)
//	l4:spami42ee            list ["spam", 42]
//	d3:bar4:spam3:fooi42ee  dictionary {"bar": "spam", "foo": 42}
//
// A tracker answers an announce with a dictionary like
//
//	d8:intervali1800e5:peers6:\x7f\x00\x00\x01\x1a\xe1e
//
// which [Unmarshal] decodes into
//
//	struct {
//		Interval int    `bencode:"interval"`
//		Peers    []byte `bencode:"peers"`
//	}
//
// # How this package is organized
//
// [Marshal] and [Append] encode Go values canonically. [Unmarshal] and a
// [Decoder] with options decode them; [Decoder.UnmarshalPrefix] stops after
// the first value for messages that carry raw bytes after a dictionary.
// [RawMessage] keeps a sub-value exactly as received, which is how the
// info-hash is computed over the bytes the torrent's author wrote.
// Decoding works on a complete []byte and never panics on bad input; errors
// are a [*SyntaxError] with the byte offset, wrapping a sentinel such as
// [ErrDepth] or [ErrStringLength].
//
// # Limits
//
// Nesting is bounded by [Decoder.MaxDepth] ([DefaultMaxDepth]) and each byte
// string by [Decoder.MaxStringLength] ([DefaultMaxStringLength]), checked
// against the declared length before anything is copied. Integers must fit
// int64 (or uint64 for unsigned destinations). [Decoder.Strict] refuses
// unsorted or repeated dictionary keys; [Decoder.DisallowUnknownFields]
// refuses keys with no struct field.
//
// # Specifications
//
//   - [BEP 3]: The BitTorrent Protocol Specification, section "bencoding"
//
// [BEP 3]: https://www.bittorrent.org/beps/bep_0003.html
package bencode
