package dns

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strconv"
)

// TypeTSIG is the type of the transaction signature meta-record (RFC 8945).
const TypeTSIG Type = 250

// HMACSHA256 is the name of the only TSIG algorithm this package implements
// (RFC 8945 section 6; it is the one every implementation must support).
var HMACSHA256 = MustName("hmac-sha256.")

// DefaultTSIGFudge is the clock skew, in seconds, a signature tolerates (RFC 8945 section 10).
const DefaultTSIGFudge = 300

// TSIG errors, carried in the TSIG record's Error field (RFC 8945 section 3).
const (
	RcodeBadSig  Rcode = 16 // the MAC does not verify (shares the number of BADVERS)
	RcodeBadKey  Rcode = 17 // the key is not known
	RcodeBadTime Rcode = 18 // the signing time is outside the fudge window
)

// Sentinel errors of TSIG verification.
var (
	ErrBadSig  = errors.New("dns: TSIG signature does not verify")
	ErrBadKey  = errors.New("dns: TSIG key not known")
	ErrBadTime = errors.New("dns: TSIG signing time out of range")
	ErrNoTSIG  = errors.New("dns: message is not signed")
)

// TSIGKey is a shared secret for transaction signatures, named as in BIND's
// "key" statements and nsupdate -y hmac-sha256:NAME:SECRET.
type TSIGKey struct {
	Name   Name
	Secret []byte
}

// TSIG is the data of a TSIG record, the last record of a signed message's
// additional section (RFC 8945 section 4.2). Its RR has class ANY and TTL 0.
type TSIG struct {
	Algorithm  Name   // HMACSHA256
	TimeSigned uint64 // seconds since 1970, 48 bits on the wire
	Fudge      uint16 // seconds of clock skew allowed
	MAC        []byte
	OrigID     uint16 // the message ID when it was signed
	Error      Rcode  // a TSIG error (BADSIG, BADKEY, BADTIME) or 0
	OtherData  []byte // the server's time in a BADTIME reply
}

// Type returns TypeTSIG.
func (*TSIG) Type() Type { return TypeTSIG }

// String returns "algorithm time fudge macsize mac origid error otherlen [other]", MAC in base64.
func (d *TSIG) String() string { return string(d.appendText(nil)) }

func (d *TSIG) appendText(b []byte) []byte {
	b = d.Algorithm.AppendText(b)
	b = append(b, ' ')
	b = strconv.AppendUint(b, d.TimeSigned, 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(d.Fudge), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(d.MAC)), 10)
	if len(d.MAC) > 0 {
		b = append(b, ' ')
		b = base64.StdEncoding.AppendEncode(b, d.MAC)
	}
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(d.OrigID), 10)
	b = append(b, ' ')
	b = append(b, d.Error.String()...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(d.OtherData)), 10)
	if len(d.OtherData) > 0 {
		b = append(b, ' ')
		b = base64.StdEncoding.AppendEncode(b, d.OtherData)
	}
	return b
}

func (d *TSIG) pack(p *packer) error {
	if d.TimeSigned >= 1<<48 || len(d.MAC) > 0xFFFF || len(d.OtherData) > 0xFFFF {
		return ErrBadRdata
	}
	p.name(&d.Algorithm, false) // never compressed (RFC 8945 section 4.2)
	p.msg = binary.BigEndian.AppendUint16(p.msg, uint16(d.TimeSigned>>32))
	p.msg = binary.BigEndian.AppendUint32(p.msg, uint32(d.TimeSigned))
	p.msg = binary.BigEndian.AppendUint16(p.msg, d.Fudge)
	p.msg = binary.BigEndian.AppendUint16(p.msg, uint16(len(d.MAC)))
	p.msg = append(p.msg, d.MAC...)
	p.msg = binary.BigEndian.AppendUint16(p.msg, d.OrigID)
	p.msg = binary.BigEndian.AppendUint16(p.msg, uint16(d.Error))
	p.msg = binary.BigEndian.AppendUint16(p.msg, uint16(len(d.OtherData)))
	p.msg = append(p.msg, d.OtherData...)
	return nil
}

func (d *TSIG) unpack(msg []byte, off, end int) error {
	off, err := unpackRdataName(msg, off, end, &d.Algorithm)
	if err != nil {
		return err
	}
	if end-off < 10 {
		return ErrBadRdata
	}
	d.TimeSigned = uint64(binary.BigEndian.Uint16(msg[off:]))<<32 | uint64(binary.BigEndian.Uint32(msg[off+2:]))
	d.Fudge = binary.BigEndian.Uint16(msg[off+6:])
	n := int(binary.BigEndian.Uint16(msg[off+8:]))
	off += 10
	if end-off < n+6 {
		return ErrBadRdata
	}
	d.MAC = append(d.MAC[:0], msg[off:off+n]...)
	off += n
	d.OrigID = binary.BigEndian.Uint16(msg[off:])
	d.Error = Rcode(binary.BigEndian.Uint16(msg[off+2:]))
	n = int(binary.BigEndian.Uint16(msg[off+4:]))
	off += 6
	if end-off != n {
		return ErrBadRdata
	}
	d.OtherData = append(d.OtherData[:0], msg[off:end]...)
	if len(d.MAC) == 0 {
		d.MAC = nil
	}
	if len(d.OtherData) == 0 {
		d.OtherData = nil
	}
	return nil
}

