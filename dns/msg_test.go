package dns

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func hexMsg(s string) []byte {
	var b []byte
	for i := 0; i+1 < len(s); {
		if s[i] == ' ' {
			i++
			continue
		}
		var v byte
		for _, c := range []byte(s[i : i+2]) {
			v <<= 4
			switch {
			case c >= '0' && c <= '9':
				v |= c - '0'
			default:
				v |= c - 'a' + 10
			}
		}
		b = append(b, v)
		i += 2
	}
	return b
}

// The typical response as bytes: the answers' owner is a pointer (c00c) to the question name.
const typicalHex = "beef 8180 0001 0002 0000 0000" +
	" 03777777 076578616d706c65 03636f6d 00 0001 0001" +
	" c00c 0001 0001 0000012c 0004 c0000201" +
	" c00c 0001 0001 0000012c 0004 c0000202"

func TestPackGolden(t *testing.T) {
	b, err := benchMsg().Pack()
	if err != nil {
		t.Fatal(err)
	}
	if want := hexMsg(typicalHex); string(b) != string(want) {
		t.Errorf("Pack() =\n%x\nwant\n%x", b, want)
	}
}

var unpackTests = []struct {
	name    string
	in      []byte
	wantErr error
}{
	{"typical", hexMsg(typicalHex), nil},
	{"short header", hexMsg("beef 8180 0001"), ErrShortMsg},
	{"count beyond data", hexMsg("beef 8180 0001 ffff 0000 0000 00 0001 0001"), ErrShortMsg},
	// The question name is a pointer to itself (offset 12).
	{"self pointer", hexMsg("0001 0000 0001 0000 0000 0000 c00c 0001 0001"), ErrBadPointer},
	// Label "a" at 12, then a pointer back to 12: a -> a -> a ...
	{"pointer loop", hexMsg("0001 0000 0001 0000 0000 0000 01 61 c00c 0001 0001"), ErrPointerLoop},
	{"forward pointer", hexMsg("0001 0000 0001 0000 0000 0000 c020 0001 0001"), ErrBadPointer},
	{"reserved label", hexMsg("0001 0000 0001 0000 0000 0000 40 0001 0001"), ErrBadLabel},
	{"label past end", hexMsg("0001 0000 0001 0000 0000 0000 3f 61 0001 0001"), ErrShortMsg},
	{"A rdata length 3", hexMsg("0001 8000 0000 0001 0000 0000 00 0001 0001 00000000 0003 010203"), ErrBadRdata},
	{"trailing data", append(hexMsg(typicalHex), 0), ErrTrailingData},
	{"two OPT", hexMsg("0001 8000 0000 0000 0000 0002 00 0029 1000 00000000 0000 00 0029 1000 00000000 0000"), ErrMultipleOPT},
}

func TestUnpack(t *testing.T) {
	for _, tt := range unpackTests {
		t.Run(tt.name, func(t *testing.T) {
			var m Msg
			err := m.Unpack(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Unpack(%x) = %v, want %v", tt.in, err, tt.wantErr)
			}
			var we *WireError
			if err != nil && !errors.As(err, &we) {
				t.Errorf("error %v is not a *WireError", err)
			}
		})
	}
}

func TestUnpackTypical(t *testing.T) {
	var m Msg
	if err := m.Unpack(hexMsg(typicalHex)); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(benchMsg(), &m, cmpOpts); d != "" {
		t.Errorf("Unpack mismatch (-want +got):\n%s", d)
	}
}

// TestNameLimits checks the RFC 1035 2.3.4 edges: 63-octet labels, 255-octet names.
func TestNameLimits(t *testing.T) {
	l63 := string(make([]byte, 63))
	for i := range []byte(l63) {
		_ = i
	}
	label := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = 'a'
		}
		return string(b)
	}
	// 3 labels of 63 plus one of 61: 4*64 - 2 + 1 = 255 octets in wire form.
	ok := label(63) + "." + label(63) + "." + label(63) + "." + label(61) + "."
	if n, err := ParseName(ok); err != nil || n.Len() != 255 {
		t.Errorf("ParseName(255 octets) = len %d, %v", n.Len(), err)
	}
	if _, err := ParseName(label(63) + "." + label(63) + "." + label(63) + "." + label(62) + "."); !errors.Is(err, ErrNameTooLong) {
		t.Errorf("ParseName(256 octets) err = %v, want ErrNameTooLong", err)
	}
	if _, err := ParseName(label(64) + "."); !errors.Is(err, ErrLabelTooLong) {
		t.Errorf("ParseName(64-octet label) err = %v, want ErrLabelTooLong", err)
	}
	if _, err := ParseName("a..b."); !errors.Is(err, ErrEmptyLabel) {
		t.Errorf("ParseName(a..b.) err = %v, want ErrEmptyLabel", err)
	}
}

