// Package http1 implements HTTP/1.0 and HTTP/1.1: the message codec, a
// [Server] that calls your [Handler], a [Client] that can pipeline, a
// [FileServer], a cookie [Jar] and a caching proxy ([Cache]).
//
// # What HTTP solves
//
// A Web page is a base HTML file plus the objects it references (images,
// scripts, style sheets), each named by a URL such as
// www.someschool.edu/someDept/pic.gif: a host name and a path. HTTP is
// how a client (a browser) asks a server for those objects. It runs over
// TCP, port 80 (443 with TLS); the client opens the connection, sends a
// request, and the server answers with a response. HTTP is stateless: the
// server keeps nothing about past requests, so state that must survive
// (a login, a shopping cart) travels in cookies.
//
// Messages are lines of ASCII text ending in CRLF: a start line, header
// fields "Name: value", an empty line, then the content (the "body").
//
// # A sample dialogue
//
// The classic textbook exchange, over one TCP connection (C: is the
// browser, S: the server):
//
//	C: GET /somedir/page.html HTTP/1.1
//	C: Host: www.someschool.edu
//	C: User-Agent: Mozilla/4.0
//	C: Accept-Language: fr
//	C:
//	S: HTTP/1.1 200 OK
//	S: Date: Thu, 06 Aug 1998 12:00:15 GMT
//	S: Last-Modified: Mon, 22 Jun 1998 09:23:24 GMT
//	S: Content-Length: 6821
//	S: Content-Type: text/html
//	S:
//	S: (6821 bytes of HTML)
//
// # Messages, methods and status codes
//
// A request line is "method SP URL SP version CRLF"; header lines are
// "name: value CRLF"; an empty line (CRLF at the start of a line) ends
// the header, and the entity body follows. HTTP/1.0 (RFC 1945) has GET,
// POST (form input in the body) and HEAD (the header a GET would get,
// without the object); HTTP/1.1 adds PUT (replace the file at the URL
// with the body), DELETE, OPTIONS and CONNECT, among others ([Method]).
// Form input can also travel in the URL: "/animalsearch?monkeys&banana"
// ([Request.RawQuery]). A response starts with a status line, "version SP
// code SP phrase": 200 OK (the object follows), 301 Moved Permanently
// (the new URL is in Location), 304 Not Modified, 400 Bad Request, 404
// Not Found, 505 HTTP Version Not Supported ([Status]).
//
// Unlike FTP, HTTP sends its control information in band, on the same
// connection as the data; unlike SMTP (a push protocol), it is a pull
// protocol, each object travels in its own response, and bodies are 8-bit
// clean, framed by Content-Length or chunked transfer coding.
//
// # Non-persistent, persistent and pipelined connections
//
// HTTP/1.0 opens a new TCP connection for each object: one round-trip
// time (RTT) to set up TCP, one for the request and the first bytes of
// the response, then the transmission time: 2 RTT + transmit per object.
// HTTP/1.1 keeps the connection open (persistent connections, the
// default; opt-in with "Connection: keep-alive" in 1.0): 1 RTT per object.
// With pipelining the client sends all its requests back to back without
// waiting, and the server answers them in order, first come first served:
// about 1 RTT for all the objects. [Client] does all three
// ([Client.DisableKeepAlives], [Client.Pipeline]); the tour chapter
// "http1" measures them over a link with an injected delay.
//
// # The conditional GET and web caches
//
// A cache keeps copies of responses near the client. To check that a
// copy is still good without transferring it again, it sends a
// conditional GET: "If-Modified-Since: <date>" (or "If-None-Match:
// <etag>"); the server answers "304 Not Modified" with no content, or
// "200 OK" with the new object. [Cache] is such a proxy: a server to the
// browser and a client to the origin.
//
// # How this package is organized
//
// The codec does no I/O: [ParseRequestHead], [ParseResponseHead],
// [AppendRequestHead], [AppendResponseHead], [ParseChunkSize],
// [AppendChunk], [ParseDate] and [AppendDate] map bytes to values and back.
// [Reader] is the framing layer: it reads a head under [Limits] and gives
// the message a Body that reads exactly its content (Content-Length,
// chunked, or until the connection closes). [Server] and [Client] are the
// session layer: [Server] answers each connection's requests in order;
// [ClientConn] is one client connection (Send and Receive, which is all
// pipelining needs) and [Client] pools them, follows redirects and keeps
// cookies in a [Jar]. [Validators] and [Client.ConditionalGet] make
// conditional requests; [FileServer] and [FileServerDir] answer them.
// [Request], [Response], [Header], [Handler] and [ResponseWriter] are
// shared with the http2 package, so one Handler serves both versions.
// [FromNetHTTP] and [ToNetHTTP] adapt handlers to and from net/http.
//
// # Cookies
//
// HTTP is stateless; cookies carry state. The textbook exchange: the
// server answers the first request with "Set-Cookie: 1678", and the
// browser sends "Cookie: 1678" with every later request to that site,
// so the site can find the user in its database. [ParseSetCookie],
// [SetCookie] and [Request.Cookies] are the two header lines; [Jar] is
// the browser's cookie file, with RFC 6265's domain and path matching
// and expiry.
//
// # Limits
//
// A request line is capped at [DefaultMaxRequestLine] bytes (414 URI Too
// Long), the header section at [DefaultMaxHeaderBytes] bytes and
// [DefaultMaxHeaderFields] fields (431), a chunk-size line at
// [DefaultMaxChunkLine] bytes (400); see [Limits]. After such an error the
// server answers with the status and closes the connection. [Server]
// also has a header-read timeout against slow clients (slowloris) and an
// idle timeout for persistent connections.
//
// # Security
//
// The parser is strict where leniency enables request smuggling (one
// message read as two by a proxy and a server): lines must end in CRLF,
// obsolete line folding is refused, Content-Length with Transfer-Encoding
// is refused, Content-Length values must agree, and chunk sizes are bare
// hex; [ParseRequestHead] lists every rule. Header values containing CR,
// LF or NUL are never written. [FileServer] keeps requests inside its
// root, symbolic links included.
//
// # Specifications
//
//   - [RFC 9110]: HTTP Semantics (methods, status codes, fields, conditional requests, ranges)
//   - [RFC 9111]: HTTP Caching
//   - [RFC 9112]: HTTP/1.1 (message syntax, framing, connections)
//   - [RFC 6265]: HTTP State Management Mechanism (cookies)
//   - [RFC 1945]: HTTP/1.0
//
// [RFC 9110]: https://www.rfc-editor.org/rfc/rfc9110
// [RFC 9111]: https://www.rfc-editor.org/rfc/rfc9111
// [RFC 9112]: https://www.rfc-editor.org/rfc/rfc9112
// [RFC 6265]: https://www.rfc-editor.org/rfc/rfc6265
// [RFC 1945]: https://www.rfc-editor.org/rfc/rfc1945
package http1
