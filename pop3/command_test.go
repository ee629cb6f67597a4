package pop3

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var commandTests = []struct {
	name string
	in   string
	want Command
	err  error
}{
	// The lesson's session (CHECKLIST B.3) is typed in lower case.
	{"user lower", "user bob", Command{USER, []string{"bob"}}, nil},
	{"pass lower", "pass hungry", Command{PASS, []string{"hungry"}}, nil},
	{"list", "list", Command{LIST, nil}, nil},
	{"retr", "retr 1", Command{RETR, []string{"1"}}, nil},
	{"dele", "dele 1", Command{DELE, []string{"1"}}, nil},
	{"quit", "quit", Command{QUIT, nil}, nil},
	{"mixed case", "StAt", Command{STAT, nil}, nil},
	{"trailing space", "STAT ", Command{STAT, nil}, nil},
	{"pass with spaces", "PASS  correct horse ", Command{PASS, []string{" correct horse "}}, nil},
	{"list one", "LIST 2", Command{LIST, []string{"2"}}, nil},
	{"top", "TOP 1 0", Command{TOP, []string{"1", "0"}}, nil},
	{"uidl", "UIDL", Command{UIDL, nil}, nil},
	{"uidl one", "UIDL 7", Command{UIDL, []string{"7"}}, nil},
	{"apop", "APOP mrose c4c9334bac560ecc979e58001b3e22fb", Command{APOP, []string{"mrose", "c4c9334bac560ecc979e58001b3e22fb"}}, nil},
	{"auth plain", "AUTH PLAIN AGJvYgBodW5ncnk=", Command{AUTH, []string{"PLAIN", "AGJvYgBodW5ncnk="}}, nil},
	{"auth bare", "AUTH", Command{AUTH, nil}, nil},
	{"capa", "CAPA", Command{CAPA, nil}, nil},
	{"stls", "STLS", Command{STLS, nil}, nil},
	{"noop", "NOOP", Command{NOOP, nil}, nil},
	{"rset", "RSET", Command{RSET, nil}, nil},

	{"empty", "", Command{}, ErrSyntax},
	{"unknown", "HELO x", Command{}, ErrUnknownCommand},
	{"too short", "RE", Command{}, ErrUnknownCommand},
	{"too long", "RETRIEVE 1", Command{}, ErrUnknownCommand},
	{"retr no arg", "RETR", Command{}, ErrSyntax},
	{"retr zero", "RETR 0", Command{}, ErrSyntax},
	{"retr sign", "RETR +1", Command{}, ErrSyntax},
	{"retr huge", "RETR 99999999999", Command{}, ErrSyntax},
	{"retr two", "RETR 1 2", Command{}, ErrSyntax},
	{"double space", "TOP 1  2", Command{}, ErrSyntax},
	{"stat arg", "STAT 1", Command{}, ErrSyntax},
	{"pass empty", "PASS", Command{}, ErrSyntax},
	{"pass space only", "PASS ", Command{}, ErrSyntax},
	{"nul", "USER b\x00b", Command{}, ErrSyntax},
	{"long name", "USER " + strings.Repeat("x", 41), Command{}, ErrSyntax},
	{"top no count", "TOP 1", Command{}, ErrSyntax},
}

