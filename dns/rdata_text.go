package dns

import "strconv"

// TXT is the data of a TXT record: one or more character-strings of up to 255
// octets each (RFC 1035 section 3.3.14). SPF, DKIM and domain verification
// live in TXT records.
type TXT struct {
	Txt []string
}

// Type returns TypeTXT.
func (*TXT) Type() Type { return TypeTXT }

// String returns the strings quoted and space-separated, as dig prints them.
func (d *TXT) String() string { return string(d.appendText(nil)) }

func (d *TXT) appendText(b []byte) []byte {
	for i, s := range d.Txt {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendCharString(b, s)
	}
	return b
}

func (d *TXT) pack(p *packer) error {
	if len(d.Txt) == 0 {
		return ErrBadRdata
	}
	for _, s := range d.Txt {
		if len(s) > 255 {
			return errStringTooLong
		}
		p.msg = append(p.msg, byte(len(s)))
		p.msg = append(p.msg, s...)
	}
	return nil
}

func (d *TXT) unpack(msg []byte, off, end int) error {
	d.Txt = d.Txt[:0]
	for off < end {
		l := int(msg[off])
		if off+1+l > end {
			return ErrBadRdata
		}
		d.Txt = append(d.Txt, string(msg[off+1:off+1+l]))
		off += 1 + l
	}
	if len(d.Txt) == 0 {
		return ErrBadRdata
	}
	return nil
}

func (d *TXT) parse(p *rdataParser) error {
	d.Txt = nil
	for p.more() {
		s, err := p.charString()
		if err != nil {
			return err
		}
		d.Txt = append(d.Txt, s)
	}
	if len(d.Txt) == 0 {
		return p.errAt("", errMissingField)
	}
	return nil
}

// CAA is the data of a CAA record: which certification authorities may issue
// certificates for the owner name (RFC 8659 section 4).
type CAA struct {
	Flags uint8  // bit 128 is "issuer critical"
	Tag   string // "issue", "issuewild", "iodef"; 1 to 15 letters and digits
	Value string
}

// Type returns TypeCAA.
func (*CAA) Type() Type { return TypeCAA }

// String returns `0 issue "ca.example.net"`.
func (d *CAA) String() string { return string(d.appendText(nil)) }

func (d *CAA) appendText(b []byte) []byte {
	b = strconv.AppendUint(b, uint64(d.Flags), 10)
	b = append(b, ' ')
	b = append(b, d.Tag...)
	b = append(b, ' ')
	return appendCharString(b, d.Value)
}

func validCAATag(s string) bool {
	if len(s) == 0 || len(s) > 15 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c)) {
			return false
		}
	}
	return true
}

func (d *CAA) pack(p *packer) error {
	if !validCAATag(d.Tag) {
		return ErrBadRdata
	}
	p.msg = append(p.msg, d.Flags, byte(len(d.Tag)))
	p.msg = append(p.msg, d.Tag...)
	p.msg = append(p.msg, d.Value...)
	return nil
}

func (d *CAA) unpack(msg []byte, off, end int) error {
	if end-off < 2 {
		return ErrBadRdata
	}
	d.Flags = msg[off]
	l := int(msg[off+1])
	if off+2+l > end {
		return ErrBadRdata
	}
	d.Tag = string(msg[off+2 : off+2+l])
	if !validCAATag(d.Tag) {
		return ErrBadRdata
	}
	d.Value = string(msg[off+2+l : end])
	return nil
}

func (d *CAA) parse(p *rdataParser) (err error) {
	if d.Flags, err = p.u8(); err != nil {
		return err
	}
	if d.Tag, err = p.word(); err != nil {
		return err
	}
	if !validCAATag(d.Tag) {
		return p.errAt(d.Tag, ErrSyntax)
	}
	t, err := p.next()
	if err != nil {
		return err
	}
	d.Value, err = unescapeString(t.s)
	if err != nil {
		return p.errAt(t.s, err)
	}
	return nil
}
