package mime

import (
	"errors"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var addressTests = []struct {
	name string
	in   string
	want []Address
}{
	{"bare", "alice@crepes.fr", []Address{{Addr: "alice@crepes.fr"}}},
	{"angle", "<bob@hamburger.edu>", []Address{{Addr: "bob@hamburger.edu"}}},
	{"display name", "Alice Crepe <alice@crepes.fr>", []Address{{Name: "Alice Crepe", Addr: "alice@crepes.fr"}}},
	{"quoted name", `"Crepe, Alice" <alice@crepes.fr>`, []Address{{Name: "Crepe, Alice", Addr: "alice@crepes.fr"}}},
	{"quoted pair", `"A \"B\" C" <a@b.c>`, []Address{{Name: `A "B" C`, Addr: "a@b.c"}}},
	{"list", "a@b.c, Bob <bob@x.y>,c@d.e", []Address{{Addr: "a@b.c"}, {Name: "Bob", Addr: "bob@x.y"}, {Addr: "c@d.e"}}},
	{"comment as name", "alice@crepes.fr (Alice Crepe)", []Address{{Name: "Alice Crepe", Addr: "alice@crepes.fr"}}},
	{"comments everywhere", "(c1) Alice (c2) <(c3) alice (c4) @ (c5) crepes.fr (c6)> (c7)", []Address{{Name: "Alice", Addr: "alice@crepes.fr"}}},
	{"encoded word name", "=?utf-8?q?Andr=C3=A9?= <andre@example.fr>", []Address{{Name: "André", Addr: "andre@example.fr"}}},
	{"UTF-8 name (RFC 6532)", "André <andre@example.fr>", []Address{{Name: "André", Addr: "andre@example.fr"}}},
	{"quoted local part", `"john doe"@example.com`, []Address{{Addr: `"john doe"@example.com`}}},
	{"dotted local part", "john.q.public@example.com", []Address{{Addr: "john.q.public@example.com"}}},
	{"obs local part with CFWS (RFC 5322 4.4)", "john . q (middle) . public @ example . com", []Address{{Addr: "john.q.public@example.com"}}},
	{"domain literal", "root@[192.0.2.1]", []Address{{Addr: "root@[192.0.2.1]"}}},
	{"group (RFC 5322 3.4)", "A Group: Ed <ed@x.y>, fred@x.y;, bob@z.w", []Address{
		{Name: "A Group", Group: true, Members: []Address{{Name: "Ed", Addr: "ed@x.y"}, {Addr: "fred@x.y"}}},
		{Addr: "bob@z.w"},
	}},
	{"empty group", "undisclosed-recipients:;", []Address{{Name: "undisclosed-recipients", Group: true}}},
	{"obs route (RFC 5322 4.4)", "Joe <@relay1,@relay2:joe@example.org>", []Address{{Name: "Joe", Addr: "joe@example.org"}}},
	{"obs phrase with dot", "John Q. Public <jqp@example.com>", []Address{{Name: "John Q. Public", Addr: "jqp@example.com"}}},
	{"obs empty elements", ", a@b.c,, ,d@e.f,", []Address{{Addr: "a@b.c"}, {Addr: "d@e.f"}}},
	{"folded", "Alice\r\n <alice@crepes.fr>,\r\n\tbob@hamburger.edu", []Address{{Name: "Alice", Addr: "alice@crepes.fr"}, {Addr: "bob@hamburger.edu"}}},
}

func TestParseAddressList(t *testing.T) {
	for _, tt := range addressTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAddressList(tt.in)
			if err != nil {
				t.Fatalf("ParseAddressList(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseAddressList(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseAddressListErrors(t *testing.T) {
	tests := []struct {
		in   string
		want []Address // what lenient parsing keeps
	}{
		{"no-at-sign", nil},
		{"a@b.c, <broken, d@e.f", []Address{{Addr: "a@b.c"}, {Addr: "d@e.f"}}},
		{`"unterminated <a@b.c>`, nil},
		{"a@", nil},
		{"Name <a@b.c", nil},
		{"a@b..c", nil},
		{"john doe@example.com", nil},
	}
	for _, tt := range tests {
		got, err := ParseAddressList(tt.in)
		if !errors.Is(err, ErrBadAddress) {
			t.Errorf("ParseAddressList(%q) error = %v, want ErrBadAddress", tt.in, err)
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParseAddressList(%q) error is %T, want *SyntaxError", tt.in, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseAddressList(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestAddressString(t *testing.T) {
	tests := []struct {
		a    Address
		want string
	}{
		{Address{Addr: "a@b.c"}, "a@b.c"},
		{Address{Name: "Alice Crepe", Addr: "alice@crepes.fr"}, "Alice Crepe <alice@crepes.fr>"},
		{Address{Name: "Crepe, Alice", Addr: "alice@crepes.fr"}, `"Crepe, Alice" <alice@crepes.fr>`},
		{Address{Name: `Say "hi"`, Addr: "a@b.c"}, `"Say \"hi\"" <a@b.c>`},
		{Address{Name: "André", Addr: "andre@example.fr"}, "=?utf-8?q?Andr=C3=A9?= <andre@example.fr>"},
		{Address{Name: "Team", Group: true, Members: []Address{{Addr: "a@b.c"}, {Name: "D", Addr: "d@e.f"}}}, "Team: a@b.c, D <d@e.f>;"},
		{Address{Name: "undisclosed-recipients", Group: true}, "undisclosed-recipients:;"},
	}
	for _, tt := range tests {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.a, got, tt.want)
		}
		back, err := ParseAddressList(tt.a.String())
		if err != nil || len(back) != 1 {
			t.Errorf("ParseAddressList(%q) = %v, %v", tt.a.String(), back, err)
			continue
		}
		if diff := cmp.Diff(tt.a, back[0]); diff != "" {
			t.Errorf("round trip of %q mismatch (-want +got):\n%s", tt.want, diff)
		}
	}
}

// TestAddressVsNetMail runs net/mail's parser on the same inputs. net/mail
// does not support groups or routes; where it accepts an input, both must
// agree on names and addresses (net/mail returns the local part unquoted).
func TestAddressVsNetMail(t *testing.T) {
	for _, tt := range addressTests {
		ref, err := mail.ParseAddressList(tt.in)
		if err != nil {
			continue
		}
		got, err := ParseAddressList(tt.in)
		if err != nil {
			t.Errorf("ParseAddressList(%q) error %v; net/mail accepts it", tt.in, err)
			continue
		}
		var want, have []Address
		for _, a := range ref {
			want = append(want, Address{Name: a.Name, Addr: a.Address})
		}
		for _, a := range Mailboxes(got) {
			// net/mail keeps the local part unquoted.
			if lp := a.LocalPart(); strings.HasPrefix(lp, `"`) {
				a.Addr = unescapeQuoted(lp[1:len(lp)-1]) + "@" + a.Domain()
			}
			have = append(have, a)
		}
		if diff := cmp.Diff(want, have); diff != "" {
			t.Errorf("ParseAddressList(%q) mismatch (-net/mail +ours):\n%s", tt.in, diff)
		}
	}
}

func TestParseAddress(t *testing.T) {
	a, err := ParseAddress("Alice <alice@crepes.fr>")
	if err != nil || !cmp.Equal(a, Address{Name: "Alice", Addr: "alice@crepes.fr"}) {
		t.Errorf("ParseAddress = %+v, %v", a, err)
	}
	if _, err := ParseAddress("a@b.c, d@e.f"); !errors.Is(err, ErrBadAddress) {
		t.Errorf("ParseAddress of a list: error = %v, want ErrBadAddress", err)
	}
	if a.LocalPart() != "alice" || a.Domain() != "crepes.fr" {
		t.Errorf("LocalPart, Domain = %q, %q", a.LocalPart(), a.Domain())
	}
}

var dateTests = []struct {
	in   string
	want string // RFC 3339, or "" for an error
}{
	{"Mon, 18 Sep 2006 19:40:19 -0400", "2006-09-18T19:40:19-04:00"},
	{"18 Sep 2006 19:40:19 -0400", "2006-09-18T19:40:19-04:00"},
	{"Mon. 18 Sep 2006 19:40:19 -0400", "2006-09-18T19:40:19-04:00"}, // the lesson's (sic)
	{"Fri, 21 Nov 1997 09:55:06 -0600", "1997-11-21T09:55:06-06:00"},
	{"Tue, 1 Jul 2003 10:52:37 +0200", "2003-07-01T10:52:37+02:00"},
	{"Thu,\r\n 13\r\n Feb\r\n 1969\r\n 23:32\r\n -0330 (Newfoundland Time)", "1969-02-13T23:32:00-03:30"},
	{"21 Nov 97 09:55:06 GMT", "1997-11-21T09:55:06Z"},
	{"21 Nov 03 09:55:06 EST", "2003-11-21T09:55:06-05:00"},
	{"21 Nov 103 09:55:06 PDT", "2003-11-21T09:55:06-07:00"},
	{"Sat, 21 Nov 2026 15:31:00 +0000 (UTC)", "2026-11-21T15:31:00Z"},
	{"21 Nov 2026 15:31:00", "2026-11-21T15:31:00Z"},
	{"31 Dec 2016 23:59:60 +0000", "2016-12-31T23:59:59Z"},
	{"", ""},
	{"30 Feb 2020 10:00:00 +0000", ""},
	{"1 Foo 2020 10:00:00 +0000", ""},
	{"1 Jan 2020 25:00:00 +0000", ""},
	{"1 Jan 2020 10:00:00 +00000", ""},
	{"1 Jan 2020 10:00:00 XYZ", ""},
}

func TestParseDate(t *testing.T) {
	for _, tt := range dateTests {
		got, err := ParseDate(tt.in)
		if tt.want == "" {
			if !errors.Is(err, ErrBadDate) {
				t.Errorf("ParseDate(%q) error = %v, want ErrBadDate", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDate(%q) error: %v", tt.in, err)
			continue
		}
		if s := got.Format(time.RFC3339); s != tt.want {
			t.Errorf("ParseDate(%q) = %s, want %s", tt.in, s, tt.want)
		}
	}
}

// TestDateVsNetMail: where net/mail parses a date, ours gives the same
// instant, except for the inputs listed in netMailDateBugs.
func TestDateVsNetMail(t *testing.T) {
	// net/mail takes obsolete zone names other than UT/GMT as +0000, against
	// RFC 5322 section 4.3, and accepts zones that are not zones at all.
	netMailDateBugs := map[string]bool{
		"21 Nov 03 09:55:06 EST":     true,
		"1 Jan 2020 10:00:00 +00000": true,
		"1 Jan 2020 10:00:00 XYZ":    true,
	}
	for _, tt := range dateTests {
		ref, err := mail.ParseDate(tt.in)
		if err != nil || netMailDateBugs[tt.in] {
			continue
		}
		got, err := ParseDate(tt.in)
		if err != nil {
			t.Errorf("ParseDate(%q) error %v; net/mail gives %v", tt.in, err, ref)
			continue
		}
		if !got.Equal(ref) {
			t.Errorf("ParseDate(%q) = %v, net/mail %v", tt.in, got, ref)
		}
	}
}

func TestFormatDate(t *testing.T) {
	d := time.Date(2006, 9, 18, 19, 40, 19, 0, time.FixedZone("", -4*3600))
	s := FormatDate(d)
	if s != "Mon, 18 Sep 2006 19:40:19 -0400" {
		t.Errorf("FormatDate = %q", s)
	}
	back, err := ParseDate(s)
	if err != nil || !back.Equal(d) {
		t.Errorf("ParseDate(FormatDate) = %v, %v", back, err)
	}
}

func TestMessageID(t *testing.T) {
	id := GenerateMessageID("crepes.fr")
	if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@crepes.fr>") {
		t.Errorf("GenerateMessageID = %q", id)
	}
	if id2 := GenerateMessageID("crepes.fr"); id2 == id {
		t.Errorf("two ids are equal: %q", id)
	}
	got, err := ParseMessageID(id)
	if err != nil || "<"+got+">" != id {
		t.Errorf("ParseMessageID(%q) = %q, %v", id, got, err)
	}
	ids, err := ParseMessageIDList("<a@b> (comment)\r\n <c.d@e.f> Your message of <x@y>")
	if err != nil || !cmp.Equal(ids, []string{"a@b", "c.d@e.f", "x@y"}) {
		t.Errorf("ParseMessageIDList = %q, %v", ids, err)
	}
	for _, bad := range []string{"", "a@b", "<a@b", "<ab>", "<a@b> <c@d>"} {
		if _, err := ParseMessageID(bad); !errors.Is(err, ErrBadMessageID) {
			t.Errorf("ParseMessageID(%q) error = %v, want ErrBadMessageID", bad, err)
		}
	}
}
