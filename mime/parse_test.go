package mime

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// crlf turns the LF line ends of a test literal into CRLF.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

const nestedMsg = `From: Alice <alice@crepes.fr>
To: Bob <bob@hamburger.edu>
Subject: nested
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

This is the preamble.
--outer
Content-Type: multipart/alternative; boundary=inner

--inner
Content-Type: text/plain; charset=us-ascii

Hello Bob.
--inner
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<p>Hello Bob=2E</p>
--inner--
--outer
Content-Type: message/rfc822
Content-Description: forwarded

From: Carol <carol@example.org>
Subject: inner message
Content-Type: multipart/mixed; boundary=deep

--deep
Content-Type: text/plain

first
--deep
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="a.bin"

AAECAw==
--deep--
--outer
Content-Type: message/rfc822

Subject: single

just text
--outer--
This is the epilogue.
`

// treeLine summarises a part for comparisons.
type treeLine struct {
	Section, Type string
	Body          string
	Lines         int64
}

func flatten(t *testing.T, m *Message) []treeLine {
	t.Helper()
	var out []treeLine
	m.Walk(func(p *Part) error {
		b, err := io.ReadAll(p.Body())
		if err != nil {
			t.Errorf("part %q: Body: %v", p.Section, err)
		}
		body := string(b)
		if p.IsMultipart() || p.Message != nil {
			body = ""
		}
		out = append(out, treeLine{p.Section, p.MediaType(), body, p.Lines})
		return nil
	})
	return out
}

func TestParseNested(t *testing.T) {
	raw := crlf(nestedMsg)
	m := ParseBytes([]byte(raw))
	if len(m.Problems) != 0 {
		t.Fatalf("Problems = %v", m.Problems)
	}
	want := []treeLine{
		{"", "multipart/mixed", "", 41},
		{"1", "multipart/alternative", "", 10},
		{"1.1", "text/plain", "Hello Bob.", 1},
		{"1.2", "text/html", "<p>Hello Bob.</p>", 1},
		{"2", "message/rfc822", "", 15},
		{"2", "multipart/mixed", "", 11},
		{"2.1", "text/plain", "first", 1},
		{"2.2", "application/octet-stream", "\x00\x01\x02\x03", 1},
		{"3", "message/rfc822", "", 3},
		{"3", "text/plain", "just text", 1},
	}
	if diff := cmp.Diff(want, flatten(t, m)); diff != "" {
		t.Errorf("tree mismatch (-want +got):\n%s", diff)
	}
	pre, _ := io.ReadAll(io.NewSectionReader(strings.NewReader(raw), m.Preamble.Offset, m.Preamble.Size))
	if string(pre) != "This is the preamble." {
		t.Errorf("preamble = %q", pre)
	}
	epi, _ := io.ReadAll(io.NewSectionReader(strings.NewReader(raw), m.Epilogue.Offset, m.Epilogue.Size))
	if string(epi) != "This is the epilogue.\r\n" {
		t.Errorf("epilogue = %q", epi)
	}
}

func TestSection(t *testing.T) {
	raw := crlf(nestedMsg)
	m := ParseBytes([]byte(raw))
	tests := []struct {
		spec, want string
		err        error
	}{
		{"1.1", "Hello Bob.", nil},
		{"1.1.MIME", "Content-Type: text/plain; charset=us-ascii\r\n\r\n", nil},
		{"2.HEADER", "From: Carol <carol@example.org>\r\nSubject: inner message\r\nContent-Type: multipart/mixed; boundary=deep\r\n\r\n", nil},
		{"2.2", "AAECAw==", nil},
		{"2.1", "first", nil},
		{"3.1", "just text", nil},
		{"3.TEXT", "just text", nil},
		{"3.HEADER", "Subject: single\r\n\r\n", nil},
		{"HEADER.FIELDS (subject to)", "To: Bob <bob@hamburger.edu>\r\nSubject: nested\r\n\r\n", nil},
		{"2.HEADER.FIELDS.NOT (From Content-Type)", "Subject: inner message\r\n\r\n", nil},
		{"4", "", ErrBadSection},
		{"1.HEADER", "", ErrBadSection},
		{"MIME", "", ErrBadSection},
		{"1.1.3", "", ErrBadSection},
	}
	for _, tt := range tests {
		r, err := m.Section(tt.spec)
		if !errors.Is(err, tt.err) {
			t.Errorf("Section(%q) error = %v, want %v", tt.spec, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(r)
		if string(b) != tt.want {
			t.Errorf("Section(%q) = %q, want %q", tt.spec, b, tt.want)
		}
	}
	whole, _ := m.Section("")
	if whole.Size() != int64(len(raw)) {
		t.Errorf("Section(\"\").Size() = %d, want %d", whole.Size(), len(raw))
	}
}

func TestPartDescription(t *testing.T) {
	m := ParseBytes([]byte(crlf(`Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain; charset="ISO-8859-1"; format=flowed
Content-ID: <part1@example.org>
Content-Description: the text
Content-Transfer-Encoding: Quoted-Printable
Content-Disposition: inline
Content-Language: fr, en-GB (English)
Content-Location: http://example.org/text
Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==

caf=E9
--b
Content-Type: message/rfc822

From: Carol <carol@example.org>
To: Bob <bob@hamburger.edu>
Subject: inner
Message-ID: <x@y>

hi
--b--
`)))
	p := m.Parts[0]
	want := Part{
		Type: "text", Subtype: "plain",
		Params:      []Param{{"charset", "ISO-8859-1"}, {"format", "flowed"}},
		ID:          "<part1@example.org>",
		Description: "the text",
		Encoding:    QuotedPrintable,
		Disposition: "inline",
		Language:    []string{"fr", "en-GB"},
		Location:    "http://example.org/text",
		MD5:         "Q2hlY2sgSW50ZWdyaXR5IQ==",
		Section:     "1",
		Depth:       1,
		Lines:       1,
		BodySize:    6,
	}
	got := *p
	got.Header, got.Parent, got.Offset, got.HeaderSize, got.BodyOffset = nil, nil, 0, 0, 0
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(Part{})); diff != "" {
		t.Errorf("description mismatch (-want +got):\n%s", diff)
	}
	if p.Charset() != "iso-8859-1" || p.Envelope() != nil {
		t.Errorf("Charset() = %q, Envelope() = %v", p.Charset(), p.Envelope())
	}
	env := m.Parts[1].Envelope()
	if env == nil || env.Subject != "inner" || env.MessageID != "<x@y>" || len(env.From) != 1 || env.From[0].Addr != "carol@example.org" {
		t.Errorf("Envelope() = %+v", env)
	}
}

func TestTop(t *testing.T) {
	m := ParseBytes([]byte(crlf("Subject: x\n\none\ntwo\nthree")))
	tests := []struct {
		n    int
		want string
	}{
		{0, "Subject: x\r\n\r\n"},
		{-1, "Subject: x\r\n\r\n"},
		{2, "Subject: x\r\n\r\none\r\ntwo\r\n"},
		{3, "Subject: x\r\n\r\none\r\ntwo\r\nthree"},
		{10, "Subject: x\r\n\r\none\r\ntwo\r\nthree"},
	}
	for _, tt := range tests {
		b, err := io.ReadAll(m.Top(tt.n))
		if err != nil || string(b) != tt.want {
			t.Errorf("Top(%d) = %q, %v; want %q", tt.n, b, err, tt.want)
		}
	}
}
