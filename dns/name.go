package dns

import (
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// Name is a domain name, held in wire form (length-prefixed labels, RFC 1035
// section 3.1) so that any octet can appear in a label. The zero Name is the
// root, ".". Names are values: they compare with [Name.Equal], which ignores
// ASCII case (RFC 4343), and [Name.Canonical] gives a lower-cased copy that is
// usable as a map key.
type Name struct {
	n    uint8                // length of the used part of wire
	wire [MaxNameLen - 1]byte // labels, without the terminating root label
}

// Root is the root name ".".
var Root = Name{}

// ParseName parses a name in presentation form ("www.example.com." or
// "www.example.com"; both are taken as fully qualified). Backslash escapes
// "\." and "\DDD" are decoded (RFC 1035 section 5.1). A name with non-ASCII
// characters is converted to its A-label form ("xn--...") with the IDNA
// lookup profile (RFC 5891).
func ParseName(s string) (Name, error) {
	return parseName(s, Root)
}

// MustName is like ParseName but panics on error. It is for constants in
// programs and tests.
func MustName(s string) Name {
	n, err := ParseName(s)
	if err != nil {
		panic(err)
	}
	return n
}

// parseName parses s; a name not ending in an unescaped dot is relative to origin.
func parseName(s string, origin Name) (Name, error) {
	var n Name
	if s == "" {
		return n, ErrEmptyLabel
	}
	if s == "." {
		return n, nil
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			a, err := idna.Lookup.ToASCII(s)
			if err != nil {
				return n, &ParseError{Token: s, Err: ErrBadName}
			}
			s = a
			break
		}
	}
	abs := false
	label := make([]byte, 0, MaxLabelLen)
	flush := func() error {
		if len(label) == 0 {
			return ErrEmptyLabel
		}
		if len(label) > MaxLabelLen {
			return ErrLabelTooLong
		}
		if int(n.n)+1+len(label) > len(n.wire) {
			return ErrNameTooLong
		}
		n.wire[n.n] = byte(len(label))
		copy(n.wire[n.n+1:], label)
		n.n += uint8(1 + len(label))
		label = label[:0]
		return nil
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 >= len(s) {
				return Root, ErrBadName
			}
			if isDigit(s[i+1]) {
				if i+3 >= len(s) || !isDigit(s[i+2]) || !isDigit(s[i+3]) {
					return Root, ErrBadName
				}
				v := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
				if v > 255 {
					return Root, ErrBadName
				}
				label = append(label, byte(v))
				i += 3
			} else {
				label = append(label, s[i+1])
				i++
			}
		case c == '.':
			if err := flush(); err != nil {
				return Root, err
			}
			if i == len(s)-1 {
				abs = true
			}
		default:
			label = append(label, c)
		}
		if len(label) > MaxLabelLen {
			return Root, ErrLabelTooLong
		}
	}
	if !abs {
		if err := flush(); err != nil {
			return Root, err
		}
		if int(n.n)+int(origin.n) > len(n.wire) {
			return Root, ErrNameTooLong
		}
		copy(n.wire[n.n:], origin.wire[:origin.n])
		n.n += origin.n
	}
	return n, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// nameFromWire builds a Name from uncompressed wire labels without the root byte.
func nameFromWire(b []byte) Name {
	var n Name
	n.n = uint8(copy(n.wire[:], b))
	return n
}

// Wire returns the name in uncompressed wire form, with the root label.
func (n Name) Wire() []byte {
	b := make([]byte, n.n+1)
	copy(b, n.wire[:n.n])
	return b
}

// Len returns the length of the name in wire form, including the root label.
func (n Name) Len() int { return int(n.n) + 1 }

// IsRoot reports whether n is ".".
func (n Name) IsRoot() bool { return n.n == 0 }

// String returns the name in presentation form with a trailing dot, escaping
// special and non-printable octets as dig does ("a\.b.example.", "\000.example.").
func (n Name) String() string {
	return string(n.AppendText(make([]byte, 0, int(n.n)+1)))
}

// AppendText appends the presentation form of n to b.
func (n Name) AppendText(b []byte) []byte {
	if n.n == 0 {
		return append(b, '.')
	}
	for i := 0; i < int(n.n); {
		l := int(n.wire[i])
		for _, c := range n.wire[i+1 : i+1+l] {
			b = appendEscaped(b, c, true)
		}
		b = append(b, '.')
		i += 1 + l
	}
	return b
}

// appendEscaped writes one octet of a label (inName) or character-string.
func appendEscaped(b []byte, c byte, inName bool) []byte {
	switch {
	case c < 0x21 && !(c == ' ' && !inName), c > 0x7e:
		b = append(b, '\\')
		return append(b, '0'+c/100, '0'+c/10%10, '0'+c%10)
	case c == '"' || c == '\\':
		return append(b, '\\', c)
	case inName && (c == '.' || c == '(' || c == ')' || c == ';' || c == '@' || c == '$' || c == ' '):
		return append(b, '\\', c)
	}
	return append(b, c)
}

// Unicode returns the name with A-labels turned back into Unicode (RFC 5891),
// or the plain presentation form when that fails.
func (n Name) Unicode() string {
	s := n.String()
	u, err := idna.Lookup.ToUnicode(s)
	if err != nil {
		return s
	}
	return u
}

