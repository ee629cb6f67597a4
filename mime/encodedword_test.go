package mime

import (
	"errors"
	stdmime "mime"
	"strings"
	"testing"
	"unicode/utf8"
)

var decodeHeaderTests = []struct {
	in, want string
	err      error
}{
	// RFC 2047 section 8.
	{"=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>", "Keld Jørn Simonsen <keld@dkuug.dk>", nil},
	{"=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=", "If you can read this you understand the example.", nil},
	{"(=?ISO-8859-1?Q?a?=)", "(a)", nil},
	{"(=?ISO-8859-1?Q?a?= b)", "(a b)", nil},
	{"(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)", nil},
	{"(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)", nil},
	{"(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)", nil},
	{"(=?ISO-8859-1?Q?a_b?=)", "(a b)", nil},
	{"(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)", nil},
	// Everyday forms.
	{"=?utf-8?q?caf=C3=A9?=", "café", nil},
	{"=?UTF-8?B?Y2Fmw6k=?=", "café", nil},
	{"=?utf-8?b?Y2Fmw6k?=", "café", nil}, // missing padding
	{"plain text", "plain text", nil},
	{"=?utf-8*en?q?hi?=", "hi", nil}, // RFC 2231 section 5 language
	// A UTF-8 character split across two words.
	{"=?utf-8?b?w6k=?= =?utf-8?b?w6k=?=", "éé", nil},
	{"=?utf-8?q?=C3?= =?utf-8?q?=A9?=", "é", nil},
	{"=?windows-1252?q?=93quoted=94?=", "\u201cquoted\u201d", nil},
	{"=?koi8-r?b?8NLJ18XU?=", "Привет", nil},
	// Malformed words stay as they are.
	{"=?utf-8?x?abc?=", "=?utf-8?x?abc?=", nil},
	{"=?utf-8?q?a=ZZ?=", "=?utf-8?q?a=ZZ?=", nil},
	{"=?utf-8?q?unterminated", "=?utf-8?q?unterminated", nil},
	{"=??q?abc?=", "=??q?abc?=", nil},
	{"=?no-such-charset?q?abc?=", "=?no-such-charset?q?abc?=", ErrUnknownCharset},
}

func TestDecodeHeader(t *testing.T) {
	for _, tt := range decodeHeaderTests {
		got, err := DecodeHeader(tt.in)
		if !errors.Is(err, tt.err) {
			t.Errorf("DecodeHeader(%q) error = %v, want %v", tt.in, err, tt.err)
		}
		if got != tt.want {
			t.Errorf("DecodeHeader(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDecodeHeaderVsStdlib compares with mime.WordDecoder (which knows
// utf-8, us-ascii and iso-8859-1 without a CharsetReader) wherever it
// decodes without error. The standard library decodes each word on its
// own, so a character split across words is excluded, and it rejects
// base64 without padding, which we accept.
func TestDecodeHeaderVsStdlib(t *testing.T) {
	var dec stdmime.WordDecoder
	for _, tt := range decodeHeaderTests {
		want, err := dec.DecodeHeader(tt.in)
		if err != nil || !utf8.ValidString(want) || strings.Contains(tt.in, "Y2Fmw6k?") {
			continue
		}
		got, _ := DecodeHeader(tt.in)
		if got != want {
			t.Errorf("DecodeHeader(%q) = %q, stdlib %q", tt.in, got, want)
		}
	}
}

func TestEncodeHeader(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hello", "hello"},
		{"café", "=?utf-8?q?caf=C3=A9?="},
		{"Привет мир", "=?utf-8?b?0J/RgNC40LLQtdGCINC80LjRgA==?="},
		{"looks =?like?= a word", "=?utf-8?q?looks_=3D=3Flike=3F=3D_a_word?="},
	}
	for _, tt := range tests {
		if got := EncodeHeader(tt.in); got != tt.want {
			t.Errorf("EncodeHeader(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Long text is split into words of at most 75 octets without splitting
	// characters, and decodes back.
	for _, in := range []string{strings.Repeat("é", 100), strings.Repeat("ab é ", 40), strings.Repeat("日本語", 30)} {
		enc := EncodeHeader(in)
		for _, w := range strings.Fields(enc) {
			if len(w) > maxEncodedWordLength {
				t.Errorf("word %q longer than %d", w, maxEncodedWordLength)
			}
		}
		back, err := DecodeHeader(enc)
		if err != nil || back != in {
			t.Errorf("DecodeHeader(EncodeHeader(%q)) = %q, %v", in, back, err)
		}
		var dec stdmime.WordDecoder
		if std, err := dec.DecodeHeader(enc); err != nil || std != in {
			t.Errorf("stdlib decodes EncodeHeader(%q) as %q, %v", in, std, err)
		}
	}
}

// TestDecodeHeaderHostile checks that text full of "=?" that never closes
// is handled in linear time (the test would time out otherwise).
func TestDecodeHeaderHostile(t *testing.T) {
	s := strings.Repeat("=?a?q?b ", 40000) + "?="
	got, _ := DecodeHeader(s)
	if len(got) != len(s) {
		t.Errorf("length %d, want %d", len(got), len(s))
	}
	long := "=?utf-8?q?" + strings.Repeat("a", maxEncodedWordInput) + "?="
	if got, _ := DecodeHeader(long); got != long {
		t.Error("an over-long encoded word was decoded")
	}
}

func TestEncodePhrase(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Alice Crepe", "Alice Crepe"},
		{"Crepe, Alice", `"Crepe, Alice"`},
		{"John Q. Public", `"John Q. Public"`},
		{"André", "=?utf-8?q?Andr=C3=A9?="},
	}
	for _, tt := range tests {
		if got := EncodePhrase(tt.in); got != tt.want {
			t.Errorf("EncodePhrase(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
