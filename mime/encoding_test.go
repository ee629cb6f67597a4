package mime

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime/quotedprintable"
	"strings"
	"testing"
	"testing/iotest"
)

func decodeAll(t *testing.T, e Encoding, in string) (string, error) {
	t.Helper()
	r, err := NewDecoder(e, strings.NewReader(in))
	if err != nil {
		t.Fatalf("NewDecoder(%q): %v", e, err)
	}
	b, err := io.ReadAll(r)
	return string(b), err
}

func encodeAll(t *testing.T, e Encoding, in []byte) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewEncoder(e, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(in); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestBase64Decode(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"SGVsbG8sIEJvYiE=\r\n", "Hello, Bob!", nil},
		{"SGVs\r\nbG8s\r\nIEJv\r\nYiE=\r\n", "Hello, Bob!", nil},
		{"SGVsbG8sIEJvYiE", "Hello, Bob!", nil},                       // no padding
		{"SGVsbG8sIEJvYiE=\r\n\r\ntrailing junk", "Hello, Bob!", nil}, // after padding
		{"SGVs*bG8=", "Hello", ErrBadBase64},                          // junk inside
		{"SGVsbG8sIEJvYiEx\r\nQ", "Hello, Bob!1", ErrBadBase64},
		{"", "", nil},
		{"  \r\n", "", nil},
	}
	for _, tt := range tests {
		got, err := decodeAll(t, Base64, tt.in)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("decode base64 %q = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestBase64Encode(t *testing.T) {
	data := make([]byte, 1000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	enc := encodeAll(t, Base64, data)
	lines := strings.Split(strings.TrimSuffix(enc, "\r\n"), "\r\n")
	for i, l := range lines {
		if len(l) > MaxEncodedLineLength || i < len(lines)-1 && len(l) != MaxEncodedLineLength {
			t.Errorf("line %d has %d characters", i, len(l))
		}
	}
	// Differential: the standard decoder reads it.
	std, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, strings.NewReader(strings.ReplaceAll(enc, "\r\n", ""))))
	if err != nil || !bytes.Equal(std, data) {
		t.Errorf("stdlib decode: %v", err)
	}
	// One byte at a time through the decoder.
	got, err := io.ReadAll(iotest.OneByteReader(NewBase64Decoder(iotest.HalfReader(strings.NewReader(enc)))))
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("round trip: %v", err)
	}
	if enc := encodeAll(t, Base64, nil); enc != "" {
		t.Errorf("empty input encodes to %q", enc)
	}
}

var qpDecodeTests = []struct {
	in, want string
	err      error
}{
	{"Hello=2C Bob!", "Hello, Bob!", nil},
	{"caf=C3=A9\r\n", "café\r\n", nil},
	{"soft=\r\nbreak", "softbreak", nil},
	{"soft=\nbreak", "softbreak", nil},
	{"soft=  \r\nbreak with padding", "softbreak with padding", nil},
	{"trailing space   \r\nnext", "trailing space\r\nnext", nil},
	{"lower =c3=a9", "lower é", nil},
	{"a=\r\n", "a", nil},
	{"bad =ZZ escape", "bad =ZZ escape", ErrBadQuotedPrint},
	{"bad =4", "bad =4", ErrBadQuotedPrint},
	{"bare\rCR", "bare\rCR", nil},
	{"equals = sign", "equals = sign", ErrBadQuotedPrint},
	{"", "", nil},
	{" =", " ", nil}, // found by FuzzDecoders: the space is not at the end of the line
}