// Equal reports whether n and o are the same name, ignoring ASCII case (RFC 4343).
func (n Name) Equal(o Name) bool {
	if n.n != o.n {
		return false
	}
	for i := 0; i < int(n.n); i++ {
		if lower(n.wire[i]) != lower(o.wire[i]) {
			return false
		}
	}
	return true
}

// Canonical returns n with ASCII letters lower-cased: the form to use as a map key.
func (n Name) Canonical() Name {
	for i := 0; i < int(n.n); {
		l := int(n.wire[i])
		for j := i + 1; j <= i+l; j++ {
			n.wire[j] = lower(n.wire[j])
		}
		i += 1 + l
	}
	return n
}

// CountLabels returns the number of labels, not counting the root.
func (n Name) CountLabels() int {
	c := 0
	for i := 0; i < int(n.n); i += 1 + int(n.wire[i]) {
		c++
	}
	return c
}

// FirstLabel returns the leftmost label's octets ("www" for www.example.com.).
func (n Name) FirstLabel() string {
	if n.n == 0 {
		return ""
	}
	return string(n.wire[1 : 1+n.wire[0]])
}

// Parent returns n without its leftmost label; the parent of the root is the root.
func (n Name) Parent() Name {
	if n.n == 0 {
		return n
	}
	l := int(n.wire[0]) + 1
	return nameFromWire(n.wire[l:n.n])
}

// IsSubdomainOf reports whether n is zone or a name below it.
func (n Name) IsSubdomainOf(zone Name) bool {
	for m := n; ; m = m.Parent() {
		if m.n < zone.n {
			return false
		}
		if m.n == zone.n {
			return m.Equal(zone)
		}
	}
}

// Child returns label.n, the name one level below n.
func (n Name) Child(label string) (Name, error) {
	if label == "" {
		return Root, ErrEmptyLabel
	}
	if len(label) > MaxLabelLen {
		return Root, ErrLabelTooLong
	}
	if int(n.n)+1+len(label) > len(n.wire) {
		return Root, ErrNameTooLong
	}
	var c Name
	c.wire[0] = byte(len(label))
	copy(c.wire[1:], label)
	copy(c.wire[1+len(label):], n.wire[:n.n])
	c.n = uint8(1+len(label)) + n.n
	return c, nil
}

// IsWildcard reports whether the leftmost label is "*" (RFC 4592).
func (n Name) IsWildcard() bool { return n.n >= 2 && n.wire[0] == 1 && n.wire[1] == '*' }

// ReverseName returns the name for a reverse lookup of addr: the octets
// reversed under in-addr.arpa. for IPv4 (RFC 1035 section 3.5), the nibbles
// reversed under ip6.arpa. for IPv6 (RFC 3596 section 2.5).
func ReverseName(addr netip.Addr) Name {
	var sb strings.Builder
	if addr.Is4() || addr.Is4In6() {
		a := addr.Unmap().As4()
		for i := 3; i >= 0; i-- {
			sb.WriteString(strconv.Itoa(int(a[i])))
			sb.WriteByte('.')
		}
		sb.WriteString("in-addr.arpa.")
	} else {
		a := addr.As16()
		const hex = "0123456789abcdef"
		for i := 15; i >= 0; i-- {
			sb.WriteByte(hex[a[i]&0xf])
			sb.WriteByte('.')
			sb.WriteByte(hex[a[i]>>4])
			sb.WriteByte('.')
		}
		sb.WriteString("ip6.arpa.")
	}
	return MustName(sb.String())
}

// unpackName reads a possibly compressed name at off in msg into *n. It
// returns the offset just past the name as it appears at off. Each pointer must
// point strictly before the previous jump target, so reading always
// terminates; MaxPointers bounds the chain as well (RFC 1035 section 4.1.4).
func unpackName(msg []byte, off int, n *Name) (next int, err error) {
	// Bytes past the length must stay zero so that == and map keys work.
	old := n.n
	n.n = 0
	defer n.clearTail(old)
	end := -1    // offset after the name in place, set at the first pointer
	floor := off // pointers must point below this
	ptrs := 0
	for {
		if off >= len(msg) {
			return 0, ErrShortMsg
		}
		c := int(msg[off])
		switch c & 0xC0 {
		case 0x00:
			if c == 0 {
				if end < 0 {
					end = off + 1
				}
				return end, nil
			}
			if off+1+c > len(msg) {
				return 0, ErrShortMsg
			}
			if int(n.n)+1+c > len(n.wire) {
				return 0, ErrNameTooLong
			}
			copy(n.wire[n.n:], msg[off:off+1+c])
			n.n += uint8(1 + c)
			off += 1 + c
		case 0xC0:
			if off+1 >= len(msg) {
				return 0, ErrShortMsg
			}
			if end < 0 {
				end = off + 2
			}
			ptrs++
			if ptrs > MaxPointers {
				return 0, ErrPointerLoop
			}
			p := (c&0x3F)<<8 | int(msg[off+1])
			if p >= floor {
				if p >= off {
					return 0, ErrBadPointer
				}
				return 0, ErrPointerLoop
			}
			floor = p
			off = p
		default:
			return 0, ErrBadLabel
		}
	}
}

func (n *Name) clearTail(old uint8) {
	if n.n < old {
		clear(n.wire[n.n:old])
	}
}
