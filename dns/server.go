package dns

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"time"

	"github.com/applayer/applayer/sockets"
)

// Server defaults.
const (
	// DefaultTCPIdleTimeout is how long a TCP connection may wait for its
	// next query (RFC 7766 section 6.2.3 recommends a few seconds).
	DefaultTCPIdleTimeout = 10 * time.Second
	// DefaultMaxTCPQueries bounds the queries served on one TCP connection.
	DefaultMaxTCPQueries = 1000
)

// Server serves DNS over UDP and TCP on port 53 (RFC 1035 section 4.2) and
// hands each request to Handler. It checks what every request must satisfy
// before the handler sees it: a message that does not parse gets FORMERR
// (if its header survives), a reply is ignored, an opcode other than QUERY,
// NOTIFY or UPDATE gets NOTIMP, a query with other than one question gets
// FORMERR, and an EDNS version above 0 gets BADVERS (RFC 6891 section 6.1.3).
//
// The zero value is ready to use once Handler is set. Its lifecycle follows
// net/http: Serve/ServePacket block until Shutdown or Close, then return
// [sockets.ErrServerClosed].
type Server struct {
	// Handler answers requests; often a *ServeMux or a *Zone.
	Handler Handler
	// Addr is the address ListenAndServe listens on, UDP and TCP; empty means "127.0.0.1:53".
	Addr string
	// UDPSize is the largest UDP reply sent to EDNS0 clients (and the size
	// advertised in replies); zero means DefaultEDNSSize.
	UDPSize uint16
	// IdleTimeout bounds the wait for the next query on a TCP connection;
	// zero means DefaultTCPIdleTimeout.
	IdleTimeout time.Duration
	// MaxTCPQueries bounds the queries served on one TCP connection; zero
	// means DefaultMaxTCPQueries.
	MaxTCPQueries int
	// Logger receives malformed requests and handler panics; nil means slog.Default().
	Logger *slog.Logger
	// Workers is the number of UDP requests served at once; zero means
	// sockets.DefaultWorkers(). A recursive server, whose handler waits on
	// other servers, wants more (dnsd uses 64).
	Workers int
	// TSIGKeys are the keys signed requests may use (RFC 8945). A signed
	// request is verified before the handler sees it: a bad signature, an
	// unknown key or a stale time gets NOTAUTH; a good one gets a signed
	// reply, and the handler can ask [TSIGSigner] who signed.
	TSIGKeys []TSIGKey

	once sync.Once
	tcp  sockets.Server
	udp  sockets.PacketServer
}

func (s *Server) init() {
	s.once.Do(func() {
		s.tcp.Handler = sockets.HandlerFunc(s.serveConn)
		s.tcp.Logger = s.Logger
		s.udp.Handler = sockets.PacketHandlerFunc(s.servePacket)
		s.udp.Logger = s.Logger
		s.udp.Workers = s.Workers
	})
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Serve answers TCP connections accepted on l.
func (s *Server) Serve(l net.Listener) error {
	s.init()
	return s.tcp.Serve(l)
}

// ServePacket answers UDP datagrams read from pc.
func (s *Server) ServePacket(pc net.PacketConn) error {
	s.init()
	return s.udp.Serve(pc)
}

// ListenAndServe listens on Addr over UDP and TCP and serves both until
// Shutdown or Close.
func (s *Server) ListenAndServe() error {
	addr := s.Addr
	if addr == "" {
		addr = "127.0.0.1:53"
	}
	pc, l, err := ListenUDPTCP(addr)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- s.ServePacket(pc) }()
	err = s.Serve(l)
	if uerr := <-errc; err == nil || errors.Is(err, sockets.ErrServerClosed) && uerr != nil {
		err = uerr
	}
	return err
}

// ListenUDPTCP opens a UDP socket and a TCP listener on the same address,
// as a DNS server needs. With port 0 it picks a port free for both, trying
// a few times.
func ListenUDPTCP(addr string) (net.PacketConn, net.Listener, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, err
	}
	tries := 1
	if port == "0" {
		tries = 10
	}
	for i := 0; ; i++ {
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, err
		}
		l, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, l, nil
		}
		pc.Close()
		if i+1 >= tries {
			return nil, nil, err
		}
	}
}

// Shutdown stops both transports gracefully: no new requests, requests in
// progress finish, idle TCP connections close. It returns ctx.Err() when
// ctx ends first.
func (s *Server) Shutdown(ctx context.Context) error {
	s.init()
	err := s.tcp.Shutdown(ctx)
	if uerr := s.udp.Shutdown(ctx); err == nil {
		err = uerr
	}
	return err
}

// Close stops both transports at once.
func (s *Server) Close() error {
	s.init()
	s.tcp.Close()
	return s.udp.Close()
}

