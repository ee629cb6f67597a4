package dht

// A hand-written bencode reader for KRPC: it walks the datagram once,
// keeps the byte strings as sub-slices of the input (ParseMsg copies only
// what it keeps), and allocates only for node and peer lists. It accepts
// what the bencode package's lenient decoder accepts: keys in any order
// (the last repeat wins), unknown keys skipped up to maxSkipDepth levels.

const maxSkipDepth = 8

type reader struct {
	b   []byte
	off int
	err error // the first syntax error: reading stops
	sem error // the first well-formed but invalid field: reading goes on, so "t" is still found
}

func (r *reader) fail(field, detail string) {
	if r.err == nil {
		r.err = malformed(field, detail)
	}
}

func (r *reader) bad(field, detail string) {
	if r.sem == nil {
		r.sem = malformed(field, detail)
	}
}

func (r *reader) peek() byte {
	if r.off >= len(r.b) {
		r.fail("", "unexpected end of message")
		return 0
	}
	return r.b[r.off]
}

// str reads "<len>:<bytes>".
func (r *reader) str(field string) []byte {
	n := 0
	start := r.off
	for r.off < len(r.b) && r.b[r.off] >= '0' && r.b[r.off] <= '9' {
		if n > len(r.b) {
			r.fail(field, "string length too large")
			return nil
		}
		n = n*10 + int(r.b[r.off]-'0')
		r.off++
	}
	if r.off == start || r.off >= len(r.b) || r.b[r.off] != ':' || (r.b[start] == '0' && r.off-start > 1) {
		r.fail(field, "not a byte string")
		return nil
	}
	r.off++
	if n > len(r.b)-r.off {
		r.fail(field, "byte string runs past the end")
		return nil
	}
	s := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return s
}

// int reads "i<digits>e".
func (r *reader) int(field string) int64 {
	if r.peek() != 'i' {
		r.fail(field, "not an integer")
		return 0
	}
	r.off++
	neg := false
	if r.off < len(r.b) && r.b[r.off] == '-' {
		neg = true
		r.off++
	}
	start := r.off
	var v uint64
	for r.off < len(r.b) && r.b[r.off] >= '0' && r.b[r.off] <= '9' {
		if v > (1<<63)/10 {
			r.fail(field, "integer out of range")
			return 0
		}
		v = v*10 + uint64(r.b[r.off]-'0')
		r.off++
	}
	digits := r.off - start
	if digits == 0 || r.off >= len(r.b) || r.b[r.off] != 'e' ||
		(r.b[start] == '0' && (digits > 1 || neg)) || v > 1<<63 || (!neg && v == 1<<63) {
		r.fail(field, "not a canonical integer")
		return 0
	}
	r.off++
	if neg {
		return -int64(v)
	}
	return int64(v)
}

// skip passes over one value of any type.
func (r *reader) skip(depth int) {
	if depth > maxSkipDepth {
		r.fail("", "nesting too deep")
		return
	}
	switch c := r.peek(); {
	case r.err != nil:
	case c == 'i':
		r.int("")
	case c >= '0' && c <= '9':
		r.str("")
	case c == 'l' || c == 'd':
		r.off++
		for r.err == nil && r.peek() != 'e' {
			if c == 'd' {
				r.str("")
			}
			r.skip(depth + 1)
		}
		r.off++
	default:
		r.fail("", "invalid value")
	}
}

// dict calls f for each key of a dictionary; f must consume the value.
func (r *reader) dict(field string, f func(key string)) {
	if r.peek() != 'd' {
		r.fail(field, "not a dictionary")
		return
	}
	r.off++
	for r.err == nil && r.peek() != 'e' {
		k := r.str(field)
		if r.err != nil {
			return
		}
		f(string(k)) // the compiler does not allocate for a switch on string(k)
	}
	r.off++
}

// list calls f for each element of a list; f must consume it.
func (r *reader) list(field string, f func()) {
	if r.peek() != 'l' {
		r.fail(field, "not a list")
		return
	}
	r.off++
	for r.err == nil && r.peek() != 'e' {
		f()
	}
	r.off++
}

func (r *reader) id(dst *ID, field string) {
	b := r.str(field)
	if r.err == nil && len(b) != IDLen {
		r.bad(field, "not 20 bytes")
	}
	copy(dst[:], b)
}

