package ftp

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var replyTests = []struct {
	name    string
	in      string
	want    *Reply
	wantErr error
}{
	{"greeting (CHECKLIST C.1)", "220 nic FTP server (Sunos 4.1)ready.\r\n",
		&Reply{StatusReady, []string{"nic FTP server (Sunos 4.1)ready."}}, nil},
	{"multi-line with code on every line", "230-Welcome\r\n230-to the server\r\n230 Login successful.\r\n",
		&Reply{StatusLoggedIn, []string{"Welcome", "to the server", "Login successful."}}, nil},
	{"FEAT (RFC 2389)", "211-Features:\r\n EPRT\r\n MDTM\r\n211 End\r\n",
		&Reply{StatusSystem, []string{"Features:", " EPRT", " MDTM", "End"}}, nil},
	{"middle line with another code", "211-a\r\n 226 not the end\r\n211 b\r\n",
		&Reply{StatusSystem, []string{"a", "226 not the end", "b"}}, nil},
	{"middle line with another code unpadded", "211-a\r\n226 x\r\n211 b\r\n",
		&Reply{StatusSystem, []string{"a", "226 x", "b"}}, nil},
	{"bare code", "200\r\n", &Reply{StatusCommandOK, []string{""}}, nil},
	{"bare LF", "200 ok\n", &Reply{StatusCommandOK, []string{"ok"}}, nil},
	{"no code", "hello\r\n", nil, ErrReplySyntax},
	{"code 600", "600 x\r\n", nil, ErrReplySyntax},
	{"bad separator", "200x\r\n", nil, ErrReplySyntax},
	{"unterminated", "211-a\r\n b\r\n", nil, ErrReplySyntax},
	{"too many lines", "211-a\r\n" + strings.Repeat("x\r\n", 20) + "211 b\r\n", nil, ErrTooManyLines},
}

func TestParseReply(t *testing.T) {
	for _, tt := range replyTests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := ParseReply([]byte(tt.in), 10)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseReply(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseReply(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestAppendReply(t *testing.T) {
	tests := []struct {
		code  Code
		lines []string
		want  string
	}{
		{StatusClosing, []string{"Goodbye."}, "221 Goodbye.\r\n"},
		{StatusCommandOK, nil, "200 \r\n"},
		{StatusSystem, []string{"Features:", " EPRT", "End"}, "211-Features:\r\n EPRT\r\n211 End\r\n"},
		{StatusHelp, []string{"a", "214 fake", "b"}, "214-a\r\n 214 fake\r\n214 b\r\n"},
		{StatusCommandOK, []string{"no\r\ninjection"}, "200 no  injection\r\n"},
	}
	for _, tt := range tests {
		if got := string(AppendReply(nil, tt.code, tt.lines...)); got != tt.want {
			t.Errorf("AppendReply(%v, %q) = %q, want %q", tt.code, tt.lines, got, tt.want)
		}
	}
}

func TestReplyParserSequence(t *testing.T) {
	in := "331 Guest login ok, send ident as password.\r\n230 Guest login ok, access restrictions apply.\r\n"
	r1, n, err := ParseReply([]byte(in), 0)
	if err != nil || r1.Code != StatusNeedPassword {
		t.Fatalf("first reply = %v, %v", r1, err)
	}
	r2, _, err := ParseReply([]byte(in[n:]), 0)
	if err != nil || r2.Code != StatusLoggedIn {
		t.Fatalf("second reply = %v, %v", r2, err)
	}
}

func TestCodeClasses(t *testing.T) {
	if !StatusAboutToSend.Preliminary() || !StatusClosingData.Completed() || !StatusNeedPassword.Intermediate() ||
		!StatusCantOpenData.Transient() || !StatusFileUnavailable.Permanent() {
		t.Error("code classes wrong")
	}
	if StatusCommandOK.String() != "200" {
		t.Errorf("String = %q", StatusCommandOK.String())
	}
}
