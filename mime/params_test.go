package mime

import (
	"errors"
	stdmime "mime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var mediaTypeTests = []struct {
	name    string
	in      string
	want    MediaType
	wantErr error
}{
	{"plain", "text/plain", MediaType{Type: "text", Subtype: "plain"}, nil},
	{"case and params", `Text/HTML; Charset="UTF-8"`, MediaType{Type: "text", Subtype: "html", Params: []Param{{"charset", "UTF-8"}}}, nil},
	{"lesson D.2", `multipart/mixed;boundary="-------417CBA32DF8945BE748"`, MediaType{Type: "multipart", Subtype: "mixed", Params: []Param{{"boundary", "-------417CBA32DF8945BE748"}}}, nil},
	{"comments and folding", "text/plain (plain text);\r\n\tcharset=us-ascii (Plain text)", MediaType{Type: "text", Subtype: "plain", Params: []Param{{"charset", "us-ascii"}}}, nil},
	{"quoted pair", `application/x-stuff; title="a \"b\" c"`, MediaType{Type: "application", Subtype: "x-stuff", Params: []Param{{"title", `a "b" c`}}}, nil},
	{"trailing semicolon", "text/plain; charset=utf-8;", MediaType{Type: "text", Subtype: "plain", Params: []Param{{"charset", "utf-8"}}}, nil},
	{
		"RFC 2231 section 3 continuations",
		"message/external-body; access-type=URL;\r\n URL*0=\"ftp://\";\r\n URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"",
		MediaType{Type: "message", Subtype: "external-body", Params: []Param{{"access-type", "URL"}, {"url", "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"}}},
		nil,
	},
	{
		"RFC 2231 section 4 charset",
		"application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A",
		MediaType{Type: "application", Subtype: "x-stuff", Params: []Param{{"title", "This is ***fun***"}}},
		nil,
	},
	{
		"RFC 2231 section 4.1 mixed sections",
		"application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"",
		MediaType{Type: "application", Subtype: "x-stuff", Params: []Param{{"title", "This is even more ***fun*** isn't it!"}}},
		nil,
	},
	{
		"RFC 2231 out of order, latin-1",
		"application/pdf; name*1*=%E9.pdf; name*0*=iso-8859-1''caf",
		MediaType{Type: "application", Subtype: "pdf", Params: []Param{{"name", "café.pdf"}}},
		nil,
	},
	{
		"encoded word in parameter (common violation)",
		`application/pdf; name="=?UTF-8?B?Y2Fmw6kucGRm?="`,
		MediaType{Type: "application", Subtype: "pdf", Params: []Param{{"name", "café.pdf"}}},
		nil,
	},
	{"duplicate: first wins", "text/plain; charset=a; charset=b", MediaType{Type: "text", Subtype: "plain", Params: []Param{{"charset", "a"}}}, nil},
	// Found by FuzzMediaType.
	{"fuzz: star without a name", "a/b;*0=x; c=d", MediaType{Type: "a", Subtype: "b", Params: []Param{{"c", "d"}}}, ErrBadParameter},
	{"fuzz: bad section number", "a/b; n*01=x; n*+1=y", MediaType{Type: "a", Subtype: "b"}, ErrBadParameter},
	{"missing subtype", "text", MediaType{}, ErrBadContentType},
	{"empty", "", MediaType{}, ErrBadContentType},
	{"unquoted special", "text/plain; name=a/b.txt; charset=x", MediaType{Type: "text", Subtype: "plain", Params: []Param{{"name", "a/b.txt"}, {"charset", "x"}}}, ErrBadParameter},
	{"typographic quotes", "multipart/mixed;boundary=\u201c-----417\u201d", MediaType{Type: "multipart", Subtype: "mixed", Params: []Param{{"boundary", "\u201c-----417\u201d"}}}, ErrBadParameter},
	{"missing value", "text/plain; charset; format=flowed", MediaType{Type: "text", Subtype: "plain", Params: []Param{{"format", "flowed"}}}, ErrBadParameter},
	{"unterminated quote", `text/plain; name="abc`, MediaType{Type: "text", Subtype: "plain", Params: []Param{{"name", "abc"}}}, ErrBadParameter},
}