// parseMsgFast is ParseMsg's decoder.
func parseMsgFast(b []byte, m *Msg) error {
	r := &reader{b: b}
	var haveT, haveY, haveQ, haveA, haveR, haveE bool
	var y []byte
	var a, resp rawArgs
	var ro int64
	r.dict("", func(k string) {
		switch k {
		case "t":
			m.T, haveT = r.str("t"), true
		case "y":
			y, haveY = r.str("y"), true
		case "q":
			m.Method, haveQ = Method(r.str("q")), true
		case "a":
			a, haveA = r.args("a"), true
		case "r":
			resp, haveR = r.args("r"), true
		case "e":
			haveE = true
			n := 0
			r.list("e", func() {
				switch n {
				case 0:
					code := r.int("e")
					if r.err == nil && (code < 0 || code > 1<<16) {
						r.bad("e", "error code out of range")
					}
					m.Err = &Error{Code: ErrorCode(code)}
				case 1:
					s := r.str("e")
					if m.Err != nil {
						m.Err.Msg = string(s)
					}
				default:
					r.skip(1)
				}
				n++
			})
			if r.err == nil && n != 2 {
				r.bad("e", "not a list of code and message")
			}
		case "ip":
			ip := r.str("ip")
			if r.err == nil {
				p, err := ParseCompactPeer(ip)
				if err != nil {
					r.bad("ip", "not a compact address")
				}
				m.IP = p
			}
		case "ro":
			ro = r.int("ro")
		case "v":
			m.Version = r.str("v")
		default:
			r.skip(1)
		}
	})
	if r.err == nil && r.off != len(b) {
		r.fail("", "trailing data after the message")
	}
	if !haveT || len(m.T) > MaxTransactionIDLen {
		m.T = nil
	}
	if r.err != nil {
		return r.err
	}
	if !haveT {
		return malformed("t", "missing")
	}
	if m.T == nil {
		return malformed("t", "too long")
	}
	if !haveY || len(y) != 1 {
		return malformed("y", "missing or not one letter")
	}
	if r.sem != nil {
		m.Kind = Kind(y[0])
		return r.sem
	}
	switch ro {
	case 0:
	case 1:
		m.ReadOnly = true
	default:
		return malformed("ro", "not 0 or 1")
	}
	m.Kind = Kind(y[0])
	switch m.Kind {
	case KindQuery:
		if !haveQ {
			return malformed("q", "missing")
		}
		if !haveA {
			return malformed("a", "missing")
		}
		return a.into(&m.Args)
	case KindResponse:
		if !haveR {
			return malformed("r", "missing")
		}
		return resp.into(&m.Args)
	case KindError:
		if !haveE || m.Err == nil {
			return malformed("e", "not a list of code and message")
		}
		return nil
	}
	return malformed("y", "unknown message kind")
}

// rawArgs holds an argument dictionary's fields as found.
type rawArgs struct {
	a                   Args
	id                  bool
	nodes, nodes6       []byte
	values              int
	valueErr            bool
	port, implied       int64
	hasPort, hasImplied bool
}

func (r *reader) args(field string) rawArgs {
	var ra rawArgs
	a := &ra.a
	r.dict(field, func(k string) {
		switch k {
		case "id":
			r.id(&a.ID, "id")
			ra.id = true
		case "target":
			r.id(&a.Target, "target")
		case "info_hash":
			r.id(&a.InfoHash, "info_hash")
		case "port":
			ra.port, ra.hasPort = r.int("port"), true
		case "implied_port":
			ra.implied, ra.hasImplied = r.int("implied_port"), true
		case "token":
			a.Token = r.str("token")
		case "nodes":
			ra.nodes = r.str("nodes")
		case "nodes6":
			ra.nodes6 = r.str("nodes6")
		case "values":
			a.Values = a.Values[:0]
			r.list("values", func() {
				s := r.str("values")
				if r.err != nil {
					return
				}
				if len(a.Values) >= MaxValues {
					ra.values = MaxValues + 1
					return
				}
				p, err := ParseCompactPeer(s)
				if err != nil {
					ra.valueErr = true
					return
				}
				a.Values = append(a.Values, p)
			})
		case "want":
			a.Want = a.Want[:0]
			r.list("want", func() {
				s := r.str("want")
				if len(a.Want) < 8 {
					a.Want = append(a.Want, string(s))
				}
			})
		case "v":
			start := r.off
			r.skip(1)
			a.V = r.b[start:r.off:r.off]
		case "k":
			a.K = r.str("k")
		case "sig":
			a.Sig = r.str("sig")
		case "salt":
			a.Salt = r.str("salt")
		case "seq":
			a.Seq, a.HasSeq = r.int("seq"), true
		case "cas":
			a.CAS, a.HasCAS = r.int("cas"), true
		default:
			r.skip(2)
		}
	})
	return ra
}

// into validates the fields and moves them to a.
func (ra *rawArgs) into(a *Args) error {
	*a = ra.a
	if !ra.id {
		return malformed("id", "missing")
	}
	if ra.hasPort {
		if ra.port < 0 || ra.port > 65535 {
			return malformed("port", "out of range")
		}
		a.Port = int(ra.port)
	}
	if ra.hasImplied {
		a.ImpliedPort = ra.implied != 0
	}
	var err error
	if ra.nodes != nil {
		if a.Nodes, err = ParseCompactNodes(ra.nodes, false); err != nil {
			return err
		}
	}
	if ra.nodes6 != nil {
		if a.Nodes6, err = ParseCompactNodes(ra.nodes6, true); err != nil {
			return err
		}
	}
	if ra.values > MaxValues {
		return malformed("values", "too many peers")
	}
	if ra.valueErr {
		return malformed("values", "compact peer is neither 6 nor 18 bytes")
	}
	if a.V != nil && len(a.V) > MaxItemSize {
		return &ParseError{Field: "v", Err: ErrTooLarge}
	}
	if a.K != nil && len(a.K) != 32 {
		return malformed("k", "not a 32-byte ed25519 key")
	}
	if a.Sig != nil && len(a.Sig) != 64 {
		return malformed("sig", "not a 64-byte ed25519 signature")
	}
	if len(a.Salt) > MaxSaltSize {
		return &ParseError{Field: "salt", Err: ErrTooLarge}
	}
	return nil
}
