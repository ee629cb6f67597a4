package dns

import (
	"encoding/binary"
	"strconv"
)

// Header is the fixed 12-octet start of every message (RFC 1035 section 4.1.1),
// without the four section counts, which [Msg] derives from its slices.
type Header struct {
	ID                 uint16 // chosen by the querier, copied into the reply
	Response           bool   // QR: this is a reply
	Opcode             Opcode // kind of query
	Authoritative      bool   // AA: the answer comes from a server authoritative for the name
	Truncated          bool   // TC: the message was cut to fit UDP; retry over TCP
	RecursionDesired   bool   // RD: please resolve recursively
	RecursionAvailable bool   // RA: this server resolves recursively
	AuthenticData      bool   // AD: DNSSEC-validated (RFC 4035 3.2.3)
	CheckingDisabled   bool   // CD: do not validate (RFC 4035 3.2.2)
	// Rcode is the full 12-bit response code; values above 15 are carried in
	// the OPT record (RFC 6891 section 6.1.3), which must then be present.
	Rcode Rcode
}

func (h *Header) flags() uint16 {
	f := uint16(h.Opcode&0xF)<<11 | uint16(h.Rcode&0xF)
	if h.Response {
		f |= 1 << 15
	}
	if h.Authoritative {
		f |= 1 << 10
	}
	if h.Truncated {
		f |= 1 << 9
	}
	if h.RecursionDesired {
		f |= 1 << 8
	}
	if h.RecursionAvailable {
		f |= 1 << 7
	}
	if h.AuthenticData {
		f |= 1 << 5
	}
	if h.CheckingDisabled {
		f |= 1 << 4
	}
	return f
}

func (h *Header) setFlags(f uint16) {
	h.Response = f&(1<<15) != 0
	h.Opcode = Opcode(f>>11) & 0xF
	h.Authoritative = f&(1<<10) != 0
	h.Truncated = f&(1<<9) != 0
	h.RecursionDesired = f&(1<<8) != 0
	h.RecursionAvailable = f&(1<<7) != 0
	h.AuthenticData = f&(1<<5) != 0
	h.CheckingDisabled = f&(1<<4) != 0
	h.Rcode = Rcode(f & 0xF)
}

// Question is an entry of the question section (RFC 1035 section 4.1.2): what is asked.
type Question struct {
	Name  Name
	Type  Type
	Class Class
}

// String formats the question as dig does: ";www.example.com.\t\tIN\tA".
func (q Question) String() string {
	b := append([]byte{';'}, q.Name.AppendText(nil)...)
	b = appendPad(b, len(b))
	b = append(b, '\t') // the empty TTL column
	b = append(b, q.Class.String()...)
	b = append(b, '\t')
	b = append(b, q.Type.String()...)
	return string(b)
}

// Msg is a DNS message: queries and replies share this one format (RFC 1035
// section 4.1). A Msg may be reused: [Msg.Unpack] overwrites it and reuses its
// slices and record data, so steady-state unpacking does not allocate.
type Msg struct {
	Header
	Question   []Question
	Answer     []RR // records that answer the question
	Authority  []RR // records pointing toward an authority (NS, or SOA for negative answers)
	Additional []RR // helpful records (glue addresses) and the OPT pseudo-record
}

// Section names, used in errors and printing.
const (
	secHeader     = "header"
	secQuestion   = "question"
	secAnswer     = "answer"
	secAuthority  = "authority"
	secAdditional = "additional"
)

const (
	headerLen      = 12
	minQuestionLen = 5  // root name, type, class
	minRRLen       = 11 // root name, type, class, TTL, RDLENGTH
	maxCompEntries = 128
	maxCompOffset  = 0x3FFF
)

// Pack returns the message in wire form, with names compressed (RFC 1035 section 4.1.4).
func (m *Msg) Pack() ([]byte, error) {
	return m.AppendPack(make([]byte, 0, 512))
}

// AppendPack appends the wire form of m to b and returns the extended slice.
// Compression pointers are relative to the start of the appended message, so
// b may already hold a TCP length prefix.
func (m *Msg) AppendPack(b []byte) ([]byte, error) {
	p := packer{msg: b, base: len(b)}
	return p.pack(m)
}

type packer struct {
	noCompress bool // write every name in full (for comparing record data)
	msg        []byte
	base       int
	ncomp      int
	comp       [maxCompEntries]uint16 // message offsets of names already written
}

