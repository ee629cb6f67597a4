package dns

import (
	"encoding/binary"
	"encoding/hex"
	"strconv"
)

// OPT is the data of the EDNS0 pseudo-record (RFC 6891 section 6). It lives in
// the additional section with the root as owner; its CLASS field carries the
// sender's UDP payload size and its TTL field the extended rcode, the version
// and the DO bit, which this type exposes as fields. [RR.Class] and [RR.TTL]
// of an OPT record are ignored when packing.
type OPT struct {
	UDPSize uint16 // largest UDP reply the sender can reassemble; below 512 means 512
	// ExtendedRcode holds the upper 8 bits of a 12-bit rcode. When a message is
	// packed it is taken from [Header.Rcode]; when unpacked it is merged into it.
	ExtendedRcode uint8
	Version       uint8  // 0; a server answers other versions with BADVERS
	DO            bool   // DNSSEC OK (RFC 3225)
	Z             uint16 // the other 15 flag bits, kept as received
	Options       []EDNSOption
}

// EDNSOption is one option of an OPT record, kept as code and opaque data
// (RFC 6891 section 6.1.2).
type EDNSOption struct {
	Code uint16 // e.g. 10 for COOKIE (RFC 7873), 12 for padding (RFC 7830)
	Data []byte
}

// Type returns TypeOPT.
func (*OPT) Type() Type { return TypeOPT }

// String returns the pseudo-section lines that dig prints.
func (d *OPT) String() string { return string(d.appendPseudo(nil)) }

func (d *OPT) appendText(b []byte) []byte { return d.appendPseudo(b) }

func (d *OPT) appendPseudo(b []byte) []byte {
	b = append(b, "; EDNS: version: "...)
	b = strconv.AppendUint(b, uint64(d.Version), 10)
	b = append(b, ", flags:"...)
	if d.DO {
		b = append(b, " do"...)
	}
	b = append(b, "; udp: "...)
	b = strconv.AppendUint(b, uint64(d.UDPSize), 10)
	for _, o := range d.Options {
		b = append(b, "\n; OPT="...)
		b = strconv.AppendUint(b, uint64(o.Code), 10)
		b = append(b, ": "...)
		b = hex.AppendEncode(b, o.Data)
	}
	return b
}

// classTTL returns the CLASS and TTL fields to write for this record.
func (d *OPT) classTTL(rcode Rcode) (Class, uint32) {
	ttl := uint32(rcode>>4)<<24 | uint32(d.Version)<<16 | uint32(d.Z&0x7FFF)
	if d.DO {
		ttl |= 1 << 15
	}
	return Class(d.UDPSize), ttl
}

func (d *OPT) setClassTTL(c Class, ttl uint32) {
	d.UDPSize = uint16(c)
	d.ExtendedRcode = uint8(ttl >> 24)
	d.Version = uint8(ttl >> 16)
	d.DO = ttl&(1<<15) != 0
	d.Z = uint16(ttl & 0x7FFF)
}

func (d *OPT) pack(p *packer) error {
	for _, o := range d.Options {
		if len(o.Data) > 0xFFFF {
			return ErrBadRdata
		}
		p.msg = binary.BigEndian.AppendUint16(p.msg, o.Code)
		p.msg = binary.BigEndian.AppendUint16(p.msg, uint16(len(o.Data)))
		p.msg = append(p.msg, o.Data...)
	}
	return nil
}

func (d *OPT) unpack(msg []byte, off, end int) error {
	d.Options = d.Options[:0]
	for off < end {
		if end-off < 4 {
			return ErrBadRdata
		}
		code := binary.BigEndian.Uint16(msg[off:])
		l := int(binary.BigEndian.Uint16(msg[off+2:]))
		off += 4
		if off+l > end {
			return ErrBadRdata
		}
		d.Options = append(d.Options, EDNSOption{Code: code, Data: append([]byte(nil), msg[off:off+l]...)})
		off += l
	}
	if len(d.Options) == 0 {
		d.Options = nil
	}
	return nil
}

func (d *OPT) parse(p *rdataParser) error { return p.errAt("OPT", ErrSyntax) }
