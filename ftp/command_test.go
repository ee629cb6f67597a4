package ftp

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var commandTests = []struct {
	name    string
	in      string
	want    Command
	wantErr error
}{
	{"user", "USER anonymous", Command{USER, "anonymous"}, nil},
	{"lower case verb", "retr rfc1261.txt", Command{RETR, "rfc1261.txt"}, nil},
	{"no argument", "PASV", Command{PASV, ""}, nil},
	{"trailing space", "PASV ", Command{PASV, ""}, nil},
	{"argument keeps spaces", "STOR  my file .txt ", Command{STOR, " my file .txt "}, nil},
	{"three letters", "CWD rfc", Command{CWD, "rfc"}, nil},
	{"port (RFC 959 example)", "PORT 140,252,13,34,4,150", Command{PORT, "140,252,13,34,4,150"}, nil},
	{"telnet IP DM before ABOR", "\xff\xf4\xff\xf2ABOR", Command{ABOR, ""}, nil},
	{"ABOR after urgent DM removed", "\xff\xf4\xffABOR", Command{ABOR, ""}, nil},
	{"telnet WILL option", "\xff\xfb\x01NOOP", Command{NOOP, ""}, nil},
	{"doubled IAC is a 0xFF byte", "STOR a\xff\xffb", Command{STOR, "a\xffb"}, nil},
	{"unknown verb parses", "XYZZ 1", Command{"XYZZ", "1"}, nil},
	{"utf-8 argument", "CWD résumé", Command{CWD, "résumé"}, nil},
	{"empty", "", Command{}, ErrCommandSyntax},
	{"verb too long", "RETRIEVE x", Command{}, ErrCommandSyntax},
	{"digit in verb", "US3R x", Command{}, ErrCommandSyntax},
	{"leading space", " USER x", Command{}, ErrCommandSyntax},
	{"NUL in argument", "RETR a\x00b", Command{}, ErrCommandSyntax},
	{"CR in argument", "RETR a\rb", Command{}, ErrCommandSyntax},
}

func TestParseCommand(t *testing.T) {
	for _, tt := range commandTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCommand([]byte(tt.in))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseCommand(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseCommand(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestAppendCommand(t *testing.T) {
	tests := []struct {
		in   Command
		want string
	}{
		{Command{USER, "anonymous"}, "USER anonymous\r\n"},
		{Command{PASV, ""}, "PASV\r\n"},
		{Command{STOR, "a\xffb"}, "STOR a\xff\xffb\r\n"},
	}
	for _, tt := range tests {
		if got := string(AppendCommand(nil, tt.in)); got != tt.want {
			t.Errorf("AppendCommand(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCommandValidate(t *testing.T) {
	if err := (Command{RETR, "a\r\nDELE b"}).Validate(); !errors.Is(err, ErrBadArgument) {
		t.Errorf("Validate with CRLF in argument = %v, want ErrBadArgument", err)
	}
	if err := (Command{"RETRX", ""}).Validate(); !errors.Is(err, ErrCommandSyntax) {
		t.Errorf("Validate with long verb = %v, want ErrCommandSyntax", err)
	}
	if err := (Command{RETR, "ok"}).Validate(); err != nil {
		t.Errorf("Validate = %v", err)
	}
}
