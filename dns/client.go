package dns

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"time"
)

// Client defaults.
const (
	// DefaultTimeout bounds one attempt of an exchange (one UDP try, or the TCP exchange).
	DefaultTimeout = 2 * time.Second
	// DefaultAttempts is how many times a UDP query is sent before giving up.
	DefaultAttempts = 3
)

// Client sends queries to DNS servers and matches their replies. The zero
// value is ready to use: UDP with EDNS0 ([DefaultEDNSSize]), [DefaultAttempts]
// tries of [DefaultTimeout] each, and a retry over TCP when a reply comes
// back truncated (RFC 7766 section 5). A Client is safe for concurrent use.
type Client struct {
	// Timeout bounds each attempt; zero means DefaultTimeout.
	Timeout time.Duration
	// Attempts is the number of UDP sends; zero means DefaultAttempts.
	Attempts int
	// UDPSize is the EDNS0 payload size to advertise; zero means
	// DefaultEDNSSize. It is ignored when NoEDNS is set.
	UDPSize uint16
	// NoEDNS sends plain RFC 1035 queries without an OPT record (512-octet replies).
	NoEDNS bool
	// TCP sends every query over TCP instead of UDP.
	TCP bool
	// IgnoreTruncation returns truncated UDP replies as they are, as dig +ignore does.
	IgnoreTruncation bool
	// Dialer, when non-nil, is used to open connections (for a local address, say).
	Dialer *net.Dialer
	// TSIG, when non-nil, signs every query with this key and requires
	// replies signed with it (RFC 8945), as nsupdate -y does.
	TSIG *TSIGKey
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Client) attempts() int {
	if c.Attempts > 0 {
		return c.Attempts
	}
	return DefaultAttempts
}

func (c *Client) dialer() *net.Dialer {
	if c.Dialer != nil {
		return c.Dialer
	}
	return &net.Dialer{}
}

// withPort adds ":53" to a server address without a port.
func withPort(server string) string {
	if _, _, err := net.SplitHostPort(server); err == nil {
		return server
	}
	if a, err := netip.ParseAddr(server); err == nil {
		return netip.AddrPortFrom(a, Port).String()
	}
	return net.JoinHostPort(server, "53")
}

// Exchange sends q to server ("host:port"; the port defaults to 53) and
// returns the reply. It gives q a fresh random ID (RFC 5452 section 9.2),
// adds an OPT record unless NoEDNS is set or q has one, signs it when TSIG is
// set, accepts only a reply whose ID and question match (and, with TSIG,
// whose signature verifies), retries UDP on timeout, and retries over TCP
// when the reply has TC set. q is not modified.
func (c *Client) Exchange(ctx context.Context, q *Msg, server string) (*Msg, error) {
	server = withPort(server)
	qm := *q
	qm.ID = uint16(rand.Uint32())
	if !c.NoEDNS && qm.OPT() == nil {
		size := c.UDPSize
		if size == 0 {
			size = DefaultEDNSSize
		}
		qm.Additional = append(append([]RR(nil), q.Additional...), RR{Name: Root, Data: &OPT{UDPSize: size}})
	}
	wire, err := qm.AppendPack(make([]byte, 2, 514))
	if err != nil {
		return nil, err
	}
	var reqMAC []byte
	if c.TSIG != nil {
		signed, mac, err := SignTSIG(append([]byte(nil), wire[2:]...), *c.TSIG, uint64(time.Now().Unix()), nil, 0)
		if err != nil {
			return nil, err
		}
		wire, reqMAC = append(wire[:2], signed...), mac
	}
	binary.BigEndian.PutUint16(wire, uint16(len(wire)-2))
	if c.TCP || qm.Opcode == OpcodeUpdate && len(wire) > MaxUDPSize {
		return c.verify(reqMAC)(c.exchangeTCP(ctx, &qm, wire, server))
	}
	var lastErr error
	for i := 0; i < c.attempts(); i++ {
		r, raw, err := c.exchangeUDP(ctx, &qm, wire[2:], server)
		if err == nil {
			if r.Truncated && !c.IgnoreTruncation {
				return c.verify(reqMAC)(c.exchangeTCP(ctx, &qm, wire, server))
			}
			if r.Rcode == RcodeFormatError && r.OPT() == nil && !c.NoEDNS && q.OPT() == nil {
				// A server that predates EDNS0 rejects the OPT record: ask
				// again without it (RFC 6891 section 7).
				plain := *c
				plain.NoEDNS = true
				return plain.Exchange(ctx, q, server)
			}
			return c.verify(reqMAC)(r, raw, nil)
		}
		lastErr = err
		var ne net.Error
		if ctx.Err() != nil || !(errors.As(err, &ne) && ne.Timeout()) {
			break
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, lastErr
}

// verify checks the reply's TSIG signature when the client signs its queries.
func (c *Client) verify(reqMAC []byte) func(*Msg, []byte, error) (*Msg, error) {
	return func(r *Msg, raw []byte, err error) (*Msg, error) {
		if err != nil || c.TSIG == nil {
			return r, err
		}
		if _, _, err := VerifyTSIG(raw, []TSIGKey{*c.TSIG}, uint64(time.Now().Unix()), reqMAC); err != nil {
			if r.Rcode == RcodeNotAuth {
				return r, nil // the server refused our signature; the caller reads the rcode
			}
			return nil, err
		}
		return r, nil
	}
}

func (c *Client) exchangeUDP(ctx context.Context, q *Msg, wire []byte, server string) (*Msg, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	// A new socket per attempt gets a new random source port from the kernel.
	conn, err := c.dialer().DialContext(ctx, "udp", server)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	if _, err := conn.Write(wire); err != nil {
		return nil, nil, err
	}
	buf := make([]byte, MaxMsgSize)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return nil, nil, err
		}
		r := new(Msg)
		if r.Unpack(buf[:n]) != nil || !matches(q, r) {
			continue // not our reply (spoofed or late); keep waiting
		}
		return r, buf[:n], nil
	}
}

func (c *Client) exchangeTCP(ctx context.Context, q *Msg, wire []byte, server string) (*Msg, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	conn, err := c.dialer().DialContext(ctx, "tcp", server)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	if _, err := conn.Write(wire); err != nil {
		return nil, nil, err
	}
	r := new(Msg)
	raw, err := readTCPMsg(conn, r, nil)
	if err != nil {
		return nil, nil, err
	}
	if !matches(q, r) {
		return nil, nil, ErrIDMismatch
	}
	return r, raw, nil
}

// readTCPMsg reads one length-prefixed message (RFC 1035 section 4.2.2) into m,
// using buf when it is large enough.
func readTCPMsg(r io.Reader, m *Msg, buf []byte) ([]byte, error) {
	var l [2]byte
	if _, err := io.ReadFull(r, l[:]); err != nil {
		return buf, err
	}
	n := int(binary.BigEndian.Uint16(l[:]))
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return buf, err
	}
	return buf, m.Unpack(buf)
}

// matches reports whether r answers q: same ID and same question (RFC 5452 section 9.1).
func matches(q, r *Msg) bool {
	if !r.Response || r.ID != q.ID {
		return false
	}
	if len(r.Question) == 0 && r.Rcode != RcodeSuccess {
		return true // servers may drop the question from FORMERR/NOTIMP replies
	}
	if len(r.Question) != len(q.Question) {
		return false
	}
	for i := range q.Question {
		a, b := q.Question[i], r.Question[i]
		if a.Type != b.Type || a.Class != b.Class || !a.Name.Equal(b.Name) {
			return false
		}
	}
	return true
}