func (d *TSIG) parse(p *rdataParser) (err error) {
	if d.Algorithm, err = p.name(); err != nil {
		return err
	}
	t, err := p.uint(48)
	if err != nil {
		return err
	}
	d.TimeSigned = t
	if d.Fudge, err = p.u16(); err != nil {
		return err
	}
	if d.MAC, err = p.base64Field(); err != nil {
		return err
	}
	if d.OrigID, err = p.u16(); err != nil {
		return err
	}
	w, err := p.word()
	if err != nil {
		return err
	}
	if d.Error, err = parseRcode(w); err != nil {
		return p.errAt(w, err)
	}
	d.OtherData, err = p.base64Field()
	return err
}

// base64Field reads "<length> [base64]".
func (p *rdataParser) base64Field() ([]byte, error) {
	n, err := p.u16()
	if err != nil || n == 0 {
		return nil, err
	}
	w, err := p.word()
	if err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(w)
	if err != nil || len(b) != int(n) {
		return nil, p.errAt(w, ErrSyntax)
	}
	return b, nil
}

func parseRcode(s string) (Rcode, error) {
	for r, n := range rcodeNames {
		if n == s {
			return r, nil
		}
	}
	for r, n := range map[Rcode]string{RcodeBadKey: "BADKEY", RcodeBadTime: "BADTIME", RcodeBadSig: "BADSIG"} {
		if n == s {
			return r, nil
		}
	}
	if len(s) > 5 && s[:5] == "RCODE" {
		if v, err := strconv.ParseUint(s[5:], 10, 16); err == nil {
			return Rcode(v), nil
		}
	}
	return 0, ErrSyntax
}

// tsigMAC computes the MAC of a message: the request's MAC for a reply,
// then the message without its TSIG record (ID set to the original ID,
// ARCOUNT lowered), then the TSIG variables (RFC 8945 section 4.3).
func tsigMAC(secret, requestMAC, msgNoTSIG []byte, key Name, t *TSIG) []byte {
	h := hmac.New(sha256.New, secret)
	if requestMAC != nil {
		var l [2]byte
		binary.BigEndian.PutUint16(l[:], uint16(len(requestMAC)))
		h.Write(l[:])
		h.Write(requestMAC)
	}
	h.Write(msgNoTSIG)
	var v []byte
	kn := key.Canonical()
	v = append(v, kn.wire[:kn.n]...)
	v = append(v, 0)
	v = binary.BigEndian.AppendUint16(v, uint16(ClassANY))
	v = binary.BigEndian.AppendUint32(v, 0)
	an := t.Algorithm.Canonical()
	v = append(v, an.wire[:an.n]...)
	v = append(v, 0)
	v = binary.BigEndian.AppendUint16(v, uint16(t.TimeSigned>>32))
	v = binary.BigEndian.AppendUint32(v, uint32(t.TimeSigned))
	v = binary.BigEndian.AppendUint16(v, t.Fudge)
	v = binary.BigEndian.AppendUint16(v, uint16(t.Error))
	v = binary.BigEndian.AppendUint16(v, uint16(len(t.OtherData)))
	v = append(v, t.OtherData...)
	h.Write(v)
	return h.Sum(nil)
}

// tsigTimersMAC is the MAC of a later message of a multi-message reply.
func tsigTimersMAC(secret, priorMAC, msg []byte, t *TSIG) []byte {
	h := hmac.New(sha256.New, secret)
	var v []byte
	v = binary.BigEndian.AppendUint16(v, uint16(len(priorMAC)))
	v = append(v, priorMAC...)
	h.Write(v)
	h.Write(msg)
	v = v[:0]
	v = binary.BigEndian.AppendUint16(v, uint16(t.TimeSigned>>32))
	v = binary.BigEndian.AppendUint32(v, uint32(t.TimeSigned))
	v = binary.BigEndian.AppendUint16(v, t.Fudge)
	h.Write(v)
	return h.Sum(nil)
}

// SignTSIG returns a copy of the packed message wire (which must not have a
// TSIG record) with a TSIG record appended, and the record's MAC. now is the signing
// time in seconds since 1970; requestMAC is the MAC of the request when
// wire is a reply to a signed request, else nil. tsigErr is the TSIG error
// to report (0 normally); with BADSIG or BADKEY the record carries no MAC.
func SignTSIG(wire []byte, key TSIGKey, now uint64, requestMAC []byte, tsigErr Rcode) ([]byte, []byte, error) {
	return signTSIG(wire, key, now, requestMAC, tsigErr, false)
}

