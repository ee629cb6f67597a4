package smtp

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAppendReply(t *testing.T) {
	for _, tt := range []struct {
		name string
		r    Reply
		want string
	}{
		{"seed greeting", Reply{Code: 220, Lines: []string{"hamburger.edu"}}, "220 hamburger.edu\r\n"},
		{"enhanced", Reply{Code: 250, Enhanced: EnhancedCode{2, 1, 5}, Lines: []string{"OK"}}, "250 2.1.5 OK\r\n"},
		{"multi", Reply{Code: 250, Lines: []string{"mx", "PIPELINING", "SIZE 100"}}, "250-mx\r\n250-PIPELINING\r\n250 SIZE 100\r\n"},
		{"multi enhanced", Reply{Code: 550, Enhanced: EnhancedCode{5, 1, 1}, Lines: []string{"no", "such user"}}, "550-5.1.1 no\r\n550 5.1.1 such user\r\n"},
		{"no text", Reply{Code: 354}, "354 \r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendReply(nil, &tt.r)); got != tt.want {
				t.Errorf("AppendReply(%+v) = %q, want %q", tt.r, got, tt.want)
			}
		})
	}
}

func TestNewReply(t *testing.T) {
	for _, tt := range []struct {
		code  int
		lines []string
		want  *Reply
	}{
		{250, []string{"2.1.0 Sender ok"}, &Reply{Code: 250, Enhanced: EnhancedCode{2, 1, 0}, Lines: []string{"Sender ok"}}},
		{250, []string{"alice@crepes.fr... Sender ok"}, &Reply{Code: 250, Lines: []string{"alice@crepes.fr... Sender ok"}}},
		{550, []string{"2.1.0 class mismatch"}, &Reply{Code: 550, Lines: []string{"2.1.0 class mismatch"}}},
		{550, []string{"5.1.1 a", "5.1.1 b"}, &Reply{Code: 550, Enhanced: EnhancedCode{5, 1, 1}, Lines: []string{"a", "b"}}},
		{250, []string{"2.0.0"}, &Reply{Code: 250, Enhanced: EnhancedCode{2, 0, 0}, Lines: []string{""}}},
	} {
		got := NewReply(tt.code, tt.lines)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("NewReply(%d, %q) mismatch (-want +got):\n%s", tt.code, tt.lines, diff)
		}
	}
}

func TestParseEnhancedCode(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{{"2.0.0", true}, {"5.7.8", true}, {"4.123.999", true}, {"3.0.0", false}, {"2.0", false}, {"22.0.0", false}, {"2.1234.0", false}, {"2.a.0", false}, {"2..0", false}} {
		c, ok := ParseEnhancedCode(tt.in)
		if ok != tt.ok || ok && c.String() != tt.in {
			t.Errorf("ParseEnhancedCode(%q) = %v, %v; want ok=%v", tt.in, c, ok, tt.ok)
		}
	}
}

func TestXtext(t *testing.T) {
	for _, tt := range []struct{ dec, enc string }{
		{"abc", "abc"}, {"a+b", "a+2Bb"}, {"a=b c", "a+3Db+20c"}, {"é", "+C3+A9"},
	} {
		if got := EncodeXtext(tt.dec); got != tt.enc {
			t.Errorf("EncodeXtext(%q) = %q, want %q", tt.dec, got, tt.enc)
		}
		if got, ok := DecodeXtext(tt.enc); !ok || got != tt.dec {
			t.Errorf("DecodeXtext(%q) = %q, %v; want %q", tt.enc, got, ok, tt.dec)
		}
	}
	for _, bad := range []string{"+", "+2", "+2b", "a b", "a=b"} {
		if _, ok := DecodeXtext(bad); ok {
			t.Errorf("DecodeXtext(%q) ok, want failure", bad)
		}
	}
}
