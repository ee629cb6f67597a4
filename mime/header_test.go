package mime

import (
	"bufio"
	"bytes"
	"errors"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseHeader(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Header
		n       int
		wantErr error
	}{
		{
			name: "simple",
			in:   "From: alice@crepes.fr\r\nTo: bob@hamburger.edu\r\n\r\nbody",
			want: Header{
				{Name: "From", Value: "alice@crepes.fr", Raw: "From: alice@crepes.fr\r\n"},
				{Name: "To", Value: "bob@hamburger.edu", Raw: "To: bob@hamburger.edu\r\n"},
			},
			n: 48,
		},
		{
			name: "folded (RFC 5322 2.2.3)",
			in:   "Subject: This\r\n is a test\r\n\tfolded\r\n\r\n",
			want: Header{{Name: "Subject", Value: "This is a test\tfolded", Raw: "Subject: This\r\n is a test\r\n\tfolded\r\n"}},
			n:    38,
		},
		{
			name: "no space after colon, bare LF",
			in:   "Subject:hello\nX-A:  b  \n\n",
			want: Header{
				{Name: "Subject", Value: "hello", Raw: "Subject:hello\n"},
				{Name: "X-A", Value: "b", Raw: "X-A:  b  \n"},
			},
			n: 25,
		},
		{
			name: "obsolete space before colon (RFC 5322 4.5.8)",
			in:   "Subject : old\r\n\r\n",
			want: Header{{Name: "Subject", Value: "old", Raw: "Subject : old\r\n"}},
			n:    17,
		},
		{
			name: "empty value and repeated names",
			in:   "Received: a\r\nX-Empty:\r\nReceived: b\r\n\r\n",
			want: Header{
				{Name: "Received", Value: "a", Raw: "Received: a\r\n"},
				{Name: "X-Empty", Value: "", Raw: "X-Empty:\r\n"},
				{Name: "Received", Value: "b", Raw: "Received: b\r\n"},
			},
			n: 38,
		},
		{
			name: "empty header",
			in:   "\r\nbody",
			n:    2,
		},
		{
			name:    "no blank line",
			in:      "Subject: x\r\n",
			want:    Header{{Name: "Subject", Value: "x", Raw: "Subject: x\r\n"}},
			n:       12,
			wantErr: ErrNoHeaderEnd,
		},
		{
			name:    "line without colon",
			in:      "Subject: x\r\nnot a field\r\n\r\n",
			want:    Header{{Name: "Subject", Value: "x", Raw: "Subject: x\r\n"}},
			n:       12,
			wantErr: ErrMalformedHeader,
		},
		{
			name:    "continuation first",
			in:      " Subject: x\r\n\r\n",
			wantErr: ErrMalformedHeader,
		},
		{
			name: "UTF-8 value (RFC 6532)",
			in:   "Subject: café\r\n\r\n",
			want: Header{{Name: "Subject", Value: "café", Raw: "Subject: café\r\n"}},
			n:    18,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, n, err := ParseHeader([]byte(tt.in))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseHeader(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, h); diff != "" {
				t.Errorf("ParseHeader(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			if n != tt.n {
				t.Errorf("ParseHeader(%q) n = %d, want %d", tt.in, n, tt.n)
			}
		})
	}
}

func TestHeaderLimits(t *testing.T) {
	var sb strings.Builder
	for range DefaultMaxHeaderFields + 5 {
		sb.WriteString("X: y\r\n")
	}
	sb.WriteString("\r\n")
	h, n, err := ParseHeader([]byte(sb.String()))
	if !errors.Is(err, ErrTooManyFields) {
		t.Errorf("error = %v, want ErrTooManyFields", err)
	}
	if len(h) != DefaultMaxHeaderFields || n != sb.Len() {
		t.Errorf("got %d fields, n = %d; want %d, %d", len(h), n, DefaultMaxHeaderFields, sb.Len())
	}

	big := "Subject: " + strings.Repeat("a", DefaultMaxHeaderBytes) + "\r\nTo: b\r\n\r\n"
	h, n, err = ParseHeader([]byte(big))
	if !errors.Is(err, ErrHeaderTooLarge) {
		t.Errorf("error = %v, want ErrHeaderTooLarge", err)
	}
	if len(h) != 0 || n != len(big) {
		t.Errorf("got %d fields, n = %d; want 0, %d", len(h), n, len(big))
	}
}

