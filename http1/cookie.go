package http1

import (
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Cookie is an HTTP cookie (RFC 6265): a name=value pair the server sets
// with a Set-Cookie field and the client sends back in a Cookie field,
// plus the attributes that say where and how long it applies.
type Cookie struct {
	Name  string // may be "" for a value-only cookie ("Set-Cookie: 1678")
	Value string

	Domain   string    // Domain attribute, without a leading dot; "" means host-only
	Path     string    // Path attribute; "" means the default path
	Expires  time.Time // Expires attribute; zero means none
	MaxAge   int       // Max-Age in seconds: 0 means none, negative means delete now
	Secure   bool      // only over HTTPS
	HttpOnly bool      // not for scripts (the jar stores it; it has no scripts)
	SameSite string    // "Strict", "Lax" or "None"; informational here
}

// ParseSetCookie parses a Set-Cookie field value (RFC 6265, section
// 5.2). A pair without "=" is a value with an empty name, as browsers
// accept (RFC 6265bis). Unknown attributes are ignored; malformed
// Expires and Max-Age values are ignored.
func ParseSetCookie(line string) (*Cookie, bool) {
	pair, attrs, _ := strings.Cut(line, ";")
	c := &Cookie{}
	if name, value, ok := strings.Cut(pair, "="); ok {
		c.Name, c.Value = trimOWS(name), trimOWS(value)
	} else {
		c.Value = trimOWS(pair)
	}
	if c.Name == "" && c.Value == "" || !validCookieValue(c.Value) || c.Name != "" && !ValidFieldName(c.Name) {
		return nil, false
	}
	for attrs != "" {
		var a string
		a, attrs, _ = strings.Cut(attrs, ";")
		k, v, _ := strings.Cut(a, "=")
		k, v = trimOWS(k), trimOWS(v)
		switch strings.ToLower(k) {
		case "expires":
			if t, ok := parseCookieDate(v); ok {
				c.Expires = t
			}
		case "max-age":
			if n, err := strconv.Atoi(v); err == nil && v != "" && (v[0] == '-' || isDigit(v[0])) {
				if n <= 0 {
					n = -1
				}
				c.MaxAge = n
			}
		case "domain":
			c.Domain = strings.ToLower(strings.TrimPrefix(v, "."))
		case "path":
			if strings.HasPrefix(v, "/") {
				c.Path = v
			}
		case "secure":
			c.Secure = true
		case "httponly":
			c.HttpOnly = true
		case "samesite":
			c.SameSite = v
		}
	}
	return c, true
}

// validCookieValue accepts cookie-octets and, leniently, spaces inside
// (RFC 6265, section 4.1.1); no CTLs, '"' only as a wrapping pair, no ';'.
func validCookieValue(v string) bool {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 || c == 0x7f || c == '"' || c == ';' || c == '\\' {
			return false
		}
	}
	return true
}

// String returns the Set-Cookie form: "name=value; Path=/; Secure".
// A cookie with an invalid name or value gives "".
func (c *Cookie) String() string {
	if c.Name != "" && !ValidFieldName(c.Name) || !validCookieValue(c.Value) || strings.ContainsAny(c.Value, " ,") {
		return ""
	}
	if c.Name == "" && (c.Value == "" || strings.Contains(c.Value, "=")) {
		return "" // a nameless cookie whose value has "=" would read back differently
	}
	var b strings.Builder
	if c.Name != "" {
		b.WriteString(c.Name)
		b.WriteByte('=')
	}
	b.WriteString(c.Value)
	if c.Domain != "" && validAuthority(c.Domain) {
		b.WriteString("; Domain=" + c.Domain)
	}
	if c.Path != "" && !strings.ContainsAny(c.Path, ";\r\n") {
		b.WriteString("; Path=" + c.Path)
	}
	if !c.Expires.IsZero() {
		b.WriteString("; Expires=" + FormatDate(c.Expires))
	}
	if c.MaxAge > 0 {
		b.WriteString("; Max-Age=" + strconv.Itoa(c.MaxAge))
	} else if c.MaxAge < 0 {
		b.WriteString("; Max-Age=0")
	}
	if c.Secure {
		b.WriteString("; Secure")
	}
	if c.HttpOnly {
		b.WriteString("; HttpOnly")
	}
	if c.SameSite != "" && ValidFieldName(c.SameSite) {
		b.WriteString("; SameSite=" + c.SameSite)
	}
	return b.String()
}