func (s *Server) udpSize() int {
	if s.UDPSize >= MaxUDPSize {
		return int(s.UDPSize)
	}
	return DefaultEDNSSize
}

// respWriter is the ResponseWriter of one request.
type respWriter struct {
	srv       *Server
	req       *Msg
	network   string
	local     net.Addr
	remote    net.Addr
	pw        sockets.PacketWriter // UDP
	conn      net.Conn             // TCP
	written   bool
	buf       []byte
	tsigKey   *TSIGKey // sign replies with this key
	reqMAC    []byte
	tsigErr   Rcode
	tsigLater bool // later message of a multi-message reply
	signer    Name // the verified key of the request
	signed    bool
}

// TSIGSigner returns the name of the key whose signature on the request
// answered through w verified, if any.
func TSIGSigner(w ResponseWriter) (Name, bool) {
	if rw, ok := w.(*respWriter); ok && rw.signed {
		return rw.signer, true
	}
	return Root, false
}

// sign appends the TSIG record to a packed reply.
func (w *respWriter) sign(b []byte) ([]byte, error) {
	if w.tsigKey == nil {
		return b, nil
	}
	// Over TCP a handler may send several messages (a zone transfer): the
	// first is signed with the request's MAC, each later one with the MAC
	// of the one before it (RFC 8945 section 5.3.1).
	signed, mac, err := signTSIG(b, *w.tsigKey, uint64(time.Now().Unix()), w.reqMAC, w.tsigErr, w.tsigLater)
	if err == nil && w.network == "tcp" && mac != nil {
		w.reqMAC, w.tsigLater = mac, true
	}
	return signed, err
}

func (w *respWriter) RemoteAddr() net.Addr { return w.remote }
func (w *respWriter) LocalAddr() net.Addr  { return w.local }
func (w *respWriter) Network() string      { return w.network }

func (w *respWriter) WriteMsg(m *Msg) error {
	if w.network == "udp" && w.written {
		return errors.New("dns: second reply to a UDP request")
	}
	w.written = true
	if w.buf == nil {
		w.buf = make([]byte, 0, MaxUDPSize)
	}
	reqOPT := w.req.OPT()
	if reqOPT != nil && m.OPT() == nil {
		// EDNS0 negotiation: answer an EDNS query with our own OPT (RFC 6891 section 7).
		mm := *m
		// The DO bit is copied from the query (RFC 3225 section 3).
		mm.Additional = append(append([]RR(nil), m.Additional...), RR{Name: Root, Data: &OPT{UDPSize: uint16(w.srv.udpSize()), DO: reqOPT.DO}})
		m = &mm
	}
	if reqOPT == nil && m.Rcode > 0xF {
		mm := *m
		mm.Rcode = RcodeServerFailure
		m = &mm
	}
	var err error
	if w.network == "tcp" {
		b, perr := m.AppendPack(w.buf[:0])
		if errors.Is(perr, ErrMsgTooLarge) {
			// Even TCP cannot carry it: say so rather than stay silent.
			fail := &Msg{Header: m.Header, Question: m.Question}
			fail.Rcode = RcodeServerFailure
			b, perr = fail.AppendPack(w.buf[:0])
		}
		if perr != nil {
			return perr
		}
		if b, perr = w.sign(b); perr != nil {
			return perr
		}
		b = append(append(make([]byte, 0, len(b)+2), byte(len(b)>>8), byte(len(b))), b...)
		w.buf = b
		_, err = w.conn.Write(b)
		return err
	}
	limit := MaxUDPSize
	if reqOPT != nil {
		limit = min(max(int(reqOPT.UDPSize), MaxUDPSize), w.srv.udpSize())
	}
	b, err := m.AppendPack(w.buf[:0])
	if err != nil && !errors.Is(err, ErrMsgTooLarge) {
		return err
	}
	if err != nil || len(b) > limit {
		b, err = truncate(m, limit, b[:0])
		if err != nil {
			return err
		}
	}
	if b, err = w.sign(b); err != nil {
		return err
	}
	w.buf = b
	_, err = w.pw.WriteTo(b, w.remote)
	return err
}

// truncate fits m into limit octets: first without the additional section
// (which needs no TC, RFC 2181 section 9), then with only the question and
// TC set.
func truncate(m *Msg, limit int, buf []byte) ([]byte, error) {
	mm := *m
	mm.Additional = nil
	if o := m.OPT(); o != nil {
		mm.Additional = []RR{{Name: Root, Data: o}}
	}
	b, err := mm.AppendPack(buf)
	if err != nil && !errors.Is(err, ErrMsgTooLarge) {
		return b, err
	}
	if err == nil && len(b) <= limit {
		return b, nil
	}
	mm.Answer, mm.Authority = nil, nil
	mm.Truncated = true
	return mm.AppendPack(b[:0])
}