func TestHeaderEdit(t *testing.T) {
	h, _, _ := ParseHeader([]byte("A: 1\r\nB: 2\r\na: 3\r\n\r\n"))
	if got := h.Get("a"); got != "1" {
		t.Errorf("Get(a) = %q", got)
	}
	if got := h.Values("A"); !cmp.Equal(got, []string{"1", "3"}) {
		t.Errorf("Values(A) = %q", got)
	}
	h.Set("a", "new")
	h.Add("C", "4")
	h.Del("b")
	b, err := h.AppendTo(nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "a: new\r\nC: 4\r\n\r\n"; string(b) != want {
		t.Errorf("AppendTo = %q, want %q", b, want)
	}
	if f := h.Filter([]string{"c"}, false); len(f) != 1 || f[0].Name != "C" {
		t.Errorf("Filter = %v", f)
	}
}

func TestAppendField(t *testing.T) {
	long := strings.Repeat("word ", 30)
	b, err := AppendField(nil, "Subject", long)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	if len(lines) < 2 {
		t.Fatalf("not folded: %q", b)
	}
	for _, l := range lines {
		if len(l) > RecommendedLineLength {
			t.Errorf("line %q is %d > %d octets", l, len(l), RecommendedLineLength)
		}
	}
	h, _, err := ParseHeader(append(b, "\r\n"...))
	if err != nil || h.Get("Subject") != strings.TrimSpace(long) {
		t.Errorf("round trip = %q, %v", h.Get("Subject"), err)
	}
	errTests := []struct {
		name, value string
		want        error
	}{
		{"Bad Name", "x", ErrBadFieldName},
		{"", "x", ErrBadFieldName},
		{"X", "a\r\nBcc: evil@example.com", ErrBadFieldValue},
		{"X", strings.Repeat("a", MaxLineLength), ErrLineTooLong},
	}
	for _, tt := range errTests {
		if _, err := AppendField(nil, tt.name, tt.value); !errors.Is(err, tt.want) {
			t.Errorf("AppendField(%q, %.20q) error = %v, want %v", tt.name, tt.value, err, tt.want)
		}
	}
}

// TestHeaderVsNetMail compares field values with net/mail on the same
// input. net/textproto collapses the white space at a fold to one space,
// whereas RFC 5322 section 2.2.3 only removes the CRLF (which we do), so
// white-space runs are compared collapsed.
func TestHeaderVsNetMail(t *testing.T) {
	inputs := []string{
		"From: a@b\r\nSubject: x\r\n  y\r\n\r\n",
		"Subject:x\r\nX-Thing:   spaced   \r\n\r\n",
		"To: a@b,\r\n\tc@d\r\nReceived: 1\r\nReceived: 2\r\n\r\n",
		"Subject: café\r\n\r\n",
	}
	// And the real-world oddities of the corpus, where net/mail reads them.
	files, _ := filepath.Glob("testdata/corpus/*.eml")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mail.ReadMessage(bufio.NewReader(bytes.NewReader(b))); err == nil {
			inputs = append(inputs, string(b))
		}
	}
	for _, in := range inputs {
		ref, err := mail.ReadMessage(bufio.NewReader(strings.NewReader(in)))
		if err != nil {
			t.Fatalf("net/mail: %v", err)
		}
		h := ParseBytes([]byte(in)).Header
		for _, f := range h {
			if f.Raw[len(f.Name)] != ':' {
				continue // net/textproto keeps the space of "Name :" in the key
			}
			got := collapseWS(h.Values(f.Name))
			want := collapseWS(ref.Header[mailCanonical(f.Name)])
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("field %s of %q mismatch (-net/mail +ours):\n%s", f.Name, in, diff)
			}
		}
	}
}

func mailCanonical(name string) string {
	b := []byte(strings.ToLower(name))
	upper := true
	for i, c := range b {
		if upper && 'a' <= c && c <= 'z' {
			b[i] = c - 32
		}
		upper = c == '-'
	}
	return string(b)
}

func collapseWS(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strings.Join(strings.Fields(v), " ")
	}
	return out
}