// SetCookie adds a Set-Cookie field for c to w's header; an invalid
// cookie is dropped.
func SetCookie(w ResponseWriter, c *Cookie) {
	if s := c.String(); s != "" {
		w.Header().Add("Set-Cookie", s)
	}
}

// Cookies parses the request's Cookie fields ("a=1; b=2", RFC 6265,
// section 5.4); only Name and Value are set.
func (r *Request) Cookies() []*Cookie {
	var out []*Cookie
	for _, f := range r.Header.Fields() {
		if !equalFold(f.Name, "Cookie") {
			continue
		}
		for _, p := range strings.Split(f.Value, ";") {
			p = trimOWS(p)
			if p == "" {
				continue
			}
			c := &Cookie{}
			if name, value, ok := strings.Cut(p, "="); ok {
				c.Name, c.Value = name, value
			} else {
				c.Value = p
			}
			out = append(out, c)
		}
	}
	return out
}

// parseCookieDate implements the lenient cookie-date algorithm of RFC
// 6265, section 5.1.1: find a time, a day, a month and a year among the
// tokens, in any order.
func parseCookieDate(s string) (time.Time, bool) {
	isDelim := func(r rune) bool {
		return r == 0x09 || r >= 0x20 && r <= 0x2f || r >= 0x3b && r <= 0x40 || r >= 0x5b && r <= 0x60 || r >= 0x7b && r <= 0x7e
	}
	var (
		hh, mm, ss, day, mon, year = -1, -1, -1, -1, -1, -1
	)
	for _, tok := range strings.FieldsFunc(s, isDelim) {
		if hh < 0 {
			if p := strings.Split(tok, ":"); len(p) == 3 {
				h, ok1 := leadingDigits(p[0], 1, 2)
				m, ok2 := leadingDigits(p[1], 1, 2)
				sec, ok3 := leadingDigits(p[2], 1, 2)
				if ok1 && ok2 && ok3 {
					hh, mm, ss = h, m, sec
					continue
				}
			}
		}
		if day < 0 {
			if d, ok := leadingDigits(tok, 1, 2); ok {
				day = d
				continue
			}
		}
		if mon < 0 && len(tok) >= 3 {
			found := false
			for i, name := range monthNames {
				if strings.EqualFold(tok[:3], name) {
					mon, found = i+1, true
				}
			}
			if found {
				continue
			}
		}
		if year < 0 {
			if y, ok := leadingDigits(tok, 2, 4); ok {
				year = y
			}
		}
	}
	switch {
	case year >= 70 && year <= 99:
		year += 1900
	case year >= 0 && year <= 69:
		year += 2000
	}
	if hh < 0 || day < 1 || day > 31 || mon < 0 || year < 1601 || hh > 23 || mm > 59 || ss > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(mon), day, hh, mm, ss, 0, time.UTC)
	if t.Day() != day {
		return time.Time{}, false
	}
	return t, true
}

