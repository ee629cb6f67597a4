package imap

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

var mailboxNameTests = []struct {
	utf8, mutf7 string
}{
	{"", ""},
	{"INBOX", "INBOX"},
	{"&", "&-"},
	{"Tom & Jerry", "Tom &- Jerry"},
	{"日本語", "&ZeVnLIqe-"},
	// RFC 3501 section 5.1.3's example.
	{"~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"},
	{"Reçus", "Re&AOc-us"},
	{"é&", "&AOk-&-"},
	{"😀", "&2D3eAA-"},
	{"tab\there", "tab&AAk-here"},
}

func TestMailboxNameCodec(t *testing.T) {
	for _, tt := range mailboxNameTests {
		got, err := EncodeMailboxName(tt.utf8)
		if err != nil || got != tt.mutf7 {
			t.Errorf("EncodeMailboxName(%q) = %q, %v; want %q", tt.utf8, got, err, tt.mutf7)
		}
		back, err := DecodeMailboxName(tt.mutf7)
		if err != nil || back != tt.utf8 {
			t.Errorf("DecodeMailboxName(%q) = %q, %v; want %q", tt.mutf7, back, err, tt.utf8)
		}
	}
}

func TestMailboxNameErrors(t *testing.T) {
	tests := []struct {
		in   string
		want MailboxNameError
	}{
		{"Re\xc3\xa7us", MailboxNameError{Offset: 2, Reason: "octet outside printable US-ASCII"}},
		{"a\tb", MailboxNameError{Offset: 1, Reason: "octet outside printable US-ASCII"}},
		{"&ZeVnLIqe", MailboxNameError{Offset: 0, Reason: "unterminated shift"}},
		{"x&", MailboxNameError{Offset: 1, Reason: "unterminated shift"}},
		{"&ZeV/-", MailboxNameError{Offset: 0, Reason: "bad modified BASE64"}},
		{"&ZeVnLIqe=-", MailboxNameError{Offset: 0, Reason: "bad modified BASE64"}},
		{"&AG-", MailboxNameError{Offset: 0, Reason: "bad modified BASE64"}},  // one octet
		{"&AOd-", MailboxNameError{Offset: 0, Reason: "bad modified BASE64"}}, // leftover bits
		{"&AGE-", MailboxNameError{Offset: 0, Reason: "printable US-ASCII in a shift"}},
		{"&AOk-&AOk-", MailboxNameError{Offset: 5, Reason: "two shifts in a row"}},
		{"&2D0-", MailboxNameError{Offset: 0, Reason: "unpaired surrogate"}},
		{"&2D0AYQ-", MailboxNameError{Offset: 0, Reason: "unpaired surrogate"}},
	}
	for _, tt := range tests {
		_, err := DecodeMailboxName(tt.in)
		var me *MailboxNameError
		if !errors.As(err, &me) {
			t.Errorf("DecodeMailboxName(%q): error %v, want a *MailboxNameError", tt.in, err)
			continue
		}
		tt.want.Name = tt.in
		if diff := cmp.Diff(tt.want, *me); diff != "" {
			t.Errorf("DecodeMailboxName(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	if _, err := EncodeMailboxName("Re\xe7us"); err == nil {
		t.Error("EncodeMailboxName accepted invalid UTF-8")
	}
}

// TestPropMailboxNameRoundTrip: every UTF-8 name survives encoding, the
// encoding is printable US-ASCII, and it is the only accepted spelling.
func TestPropMailboxNameRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		name := rapid.String().Draw(t, "name")
		enc, err := EncodeMailboxName(name)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(enc); i++ {
			if !mutf7Direct(rune(enc[i])) {
				t.Fatalf("%q encodes to %q with octet %#x", name, enc, enc[i])
			}
		}
		dec, err := DecodeMailboxName(enc)
		if err != nil || dec != name {
			t.Fatalf("%q -> %q -> %q, %v", name, enc, dec, err)
		}
	})
}

func FuzzDecodeMailboxName(f *testing.F) {
	for _, tt := range mailboxNameTests {
		f.Add(tt.mutf7)
	}
	f.Add("&AOk-&AOk-")
	f.Add("&2D0-")
	f.Fuzz(func(t *testing.T, s string) {
		dec, err := DecodeMailboxName(s)
		if err != nil {
			var me *MailboxNameError
			if !errors.As(err, &me) {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if !utf8.ValidString(dec) {
			t.Fatalf("%q decodes to invalid UTF-8 %q", s, dec)
		}
		// One spelling: what decodes encodes back to the input.
		enc, err := EncodeMailboxName(dec)
		if err != nil || enc != s {
			t.Fatalf("%q -> %q -> %q, %v", s, dec, enc, err)
		}
	})
}
