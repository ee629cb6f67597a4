// Package dns implements the Domain Name System: a message codec, zone files,
// an authoritative [Server] with a [Handler] interface, a [Client], an
// iterative [Resolver] with a cache, and dynamic update.
//
// # What DNS solves
//
// Hosts are addressed by numbers (192.0.2.1) but people use names
// (www.example.com). DNS maps one to the other, and more: aliases (CNAME),
// mail servers (MX), services (SRV), reverse mappings (PTR under
// in-addr.arpa). No single server could hold the Internet's names or take its
// query load, so DNS is a distributed, hierarchical database: the root
// servers know the top-level domain (TLD) servers, a TLD server such as the
// one for edu knows the authoritative servers of umass.edu, and those hold
// the records. A host asks its local DNS server, which iterates from the root
// down, caching every answer for its time to live (TTL). DNS is an
// application-layer protocol on UDP port 53, with TCP for large replies and
// zone transfers (RFC 1035 section 4.2).
//
// # A sample dialogue
//
// The local server dns.poly.edu resolves gaia.cs.umass.edu by iterated
// queries (the lesson's eight steps); the referral from the edu server reads,
// in dig's form:
//
//	;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4660
//	;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
//
//	;; QUESTION SECTION:
//	;gaia.cs.umass.edu.		IN	A
//
//	;; AUTHORITY SECTION:
//	umass.edu.		172800	IN	NS	dns.cs.umass.edu.
//
//	;; ADDITIONAL SECTION:
//	dns.cs.umass.edu.	172800	IN	A	128.119.240.1
//
// On the wire, a reply with one question and two A answers is 64 octets; the
// answers name their owner with a two-octet compression pointer (c00c) to
// the question's name at offset 12:
//
//	beef 8180 0001 0002 0000 0000           header: id, flags qr rd ra, counts
//	03 777777 07 6578616d706c65 03 636f6d 00 question name www.example.com.
//	0001 0001                               type A, class IN
//	c00c 0001 0001 0000012c 0004 c0000201    www.example.com. 300 IN A 192.0.2.1
//	c00c 0001 0001 0000012c 0004 c0000202    www.example.com. 300 IN A 192.0.2.2
//
// # How this package is organized
//
// The codec ([Msg], [RR], [Name], the [RData] types, [ParseRR], [ZoneParser],
// [WriteZone]) does no I/O. [Msg.Unpack] reuses a message's storage, so
// steady-state decoding does not allocate. Records and messages print as dig
// prints them and parse back from that text.
//
// [Server] speaks the codec over UDP and TCP (on the sockets package) and
// hands each request to a [Handler]: a [ServeMux] routing by zone, a [Zone]
// answering authoritatively (referrals, CNAME chains, wildcards, round-robin
// load distribution, zone transfer, dynamic update), or [Recursive], the
// local DNS server that resolves for its clients.
//
// Dynamic update (RFC 2136) adds and deletes records in a running [Zone]
// and rewrites its file; [Server.TSIGKeys] and [Client.TSIG] sign requests
// and replies with shared keys (RFC 8945, HMAC-SHA256), as nsupdate -y does,
// zone transfers included. A [Secondary] loads a zone from its primary with
// [Client.Transfer] and refreshes it on the SOA's timers.
//
// [Client] sends one query and matches its reply; [Resolver] looks names up,
// either as a stub that asks a recursive server, or iteratively from the root
// servers with a [Cache], reporting every [Step] so that the lesson's
// iterated resolution can be watched:
//
//	gaia.cs.umass.edu. A -> 127.0.0.10:53 (. server): referral to edu.
//	gaia.cs.umass.edu. A -> 127.0.0.11:53 (edu. server): referral to umass.edu.
//	gaia.cs.umass.edu. A -> 127.0.0.13:53 (umass.edu. server): answer aa=true
//	    gaia.cs.umass.edu.	600	IN	A	128.119.245.12
//
// # Limits
//
// Names are at most [MaxNameLen] octets and labels [MaxLabelLen]; a name may
// follow at most [MaxPointers] compression pointers, each pointing strictly
// before the last, so malformed messages fail with a [*WireError] instead of
// looping. Section counts are checked against the remaining octets before
// anything is allocated. Zone entries are bounded by [MaxZoneEntryLen] and
// $INCLUDE nesting by [MaxIncludeDepth].
//
// # Security
//
// $INCLUDE is refused unless [ZoneParser.Include] names a file system to
// read from. The client picks a random ID and a fresh source port for every
// query and accepts only a reply that matches both ID and question (RFC 5452);
// the iterative resolver keeps only records within the zone of the server that
// sent them. [Recursive] serves loopback clients unless told otherwise,
// because an open resolver amplifies attacks; zone transfers and updates are
// refused except to [Zone.AllowTransfer] and [Zone.AllowUpdate]. Every
// resolution is bounded by [Limits].
//
// # Specifications
//
//   - [RFC 1034]: Domain names: concepts and facilities
//   - [RFC 1035]: Domain names: implementation and specification
//   - [RFC 2136]: Dynamic updates in the DNS
//   - [RFC 2181]: Clarifications to the DNS specification
//   - [RFC 2308]: Negative caching of DNS queries
//   - [RFC 3596]: DNS extensions to support IP version 6 (AAAA, ip6.arpa)
//   - [RFC 3597]: Handling of unknown DNS resource record types
//   - [RFC 4592]: The role of wildcards in the DNS
//   - [RFC 5452]: Measures for making DNS more resilient against forged answers
//   - [RFC 5936]: DNS zone transfer protocol (AXFR)
//   - [RFC 6891]: Extension mechanisms for DNS (EDNS(0))
//   - [RFC 7766]: DNS transport over TCP
//   - [RFC 8945]: Secret key transaction authentication for DNS (TSIG)
//
// [RFC 1034]: https://www.rfc-editor.org/rfc/rfc1034
// [RFC 1035]: https://www.rfc-editor.org/rfc/rfc1035
// [RFC 2136]: https://www.rfc-editor.org/rfc/rfc2136
// [RFC 2181]: https://www.rfc-editor.org/rfc/rfc2181
// [RFC 2308]: https://www.rfc-editor.org/rfc/rfc2308
// [RFC 3596]: https://www.rfc-editor.org/rfc/rfc3596
// [RFC 3597]: https://www.rfc-editor.org/rfc/rfc3597
// [RFC 4592]: https://www.rfc-editor.org/rfc/rfc4592
// [RFC 5452]: https://www.rfc-editor.org/rfc/rfc5452
// [RFC 5936]: https://www.rfc-editor.org/rfc/rfc5936
// [RFC 6891]: https://www.rfc-editor.org/rfc/rfc6891
// [RFC 7766]: https://www.rfc-editor.org/rfc/rfc7766
// [RFC 8945]: https://www.rfc-editor.org/rfc/rfc8945
package dns
