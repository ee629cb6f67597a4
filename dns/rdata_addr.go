package dns

import "net/netip"

// A is the data of an A record: one IPv4 address (RFC 1035 section 3.4.1).
type A struct {
	Addr netip.Addr
}

// Type returns TypeA.
func (*A) Type() Type { return TypeA }

// String returns the address in dotted-quad form.
func (d *A) String() string { return string(d.appendText(nil)) }

func (d *A) appendText(b []byte) []byte { return d.Addr.AppendTo(b) }

func (d *A) pack(p *packer) error {
	if !d.Addr.Is4() {
		return ErrBadRdata
	}
	a := d.Addr.As4()
	p.msg = append(p.msg, a[:]...)
	return nil
}

func (d *A) unpack(msg []byte, off, end int) error {
	if end-off != 4 {
		return ErrBadRdata
	}
	d.Addr = netip.AddrFrom4([4]byte(msg[off:end]))
	return nil
}

func (d *A) parse(p *rdataParser) error {
	s, err := p.word()
	if err != nil {
		return err
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return p.errAt(s, ErrSyntax)
	}
	d.Addr = a
	return nil
}

// AAAA is the data of an AAAA record: one IPv6 address (RFC 3596 section 2.2).
type AAAA struct {
	Addr netip.Addr
}

// Type returns TypeAAAA.
func (*AAAA) Type() Type { return TypeAAAA }

// String returns the address in RFC 5952 form.
func (d *AAAA) String() string { return string(d.appendText(nil)) }

func (d *AAAA) appendText(b []byte) []byte {
	if d.Addr.Is4In6() {
		// Keep the ::ffff:a.b.c.d form; AppendTo would do the same.
		return d.Addr.AppendTo(b)
	}
	return d.Addr.AppendTo(b)
}

func (d *AAAA) pack(p *packer) error {
	if !d.Addr.Is6() || d.Addr.Zone() != "" {
		return ErrBadRdata
	}
	a := d.Addr.As16()
	p.msg = append(p.msg, a[:]...)
	return nil
}

func (d *AAAA) unpack(msg []byte, off, end int) error {
	if end-off != 16 {
		return ErrBadRdata
	}
	d.Addr = netip.AddrFrom16([16]byte(msg[off:end]))
	return nil
}

func (d *AAAA) parse(p *rdataParser) error {
	s, err := p.word()
	if err != nil {
		return err
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() || a.Zone() != "" {
		return p.errAt(s, ErrSyntax)
	}
	d.Addr = a
	return nil
}
