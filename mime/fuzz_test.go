package mime

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fuzzParser has small limits so the fuzzer reaches the limit paths.
var fuzzParser = Parser{MaxHeaderBytes: 512, MaxHeaderFields: 8, MaxDepth: 4, MaxParts: 20}

// FuzzParse: any input parses without panic into a tree whose geometry
// holds, whose bodies can all be read, and which is the same whether read
// from memory or through an io.ReaderAt; every section resolves.
func FuzzParse(f *testing.F) {
	f.Add([]byte(crlf(nestedMsg)))
	for _, tt := range lenientTests {
		f.Add([]byte(tt.in))
	}
	f.Add([]byte(crlf(aliceToBobMsg)))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := fuzzParser.Parse(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, m)
		m2 := ParseBytes(data)
		if m2.Size() != int64(len(data)) {
			t.Fatalf("size %d, want %d", m2.Size(), len(data))
		}
		m.Walk(func(p *Part) error {
			io.Copy(io.Discard, p.Body())
			if r, err := p.Text(); err == nil {
				io.Copy(io.Discard, r)
			}
			if p.Section != "" {
				spec, err := ParseSection(p.Section)
				if err != nil {
					t.Fatalf("ParseSection(%q): %v", p.Section, err)
				}
				if _, err := m.SectionPart(spec.Path); err != nil {
					t.Fatalf("section %q of a part does not resolve: %v", p.Section, err)
				}
				m.Section(p.Section + ".MIME")
			}
			return nil
		})
		m.Section("HEADER.FIELDS (From To)")
		m.Section("TEXT")
	})
}

// FuzzAddressList: parsing never panics; what parses formats to text
// that parses to the same list.
func FuzzAddressList(f *testing.F) {
	for _, tt := range addressTests {
		f.Add(tt.in)
	}
	f.Add(`"a\"b" <c@d>, g: h@i;`)
	f.Fuzz(func(t *testing.T, s string) {
		list, err := ParseAddressList(s)
		if err != nil && !errors.Is(err, ErrBadAddress) {
			t.Fatalf("error %v is not ErrBadAddress", err)
		}
		if err != nil || len(list) == 0 {
			return
		}
		// Names are kept as read; formatting makes them valid UTF-8.
		for i := range list {
			list[i].Name = strings.ToValidUTF8(list[i].Name, "\uFFFD")
			for j := range list[i].Members {
				list[i].Members[j].Name = strings.ToValidUTF8(list[i].Members[j].Name, "\uFFFD")
			}
		}
		out := FormatAddressList(list)
		back, err := ParseAddressList(out)
		if err != nil {
			t.Fatalf("ParseAddressList(%q) (formatted from %q): %v", out, s, err)
		}
		if diff := cmp.Diff(list, back, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%q -> %q mismatch (-first +second):\n%s", s, out, diff)
		}
	})
}

// FuzzDecodeHeader: decoding never panics, and encoding the decoded text
// decodes back to it.
func FuzzDecodeHeader(f *testing.F) {
	for _, tt := range decodeHeaderTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, _ := DecodeHeader(s)
		d = strings.ToValidUTF8(d, "?")
		back, err := DecodeHeader(EncodeHeader(d))
		if err != nil || back != d {
			t.Fatalf("DecodeHeader(EncodeHeader(%q)) = %q, %v", d, back, err)
		}
	})
}

// FuzzQuotedPrintable: decoding never panics; encoding any octets
// decodes back to them, with lines within the limit.
func FuzzQuotedPrintable(f *testing.F) {
	for _, tt := range qpDecodeTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		io.Copy(io.Discard, NewQPDecoder(bytes.NewReader(data)))
		var buf bytes.Buffer
		w := NewQPEncoder(&buf, true)
		w.Write(data)
		w.Close()
		for _, l := range strings.Split(buf.String(), "\r\n") {
			if len(l) > MaxEncodedLineLength {
				t.Fatalf("line %q too long", l)
			}
		}
		got, err := io.ReadAll(NewQPDecoder(&buf))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("round trip %q -> %q, %v", data, got, err)
		}
	})
}

// FuzzMediaType: parsing never panics; a parsed media type formats to a
// value that parses to the same thing.
func FuzzMediaType(f *testing.F) {
	for _, tt := range mediaTypeTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMediaType(s)
		if err != nil {
			return
		}
		for i := range m.Params {
			m.Params[i].Value = strings.ToValidUTF8(m.Params[i].Value, "?")
		}
		out := m.String()
		back, err := ParseMediaType(out)
		if err != nil {
			t.Fatalf("ParseMediaType(%q) (from %q): %v", out, s, err)
		}
		if diff := cmp.Diff(m, back, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%q -> %q mismatch:\n%s", s, out, diff)
		}
	})
}

// FuzzDate: parsing never panics; a parsed date formats and parses to the
// same instant.
func FuzzDate(f *testing.F) {
	for _, tt := range dateTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		back, err := ParseDate(FormatDate(d))
		if err != nil || !back.Equal(d) {
			t.Fatalf("%q: %v -> %q -> %v, %v", s, d, FormatDate(d), back, err)
		}
	})
}

// aliceToBobMsg is the lesson's multipart/mixed message (as in the
// package examples).
const aliceToBobMsg = "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"-------417CBA32DF8945BE748\"\n" +
	"From: Alice <alice@crepes.fr>\nTo: Bob <bob@hamburger.edu>\nSubject: hello\n\n" +
	"---------417CBA32DF8945BE748\nContent-Type: text/plain; charset=us-ascii\n\nBob,\nAlice\n" +
	"---------417CBA32DF8945BE748\nContent-Type: image/jpeg\nContent-Transfer-Encoding: base64\n\n/9j/4AAQ\n" +
	"---------417CBA32DF8945BE748--\n"

// FuzzDecoders: the base64 and quoted-printable decoders never panic and
// give the same octets and error whether they read everything at once or
// one octet at a time.
func FuzzDecoders(f *testing.F) {
	f.Add([]byte("SGVsbG8sIEJvYiE=\r\n"), true)
	f.Add([]byte("k3F1b3RlZJQ="), true)
	for _, tt := range qpDecodeTests {
		f.Add([]byte(tt.in), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, b64 bool) {
		enc := QuotedPrintable
		if b64 {
			enc = Base64
		}
		whole, err1 := io.ReadAll(mustDecoder(enc, bytes.NewReader(data)))
		bytewise, err2 := io.ReadAll(mustDecoder(enc, iotest.OneByteReader(bytes.NewReader(data))))
		if !bytes.Equal(whole, bytewise) || err1 != err2 {
			t.Fatalf("%s %q: at once %q, %v; byte by byte %q, %v", enc, data, whole, err1, bytewise, err2)
		}
	})
}