func (p *packer) pack(m *Msg) ([]byte, error) {
	if len(m.Question) > 0xFFFF || len(m.Answer) > 0xFFFF || len(m.Authority) > 0xFFFF || len(m.Additional) > 0xFFFF {
		return p.msg, ErrMsgTooLarge
	}
	opt := m.OPT()
	if m.Rcode > 0xF && opt == nil {
		return p.msg, ErrBadRcode
	}
	var h [headerLen]byte
	binary.BigEndian.PutUint16(h[0:], m.ID)
	binary.BigEndian.PutUint16(h[2:], m.flags())
	binary.BigEndian.PutUint16(h[4:], uint16(len(m.Question)))
	binary.BigEndian.PutUint16(h[6:], uint16(len(m.Answer)))
	binary.BigEndian.PutUint16(h[8:], uint16(len(m.Authority)))
	binary.BigEndian.PutUint16(h[10:], uint16(len(m.Additional)))
	p.msg = append(p.msg, h[:]...)
	for i := range m.Question {
		q := &m.Question[i]
		p.name(&q.Name, true)
		p.msg = binary.BigEndian.AppendUint16(p.msg, uint16(q.Type))
		p.msg = binary.BigEndian.AppendUint16(p.msg, uint16(q.Class))
	}
	for si, s := range [3][]RR{m.Answer, m.Authority, m.Additional} {
		for i := range s {
			// Only the OPT record of the additional section extends the
			// header's rcode; a stray one elsewhere keeps its own bits.
			rcode := m.Rcode
			if o, ok := s[i].Data.(*OPT); ok && si != 2 {
				rcode = Rcode(o.ExtendedRcode) << 4
			}
			if err := p.rr(&s[i], rcode); err != nil {
				return p.msg, err
			}
		}
	}
	if len(p.msg)-p.base > MaxMsgSize {
		return p.msg, ErrMsgTooLarge
	}
	return p.msg, nil
}

func (p *packer) rr(r *RR, rcode Rcode) error {
	if r.Data == nil {
		return &WireError{Section: secAnswer, Offset: len(p.msg) - p.base, Err: ErrBadRdata}
	}
	p.name(&r.Name, true)
	t := r.Data.Type()
	class, ttl := r.Class, r.TTL
	if o, ok := r.Data.(*OPT); ok {
		class, ttl = o.classTTL(rcode)
	}
	p.msg = binary.BigEndian.AppendUint16(p.msg, uint16(t))
	p.msg = binary.BigEndian.AppendUint16(p.msg, uint16(class))
	p.msg = binary.BigEndian.AppendUint32(p.msg, ttl)
	lenAt := len(p.msg)
	p.msg = append(p.msg, 0, 0)
	// A type switch with static calls keeps the packer on the caller's stack.
	var err error
	switch d := r.Data.(type) {
	case *A:
		err = d.pack(p)
	case *AAAA:
		err = d.pack(p)
	case *NS:
		err = d.pack(p)
	case *CNAME:
		err = d.pack(p)
	case *PTR:
		err = d.pack(p)
	case *MX:
		err = d.pack(p)
	case *SOA:
		err = d.pack(p)
	case *TXT:
		err = d.pack(p)
	case *SRV:
		err = d.pack(p)
	case *CAA:
		err = d.pack(p)
	case *OPT:
		err = d.pack(p)
	case *TSIG:
		err = d.pack(p)
	case *Unknown:
		err = d.pack(p)
	}
	if err != nil {
		return err
	}
	n := len(p.msg) - lenAt - 2
	if n > 0xFFFF {
		return ErrMsgTooLarge
	}
	binary.BigEndian.PutUint16(p.msg[lenAt:], uint16(n))
	return nil
}

// name writes n, compressing against names already in the message when compress is set.
func (p *packer) name(n *Name, compress bool) {
	w := n.wire[:n.n]
	if compress && !p.noCompress {
		for i := 0; i < len(w); i += 1 + int(w[i]) {
			suffix := w[i:]
			for _, off := range p.comp[:p.ncomp] {
				if p.matchAt(int(off), suffix) {
					p.writeLabels(w[:i])
					p.msg = append(p.msg, 0xC0|byte(off>>8), byte(off))
					return
				}
			}
		}
	}
	p.writeLabels(w)
	p.msg = append(p.msg, 0)
}

// writeLabels appends labels, recording each label start for later compression.
func (p *packer) writeLabels(w []byte) {
	start := len(p.msg) - p.base
	for i := 0; i < len(w); i += 1 + int(w[i]) {
		if off := start + i; off <= maxCompOffset && p.ncomp < len(p.comp) {
			p.comp[p.ncomp] = uint16(off)
			p.ncomp++
		}
	}
	p.msg = append(p.msg, w...)
}