func TestQPDecode(t *testing.T) {
	for _, tt := range qpDecodeTests {
		got, err := decodeAll(t, QuotedPrintable, tt.in)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("decode QP %q = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// TestQPDecodeVsStdlib: where mime/quotedprintable decodes without error,
// we produce the same octets.
func TestQPDecodeVsStdlib(t *testing.T) {
	for _, tt := range qpDecodeTests {
		want, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(tt.in)))
		if err != nil {
			continue
		}
		got, _ := decodeAll(t, QuotedPrintable, tt.in)
		if got != string(want) {
			t.Errorf("decode QP %q = %q, stdlib %q", tt.in, got, want)
		}
	}
}

func TestQPEncode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello, Bob!", "Hello, Bob!"},
		{"café\r\n", "caf=C3=A9\r\n"},
		{"line\nbreaks\n", "line\r\nbreaks\r\n"},
		{"trailing \r\nspace\t", "trailing=20\r\nspace=09"},
		{"a=b", "a=3Db"},
		{strings.Repeat("x", 80), strings.Repeat("x", 75) + "=\r\n" + strings.Repeat("x", 5)},
		// Escapes are never split; a character's octets may be.
		{strings.Repeat("é", 30), strings.Repeat("=C3=A9", 12) + "=C3=\r\n=A9" + strings.Repeat("=C3=A9", 12) + "=\r\n" + strings.Repeat("=C3=A9", 5)},
	}
	for _, tt := range tests {
		got := encodeAll(t, QuotedPrintable, []byte(tt.in))
		if got != tt.want {
			t.Errorf("encode QP %q = %q, want %q", tt.in, got, tt.want)
		}
		back, err := decodeAll(t, QuotedPrintable, got)
		wantBack := strings.ReplaceAll(strings.ReplaceAll(tt.in, "\r\n", "\n"), "\n", "\r\n")
		if err != nil || back != wantBack {
			t.Errorf("decode(encode(%q)) = %q, %v", tt.in, back, err)
		}
		std, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(got)))
		if err != nil || string(std) != wantBack {
			t.Errorf("stdlib decode(encode(%q)) = %q, %v", tt.in, std, err)
		}
		for _, l := range strings.Split(got, "\r\n") {
			if len(l) > MaxEncodedLineLength {
				t.Errorf("encode QP %q: line of %d characters", tt.in, len(l))
			}
		}
	}
}

func TestQPEncodeBinary(t *testing.T) {
	data := []byte("a\r\nb\nc\rd \x00\xff")
	var buf bytes.Buffer
	w := NewQPEncoder(&buf, true)
	w.Write(data)
	w.Close()
	if want := "a=0D=0Ab=0Ac=0Dd =00=FF"; buf.String() != want {
		t.Errorf("binary QP = %q, want %q", buf.String(), want)
	}
	got, err := io.ReadAll(NewQPDecoder(&buf))
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("round trip = %q, %v", got, err)
	}
}

func TestParseEncoding(t *testing.T) {
	tests := []struct {
		in   string
		want Encoding
		err  error
	}{
		{"", SevenBit, nil},
		{"Base64", Base64, nil},
		{" QUOTED-PRINTABLE (comment)", QuotedPrintable, nil},
		{"8bit", EightBit, nil},
		{"x-uuencode", "x-uuencode", ErrUnknownEncoding},
	}
	for _, tt := range tests {
		got, err := ParseEncoding(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("ParseEncoding(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
	if _, err := NewDecoder("x-uuencode", strings.NewReader("")); !errors.Is(err, ErrUnknownEncoding) {
		t.Errorf("NewDecoder(x-uuencode) error = %v", err)
	}
}

func TestIdentityEncoders(t *testing.T) {
	tests := []struct {
		enc  Encoding
		in   string
		fail bool
	}{
		{SevenBit, "Hello\r\nBob\r\n", false},
		{SevenBit, "caf\xc3\xa9\r\n", true},
		{EightBit, "caf\xc3\xa9\r\n", false},
		{SevenBit, "bare\nLF", true},
		{EightBit, "bare\rCR", true},
		{EightBit, "ends in CR\r", true},
		{SevenBit, "nul\x00", true},
		{SevenBit, strings.Repeat("a", MaxLineLength) + "\r\n", false},
		{SevenBit, strings.Repeat("a", MaxLineLength+1), true},
		{Binary, "anything\x00\r\xff\n", false},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		w, err := NewEncoder(tt.enc, &buf)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.WriteString(w, tt.in)
		if err == nil {
			err = w.Close()
		}
		if tt.fail != (err != nil) || err != nil && !errors.Is(err, ErrNotEncodable) {
			t.Errorf("%s encoder on %.20q: error %v, want failure %v", tt.enc, tt.in, err, tt.fail)
		}
		if !tt.fail && buf.String() != tt.in {
			t.Errorf("%s encoder changed the data", tt.enc)
		}
	}
}