// leadingDigits reads min..max digits at the start of s (RFC 6265 allows
// trailing non-digits after them).
func leadingDigits(s string, min, max int) (int, bool) {
	n, i := 0, 0
	for i < len(s) && i < max+1 && isDigit(s[i]) {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, i >= min && i <= max
}

// Jar limits (RFC 6265, section 6.1 asks for at least 50 per domain and
// 3000 in all).
const (
	MaxCookiesPerDomain = 50
	MaxCookies          = 3000
)

// Jar stores cookies for a client as RFC 6265, section 5.3 describes:
// domain and path matching, host-only cookies, expiry by Max-Age or
// Expires, Secure cookies only over HTTPS. Without a public-suffix list it
// refuses Domain attributes of a single label ("com"). It is safe for
// concurrent use; the zero value is not: use [NewJar].
type Jar struct {
	now     func() time.Time
	mu      sync.Mutex
	entries map[jarKey]*jarEntry
	seq     uint64
}

type jarKey struct{ domain, path, name string }

type jarEntry struct {
	c        Cookie
	hostOnly bool
	expires  time.Time // zero: a session cookie
	created  time.Time
	seq      uint64 // creation order among equal times
}

// NewJar returns an empty cookie jar.
func NewJar() *Jar { return &Jar{now: time.Now, entries: map[jarKey]*jarEntry{}} }

// SetCookies stores the cookies a response from u set.
func (j *Jar) SetCookies(u *url.URL, cookies []*Cookie) {
	host := canonicalHost(u)
	now := j.now()
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, c := range cookies {
		e := &jarEntry{c: *c, created: now}
		if c.Secure && u.Scheme != "https" {
			continue // only a secure origin may set a Secure cookie
		}
		if c.Domain != "" && c.Domain != host {
			if !domainMatch(host, c.Domain) || !strings.Contains(c.Domain, ".") || net.ParseIP(host) != nil {
				continue
			}
			e.c.Domain = c.Domain
		} else {
			e.c.Domain, e.hostOnly = host, true
		}
		if e.c.Path == "" {
			e.c.Path = defaultCookiePath(u.Path)
		}
		switch {
		case c.MaxAge < 0:
			e.expires = now.Add(-time.Second)
		case c.MaxAge > 0:
			e.expires = now.Add(time.Duration(c.MaxAge) * time.Second)
		case !c.Expires.IsZero():
			e.expires = c.Expires
		}
		k := jarKey{e.c.Domain, e.c.Path, e.c.Name}
		if !e.expires.IsZero() && !e.expires.After(now) {
			delete(j.entries, k)
			continue
		}
		if old, ok := j.entries[k]; ok {
			e.created, e.seq = old.created, old.seq
		} else {
			j.seq++
			e.seq = j.seq
		}
		j.entries[k] = e
		j.evict(e.c.Domain, now)
	}
}

// evict drops expired cookies and keeps the limits, oldest first.
func (j *Jar) evict(domain string, now time.Time) {
	perDomain := 0
	var oldest, oldestDomain *jarEntry
	var oldestKey, oldestDomainKey jarKey
	for k, e := range j.entries {
		if !e.expires.IsZero() && !e.expires.After(now) {
			delete(j.entries, k)
			continue
		}
		if oldest == nil || e.seq < oldest.seq {
			oldest, oldestKey = e, k
		}
		if k.domain == domain {
			perDomain++
			if oldestDomain == nil || e.seq < oldestDomain.seq {
				oldestDomain, oldestDomainKey = e, k
			}
		}
	}
	if perDomain > MaxCookiesPerDomain {
		delete(j.entries, oldestDomainKey)
	} else if len(j.entries) > MaxCookies {
		delete(j.entries, oldestKey)
	}
}

// Cookies returns the cookies to send to u, longest path first, then
// oldest first (RFC 6265, section 5.4).
func (j *Jar) Cookies(u *url.URL) []*Cookie {
	host := canonicalHost(u)
	p := u.Path
	if p == "" {
		p = "/"
	}
	now := j.now()
	j.mu.Lock()
	var es []*jarEntry
	for k, e := range j.entries {
		if !e.expires.IsZero() && !e.expires.After(now) {
			delete(j.entries, k)
			continue
		}
		if e.hostOnly && host != e.c.Domain || !e.hostOnly && !domainMatch(host, e.c.Domain) {
			continue
		}
		if !pathMatch(p, e.c.Path) || e.c.Secure && u.Scheme != "https" {
			continue
		}
		es = append(es, e)
	}
	j.mu.Unlock()
	sort.Slice(es, func(a, b int) bool {
		if len(es[a].c.Path) != len(es[b].c.Path) {
			return len(es[a].c.Path) > len(es[b].c.Path)
		}
		return es[a].seq < es[b].seq
	})
	out := make([]*Cookie, len(es))
	for i, e := range es {
		c := e.c
		out[i] = &c
	}
	return out
}

// CookieHeader formats cookies as a Cookie field value: "a=1; b=2".
func CookieHeader(cookies []*Cookie) string {
	var b strings.Builder
	for i, c := range cookies {
		if i > 0 {
			b.WriteString("; ")
		}
		if c.Name != "" {
			b.WriteString(c.Name)
			b.WriteByte('=')
		}
		b.WriteString(c.Value)
	}
	return b.String()
}

func canonicalHost(u *url.URL) string {
	return strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
}

// domainMatch implements RFC 6265, section 5.1.3.
func domainMatch(host, domain string) bool {
	if host == domain {
		return true
	}
	return strings.HasSuffix(host, domain) && host[len(host)-len(domain)-1] == '.' && net.ParseIP(host) == nil
}

// defaultCookiePath implements RFC 6265, section 5.1.4.
func defaultCookiePath(p string) string {
	if p == "" || p[0] != '/' {
		return "/"
	}
	i := strings.LastIndexByte(p, '/')
	if i == 0 {
		return "/"
	}
	return p[:i]
}

// pathMatch implements RFC 6265, section 5.1.4.
func pathMatch(reqPath, cookiePath string) bool {
	if reqPath == cookiePath {
		return true
	}
	if !strings.HasPrefix(reqPath, cookiePath) {
		return false
	}
	return strings.HasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/'
}
