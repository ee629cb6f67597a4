// Package http2 implements HTTP/2: a [Server] that serves the same
// http1.Handler as the http1 package, a [Client], and the binary framing
// layer under both. Package hpack, beside it, is its header compression.
//
// # What HTTP/2 solves
//
// HTTP/1.1 sends one response at a time on a connection, in the order the
// requests came: a large object at the head of the line delays every small
// one behind it (head-of-line blocking), so browsers open six connections
// per server and still wait. HTTP/2 keeps HTTP's methods, status codes and
// header fields, but changes how they travel: every request-response
// exchange is a stream, every message is cut into frames that carry their
// stream's number, and the frames of many streams interleave on one TCP
// connection. A small response no longer waits for a large one; the server
// sends frames in the order the client's priorities ask for, and it can
// push a response the client will need before the client asks for it.
// Header fields, which repeat from request to request, are compressed with
// HPACK. The tour chapter "http2" measures the difference.
//
// # A sample dialogue
//
// A client asks for "/" over an h2c connection; each line is one frame
// (stream 0 is the connection itself):
//
//	C: PRI * HTTP/2.0 / SM                           (the 24-byte preface)
//	C: SETTINGS        stream 0  ENABLE_PUSH=0 INITIAL_WINDOW_SIZE=1048576
//	S: SETTINGS        stream 0  MAX_CONCURRENT_STREAMS=250 INITIAL_WINDOW_SIZE=1048576
//	S: WINDOW_UPDATE   stream 0  +4128769                (a larger connection window)
//	C: SETTINGS        stream 0  ACK
//	C: HEADERS         stream 1  END_STREAM END_HEADERS  :method GET  :scheme http  :path /  :authority example.org
//	S: SETTINGS        stream 0  ACK
//	S: HEADERS         stream 1  END_HEADERS             :status 200  content-type text/html  content-length 1270
//	S: DATA            stream 1  END_STREAM              (1270 bytes)
//
// A frame is a 9-byte header (24-bit length, type, flags, 31-bit stream
// number) and a payload; the HEADERS payload above is an HPACK block in
// which ":method GET" is the single byte 0x82, index 2 of the static table.
//
// # Streams, flow control and priority
//
// A stream goes from idle to open with HEADERS, to half-closed when one side
// sends END_STREAM, to closed when both have or either sends RST_STREAM
// (RFC 9113 section 5.1; [StreamState]). Clients open odd-numbered
// streams, servers reserve even ones for push. Each side advertises how
// many streams it accepts at once (MAX_CONCURRENT_STREAMS) and how many
// bytes it can take (a window per stream and one for the connection, RFC
// 9113 section 5.2); DATA spends window, WINDOW_UPDATE gives it back as the
// application reads, so a slow reader slows its sender instead of
// overflowing memory. Which stream's DATA goes next is the scheduler's
// choice: the RFC 7540 dependency tree that browsers still send (weights
// and parents), or RFC 9218 urgencies ([ParsePriority]); streams of equal
// standing share the connection frame by frame.
//
// # How this package is organized
//
// The codec does no I/O: [ParseFrameHeader], [ParseFrame] and
// [AppendFrame] map bytes to frame values and back, and package hpack
// compresses header lists. [Framer] reads and writes frames on a
// connection, checking sizes before it allocates. [Server] and
// [ClientConn] run connections: a reader goroutine applies frames to the
// connection's state, a writer goroutine decides what goes out next, and
// each request runs in its own goroutine with an http1.ResponseWriter that
// also offers http1.Flusher, http1.TrailerWriter and http1.Pusher.
// [Client] keeps one connection per host and multiplexes every request
// on it.
//
// # Starting HTTP/2
//
// Over TLS, the client offers "h2" by ALPN during the handshake
// ([Server.ServeTLS] also offers http/1.1, so older clients share the
// port). In cleartext ("h2c"), a client with prior knowledge just sends the
// preface; an HTTP/1.1 client may ask to upgrade with "Upgrade: h2c" (RFC
// 7540 section 3.2, used by curl --http2), which the server honours. On a
// cleartext listener the server tells the two apart by the first bytes.
//
// # Limits and defences
//
// Every limit is a [Server] field with a Default constant: streams at once,
// receive windows, frame size, header list size ([DefaultMaxHeaderListSize]
// bounds the HPACK decoder too, against "HPACK bombs"), queued control
// frames (against SETTINGS and PING floods), frames per header block
// ([MaxContinuationFrames], against CONTINUATION floods), and running
// handlers (streams the client resets still count until their handler
// returns, against "rapid reset"). A client that never opens its window
// makes the server's writes time out ([Server.WriteTimeout]) and the
// stream is reset. Each defence has a test that attacks from raw frames.
//
// # Specifications
//
//   - [RFC 9113]: HTTP/2
//   - [RFC 7541]: HPACK: Header Compression for HTTP/2
//   - [RFC 9218]: Extensible Prioritization Scheme for HTTP
//   - [RFC 7540]: the first HTTP/2 (its priority tree and h2c upgrade)
//   - [RFC 9110]: HTTP Semantics
//
// [RFC 9113]: https://www.rfc-editor.org/rfc/rfc9113
// [RFC 7541]: https://www.rfc-editor.org/rfc/rfc7541
// [RFC 9218]: https://www.rfc-editor.org/rfc/rfc9218
// [RFC 7540]: https://www.rfc-editor.org/rfc/rfc7540
// [RFC 9110]: https://www.rfc-editor.org/rfc/rfc9110
package http2