// matchAt reports whether the name written at message offset off equals suffix
// exactly (names we wrote ourselves, so pointers are trusted to go backward).
func (p *packer) matchAt(off int, suffix []byte) bool {
	msg := p.msg[p.base:]
	i := 0
	for {
		c := int(msg[off])
		if c&0xC0 == 0xC0 {
			off = (c&0x3F)<<8 | int(msg[off+1])
			continue
		}
		if c == 0 {
			return i == len(suffix)
		}
		if i >= len(suffix) || int(suffix[i]) != c {
			return false
		}
		if string(msg[off+1:off+1+c]) != string(suffix[i+1:i+1+c]) {
			return false
		}
		i += 1 + c
		off += 1 + c
	}
}

// Unpack parses a message from b into m, reusing m's slices and record data
// where their types match. On error, m holds what was parsed so far.
func (m *Msg) Unpack(b []byte) error {
	if len(b) < headerLen {
		return &WireError{Section: secHeader, Offset: len(b), Err: ErrShortMsg}
	}
	m.ID = binary.BigEndian.Uint16(b)
	m.setFlags(binary.BigEndian.Uint16(b[2:]))
	qd := int(binary.BigEndian.Uint16(b[4:]))
	an := int(binary.BigEndian.Uint16(b[6:]))
	ns := int(binary.BigEndian.Uint16(b[8:]))
	ar := int(binary.BigEndian.Uint16(b[10:]))
	off := headerLen
	// Check the counts against the bytes left before allocating.
	if qd*minQuestionLen+(an+ns+ar)*minRRLen > len(b)-off {
		return &WireError{Section: secHeader, Offset: 4, Err: ErrShortMsg}
	}
	m.Question = growQ(m.Question, qd)
	for i := range m.Question {
		q := &m.Question[i]
		var err error
		start := off
		if off, err = unpackName(b, off, &q.Name); err != nil {
			return &WireError{Section: secQuestion, Offset: start, Err: err}
		}
		if off+4 > len(b) {
			return &WireError{Section: secQuestion, Offset: off, Err: ErrShortMsg}
		}
		q.Type = Type(binary.BigEndian.Uint16(b[off:]))
		q.Class = Class(binary.BigEndian.Uint16(b[off+2:]))
		off += 4
	}
	var err error
	m.Answer = growRR(m.Answer, an)
	if off, err = unpackSection(b, off, m.Answer, secAnswer); err != nil {
		return err
	}
	m.Authority = growRR(m.Authority, ns)
	if off, err = unpackSection(b, off, m.Authority, secAuthority); err != nil {
		return err
	}
	m.Additional = growRR(m.Additional, ar)
	if off, err = unpackSection(b, off, m.Additional, secAdditional); err != nil {
		return err
	}
	if off != len(b) {
		return &WireError{Section: secAdditional, Offset: off, Err: ErrTrailingData}
	}
	seen := false
	for i := range m.Additional {
		if o, ok := m.Additional[i].Data.(*OPT); ok {
			if seen {
				return &WireError{Section: secAdditional, Offset: off, Err: ErrMultipleOPT}
			}
			seen = true
			m.Rcode |= Rcode(o.ExtendedRcode) << 4
		}
	}
	return nil
}

func growQ(s []Question, n int) []Question {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]Question, n)
}

func growRR(s []RR, n int) []RR {
	if cap(s) >= n {
		return s[:n]
	}
	t := make([]RR, n)
	copy(t, s[:cap(s)]) // keep the old record data for reuse
	return t
}

func unpackSection(b []byte, off int, rrs []RR, sec string) (int, error) {
	for i := range rrs {
		start := off
		var err error
		if off, err = unpackRR(b, off, &rrs[i]); err != nil {
			return off, &WireError{Section: sec, Offset: start, Err: err}
		}
	}
	return off, nil
}

func unpackRR(b []byte, off int, r *RR) (int, error) {
	off, err := unpackName(b, off, &r.Name)
	if err != nil {
		return off, err
	}
	if off+10 > len(b) {
		return off, ErrShortMsg
	}
	t := Type(binary.BigEndian.Uint16(b[off:]))
	r.Class = Class(binary.BigEndian.Uint16(b[off+2:]))
	r.TTL = binary.BigEndian.Uint32(b[off+4:])
	rdlen := int(binary.BigEndian.Uint16(b[off+8:]))
	off += 10
	end := off + rdlen
	if end > len(b) {
		return off, ErrShortMsg
	}
	// RDLENGTH 0 is legal for any type in dynamic update (RFC 2136 section 2.5),
	// so such data stays opaque.
	opaque := rdlen == 0 && t != TypeOPT
	d := r.Data
	if _, isOpaque := d.(*Unknown); d == nil || d.Type() != t || isOpaque != (opaque || !knownType(t)) {
		if opaque {
			d = &Unknown{T: t}
		} else {
			d = newRData(t)
		}
	}
	if err := d.unpack(b, off, end); err != nil {
		return off, err
	}
	if o, ok := d.(*OPT); ok {
		o.setClassTTL(r.Class, r.TTL)
	}
	r.Data = d
	return end, nil
}

