package ftp

import (
	"net/netip"
	"strconv"
	"strings"
)

// Data connection addresses travel on the control connection in four forms.
// This file holds their codecs; it uses net/netip values, which are plain data
// (no sockets).
//
//	PORT 127,0,0,1,4,150             RFC 959 4.1.2: host bytes, then port = 4*256+150
//	227 Entering Passive Mode (127,0,0,1,4,150).
//	EPRT |2|::1|1174|                RFC 2428 2: |protocol|address|port|, 1 = IPv4, 2 = IPv6
//	229 Entering Extended Passive Mode (|||1174|)

// ParsePORT parses the argument of PORT: six decimal bytes separated by
// commas, h1,h2,h3,h4,p1,p2, giving IPv4 address h1.h2.h3.h4 and port
// p1*256+p2 (RFC 959 section 4.1.2).
func ParsePORT(arg string) (netip.AddrPort, error) {
	var v [6]byte
	rest := strings.TrimSpace(arg)
	for i := range v {
		num := rest
		if i < 5 {
			j := strings.IndexByte(rest, ',')
			if j < 0 {
				return netip.AddrPort{}, newSyntaxError(ErrAddressSyntax, "PORT needs six numbers", []byte(arg))
			}
			num, rest = rest[:j], rest[j+1:]
		}
		n, ok := parseByte(num)
		if !ok {
			return netip.AddrPort{}, newSyntaxError(ErrAddressSyntax, "PORT number not in 0-255", []byte(arg))
		}
		v[i] = n
	}
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte(v[:4])), uint16(v[4])<<8|uint16(v[5])), nil
}

// parseByte parses 1 to 3 decimal digits with a value up to 255.
func parseByte(s string) (byte, bool) {
	if len(s) == 0 || len(s) > 3 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	if n > 255 {
		return 0, false
	}
	return byte(n), true
}

// AppendPORT appends the h1,h2,h3,h4,p1,p2 form of ap, the argument of PORT
// and the parenthesised part of a 227 reply. ap must hold an IPv4 address (an
// IPv4-mapped IPv6 address is unmapped); otherwise it returns b unchanged and
// ErrAddressSyntax: use EPRT for IPv6.
func AppendPORT(b []byte, ap netip.AddrPort) ([]byte, error) {
	a := ap.Addr().Unmap()
	if !a.Is4() {
		return b, newSyntaxError(ErrAddressSyntax, "PORT needs an IPv4 address", []byte(ap.String()))
	}
	for _, x := range a.As4() {
		b = strconv.AppendUint(b, uint64(x), 10)
		b = append(b, ',')
	}
	b = strconv.AppendUint(b, uint64(ap.Port()>>8), 10)
	b = append(b, ',')
	return strconv.AppendUint(b, uint64(ap.Port()&0xFF), 10), nil
}

// ParsePASVReply finds the address in the text of a 227 reply. RFC 959 does
// not fix the wording around it, so, as RFC 1123 section 4.1.2.6 advises,
// it scans for the first digit and reads h1,h2,h3,h4,p1,p2 from there.
func ParsePASVReply(text string) (netip.AddrPort, error) {
	i := strings.IndexAny(text, "0123456789")
	if i < 0 {
		return netip.AddrPort{}, newSyntaxError(ErrAddressSyntax, "no address in 227 reply", []byte(text))
	}
	j := i
	for j < len(text) && (text[j] >= '0' && text[j] <= '9' || text[j] == ',') {
		j++
	}
	return ParsePORT(text[i:j])
}

// AppendPASVReply appends the text of a 227 reply for ap:
// "Entering Passive Mode (h1,h2,h3,h4,p1,p2).".
func AppendPASVReply(b []byte, ap netip.AddrPort) ([]byte, error) {
	b = append(b, "Entering Passive Mode ("...)
	b, err := AppendPORT(b, ap)
	if err != nil {
		return b, err
	}
	return append(b, ")."...), nil
}