func (s *Server) servePacket(ctx context.Context, pw sockets.PacketWriter, p *sockets.Packet) {
	w := &respWriter{srv: s, network: "udp", local: pw.LocalAddr(), remote: p.Addr, pw: pw}
	s.serveMsg(ctx, w, p.Data)
}

func (s *Server) serveConn(ctx context.Context, c *sockets.Conn) {
	idle := s.IdleTimeout
	if idle <= 0 {
		idle = DefaultTCPIdleTimeout
	}
	max := s.MaxTCPQueries
	if max <= 0 {
		max = DefaultMaxTCPQueries
	}
	w := &respWriter{srv: s, network: "tcp", local: c.LocalAddr(), remote: c.RemoteAddr(), conn: c}
	var buf []byte
	for i := 0; i < max && ctx.Err() == nil; i++ {
		c.SetIdle()
		c.SetReadTimeout(idle)
		var l [2]byte
		if _, err := io.ReadFull(c, l[:]); err != nil {
			return // EOF, idle timeout or shutdown: RFC 7766 lets either side close
		}
		n := int(binary.BigEndian.Uint16(l[:]))
		if cap(buf) < n {
			buf = make([]byte, n)
		}
		buf = buf[:n]
		if _, err := io.ReadFull(c, buf); err != nil {
			return
		}
		w.written = false
		s.serveMsg(ctx, w, buf)
	}
}

// serveMsg checks a request and calls the handler, answering SERVFAIL on panic.
func (s *Server) serveMsg(ctx context.Context, w *respWriter, b []byte) {
	req := new(Msg)
	w.req = req
	// A TCP connection carries many requests: forget the last one's signature.
	w.tsigKey, w.reqMAC, w.tsigErr, w.signed, w.tsigLater = nil, nil, 0, false, false
	if err := req.Unpack(b); err != nil {
		if len(b) < headerLen || b[2]&0x80 != 0 {
			return // no header to answer, or a stray reply
		}
		s.logger().Debug("dns: malformed request", "remote", fmt.Sprint(w.remote), "err", err)
		// Answer FORMERR with the header's ID and opcode (RFC 1035 section 4.1.1).
		m := &Msg{Header: Header{ID: binary.BigEndian.Uint16(b), Response: true,
			Opcode: Opcode(b[2]>>3) & 0xF, Rcode: RcodeFormatError}}
		w.req = &Msg{}
		w.WriteMsg(m)
		return
	}
	if req.Response {
		return
	}
	switch req.Opcode {
	case OpcodeQuery, OpcodeNotify, OpcodeUpdate:
	default:
		replyError(w, req, RcodeNotImplemented)
		return
	}
	if req.Opcode == OpcodeQuery && len(req.Question) != 1 {
		replyError(w, req, RcodeFormatError)
		return
	}
	if o := req.OPT(); o != nil && o.Version > 0 {
		replyError(w, req, RcodeBadVers)
		return
	}
	if hasTSIG(req) {
		if !s.checkTSIG(w, req, b) {
			return
		}
	}
	defer func() {
		if r := recover(); r != nil {
			s.logger().Error("dns: panic in handler", "remote", fmt.Sprint(w.remote), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			if !w.written || w.network == "tcp" {
				w.written = false
				replyError(w, req, RcodeServerFailure)
			}
		}
	}()
	s.Handler.ServeDNS(ctx, w, req)
}

func hasTSIG(m *Msg) bool {
	for i := range m.Additional {
		if m.Additional[i].Type() == TypeTSIG {
			return true
		}
	}
	return false
}

// checkTSIG verifies a signed request (RFC 8945 section 5.2) and arranges
// for the reply to be signed; on failure it answers and reports false.
func (s *Server) checkTSIG(w *respWriter, req *Msg, b []byte) bool {
	key, mac, err := VerifyTSIG(b, s.TSIGKeys, uint64(time.Now().Unix()), nil)
	switch {
	case err == nil:
		w.tsigKey, w.reqMAC, w.signer, w.signed = &key, mac, key.Name, true
		return true
	case errors.Is(err, ErrBadTime):
		w.tsigKey, w.reqMAC, w.tsigErr = &key, mac, RcodeBadTime
	case errors.Is(err, ErrBadKey):
		w.tsigKey, w.tsigErr = &key, RcodeBadKey
	case errors.Is(err, ErrBadSig):
		w.tsigKey, w.tsigErr = &key, RcodeBadSig
	default:
		replyError(w, req, RcodeFormatError)
		return false
	}
	s.logger().Info("dns: TSIG verification failed", "remote", fmt.Sprint(w.remote), "key", key.Name.String(), "err", err)
	replyError(w, req, RcodeNotAuth)
	return false
}
