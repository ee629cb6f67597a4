package http1

import (
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseSetCookie(t *testing.T) {
	tests := []struct {
		in   string
		want *Cookie
	}{
		// The textbook's value-only cookie (CHECKLIST A.9).
		{"1678", &Cookie{Value: "1678"}},
		{"id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly",
			&Cookie{Name: "id", Value: "a3fWa", Expires: time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC), Secure: true, HttpOnly: true}},
		{"a=b; Domain=.Example.COM; Path=/docs; Max-Age=3600; SameSite=Lax",
			&Cookie{Name: "a", Value: "b", Domain: "example.com", Path: "/docs", MaxAge: 3600, SameSite: "Lax"}},
		{"a=b; Max-Age=0", &Cookie{Name: "a", Value: "b", MaxAge: -1}},
		{"a=b; Path=relative; Max-Age=x; Expires=garbage", &Cookie{Name: "a", Value: "b"}},
		// RFC 6265 5.1.1 accepts the old Netscape date form.
		{"a=b; expires=Sunday, 06-Nov-94 08:49:37 GMT", &Cookie{Name: "a", Value: "b", Expires: time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)}},
		{"=", nil},
		{"a=b\x00c", nil},
	}
	for _, tt := range tests {
		got, ok := ParseSetCookie(tt.in)
		if tt.want == nil {
			if ok {
				t.Errorf("ParseSetCookie(%q) = %+v, want failure", tt.in, got)
			}
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseSetCookie(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
	c := &Cookie{Name: "s", Value: "v", Path: "/", MaxAge: 60, Secure: true, HttpOnly: true}
	if got := c.String(); got != "s=v; Path=/; Max-Age=60; Secure; HttpOnly" {
		t.Errorf("String = %q", got)
	}
	if got := (&Cookie{Name: "s", Value: "a;b"}).String(); got != "" {
		t.Errorf("invalid value String = %q", got)
	}
}

func TestJar(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	j := NewJar()
	j.now = func() time.Time { return now }
	set := func(rawURL string, lines ...string) {
		u, _ := url.Parse(rawURL)
		var cs []*Cookie
		for _, l := range lines {
			c, ok := ParseSetCookie(l)
			if !ok {
				t.Fatalf("bad cookie %q", l)
			}
			cs = append(cs, c)
		}
		j.SetCookies(u, cs)
	}
	get := func(rawURL string) string {
		u, _ := url.Parse(rawURL)
		return CookieHeader(j.Cookies(u))
	}
	// The lesson: amazon sets 1678; ebay's 8734 is already in the file.
	set("http://www.ebay.com/", "8734")
	set("http://www.amazon.com/", "1678")
	if got := get("http://www.amazon.com/cart"); got != "1678" {
		t.Errorf("amazon = %q", got)
	}
	if got := get("http://www.ebay.com/"); got != "8734" {
		t.Errorf("ebay = %q", got)
	}
	// Domain cookies reach subdomains; host-only ones do not.
	set("http://a.example.com/dir/page", "host=1", "dom=2; Domain=example.com; Path=/", "deep=3; Path=/dir/sub")
	for _, tt := range []struct{ url, want string }{
		{"http://a.example.com/dir/x", "host=1; dom=2"},
		{"http://a.example.com/dir/sub/y", "deep=3; host=1; dom=2"},
		{"http://b.example.com/dir/x", "dom=2"},
		{"http://a.example.com/other", "dom=2"},
		{"http://a.example.com/directory", "dom=2"},
	} {
		if got := get(tt.url); got != tt.want {
			t.Errorf("Cookies(%s) = %q, want %q", tt.url, got, tt.want)
		}
	}
	// Refused: Domain not matching the host, a single-label Domain, Secure over http.
	set("http://a.example.com/", "evil=1; Domain=other.com", "tld=1; Domain=com", "sec=1; Secure")
	if got := get("http://a.example.com/"); got != "dom=2" {
		t.Errorf("after refused cookies: %q", got)
	}
	set("https://a.example.com/", "sec=1; Secure")
	if got, got2 := get("https://a.example.com/"), get("http://a.example.com/"); got != "dom=2; sec=1" || got2 != "dom=2" {
		t.Errorf("secure: https %q, http %q", got, got2)
	}
	// Expiry: Max-Age beats Expires; time passing removes the cookie; Max-Age=0 deletes.
	set("http://t.example/", "short=1; Max-Age=10; Expires=Fri, 01 Jan 2100 00:00:00 GMT", "long=2; Expires=Fri, 01 Jan 2100 00:00:00 GMT")
	now = now.Add(11 * time.Second)
	if got := get("http://t.example/"); got != "long=2" {
		t.Errorf("after 11 s: %q", got)
	}
	set("http://t.example/", "long=2; Max-Age=0")
	if got := get("http://t.example/"); got != "" {
		t.Errorf("after delete: %q", got)
	}
}

func TestRequestCookiesAndSetCookie(t *testing.T) {
	r := &Request{Header: hdr("Cookie", "1678; session=abc; theme=dark")}
	var got []string
	for _, c := range r.Cookies() {
		got = append(got, c.Name+"|"+c.Value)
	}
	if diff := cmp.Diff([]string{"|1678", "session|abc", "theme|dark"}, got); diff != "" {
		t.Errorf("Cookies mismatch (-want +got):\n%s", diff)
	}
	addr := startServer(t, &Server{Handler: HandlerFunc(func(w ResponseWriter, r *Request) {
		SetCookie(w, &Cookie{Value: "1678"})
		SetCookie(w, &Cookie{Name: "bad", Value: "a;b"}) // dropped
		SetCookie(w, &Cookie{Name: "s", Value: "v", Path: "/", HttpOnly: true})
	})})
	c := &Client{}
	defer c.CloseIdleConnections()
	resp, err := c.Get(t.Context(), "http://"+addr+"/")
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if diff := cmp.Diff([]string{"1678", "s=v; Path=/; HttpOnly"}, resp.Header.Values("Set-Cookie")); diff != "" {
		t.Errorf("Set-Cookie mismatch (-want +got):\n%s", diff)
	}
}