// signTSIG signs wire; with timersOnly it signs a later message of a
// multi-message reply (a zone transfer), whose MAC covers the prior MAC, the
// message and only the timers (RFC 8945 section 5.3.1).
func signTSIG(wire []byte, key TSIGKey, now uint64, requestMAC []byte, tsigErr Rcode, timersOnly bool) ([]byte, []byte, error) {
	if len(wire) < headerLen {
		return nil, nil, ErrShortMsg
	}
	t := &TSIG{Algorithm: HMACSHA256, TimeSigned: now, Fudge: DefaultTSIGFudge,
		OrigID: binary.BigEndian.Uint16(wire), Error: tsigErr}
	if tsigErr == RcodeBadTime {
		t.OtherData = binary.BigEndian.AppendUint16(nil, uint16(now>>32))
		t.OtherData = binary.BigEndian.AppendUint32(t.OtherData, uint32(now))
	}
	switch {
	case tsigErr == RcodeBadSig || tsigErr == RcodeBadKey:
	case timersOnly:
		t.MAC = tsigTimersMAC(key.Secret, requestMAC, wire, t)
	default:
		t.MAC = tsigMAC(key.Secret, requestMAC, wire, key.Name, t)
	}
	ar := binary.BigEndian.Uint16(wire[10:])
	if ar == 0xFFFF {
		return nil, nil, ErrMsgTooLarge
	}
	p := packer{msg: append(make([]byte, 0, len(wire)+len(key.Name.wire)+64), wire...), noCompress: true}
	if err := p.rr(&RR{Name: key.Name, Class: ClassANY, Data: t}, 0); err != nil {
		return nil, nil, err
	}
	binary.BigEndian.PutUint16(p.msg[10:], ar+1)
	return p.msg, t.MAC, nil
}

// tsigRecord locates the TSIG record of a packed message: it must be the
// last record of the additional section. It returns its offset and the record.
func tsigRecord(wire []byte) (int, RR, error) {
	var m Msg
	if err := m.Unpack(wire); err != nil {
		return 0, RR{}, err
	}
	n := len(m.Additional)
	if n == 0 || m.Additional[n-1].Type() != TypeTSIG {
		for _, rr := range m.Additional {
			if rr.Type() == TypeTSIG {
				return 0, RR{}, ErrBadRdata // not last: FORMERR (RFC 8945 section 5.1)
			}
		}
		return 0, RR{}, ErrNoTSIG
	}
	// Walk to the start of the last record.
	off := headerLen
	var scratch Name
	for range m.Question {
		next, err := unpackName(wire, off, &scratch)
		if err != nil {
			return 0, RR{}, err
		}
		off = next + 4
	}
	total := len(m.Answer) + len(m.Authority) + n
	for i := 0; i < total-1; i++ {
		next, err := unpackName(wire, off, &scratch)
		if err != nil {
			return 0, RR{}, err
		}
		off = next + 10 + int(binary.BigEndian.Uint16(wire[next+8:]))
	}
	return off, m.Additional[n-1], nil
}

// VerifyTSIG checks the TSIG record of the packed message wire with the key
// of that name in keys, at time now (seconds since 1970). requestMAC is the
// request's MAC when wire is a reply. It returns the key used and the
// message's MAC, or an error wrapping ErrNoTSIG, ErrBadKey, ErrBadSig or ErrBadTime.
func VerifyTSIG(wire []byte, keys []TSIGKey, now uint64, requestMAC []byte) (TSIGKey, []byte, error) {
	return verifyTSIG(wire, keys, now, requestMAC, nil, false)
}

// verifyTSIG verifies wire; with later set it is a later message of a
// multi-message reply, signed over the prior MAC, the unsigned messages
// since (pending), itself and the timers (RFC 8945 section 5.3.1).
func verifyTSIG(wire []byte, keys []TSIGKey, now uint64, requestMAC, pending []byte, later bool) (TSIGKey, []byte, error) {
	off, rr, err := tsigRecord(wire)
	if err != nil {
		return TSIGKey{}, nil, err
	}
	t := rr.Data.(*TSIG)
	var key TSIGKey
	found := false
	for _, k := range keys {
		if k.Name.Equal(rr.Name) {
			key, found = k, true
			break
		}
	}
	if !found || !t.Algorithm.Equal(HMACSHA256) {
		return TSIGKey{Name: rr.Name}, nil, ErrBadKey
	}
	msg := append([]byte(nil), wire[:off]...)
	binary.BigEndian.PutUint16(msg, t.OrigID)
	binary.BigEndian.PutUint16(msg[10:], binary.BigEndian.Uint16(msg[10:])-1)
	var want []byte
	if later {
		want = tsigTimersMAC(key.Secret, requestMAC, append(append([]byte(nil), pending...), msg...), t)
	} else {
		want = tsigMAC(key.Secret, requestMAC, msg, rr.Name, t)
	}
	if !hmac.Equal(want, t.MAC) {
		return key, nil, ErrBadSig
	}
	if d := int64(now) - int64(t.TimeSigned); d > int64(t.Fudge) || -d > int64(t.Fudge) {
		return key, t.MAC, ErrBadTime
	}
	return key, t.MAC, nil
}
