package dns

import (
	"encoding/hex"
	"strconv"
)

// Unknown is the data of a record whose type has no typed form here, kept as
// opaque octets so that it round-trips (RFC 3597). Its presentation form is
// the generic "\# <length> <hex>" (RFC 3597 section 5). It also holds the
// empty data (RDLENGTH 0) of the RRset deletions and prerequisites of dynamic
// update (RFC 2136 section 2.4), for any type.
type Unknown struct {
	T    Type
	Data []byte
}

// Type returns the record type.
func (d *Unknown) Type() Type { return d.T }

// String returns `\# 2 abcd`.
func (d *Unknown) String() string { return string(d.appendText(nil)) }

func (d *Unknown) appendText(b []byte) []byte {
	b = append(b, `\# `...)
	b = strconv.AppendInt(b, int64(len(d.Data)), 10)
	if len(d.Data) > 0 {
		b = append(b, ' ')
		b = hex.AppendEncode(b, d.Data)
	}
	return b
}

func (d *Unknown) pack(p *packer) error {
	p.msg = append(p.msg, d.Data...)
	return nil
}

func (d *Unknown) unpack(msg []byte, off, end int) error {
	d.Data = append(d.Data[:0], msg[off:end]...)
	return nil
}

func (d *Unknown) parse(p *rdataParser) error {
	t, err := p.word()
	if err != nil {
		return err
	}
	if t != `\#` {
		return p.errAt(t, ErrSyntax)
	}
	return d.parseGeneric(p)
}

// parseGeneric reads "<length> <hex>..." after the \# token.
func (d *Unknown) parseGeneric(p *rdataParser) error {
	n, err := p.u16()
	if err != nil {
		return err
	}
	var h []byte
	for p.more() {
		w, err := p.word()
		if err != nil {
			return err
		}
		h = append(h, w...)
	}
	b := make([]byte, hex.DecodedLen(len(h)))
	if _, err := hex.Decode(b, h); err != nil || len(b) != int(n) {
		return p.errAt(string(h), ErrSyntax)
	}
	if n == 0 {
		b = nil
	}
	d.Data = b
	return nil
}