// OPT returns the EDNS0 record data of m, or nil when m has none.
func (m *Msg) OPT() *OPT {
	for i := range m.Additional {
		if o, ok := m.Additional[i].Data.(*OPT); ok {
			return o
		}
	}
	return nil
}

// SetEDNS adds or updates m's OPT record: the UDP payload size this end can
// receive and the DNSSEC OK bit (RFC 6891 section 6.1.2).
func (m *Msg) SetEDNS(udpSize uint16, do bool) *OPT {
	o := m.OPT()
	if o == nil {
		o = &OPT{}
		m.Additional = append(m.Additional, RR{Name: Root, Data: o})
	}
	o.UDPSize = udpSize
	o.DO = do
	return o
}

// SetQuestion makes m a query for name and type t in class IN, with RD set.
func (m *Msg) SetQuestion(name Name, t Type) *Msg {
	m.Question = append(m.Question[:0], Question{Name: name, Type: t, Class: ClassINET})
	m.RecursionDesired = true
	return m
}

// SetReply makes m a reply to q: same ID, opcode, RD and CD, the question copied,
// QR set, and every section empty.
func (m *Msg) SetReply(q *Msg) *Msg {
	m.Header = Header{
		ID: q.ID, Response: true, Opcode: q.Opcode,
		RecursionDesired: q.RecursionDesired, CheckingDisabled: q.CheckingDisabled,
	}
	m.Question = append(m.Question[:0], q.Question...)
	m.Answer = m.Answer[:0]
	m.Authority = m.Authority[:0]
	m.Additional = m.Additional[:0]
	return m
}

// String prints m the way dig prints a reply: header, flags, OPT pseudo-section
// and the four sections.
func (m *Msg) String() string {
	b := make([]byte, 0, 512)
	b = append(b, ";; ->>HEADER<<- opcode: "...)
	b = append(b, m.Opcode.String()...)
	b = append(b, ", status: "...)
	b = append(b, m.Rcode.String()...)
	b = append(b, ", id: "...)
	b = strconv.AppendUint(b, uint64(m.ID), 10)
	b = append(b, "\n;; flags:"...)
	for _, f := range []struct {
		on bool
		s  string
	}{{m.Response, " qr"}, {m.Authoritative, " aa"}, {m.Truncated, " tc"}, {m.RecursionDesired, " rd"},
		{m.RecursionAvailable, " ra"}, {m.AuthenticData, " ad"}, {m.CheckingDisabled, " cd"}} {
		if f.on {
			b = append(b, f.s...)
		}
	}
	opt := m.OPT()
	nar := len(m.Additional)
	b = append(b, "; QUERY: "...)
	b = strconv.AppendInt(b, int64(len(m.Question)), 10)
	b = append(b, ", ANSWER: "...)
	b = strconv.AppendInt(b, int64(len(m.Answer)), 10)
	b = append(b, ", AUTHORITY: "...)
	b = strconv.AppendInt(b, int64(len(m.Authority)), 10)
	b = append(b, ", ADDITIONAL: "...)
	b = strconv.AppendInt(b, int64(nar), 10)
	b = append(b, '\n')
	if opt != nil {
		b = append(b, "\n;; OPT PSEUDOSECTION:\n"...)
		b = opt.appendPseudo(b) // dig puts no blank line after it
	}
	if len(m.Question) > 0 {
		b = append(b, "\n;; QUESTION SECTION:\n"...)
		for _, q := range m.Question {
			b = append(b, q.String()...)
			b = append(b, '\n')
		}
	}
	for _, s := range []struct {
		title string
		rrs   []RR
	}{{"ANSWER", m.Answer}, {"AUTHORITY", m.Authority}, {"ADDITIONAL", m.Additional}} {
		n := 0
		for i := range s.rrs {
			if _, ok := s.rrs[i].Data.(*OPT); !ok {
				n++
			}
		}
		if n == 0 {
			continue
		}
		b = append(b, "\n;; "...)
		b = append(b, s.title...)
		b = append(b, " SECTION:\n"...)
		for i := range s.rrs {
			if _, ok := s.rrs[i].Data.(*OPT); ok {
				continue
			}
			b = s.rrs[i].AppendText(b)
			b = append(b, '\n')
		}
	}
	return string(b)
}