func TestParseCommand(t *testing.T) {
	for _, tt := range commandTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCommand([]byte(tt.in))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("ParseCommand(%q) error = %v, want %v", tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCommand(%q) = %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseCommand(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestAppendCommand(t *testing.T) {
	got := string(AppendCommand(nil, Command{TOP, []string{"1", "10"}}))
	if got != "TOP 1 10\r\n" {
		t.Errorf("AppendCommand = %q", got)
	}
	if err := (Command{USER, []string{"a b"}}).Validate(); err == nil {
		t.Error("Validate accepted a space in USER")
	}
	if err := (Command{PASS, []string{"a b"}}).Validate(); err != nil {
		t.Errorf("Validate(PASS a b) = %v", err)
	}
	if err := (Command{USER, []string{"a\r\nDELE 1"}}).Validate(); err == nil {
		t.Error("Validate accepted CRLF injection")
	}
}

var statusTests = []struct {
	in   string
	want Status
	bad  bool
}{
	{"+OK POP3 server ready", Status{Kind: StatusOK, Text: "POP3 server ready"}, false},
	{"+OK", Status{Kind: StatusOK}, false},
	{"+ok lower", Status{Kind: StatusOK, Text: "lower"}, false},
	{"-ERR [IN-USE] maildrop locked", Status{Kind: StatusErr, Code: CodeInUse, Text: "maildrop locked"}, false},
	{"-ERR [SYS/TEMP] later", Status{Kind: StatusErr, Code: CodeSysTemp, Text: "later"}, false},
	{"-ERR [] not a code", Status{Kind: StatusErr, Text: "[] not a code"}, false},
	{"-ERR [a//b] not a code", Status{Kind: StatusErr, Text: "[a//b] not a code"}, false},
	{"-ERR", Status{Kind: StatusErr}, false},
	{"+ ", Status{Kind: StatusContinue}, false},
	{"+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+", Status{Kind: StatusContinue, Text: "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+"}, false},
	{"+", Status{Kind: StatusContinue}, false},
	{"OK", Status{}, true},
	{"+OKAY", Status{}, true},
	{"-ERRx", Status{}, true},
	{"", Status{}, true},
	{"+OK a\x00b", Status{}, true},
}

func TestParseStatus(t *testing.T) {
	for _, tt := range statusTests {
		got, err := ParseStatus([]byte(tt.in))
		if tt.bad {
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("ParseStatus(%q) error = %v, want ErrSyntax", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseStatus(%q) = %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseStatus(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestStatusErr(t *testing.T) {
	st, _ := ParseStatus([]byte("-ERR [IN-USE] busy"))
	var e *Error
	if !errors.As(st.Err(), &e) || e.Code != CodeInUse {
		t.Fatalf("Err() = %v", st.Err())
	}
	if got := string(AppendStatus(nil, Status{Kind: StatusErr, Code: CodeAuth, Text: "no\r\nsuch"})); got != "-ERR [AUTH] no  such\r\n" {
		t.Errorf("AppendStatus = %q", got)
	}
}

func TestListings(t *testing.T) {
	m, err := ParseListLine([]byte("1 498"))
	if err != nil || m != (MessageInfo{Number: 1, Size: 498}) {
		t.Errorf("ParseListLine = %+v, %v", m, err)
	}
	m, err = ParseUIDLLine([]byte("2 QhdPYR:00WBw1Ph7x7"))
	if err != nil || m != (MessageInfo{Number: 2, UID: "QhdPYR:00WBw1Ph7x7"}) {
		t.Errorf("ParseUIDLLine = %+v, %v", m, err)
	}
	for _, bad := range []string{"", "1", "x 2", "0 5", "1 -5", "1 x"} {
		if _, err := ParseListLine([]byte(bad)); !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseListLine(%q) = %v", bad, err)
		}
	}
	if _, err := ParseUIDLLine([]byte("1 " + strings.Repeat("u", 71))); err == nil {
		t.Error("71-octet unique-id accepted")
	}
	for _, tt := range []struct {
		in    string
		count int
		size  int64
	}{{"2 1410", 2, 1410}, {"0 0", 0, 0}} {
		c, s, err := ParseStatLine(tt.in)
		if err != nil || c != tt.count || s != tt.size {
			t.Errorf("ParseStatLine(%q) = %d, %d, %v", tt.in, c, s, err)
		}
	}
	caps := Caps{}
	for _, l := range []string{"TOP", "sasl PLAIN", "IMPLEMENTATION applayer"} {
		caps.ParseCapaLine([]byte(l))
	}
	if !caps.Has("top") || !caps.Has("SASL") || caps["SASL"][0] != "PLAIN" {
		t.Errorf("caps = %v", caps)
	}
}
