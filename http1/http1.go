package http1

// Version is an HTTP protocol version, major.minor (RFC 9110, section 2.5).
type Version struct {
	Major, Minor int
}

// The versions this package speaks, plus HTTP/2 so that the http2 package
// can label the same [Request] and [Response] types.
var (
	HTTP10 = Version{1, 0} // RFC 1945
	HTTP11 = Version{1, 1} // RFC 9112
	HTTP20 = Version{2, 0} // RFC 9113 (used by the http2 package)
)

// String returns the version as it appears on the wire, for example "HTTP/1.1".
func (v Version) String() string {
	switch v {
	case HTTP10:
		return "HTTP/1.0"
	case HTTP11:
		return "HTTP/1.1"
	case HTTP20:
		return "HTTP/2.0"
	}
	return string(v.append(nil))
}

// AtLeast reports whether v is major.minor or later.
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || v.Major == major && v.Minor >= minor
}

func (v Version) append(b []byte) []byte {
	b = append(b, "HTTP/"...)
	b = appendInt(b, int64(v.Major))
	b = append(b, '.')
	return appendInt(b, int64(v.Minor))
}

// Method is a request method token (RFC 9110, section 9). Any token is a
// valid method; the constants name the ones this package gives meaning to.
type Method string

// Request methods (RFC 9110, section 9.3).
const (
	MethodGet     Method = "GET"     // 9.3.1: transfer a current representation
	MethodHead    Method = "HEAD"    // 9.3.2: like GET, without the content
	MethodPost    Method = "POST"    // 9.3.3: process the enclosed content (forms)
	MethodPut     Method = "PUT"     // 9.3.4: replace the target with the content
	MethodDelete  Method = "DELETE"  // 9.3.5: remove the target
	MethodConnect Method = "CONNECT" // 9.3.6: open a tunnel (authority-form target)
	MethodOptions Method = "OPTIONS" // 9.3.7: ask about capabilities ("*" target)
	MethodTrace   Method = "TRACE"   // 9.3.8: loop-back (refused by this package's server)
	MethodPatch   Method = "PATCH"   // RFC 5789
)

// knownMethod returns the constant for b without allocating, or "" when b
// is not one of the well-known methods.
func knownMethod(b []byte) Method {
	switch string(b) {
	case "GET":
		return MethodGet
	case "HEAD":
		return MethodHead
	case "POST":
		return MethodPost
	case "PUT":
		return MethodPut
	case "DELETE":
		return MethodDelete
	case "CONNECT":
		return MethodConnect
	case "OPTIONS":
		return MethodOptions
	case "TRACE":
		return MethodTrace
	case "PATCH":
		return MethodPatch
	}
	return ""
}

// Safe reports whether m is a safe method (RFC 9110, section 9.2.1): one
// that is essentially read-only.
func (m Method) Safe() bool {
	switch m {
	case MethodGet, MethodHead, MethodOptions, MethodTrace:
		return true
	}
	return false
}

// TargetForm is the shape of a request-target (RFC 9112, section 3.2).
type TargetForm uint8

// The four request-target forms.
const (
	OriginForm    TargetForm = iota // "/where?q=now": the usual form, to an origin server (3.2.1)
	AbsoluteForm                    // "http://www.example.org/pub/": to a proxy (3.2.2)
	AuthorityForm                   // "www.example.com:80": only for CONNECT (3.2.3)
	AsteriskForm                    // "*": only for a server-wide OPTIONS (3.2.4)
)

// String names the form as RFC 9112 does.
func (f TargetForm) String() string {
	switch f {
	case OriginForm:
		return "origin-form"
	case AbsoluteForm:
		return "absolute-form"
	case AuthorityForm:
		return "authority-form"
	case AsteriskForm:
		return "asterisk-form"
	}
	return "TargetForm(" + string(appendInt(nil, int64(f))) + ")"
}

// appendInt appends the decimal form of n.
func appendInt(b []byte, n int64) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}
