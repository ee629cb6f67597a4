package dns

import (
	"encoding/binary"
	"strconv"
)

// unpackRdataName reads a name that must end exactly at end (or before, when more follows).
func unpackRdataName(msg []byte, off, end int, n *Name) (int, error) {
	next, err := unpackName(msg[:end], off, n)
	if err != nil {
		if err == ErrShortMsg {
			return 0, ErrBadRdata
		}
		return 0, err
	}
	return next, nil
}

func exactName(msg []byte, off, end int, n *Name) error {
	next, err := unpackRdataName(msg, off, end, n)
	if err != nil {
		return err
	}
	if next != end {
		return ErrBadRdata
	}
	return nil
}

// NS is the data of an NS record: a host that is authoritative for the owner
// name's zone (RFC 1035 section 3.3.11).
type NS struct {
	Host Name
}

// Type returns TypeNS.
func (*NS) Type() Type { return TypeNS }

// String returns the host name.
func (d *NS) String() string                        { return d.Host.String() }
func (d *NS) appendText(b []byte) []byte            { return d.Host.AppendText(b) }
func (d *NS) pack(p *packer) error                  { p.name(&d.Host, true); return nil }
func (d *NS) unpack(msg []byte, off, end int) error { return exactName(msg, off, end, &d.Host) }
func (d *NS) parse(p *rdataParser) (err error)      { d.Host, err = p.name(); return }

// CNAME is the data of a CNAME record: the canonical name of which the owner
// is an alias (RFC 1035 section 3.3.1).
type CNAME struct {
	Target Name
}

// Type returns TypeCNAME.
func (*CNAME) Type() Type { return TypeCNAME }

// String returns the canonical name.
func (d *CNAME) String() string                        { return d.Target.String() }
func (d *CNAME) appendText(b []byte) []byte            { return d.Target.AppendText(b) }
func (d *CNAME) pack(p *packer) error                  { p.name(&d.Target, true); return nil }
func (d *CNAME) unpack(msg []byte, off, end int) error { return exactName(msg, off, end, &d.Target) }
func (d *CNAME) parse(p *rdataParser) (err error)      { d.Target, err = p.name(); return }

// PTR is the data of a PTR record: the name an address maps back to, under
// in-addr.arpa or ip6.arpa (RFC 1035 section 3.3.12).
type PTR struct {
	Target Name
}

// Type returns TypePTR.
func (*PTR) Type() Type { return TypePTR }

// String returns the target name.
func (d *PTR) String() string                        { return d.Target.String() }
func (d *PTR) appendText(b []byte) []byte            { return d.Target.AppendText(b) }
func (d *PTR) pack(p *packer) error                  { p.name(&d.Target, true); return nil }
func (d *PTR) unpack(msg []byte, off, end int) error { return exactName(msg, off, end, &d.Target) }
func (d *PTR) parse(p *rdataParser) (err error)      { d.Target, err = p.name(); return }

// MX is the data of an MX record: a mail exchanger for the owner name, tried
// in increasing order of Pref (RFC 1035 section 3.3.9, RFC 5321 section 5.1).
type MX struct {
	Pref uint16
	Host Name
}

// Type returns TypeMX.
func (*MX) Type() Type { return TypeMX }

// String returns "10 mail.example.com.".
func (d *MX) String() string { return string(d.appendText(nil)) }

func (d *MX) appendText(b []byte) []byte {
	b = strconv.AppendUint(b, uint64(d.Pref), 10)
	b = append(b, ' ')
	return d.Host.AppendText(b)
}

func (d *MX) pack(p *packer) error {
	p.msg = binary.BigEndian.AppendUint16(p.msg, d.Pref)
	p.name(&d.Host, true)
	return nil
}

func (d *MX) unpack(msg []byte, off, end int) error {
	if end-off < 3 {
		return ErrBadRdata
	}
	d.Pref = binary.BigEndian.Uint16(msg[off:])
	return exactName(msg, off+2, end, &d.Host)
}

func (d *MX) parse(p *rdataParser) (err error) {
	if d.Pref, err = p.u16(); err != nil {
		return err
	}
	d.Host, err = p.name()
	return err
}

// SRV is the data of an SRV record: where a service runs (RFC 2782).
type SRV struct {
	Priority uint16 // lower is tried first
	Weight   uint16 // relative share among equal priorities
	Port     uint16
	Target   Name // never compressed on the wire (RFC 2782)
}

