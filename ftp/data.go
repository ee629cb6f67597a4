package ftp

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"math/big"
	"net"
	"net/netip"
	"strconv"
	"time"
)

// Data connections (RFC 959 section 3.2 and 5.2). Every transfer gets a new
// TCP connection. In active mode (PORT, EPRT) the client listens and tells
// us where; we connect. In passive mode (PASV, EPSV) we listen on a port from
// [Server.PasvMinPort]..[Server.PasvMaxPort] and the client connects.

// dataSetup is what the last PORT/EPRT/PASV/EPSV prepared.
type dataSetup struct {
	active netip.AddrPort // valid after PORT/EPRT
	ln     net.Listener   // non-nil after PASV/EPSV
}

func (d *dataSetup) close() {
	if d.ln != nil {
		d.ln.Close()
	}
	*d = dataSetup{}
}

func (d *dataSetup) ready() bool { return d.ln != nil || d.active.IsValid() }

// cmdPORT handles PORT and EPRT. The address must be the client's own (no
// "bounce": RFC 2577 section 3 describes how PORT to a third host lets an
// attacker use the server to reach hosts it could not reach itself), and the
// port must not be a privileged one.
func (ss *session) cmdPORT(arg string, extended bool) {
	var ap netip.AddrPort
	var err error
	if extended {
		ap, err = ParseEPRT(arg)
	} else {
		ap, err = ParsePORT(arg)
	}
	if err != nil {
		if extended && errors.Is(err, ErrAddressSyntax) && len(arg) > 2 && arg[1] != '1' && arg[1] != '2' {
			ss.reply(StatusBadNetworkProtocol, "Network protocol not supported, use (1,2).")
			return
		}
		ss.reply(StatusArgumentSyntaxError, "Bad address.")
		return
	}
	if ap.Addr().Unmap() != ss.remote {
		ss.log.Warn("ftp: refused PORT to a third host", "addr", ap.String())
		ss.reply(StatusArgumentSyntaxError, "PORT to a host other than the client refused.")
		return
	}
	if ap.Port() < 1024 {
		ss.reply(StatusArgumentSyntaxError, "PORT to a privileged port refused.")
		return
	}
	ss.data.close()
	ss.data.active = ap
	if extended {
		ss.reply(StatusCommandOK, "EPRT command successful.")
	} else {
		ss.reply(StatusCommandOK, "PORT command successful.")
	}
}

// cmdPASV handles PASV and EPSV.
func (ss *session) cmdPASV(extended bool, arg string) {
	if extended && arg != "" {
		switch upper(arg) {
		case "ALL":
			// RFC 2428 section 4: from now on only EPSV; we accept it
			// and go on allowing the others.
			ss.reply(StatusCommandOK, "EPSV ALL ok.")
			return
		case "1", "2":
			if (arg == "1") != ss.local.Is4() {
				ss.reply(StatusBadNetworkProtocol, "Network protocol not supported, use ("+netProto(ss.local)+").")
				return
			}
		default:
			ss.reply(StatusBadNetworkProtocol, "Network protocol not supported, use ("+netProto(ss.local)+").")
			return
		}
	}
	if !extended && !ss.local.Is4() && !ss.srv.PublicAddr.Is4() {
		ss.reply(StatusNotImplementedParameter, "PASV needs IPv4; use EPSV.")
		return
	}
	ss.data.close()
	ln, err := ss.srv.listenPassive(ss.local)
	if err != nil {
		ss.log.Warn("ftp: passive listen", "err", err)
		ss.reply(StatusCantOpenData, "Can't open passive connection.")
		return
	}
	ss.data.ln = ln
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	if extended {
		ss.reply(StatusExtendedPassiveMode, string(AppendEPSVReply(nil, port)))
		return
	}
	host := ss.local
	if ss.srv.PublicAddr.Is4() {
		host = ss.srv.PublicAddr
	}
	text, _ := AppendPASVReply(nil, netip.AddrPortFrom(host, port))
	ss.reply(StatusPassiveMode, string(text))
}

func netProto(a netip.Addr) string {
	if a.Is4() {
		return "1"
	}
	return "2"
}

// listenPassive listens on addr with a port from the configured range,
// starting at a random place in it.
func (s *Server) listenPassive(addr netip.Addr) (net.Listener, error) {
	lo, hi := s.PasvMinPort, s.PasvMaxPort
	if lo <= 0 || hi < lo || hi > 65535 {
		return net.Listen("tcp", netip.AddrPortFrom(addr, 0).String())
	}
	n := hi - lo + 1
	start := 0
	if r, err := rand.Int(rand.Reader, big.NewInt(int64(n))); err == nil {
		start = int(r.Int64())
	}
	var lastErr error
	for i := range n {
		port := lo + (start+i)%n
		ln, err := net.Listen("tcp", net.JoinHostPort(addr.String(), strconv.Itoa(port)))
		if err == nil {
			return ln, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// openData opens the data connection prepared by the last PORT/PASV. In
// passive mode only a connection from the client's own address is accepted
// (others are closed), so nobody else can grab the file.
func (ss *session) openData(ctx context.Context, setup dataSetup) (net.Conn, error) {
	timeout := ss.srv.dataTimeout()
	if timeout <= 0 {
		timeout = DefaultDataTimeout
	}
	deadline := time.Now().Add(timeout)
	var conn net.Conn
	if setup.ln != nil {
		defer setup.ln.Close()
		stop := context.AfterFunc(ctx, func() { setup.ln.Close() })
		defer stop()
		if tl, ok := setup.ln.(*net.TCPListener); ok {
			tl.SetDeadline(deadline)
		}
		for {
			c, err := setup.ln.Accept()
			if err != nil {
				return nil, err
			}
			if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil && ap.Addr().Unmap() == ss.remote {
				conn = c
				break
			}
			ss.log.Warn("ftp: data connection from a third host refused", "addr", c.RemoteAddr().String())
			c.Close()
		}
	} else if setup.active.IsValid() {
		d := net.Dialer{Deadline: deadline}
		if ss.local.IsValid() {
			d.LocalAddr = &net.TCPAddr{IP: ss.local.AsSlice()}
		}
		c, err := d.DialContext(ctx, "tcp", setup.active.String())
		if err != nil {
			return nil, err
		}
		conn = c
	} else {
		return nil, errNoData
	}
	return conn, nil
}

// protect wraps a data connection in TLS when PROT P is in force, with us as
// the TLS server (RFC 4217 section 7), whichever side connected.
func (ss *session) protect(ctx context.Context, conn net.Conn, protP bool) (net.Conn, error) {
	if !protP {
		return conn, nil
	}
	tc := tls.Server(conn, ss.srv.TLSConfig)
	hctx, cancel := context.WithTimeout(ctx, ss.srv.handshakeTimeout())
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		conn.Close()
		return nil, err
	}
	return tc, nil
}
