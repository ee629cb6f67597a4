// Package sockets is the socket layer under every server in this module,
// and the first lesson of the application-layer chapter: how two programs
// on two hosts talk at all.
//
// # What sockets solve
//
// An application-layer protocol is a conversation between processes, and a
// process reaches the network through a socket: the door between the
// application and the transport layer. The application chooses the door's
// kind, and with it the transport service:
//
//   - UDP (a datagram socket): no connection and no handshake. Each message
//     is a datagram that carries its destination address and port, may be
//     lost or reordered, and arrives whole or not at all. One socket serves
//     every peer; ReadFrom tells the server who sent each datagram and
//     WriteTo addresses the reply.
//   - TCP (a stream socket): a connection is set up first (the three-way
//     handshake), then the two sides exchange a reliable, ordered stream of
//     bytes with no message boundaries; the application must frame its own
//     messages (lines, length prefixes).
//
// A process is addressed by the host's IP address plus a 16-bit port number.
// Servers listen on a well-known port (80 for HTTP, 25 for SMTP, 53 for DNS);
// clients usually let the operating system pick an ephemeral one.
//
// # The welcoming socket and the connection socket
//
// A TCP server owns one listening socket, the "welcoming door" that
// net.Listen creates and binds to its port. Each Accept waits for a client's
// handshake to finish and returns a new connection socket, bound to the same
// local port but dedicated to that one client: the four-tuple (client IP,
// client port, server IP, server port) tells the connections apart. The
// client side is a single net.Dial, which picks an ephemeral port and
// performs the handshake.
//
// UDP has no such pair: net.ListenPacket binds one socket, and ReadFrom and
// WriteTo carry the peer address with each datagram.
//
// # The uppercase lesson
//
// The classic first program of every socket course: a client reads a line
// from the keyboard and sends it to a server, the server turns it into upper
// case and sends it back, and the client prints the reply. Over TCP:
//
//	C: (connects to 127.0.0.1:12000; the server's Accept returns a new socket)
//	C: hello, straße
//	S: HELLO, STRASSE
//	C: (closes; the server's Read sees EOF and closes its side)
//
// Over UDP the same exchange is two datagrams and no connection at all.
// [UppercaseHandler] and [UppercasePacketHandler] are the two servers,
// [UppercaseClient] the client, and examples/echo holds the four programs.
//
// # How this package is organized
//
// [Server] is the TCP serve loop every protocol server embeds: a goroutine
// per accepted connection, the live connections tracked, a connection limit
// with a hook ([Server.OnBusy]) so a protocol can refuse politely, per-read
// and per-write timeouts ([Conn]), recovery from a panicking handler,
// back-off on temporary Accept errors, and graceful [Server.Shutdown].
// [PacketServer] is the same for UDP, with a bounded pool of workers.
// [ReadPacket] reads a datagram and reports, instead of silently dropping,
// the bytes of one larger than the buffer.
//
// # Graceful shutdown
//
// Shutdown closes the welcoming sockets first, so no new connection gets in,
// then cancels the context every handler received. A connection in the
// middle of a request finishes it; one that is only waiting for its next
// request (it called [Conn.SetIdle]) has that read interrupted with
// [ErrIdleInterrupted], so its handler can say goodbye in its protocol's
// words. Whatever is still open when Shutdown's context ends is closed.
//
// # Limits
//
// [Server.MaxConns] (default [DefaultMaxConns]) bounds connections;
// [Server.ReadTimeout] and [Server.WriteTimeout] (defaults
// [DefaultReadTimeout], [DefaultWriteTimeout]) bound every read and write;
// [PacketServer.Workers] and [PacketServer.MaxPacketSize] bound UDP work.
//
// # Specifications
//
//   - [RFC 768]: User Datagram Protocol
//   - [RFC 9293]: Transmission Control Protocol
//   - [RFC 6335]: port numbers and the service name registry
//
// [RFC 768]: https://www.rfc-editor.org/rfc/rfc768
// [RFC 9293]: https://www.rfc-editor.org/rfc/rfc9293
// [RFC 6335]: https://www.rfc-editor.org/rfc/rfc6335
package sockets