// Network protocol numbers of EPRT and EPSV (RFC 2428 section 2, from the
// IANA address family numbers).
const (
	NetProtoIPv4 = 1
	NetProtoIPv6 = 2
)

// ParseEPRT parses the argument of EPRT: <d>proto<d>address<d>port<d>, where
// <d> is any printable ASCII character not in the address (usually '|'), proto
// is 1 (IPv4) or 2 (IPv6) and must match the address, and port is decimal
// (RFC 2428 section 2).
func ParseEPRT(arg string) (netip.AddrPort, error) {
	bad := func(reason string) (netip.AddrPort, error) {
		return netip.AddrPort{}, newSyntaxError(ErrAddressSyntax, reason, []byte(arg))
	}
	if len(arg) < 2 || arg[0] < 33 || arg[0] > 126 {
		return bad("EPRT needs a printable delimiter")
	}
	d := arg[0]
	parts := strings.Split(arg, string(d))
	if len(parts) != 5 || parts[0] != "" || parts[4] != "" {
		return bad("EPRT needs |proto|address|port|")
	}
	addr, err := netip.ParseAddr(parts[2])
	if err != nil || addr.Zone() != "" {
		return bad("EPRT address")
	}
	switch parts[1] {
	case "1":
		if !addr.Is4() {
			return bad("EPRT protocol 1 needs an IPv4 address")
		}
	case "2":
		if !addr.Is6() {
			return bad("EPRT protocol 2 needs an IPv6 address")
		}
	default:
		return bad("EPRT protocol not 1 or 2")
	}
	port, ok := parsePort(parts[3])
	if !ok {
		return bad("EPRT port")
	}
	return netip.AddrPortFrom(addr, port), nil
}

// parsePort parses a decimal port 0-65535 without sign or leading garbage.
func parsePort(s string) (uint16, bool) {
	if len(s) == 0 || len(s) > 5 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	if n > 65535 {
		return 0, false
	}
	return uint16(n), true
}

// AppendEPRT appends the |proto|address|port| argument of EPRT for ap.
// An IPv4-mapped IPv6 address is written as IPv4.
func AppendEPRT(b []byte, ap netip.AddrPort) []byte {
	a := ap.Addr().Unmap()
	b = append(b, '|')
	if a.Is4() {
		b = append(b, '1')
	} else {
		b = append(b, '2')
	}
	b = append(b, '|')
	b = a.WithZone("").AppendTo(b)
	b = append(b, '|')
	b = strconv.AppendUint(b, uint64(ap.Port()), 10)
	return append(b, '|')
}

// ParseEPSVReply finds the port in the text of a 229 reply,
// "Entering Extended Passive Mode (|||6446|)": the part in parentheses holds
// three delimiters, the port, and a fourth delimiter (RFC 2428 section 3). The
// client connects to that port on the control connection's address.
func ParseEPSVReply(text string) (uint16, error) {
	bad := func(reason string) (uint16, error) {
		return 0, newSyntaxError(ErrAddressSyntax, reason, []byte(text))
	}
	i := strings.IndexByte(text, '(')
	if i < 0 {
		return bad("no ( in 229 reply")
	}
	j := strings.IndexByte(text[i:], ')')
	if j < 0 {
		return bad("no ) in 229 reply")
	}
	in := text[i+1 : i+j]
	if len(in) < 5 {
		return bad("229 reply too short")
	}
	d := in[0]
	if d < 33 || d > 126 || in[1] != d || in[2] != d || in[len(in)-1] != d {
		return bad("229 reply needs (|||port|)")
	}
	port, ok := parsePort(in[3 : len(in)-1])
	if !ok {
		return bad("229 reply port")
	}
	return port, nil
}

// AppendEPSVReply appends the text of a 229 reply for port:
// "Entering Extended Passive Mode (|||port|)".
func AppendEPSVReply(b []byte, port uint16) []byte {
	b = append(b, "Entering Extended Passive Mode (|||"...)
	b = strconv.AppendUint(b, uint64(port), 10)
	return append(b, "|)"...)
}
