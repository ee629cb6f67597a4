package dns

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// The lesson's umass.edu zone, written the way an administrator would.
const umassZone = `$TTL 86400 ; one day (CHECKLIST E.4)
$ORIGIN umass.edu.
@	IN SOA dns.umass.edu. hostmaster ( 2026112101 ; serial
		10800   ; refresh 3h
		3600    ; retry 1h
		604800  ; expire 1w
		86400 ) ; minimum 1d
	IN NS dns
dns	IN A 128.119.40.12
$ORIGIN cs.umass.edu.
gaia	300 IN A 128.119.245.12
www	IN CNAME gaia
@	IN MX 10 mail.umass.edu.
txt	IN TXT "semi;colon" "quote\"d" plain
esc\.dot IN A 10.0.0.1
`

var zoneTests = []struct {
	name    string
	in      string
	want    []string
	wantErr error
	line    int
}{
	{"umass", umassZone, []string{
		"umass.edu.\t86400\tIN\tSOA\tdns.umass.edu. hostmaster.umass.edu. 2026112101 10800 3600 604800 86400",
		"umass.edu.\t86400\tIN\tNS\tdns.umass.edu.",
		"dns.umass.edu.\t86400\tIN\tA\t128.119.40.12",
		"gaia.cs.umass.edu.\t300\tIN\tA\t128.119.245.12",
		"www.cs.umass.edu.\t86400\tIN\tCNAME\tgaia.cs.umass.edu.",
		"cs.umass.edu.\t86400\tIN\tMX\t10 mail.umass.edu.",
		"txt.cs.umass.edu.\t86400\tIN\tTXT\t\"semi;colon\" \"quote\\\"d\" \"plain\"",
		"esc\\.dot.cs.umass.edu.\t86400\tIN\tA\t10.0.0.1",
	}, nil, 0},
	{"no $TTL uses previous TTL", "a 60 A 1.2.3.4\nb A 1.2.3.5\n", []string{
		"a.example.com.\t60\tIN\tA\t1.2.3.4", "b.example.com.\t60\tIN\tA\t1.2.3.5"}, nil, 0},
	{"bad address names line 3", "a 60 A 1.2.3.4\n\nb A 1.2.3\n", nil, ErrSyntax, 3},
	{"unbalanced", "a 60 A ( 1.2.3.4\n", nil, ErrSyntax, 1},
	{"blank owner first", "  60 A 1.2.3.4\n", nil, ErrSyntax, 1},
	{"include off", "$INCLUDE /etc/passwd\n", nil, ErrSyntax, 1},
	{"unknown directive", "$GENERATE 1-2 a A 1.2.3.$\n", nil, ErrSyntax, 1},
	{"newline in quote", "a TXT \"x\ny\"\n", nil, ErrSyntax, 1},
}

func TestZoneParser(t *testing.T) {
	for _, tt := range zoneTests {
		t.Run(tt.name, func(t *testing.T) {
			rrs, err := ParseZone(strings.NewReader(tt.in), MustName("example.com."), "z")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseZone err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Line != tt.line || pe.File != "z" {
					t.Fatalf("error %v: want *ParseError at z line %d", err, tt.line)
				}
				return
			}
			var got []string
			for _, rr := range rrs {
				got = append(got, flat(rr.String()))
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("records mismatch (-want +got):\n%s", d)
			}
			var buf bytes.Buffer
			if err := WriteZone(&buf, MustName("example.com."), rrs); err != nil {
				t.Fatal(err)
			}
			again, err := ParseZone(&buf, Root, "w")
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(rrs, again, cmpOpts); d != "" {
				t.Errorf("WriteZone round trip mismatch (-want +got):\n%s", d)
			}
		})
	}
}

func TestZoneInclude(t *testing.T) {
	fsys := fstest.MapFS{
		"zones/main.zone":  {Data: []byte("$ORIGIN example.com.\na A 1.1.1.1\n$INCLUDE hosts.zone sub.example.com.\nb A 2.2.2.2\n")},
		"zones/hosts.zone": {Data: []byte("h A 3.3.3.3\n")},
	}
	f, _ := fsys.Open("zones/main.zone")
	zp := NewZoneParser(f, Root, "zones/main.zone")
	zp.Include = fsys
	var got []string
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		got = append(got, rr.Name.String())
	}
	if err := zp.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"a.example.com.", "h.sub.example.com.", "b.example.com."}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("include mismatch (-want +got):\n%s", d)
	}
}
