package imap

import (
	"bufio"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func newTestReader(s string) *Reader { return NewReader(bufio.NewReader(strings.NewReader(s))) }

func TestReadCommand(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *Command
	}{
		{"noop", "a1 NOOP\r\n", &Command{Tag: "a1", Name: "NOOP"}},
		{"lower", "a1 noop\r\n", &Command{Tag: "a1", Name: "NOOP"}},
		{"login quoted", "a2 LOGIN bob \"p a\\\"ss\"\r\n", &Command{Tag: "a2", Name: "LOGIN", Args: []Value{Atom("bob"), String(`p a"ss`)}}},
		{"literal", "a3 LOGIN {3}\r\nbob {4+}\r\npass\r\n", &Command{Tag: "a3", Name: "LOGIN", Args: []Value{String("bob"), String("pass")}}},
		{"uid fetch", "a4 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100>)\r\n",
			&Command{Tag: "a4", Name: "FETCH", UID: true, Args: []Value{Atom("1:*"), List{Atom("FLAGS"), Atom("BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100>")}}}},
		{"store", "a5 STORE 2 +FLAGS.SILENT (\\Seen \\Deleted)\r\n",
			&Command{Tag: "a5", Name: "STORE", Args: []Value{Atom("2"), Atom("+FLAGS.SILENT"), List{Atom(`\Seen`), Atom(`\Deleted`)}}}},
		{"list wildcards", "a6 LIST \"\" %/*\r\n", &Command{Tag: "a6", Name: "LIST", Args: []Value{String(""), Atom("%/*")}}},
		{"nil and empty list", "a7 X NIL ()\r\n", &Command{Tag: "a7", Name: "X", Args: []Value{Nil{}, List{}}}},
		{"append", "a8 APPEND INBOX (\\Seen) \"21-Nov-2026 15:31:00 +0000\" {5+}\r\nhello\r\n",
			&Command{Tag: "a8", Name: "APPEND", Args: []Value{Atom("INBOX"), List{Atom(`\Seen`)}, String("21-Nov-2026 15:31:00 +0000"), String("hello")}}},
		{"literal8", "a9 X ~{2}\r\na\x00\r\n", &Command{Tag: "a9", Name: "X", Args: []Value{String("a\x00")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadCommand(newTestReader(tt.in))
			if err != nil {
				t.Fatalf("ReadCommand(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReadCommand(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestReadCommandErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		r    func(*Reader)
		want error
	}{
		{"no name", "a1\r\n", nil, ErrSyntax},
		{"bad quoted", "a1 LOGIN \"ab\r\n", nil, ErrSyntax},
		{"unclosed list", "a1 X (a b\r\n", nil, ErrSyntax},
		{"line too long", "a1 NOOP " + strings.Repeat("x", 100) + "\r\n", func(r *Reader) { r.MaxLineLength = 50 }, ErrLineTooLong},
		{"literal too large", "a1 APPEND INBOX {1000}\r\n", func(r *Reader) { r.MaxLiteralSize = 999 }, ErrLiteralTooLarge},
		{"too deep", "a1 X " + strings.Repeat("(", 10) + strings.Repeat(")", 10) + "\r\n", func(r *Reader) { r.MaxDepth = 5 }, ErrTooDeep},
		{"command too large", "a1 X {10}\r\n0123456789 {10}\r\n0123456789\r\n", func(r *Reader) { r.MaxCommandSize = 30 }, ErrCommandTooLarge},
		{"truncated literal", "a1 X {10}\r\n0123", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestReader(tt.in)
			if tt.r != nil {
				tt.r(r)
			}
			_, err := ReadCommand(r)
			if err == nil {
				t.Fatalf("ReadCommand(%q) = nil error", tt.in)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("ReadCommand(%q) error %v, want %v", tt.in, err, tt.want)
			}
		})
	}
}

// TestLiteralSyncContinue checks that a synchronizing literal asks for a
// continuation before its octets are read, and a non-synchronizing one does
// not (RFC 7888).
func TestLiteralSyncContinue(t *testing.T) {
	var asked []int64
	r := newTestReader("a1 LOGIN {3}\r\nbob {4+}\r\npass\r\n")
	r.Continue = func(n int64) error { asked = append(asked, n); return nil }
	if _, err := ReadCommand(r); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{3}, asked); diff != "" {
		t.Errorf("continuations mismatch (-want +got):\n%s", diff)
	}
}

func TestReadResponse(t *testing.T) {
	tests := []struct {
		in   string
		want *Response
	}{
		{"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n", &Response{Tag: "*", Status: StatusOK, Code: "UIDVALIDITY", CodeArgs: []Value{Atom("3857529045")}, Text: "UIDs valid"}},
		{"a1 OK [READ-WRITE] SELECT completed\r\n", &Response{Tag: "a1", Status: StatusOK, Code: "READ-WRITE", Text: "SELECT completed"}},
		{"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n", &Response{Tag: "*", Status: StatusOK, Code: "PERMANENTFLAGS", CodeArgs: []Value{List{Atom(`\Deleted`), Atom(`\Seen`), Atom(`\*`)}}, Text: "Limited"}},
		{"* 172 EXISTS\r\n", &Response{Tag: "*", Num: 172, Name: "EXISTS"}},
		{"+ Ready for literal data\r\n", &Response{Tag: "+", Text: "Ready for literal data"}},
		{"+\r\n", &Response{Tag: "+"}},
		{"* CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN\r\n", &Response{Tag: "*", Name: "CAPABILITY", Args: []Value{Atom("IMAP4rev1"), Atom("IMAP4rev2"), Atom("AUTH=PLAIN")}}},
		{"* LIST (\\HasNoChildren) \"/\" INBOX\r\n", &Response{Tag: "*", Name: "LIST", Args: []Value{List{Atom(`\HasNoChildren`)}, String("/"), Atom("INBOX")}}},
		{"* 12 FETCH (FLAGS (\\Seen) BODY[1] {5}\r\nhello UID 9)\r\n", &Response{Tag: "*", Num: 12, Name: "FETCH", Args: []Value{List{Atom("FLAGS"), List{Atom(`\Seen`)}, Atom("BODY[1]"), String("hello"), Atom("UID"), Atom("9")}}}},
		{"a2 NO [TRYCREATE] no such mailbox\r\n", &Response{Tag: "a2", Status: StatusNO, Code: "TRYCREATE", Text: "no such mailbox"}},
		{"* BYE\r\n", &Response{Tag: "*", Status: StatusBYE}},
	}
	for _, tt := range tests {
		got, err := ReadResponse(newTestReader(tt.in))
		if err != nil {
			t.Errorf("ReadResponse(%q) error: %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ReadResponse(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestSplitCommandLiterals(t *testing.T) {
	cmd := &Command{Tag: "a1", Name: "LOGIN", Args: []Value{String("bob"), String("pa\r\nss")}}
	got := SplitCommand(cmd, -1)
	want := []string{"a1 LOGIN \"bob\" {6}\r\n", "pa\r\nss\r\n"}
	var gs []string
	for _, p := range got {
		gs = append(gs, string(p))
	}
	if diff := cmp.Diff(want, gs); diff != "" {
		t.Errorf("SplitCommand mismatch (-want +got):\n%s", diff)
	}
	if got := string(AppendCommand(nil, cmd, true)); got != "a1 LOGIN \"bob\" {6+}\r\npa\r\nss\r\n" {
		t.Errorf("AppendCommand nonSync = %q", got)
	}
}

func TestStringForms(t *testing.T) {
	tests := []struct{ in, astring, str string }{
		{"INBOX", "INBOX", `"INBOX"`},
		{"", `""`, `""`},
		{"NIL", `"NIL"`, `"NIL"`},
		{"a b", `"a b"`, `"a b"`},
		{`a"b\`, `"a\"b\\"`, `"a\"b\\"`},
		{"a\r\nb", "{4}\r\na\r\nb", "{4}\r\na\r\nb"},
		{"Entwürfe", "{9}\r\nEntwürfe", "{9}\r\nEntwürfe"},
		{"x\x00", "~{2}\r\nx\x00", "~{2}\r\nx\x00"},
		{"a%", `"a%"`, `"a%"`},
	}
	for _, tt := range tests {
		if got := string(AppendAString(nil, tt.in)); got != tt.astring {
			t.Errorf("AppendAString(%q) = %q, want %q", tt.in, got, tt.astring)
		}
		if got := string(AppendString(nil, tt.in)); got != tt.str {
			t.Errorf("AppendString(%q) = %q, want %q", tt.in, got, tt.str)
		}
	}
}

func TestSeqSet(t *testing.T) {
	tests := []struct {
		in   string
		want SeqSet
		max  uint32
		nums []uint32
	}{
		{"1", SeqSet{{1, 1}}, 5, []uint32{1}},
		{"1:3,5", SeqSet{{1, 3}, {5, 5}}, 5, []uint32{1, 2, 3, 5}},
		{"4:*", SeqSet{{4, 0}}, 6, []uint32{4, 5, 6}},
		{"*", SeqSet{{0, 0}}, 6, []uint32{6}},
		{"3:1", SeqSet{{3, 1}}, 6, []uint32{1, 2, 3}},
		{"*:4", SeqSet{{0, 4}}, 2, []uint32{2, 3, 4}[:1]},
	}
	for _, tt := range tests {
		got, err := ParseSeqSet(tt.in)
		if err != nil {
			t.Fatalf("ParseSeqSet(%q): %v", tt.in, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseSeqSet(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
		if got.String() != tt.in {
			t.Errorf("ParseSeqSet(%q).String() = %q", tt.in, got.String())
		}
		if diff := cmp.Diff(tt.nums, got.Nums(tt.max)); diff != "" {
			t.Errorf("ParseSeqSet(%q).Nums(%d) mismatch (-want +got):\n%s", tt.in, tt.max, diff)
		}
	}
	for _, bad := range []string{"", "0", "1:0", "a", "1,,2", "4294967296", "-1"} {
		if _, err := ParseSeqSet(bad); !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseSeqSet(%q) error = %v, want ErrSyntax", bad, err)
		}
	}
}

func TestParseFetchItem(t *testing.T) {
	tests := []struct {
		in   string
		want FetchItem
		key  string
	}{
		{"FLAGS", FetchItem{Name: FetchFlags}, "FLAGS"},
		{"body[]", FetchItem{Name: FetchBody, Section: &Section{}}, "BODY[]"},
		{"BODY.PEEK[1.2]<0.512>", FetchItem{Name: FetchBody, Peek: true, Section: &Section{Part: []int{1, 2}}, Partial: &Partial{0, 512}}, "BODY[1.2]<0>"},
		{"BODY[HEADER.FIELDS (From \"To\")]", FetchItem{Name: FetchBody, Section: &Section{Specifier: "HEADER.FIELDS", Fields: []string{"FROM", "TO"}}}, "BODY[HEADER.FIELDS (FROM TO)]"},
		{"BODY[2.MIME]", FetchItem{Name: FetchBody, Section: &Section{Part: []int{2}, Specifier: "MIME"}}, "BODY[2.MIME]"},
		{"BINARY.PEEK[1]", FetchItem{Name: FetchBinary, Peek: true, Section: &Section{Part: []int{1}}}, "BINARY[1]"},
		{"BINARY.SIZE[1]", FetchItem{Name: FetchBinarySize, Section: &Section{Part: []int{1}}}, "BINARY.SIZE[1]"},
	}
	for _, tt := range tests {
		got, err := ParseFetchItem(tt.in)
		if err != nil {
			t.Fatalf("ParseFetchItem(%q): %v", tt.in, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseFetchItem(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
		if got.ResponseKey() != tt.key {
			t.Errorf("ParseFetchItem(%q).ResponseKey() = %q, want %q", tt.in, got.ResponseKey(), tt.key)
		}
	}
	for _, bad := range []string{"BODY[", "BODY[MIME]", "BODY[1.]", "FOO", "BINARY[HEADER]", "BODY[]<1>", "BODY[]<0.0>", "BODY[HEADER.FIELDS]"} {
		if _, err := ParseFetchItem(bad); err == nil {
			t.Errorf("ParseFetchItem(%q) = nil error", bad)
		}
	}
}

func TestParseSearch(t *testing.T) {
	cmd, err := ReadCommand(newTestReader("a1 SEARCH RETURN (MIN COUNT) CHARSET UTF-8 OR (FROM bob SINCE 1-Feb-1994) NOT 1:3 UID 5:* HEADER X-Foo \"a b\" LARGER 100\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseSearch(cmd.Args, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := &SearchCommand{
		Return:  []string{"MIN", "COUNT"},
		Charset: "UTF-8",
		Keys: []SearchKey{
			{Op: "OR", Keys: []SearchKey{
				{Op: "AND", Keys: []SearchKey{{Op: "FROM", Str: "bob"}, {Op: "SINCE", Date: time.Date(1994, 2, 1, 0, 0, 0, 0, time.UTC)}}},
				{Op: "NOT", Keys: []SearchKey{{Op: "SEQ", Seq: SeqSet{{1, 3}}}}},
			}},
			{Op: "UID", Seq: SeqSet{{5, 0}}},
			{Op: "HEADER", Field: "X-Foo", Str: "a b"},
			{Op: "LARGER", Num: 100},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseSearch mismatch (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"FROM", "OR ALL", "BEFORE notadate", "()", "FOO", "NOT"} {
		cmd, err := ReadCommand(newTestReader("a SEARCH " + bad + "\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseSearch(cmd.Args, 0); err == nil {
			t.Errorf("ParseSearch(%q) = nil error", bad)
		}
	}
}

func TestDateTime(t *testing.T) {
	for _, s := range []string{"21-Nov-2026 15:31:00 +0000", " 1-Feb-1994 21:52:25 -0800", "1-Feb-1994 21:52:25 -0800"} {
		tm, err := ParseDateTime(s)
		if err != nil {
			t.Fatalf("ParseDateTime(%q): %v", s, err)
		}
		back, _ := ParseDateTime(FormatDateTime(tm))
		if !back.Equal(tm) {
			t.Errorf("round trip of %q gave %v", s, back)
		}
	}
	if _, err := ParseDateTime("yesterday"); !errors.Is(err, ErrSyntax) {
		t.Errorf("ParseDateTime(yesterday) error = %v", err)
	}
}

// TestBodyStructureRFC9051 parses the BODYSTRUCTURE example of RFC 9051
// section 7.5.2 (a multipart with a text part and a base64 attachment).
func TestBodyStructureRFC9051(t *testing.T) {
	in := "* 1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)" +
		"(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\"))\r\n"
	resp, err := ReadResponse(newTestReader(in))
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseFetchData(resp.Num, resp.Args)
	if err != nil {
		t.Fatal(err)
	}
	want := &BodyStructure{Type: "MULTIPART", Subtype: "MIXED", Parts: []*BodyStructure{
		{Type: "TEXT", Subtype: "PLAIN", Params: map[string]string{"CHARSET": "US-ASCII"}, Encoding: "7BIT", Size: 1152, Lines: 23},
		{Type: "TEXT", Subtype: "PLAIN", Params: map[string]string{"CHARSET": "US-ASCII", "NAME": "cc.diff"}, ID: "<960723163407.20117h@cac.washington.edu>", Description: "Compiler diff", Encoding: "BASE64", Size: 4554, Lines: 73},
	}}
	if diff := cmp.Diff(want, d.BodyStructure); diff != "" {
		t.Errorf("BODYSTRUCTURE mismatch (-want +got):\n%s", diff)
	}
	var parts []string
	d.BodyStructure.Walk(func(p string, b *BodyStructure) bool { parts = append(parts, p+"="+b.Type); return true })
	if diff := cmp.Diff([]string{"=MULTIPART", "1=TEXT", "2=TEXT"}, parts); diff != "" {
		t.Errorf("Walk mismatch (-want +got):\n%s", diff)
	}
}