// Type returns TypeSRV.
func (*SRV) Type() Type { return TypeSRV }

// String returns "priority weight port target".
func (d *SRV) String() string { return string(d.appendText(nil)) }

func (d *SRV) appendText(b []byte) []byte {
	b = strconv.AppendUint(b, uint64(d.Priority), 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(d.Weight), 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(d.Port), 10)
	b = append(b, ' ')
	return d.Target.AppendText(b)
}

func (d *SRV) pack(p *packer) error {
	p.msg = binary.BigEndian.AppendUint16(p.msg, d.Priority)
	p.msg = binary.BigEndian.AppendUint16(p.msg, d.Weight)
	p.msg = binary.BigEndian.AppendUint16(p.msg, d.Port)
	p.name(&d.Target, false)
	return nil
}

func (d *SRV) unpack(msg []byte, off, end int) error {
	if end-off < 7 {
		return ErrBadRdata
	}
	d.Priority = binary.BigEndian.Uint16(msg[off:])
	d.Weight = binary.BigEndian.Uint16(msg[off+2:])
	d.Port = binary.BigEndian.Uint16(msg[off+4:])
	return exactName(msg, off+6, end, &d.Target)
}

func (d *SRV) parse(p *rdataParser) (err error) {
	if d.Priority, err = p.u16(); err != nil {
		return err
	}
	if d.Weight, err = p.u16(); err != nil {
		return err
	}
	if d.Port, err = p.u16(); err != nil {
		return err
	}
	d.Target, err = p.name()
	return err
}

// SOA is the data of an SOA record, which starts a zone of authority (RFC 1035
// section 3.3.13). Its timers tell secondaries when to refresh and caches how
// long to keep negative answers (RFC 2308 section 4).
type SOA struct {
	NS      Name   // MNAME: the primary name server
	Mbox    Name   // RNAME: the administrator's mailbox, "hostmaster.example.com."
	Serial  uint32 // version of the zone, compared with RFC 1982 arithmetic
	Refresh uint32 // seconds between a secondary's checks (e.g. 10800, 3 hours)
	Retry   uint32 // seconds before a failed refresh is retried (e.g. 3600)
	Expire  uint32 // seconds after which a secondary stops answering (e.g. 604800, a week)
	MinTTL  uint32 // TTL of negative answers (RFC 2308), e.g. 86400
}

// Type returns TypeSOA.
func (*SOA) Type() Type { return TypeSOA }

// String returns "ns mbox serial refresh retry expire minimum".
func (d *SOA) String() string { return string(d.appendText(nil)) }

func (d *SOA) appendText(b []byte) []byte {
	b = d.NS.AppendText(b)
	b = append(b, ' ')
	b = d.Mbox.AppendText(b)
	for _, v := range [5]uint32{d.Serial, d.Refresh, d.Retry, d.Expire, d.MinTTL} {
		b = append(b, ' ')
		b = strconv.AppendUint(b, uint64(v), 10)
	}
	return b
}

func (d *SOA) pack(p *packer) error {
	p.name(&d.NS, true)
	p.name(&d.Mbox, true)
	for _, v := range [5]uint32{d.Serial, d.Refresh, d.Retry, d.Expire, d.MinTTL} {
		p.msg = binary.BigEndian.AppendUint32(p.msg, v)
	}
	return nil
}

func (d *SOA) unpack(msg []byte, off, end int) error {
	off, err := unpackRdataName(msg, off, end, &d.NS)
	if err != nil {
		return err
	}
	if off, err = unpackRdataName(msg, off, end, &d.Mbox); err != nil {
		return err
	}
	if end-off != 20 {
		return ErrBadRdata
	}
	d.Serial = binary.BigEndian.Uint32(msg[off:])
	d.Refresh = binary.BigEndian.Uint32(msg[off+4:])
	d.Retry = binary.BigEndian.Uint32(msg[off+8:])
	d.Expire = binary.BigEndian.Uint32(msg[off+12:])
	d.MinTTL = binary.BigEndian.Uint32(msg[off+16:])
	return nil
}

func (d *SOA) parse(p *rdataParser) (err error) {
	if d.NS, err = p.name(); err != nil {
		return err
	}
	if d.Mbox, err = p.name(); err != nil {
		return err
	}
	for _, v := range []*uint32{&d.Serial, &d.Refresh, &d.Retry, &d.Expire, &d.MinTTL} {
		if *v, err = p.ttl(); err != nil {
			return err
		}
	}
	return nil
}