func TestNameCaseInsensitive(t *testing.T) {
	a, b := MustName("WWW.Example.COM."), MustName("www.example.com")
	if !a.Equal(b) || a.Canonical() != b {
		t.Errorf("%v and %v should be equal ignoring case", a, b)
	}
	if !MustName("gaia.cs.umass.edu.").IsSubdomainOf(MustName("UMASS.edu.")) {
		t.Error("gaia.cs.umass.edu. should be under umass.edu.")
	}
}

func TestIDNA(t *testing.T) {
	n := MustName("bücher.example.")
	if got, want := n.String(), "xn--bcher-kva.example."; got != want {
		t.Errorf("ParseName(bücher.example.) = %q, want %q", got, want)
	}
	if got := n.Unicode(); got != "bücher.example." {
		t.Errorf("Unicode() = %q", got)
	}
}

func TestReverseName(t *testing.T) {
	for _, tt := range []struct{ addr, want string }{
		{"15.16.192.152", "152.192.16.15.in-addr.arpa."}, // CHECKLIST E.5
		{"137.132.80.57", "57.80.132.137.in-addr.arpa."}, // nslookup example
		{"12.34.158.5", "5.158.34.12.in-addr.arpa."},     // gethostbyaddr example
		{"2001:db8::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."},
	} {
		if got := ReverseName(netip.MustParseAddr(tt.addr)).String(); got != tt.want {
			t.Errorf("ReverseName(%s) = %s, want %s", tt.addr, got, tt.want)
		}
	}
}

func TestMsgString(t *testing.T) {
	m := benchMsg()
	m.SetEDNS(1232, false)
	want := `;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 48879
;; flags: qr rd ra; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1

;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;www.example.com.		IN	A

;; ANSWER SECTION:
www.example.com.	300	IN	A	192.0.2.1
www.example.com.	300	IN	A	192.0.2.2
`
	if d := cmp.Diff(want, m.String()); d != "" {
		t.Errorf("String() mismatch (-want +got):\n%s", d)
	}
}

func TestParseRR(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		wantErr  error
	}{
		{"www.example.com. 300 IN A 192.0.2.1", "www.example.com.\t300\tIN\tA\t192.0.2.1", nil},
		{"www.example.com. IN 300 A 192.0.2.1", "www.example.com.\t300\tIN\tA\t192.0.2.1", nil},
		{"example.com. 1h MX 10 mail", "example.com.\t3600\tIN\tMX\t10 mail.", nil},
		{`t. 0 IN TXT "a b" c`, "t.\t0\tIN\tTXT\t\"a b\" \"c\"", nil},
		{`x. 0 IN A \# 4 0a000001`, "x.\t0\tIN\tA\t10.0.0.1", nil},
		{`x. 0 IN TYPE1 10.0.0.1`, "x.\t0\tIN\tA\t10.0.0.1", nil},
		{"x. 0 IN A 300.0.0.1", "", ErrSyntax},
		{"x. 0 IN BOGUS 1", "", ErrSyntax},
		{"x. 0 IN MX 10", "", ErrSyntax},
		{"x. 0 IN A 1.2.3.4 extra", "", ErrSyntax},
	} {
		rr, err := ParseRR(tt.in)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("ParseRR(%q) err = %v, want %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && flat(rr.String()) != tt.want {
			t.Errorf("ParseRR(%q) = %q, want %q", tt.in, rr.String(), tt.want)
		}
	}
}

// TestUnpackNoAlloc: unpacking the typical response into a reused Msg does not allocate.
func TestUnpackNoAlloc(t *testing.T) {
	wire := hexMsg(typicalHex)
	var m Msg
	if err := m.Unpack(wire); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { m.Unpack(wire) }); n != 0 {
		t.Errorf("Unpack into a reused Msg: %v allocs, want 0", n)
	}
	buf := make([]byte, 0, 512)
	if n := testing.AllocsPerRun(100, func() { buf, _ = m.AppendPack(buf[:0]) }); n != 0 {
		t.Errorf("AppendPack into a buffer with room: %v allocs, want 0", n)
	}
}

// TestStrayOPT: an OPT record outside the additional section (found by
// FuzzUnpack, testdata/fuzz/FuzzUnpack/34aca47ab675a8a1) keeps its own
// extended-rcode bits through a round trip and does not touch the header's.
func TestStrayOPT(t *testing.T) {
	m := &Msg{Header: Header{Rcode: RcodeRefused}}
	m.Answer = []RR{{Name: Root, Data: &OPT{UDPSize: 512, ExtendedRcode: 48}}}
	normalizeOPT(m)
	m.Answer[0].Class, m.Answer[0].TTL = m.Answer[0].Data.(*OPT).classTTL(48 << 4)
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	var got Msg
	if err := got.Unpack(b); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(m, &got, cmpOpts); d != "" {
		t.Errorf("mismatch (-want +got):\n%s", d)
	}
}
