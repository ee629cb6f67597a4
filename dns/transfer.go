package dns

import (
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"time"
)

// MaxTransferRecords bounds the records accepted in one zone transfer.
const MaxTransferRecords = 1 << 20

// ErrTransfer reports a zone transfer that did not follow RFC 5936: a
// refusal, a first record that is not the SOA, or a stream that ended early.
var ErrTransfer = errors.New("dns: zone transfer failed")

// Transfer fetches every record of zone from server by AXFR over TCP
// (RFC 5936), as a secondary server does to load a zone from its primary.
// The result starts with the SOA and does not repeat it at the end; it can
// be given to [NewZone]. With TSIG set the request is signed and every
// signed reply message is verified, each chained to the one before.
func (c *Client) Transfer(ctx context.Context, zone Name, server string) ([]RR, error) {
	server = withPort(server)
	ctx, cancel := context.WithTimeout(ctx, 10*c.timeout())
	defer cancel()
	conn, err := c.dialer().DialContext(ctx, "tcp", server)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	q := new(Msg).SetQuestion(zone, TypeAXFR)
	q.RecursionDesired = false
	q.ID = uint16(rand.Uint32())
	wire, err := q.Pack()
	if err != nil {
		return nil, err
	}
	var mac []byte // the last verified MAC: the request's, then each signed reply's
	if c.TSIG != nil {
		if wire, mac, err = SignTSIG(wire, *c.TSIG, uint64(time.Now().Unix()), nil, 0); err != nil {
			return nil, err
		}
	}
	if _, err := conn.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(wire))), wire...)); err != nil {
		return nil, err
	}
	var rrs []RR
	var buf, pending []byte
	for first := true; ; first = false {
		m := new(Msg)
		if buf, err = readTCPMsg(conn, m, buf); err != nil {
			return nil, err
		}
		if m.ID != q.ID || !m.Response {
			return nil, ErrIDMismatch
		}
		if c.TSIG != nil {
			// The first and last messages must be signed; up to 99 in
			// between may not be (RFC 8945 section 5.3.1).
			if hasTSIG(m) {
				var err error
				if _, mac, err = verifyTSIG(buf, []TSIGKey{*c.TSIG}, uint64(time.Now().Unix()), mac, pending, !first); err != nil {
					return nil, err
				}
				pending = pending[:0]
			} else if first || len(pending) > 99*MaxMsgSize {
				return nil, ErrNoTSIG
			} else {
				pending = append(pending, buf...)
			}
		}
		if m.Rcode != RcodeSuccess {
			return nil, &RcodeError{Name: zone, Rcode: m.Rcode}
		}
		for _, rr := range m.Answer {
			t := rr.Type()
			if t == TypeTSIG {
				continue
			}
			if len(rrs) == 0 && (t != TypeSOA || !rr.Name.Equal(zone)) {
				return nil, ErrTransfer
			}
			if len(rrs) > 0 && t == TypeSOA && rr.Name.Equal(zone) {
				if c.TSIG != nil && len(pending) > 0 {
					return nil, ErrNoTSIG // the last message was not signed
				}
				return rrs, nil // the closing SOA
			}
			if len(rrs) >= MaxTransferRecords {
				return nil, ErrTransfer
			}
			rrs = append(rrs, rr)
		}
		if len(m.Answer) == 0 {
			return nil, ErrTransfer
		}
	}
}
