package ftp

import (
	"errors"
	"net/netip"
	"testing"
)

func TestParsePORT(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"140,252,13,34,4,150", "140.252.13.34:1174", false}, // CHECKLIST C.2
		{"128,36,12,27,5,121", "128.36.12.27:1401", false},   // CHECKLIST C.1
		{" 127,0,0,1,0,21 ", "127.0.0.1:21", false},
		{"127,0,0,1,0", "", true},
		{"127,0,0,1,0,256", "", true},
		{"127,0,0,1,0,-1", "", true},
		{"127,0,0,1,0,1,2", "", true},
		{"a,b,c,d,e,f", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		got, err := ParsePORT(tt.in)
		if tt.wantErr {
			if !errors.Is(err, ErrAddressSyntax) {
				t.Errorf("ParsePORT(%q) error = %v, want ErrAddressSyntax", tt.in, err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("ParsePORT(%q) = %v, %v, want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestAppendPORT(t *testing.T) {
	got, err := AppendPORT(nil, netip.MustParseAddrPort("140.252.13.34:1174"))
	if err != nil || string(got) != "140,252,13,34,4,150" {
		t.Errorf("AppendPORT = %q, %v", got, err)
	}
	if _, err := AppendPORT(nil, netip.MustParseAddrPort("[::1]:21")); !errors.Is(err, ErrAddressSyntax) {
		t.Errorf("AppendPORT(IPv6) error = %v", err)
	}
	got, _ = AppendPASVReply(nil, netip.MustParseAddrPort("127.0.0.1:1401"))
	if string(got) != "Entering Passive Mode (127,0,0,1,5,121)." {
		t.Errorf("AppendPASVReply = %q", got)
	}
}

func TestParsePASVReply(t *testing.T) {
	for _, in := range []string{
		"Entering Passive Mode (127,0,0,1,5,121).",
		"Entering Passive Mode 127,0,0,1,5,121",
		"=127,0,0,1,5,121",
	} {
		got, err := ParsePASVReply(in)
		if err != nil || got.String() != "127.0.0.1:1401" {
			t.Errorf("ParsePASVReply(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParsePASVReply("Entering Passive Mode"); !errors.Is(err, ErrAddressSyntax) {
		t.Errorf("ParsePASVReply without address: %v", err)
	}
}

func TestEPRT(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"|1|132.235.1.2|6275|", "132.235.1.2:6275", false}, // RFC 2428 section 2
		{"|2|1080::8:800:200C:417A|5282|", "[1080::8:800:200c:417a]:5282", false},
		{"!1!10.0.0.1!21!", "10.0.0.1:21", false},
		{"|1|::1|21|", "", true},
		{"|2|10.0.0.1|21|", "", true},
		{"|3|10.0.0.1|21|", "", true},
		{"|1|10.0.0.1|65536|", "", true},
		{"|1|10.0.0.1|21", "", true},
		{"|2|fe80::1%eth0|21|", "", true},
		{" 1 10.0.0.1 21 ", "", true},
	}
	for _, tt := range tests {
		got, err := ParseEPRT(tt.in)
		if tt.wantErr {
			if !errors.Is(err, ErrAddressSyntax) {
				t.Errorf("ParseEPRT(%q) error = %v, want ErrAddressSyntax", tt.in, err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("ParseEPRT(%q) = %v, %v, want %s", tt.in, got, err, tt.want)
		}
	}
	if got := string(AppendEPRT(nil, netip.MustParseAddrPort("[::1]:1174"))); got != "|2|::1|1174|" {
		t.Errorf("AppendEPRT = %q", got)
	}
	if got := string(AppendEPRT(nil, netip.MustParseAddrPort("[::ffff:10.0.0.1]:21"))); got != "|1|10.0.0.1|21|" {
		t.Errorf("AppendEPRT(mapped) = %q", got)
	}
}

func TestEPSVReply(t *testing.T) {
	got := string(AppendEPSVReply(nil, 6446))
	if got != "Entering Extended Passive Mode (|||6446|)" {
		t.Errorf("AppendEPSVReply = %q", got)
	}
	if p, err := ParseEPSVReply(got); err != nil || p != 6446 {
		t.Errorf("ParseEPSVReply(%q) = %d, %v", got, p, err)
	}
	for _, in := range []string{"no parens", "(|||x|)", "(||6446|)", "(|||70000|)", "(|||1|"} {
		if _, err := ParseEPSVReply(in); !errors.Is(err, ErrAddressSyntax) {
			t.Errorf("ParseEPSVReply(%q) error = %v", in, err)
		}
	}
}