func TestParseMediaType(t *testing.T) {
	for _, tt := range mediaTypeTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMediaType(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseMediaType(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseMediaType(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestMediaTypeVsStdlib: where mime.ParseMediaType succeeds, both agree
// (the standard library returns a map and does not decode encoded words
// in parameters, which we do on purpose).
func TestMediaTypeVsStdlib(t *testing.T) {
	stdlibDiffers := map[string]string{
		"RFC 2231 out of order, latin-1": "the standard library converts only us-ascii and utf-8 values",
		"missing subtype":                "the standard library accepts a type without subtype; RFC 2045 section 5.1 does not",
	}
	for _, tt := range mediaTypeTests {
		mt, params, err := stdmime.ParseMediaType(tt.in)
		// Inputs where we report a defect are not compared: the standard
		// library either rejects them or ignores the defect.
		if err != nil || tt.wantErr != nil || strings.Contains(tt.in, "=?") || stdlibDiffers[tt.name] != "" {
			continue
		}
		got, err := ParseMediaType(tt.in)
		if err != nil {
			t.Errorf("ParseMediaType(%q) error %v; stdlib accepts it", tt.in, err)
			continue
		}
		if got.Type+"/"+got.Subtype != mt {
			t.Errorf("ParseMediaType(%q) type = %s/%s, stdlib %s", tt.in, got.Type, got.Subtype, mt)
		}
		mine := map[string]string{}
		for _, p := range got.Params {
			mine[p.Name] = p.Value
		}
		if diff := cmp.Diff(params, mine, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("ParseMediaType(%q) params mismatch (-stdlib +ours):\n%s", tt.in, diff)
		}
	}
}

func TestParseDisposition(t *testing.T) {
	d, err := ParseDisposition(`Attachment; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.pdf; size=1024`)
	if err != nil {
		t.Fatal(err)
	}
	want := Disposition{Type: "attachment", Params: []Param{{"filename", "naïve résumé.pdf"}, {"size", "1024"}}}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("ParseDisposition mismatch (-want +got):\n%s", diff)
	}
}

func TestFormatParams(t *testing.T) {
	tests := []struct {
		m    MediaType
		want string
	}{
		{MediaType{Type: "text", Subtype: "plain", Params: []Param{{"charset", "us-ascii"}}}, "text/plain; charset=us-ascii"},
		{MediaType{Type: "multipart", Subtype: "mixed", Params: []Param{{"boundary", "a b:c"}}}, `multipart/mixed; boundary="a b:c"`},
		{MediaType{Type: "application", Subtype: "pdf", Params: []Param{{"name", "café.pdf"}}}, "application/pdf; name*=utf-8''caf%C3%A9.pdf"},
		{MediaType{Type: "application", Subtype: "pdf", Params: []Param{{"name", `a"b\c`}}}, `application/pdf; name="a\"b\\c"`},
		// Found by FuzzMediaType: a value that looks like an encoded word.
		{MediaType{Type: "a", Subtype: "b", Params: []Param{{"n", "=?utf-8?q?x?="}}}, "a/b; n*=utf-8''%3D%3Futf-8%3Fq%3Fx%3F%3D"},
		{MediaType{Type: "image", Subtype: "jpeg", Params: []Param{{"name", strings.Repeat("é", 40) + ".jpg"}}},
			"image/jpeg; name*0*=utf-8''%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9; " +
				"name*1*=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9; " +
				"name*2*=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9; " +
				"name*3*=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9; name*4*=.jpg"},
	}
	for _, tt := range tests {
		got := tt.m.String()
		if got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
		back, err := ParseMediaType(got)
		if err != nil {
			t.Errorf("ParseMediaType(%q): %v", got, err)
		}
		if diff := cmp.Diff(tt.m, back); diff != "" {
			t.Errorf("round trip mismatch (-want +got):\n%s", diff)
		}
		// The standard library reads what we write.
		_, params, err := stdmime.ParseMediaType(got)
		if err != nil {
			t.Errorf("stdlib ParseMediaType(%q): %v", got, err)
		}
		for _, p := range tt.m.Params {
			if params[p.Name] != p.Value {
				t.Errorf("stdlib reads %s=%q, want %q", p.Name, params[p.Name], p.Value)
			}
		}
	}
}
