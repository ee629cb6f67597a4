package smtp

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var commandTests = []struct {
	name    string
	in      string
	want    Command
	wantErr int // reply code of the *SyntaxError, 0 for none
}{
	{"helo seed", "HELO crepes.fr", Command{VerbHELO, "crepes.fr"}, 0},
	{"ehlo lower", "ehlo client.example", Command{VerbEHLO, "client.example"}, 0},
	{"lhlo", "LHLO mx", Command{VerbLHLO, "mx"}, 0},
	{"mail seed with space", "MAIL FROM: <alice@crepes.fr>", Command{VerbMAIL, "<alice@crepes.fr>"}, 0},
	{"mail", "MAIL FROM:<a@b> SIZE=10", Command{VerbMAIL, "<a@b> SIZE=10"}, 0},
	{"rcpt mixed case", "RCPT to: <bob@hamburger.edu>", Command{VerbRCPT, "<bob@hamburger.edu>"}, 0},
	{"data", "DATA", Command{VerbDATA, ""}, 0},
	{"quit lower", "quit", Command{VerbQUIT, ""}, 0},
	{"noop arg", "NOOP hello", Command{VerbNOOP, "hello"}, 0},
	{"bdat", "BDAT 100 LAST", Command{VerbBDAT, "100 LAST"}, 0},
	{"auth", "AUTH PLAIN AGFsaWNlAHNlY3JldA==", Command{VerbAUTH, "PLAIN AGFsaWNlAHNlY3JldA=="}, 0},
	{"unknown", "FOO bar", Command{}, 500},
	{"empty", "", Command{}, 500},
	{"helo no domain", "HELO", Command{}, 501},
	{"mail no from", "MAIL <a@b>", Command{}, 501},
	{"data arg", "DATA now", Command{}, 501},
	{"nul", "NOOP \x00", Command{}, 500},
}

func TestParseCommand(t *testing.T) {
	for _, tt := range commandTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCommand([]byte(tt.in))
			if tt.wantErr != 0 {
				var se *SyntaxError
				if !errors.As(err, &se) || se.Code != tt.wantErr {
					t.Fatalf("ParseCommand(%q) error = %v, want code %d", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCommand(%q) error = %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseCommand(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

var mailTests = []struct {
	name    string
	in      string
	want    Mail
	wantErr int
}{
	{"plain", "<alice@crepes.fr>", Mail{From: "alice@crepes.fr"}, 0},
	{"null path", "<>", Mail{}, 0},
	{"source route", "<@relay.example,@b.example:alice@crepes.fr>", Mail{From: "alice@crepes.fr"}, 0},
	{"quoted local", `<"john doe"@example.org>`, Mail{From: `"john doe"@example.org`}, 0},
	{"quoted gt", `<"a>b"@example.org>`, Mail{From: `"a>b"@example.org`}, 0},
	{"address literal", "<a@[127.0.0.1]>", Mail{From: "a@[127.0.0.1]"}, 0},
	{"utf8", "<José@例え.jp> SMTPUTF8", Mail{From: "José@例え.jp", Options: MailOptions{UTF8: true}}, 0},
	{"all params", "<a@b.c> SIZE=1000 body=8bitmime RET=HDRS ENVID=QQ+2B1 AUTH=a+2Bb@c", Mail{From: "a@b.c", Options: MailOptions{
		Size: 1000, Body: Body8BitMIME, Return: ReturnHeaders, EnvelopeID: "QQ+1", Auth: "a+b@c"}}, 0},
	{"auth empty", "<a@b> AUTH=<>", Mail{From: "a@b", Options: MailOptions{Auth: "<>"}}, 0},
	{"binarymime", "<a@b> BODY=BINARYMIME", Mail{From: "a@b", Options: MailOptions{Body: BodyBinaryMIME}}, 0},
	{"no brackets", "alice@crepes.fr", Mail{}, 501},
	{"unterminated", "<alice@crepes.fr", Mail{}, 501},
	{"no domain", "<alice>", Mail{}, 501},
	{"bad domain", "<a@-x.com>", Mail{}, 501},
	{"double dot", "<a..b@x.com>", Mail{}, 501},
	{"local too long", "<" + string(make64('a', 65)) + "@x.com>", Mail{}, 501},
	{"path too long", "<a@" + string(make64('b', 63)) + "." + string(make64('b', 63)) + "." + string(make64('b', 63)) + "." + string(make64('b', 63)) + ">", Mail{}, 501},
	{"unknown param", "<a@b> FOO=1", Mail{}, 555},
	{"repeated param", "<a@b> SIZE=1 SIZE=2", Mail{}, 555},
	{"bad size", "<a@b> SIZE=x", Mail{}, 555},
	{"size no value", "<a@b> SIZE", Mail{}, 555},
	{"bad body", "<a@b> BODY=9BIT", Mail{}, 555},
	{"bad xtext", "<a@b> ENVID=a+zz", Mail{}, 555},
	{"smtputf8 value", "<a@b> SMTPUTF8=1", Mail{}, 555},
	{"no space", "<a@b>SIZE=1", Mail{}, 501},
}

func make64(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}

func TestParseMail(t *testing.T) {
	for _, tt := range mailTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMail(tt.in)
			checkParse(t, "ParseMail", tt.in, tt.want, got, err, tt.wantErr)
		})
	}
}

var rcptTests = []struct {
	name    string
	in      string
	want    Rcpt
	wantErr int
}{
	{"plain", "<bob@hamburger.edu>", Rcpt{To: "bob@hamburger.edu"}, 0},
	{"postmaster", "<Postmaster>", Rcpt{To: "Postmaster"}, 0},
	{"notify", "<b@c> NOTIFY=SUCCESS,FAILURE", Rcpt{To: "b@c", Options: RcptOptions{Notify: NotifySuccess | NotifyFailure}}, 0},
	{"never", "<b@c> NOTIFY=never", Rcpt{To: "b@c", Options: RcptOptions{Notify: NotifyNever}}, 0},
	{"orcpt", "<b@c> ORCPT=rfc822;b+2Bx@c", Rcpt{To: "b@c", Options: RcptOptions{OriginalRecipientType: "rfc822", OriginalRecipient: "b+x@c"}}, 0},
	{"null", "<>", Rcpt{}, 501},
	{"never and success", "<b@c> NOTIFY=NEVER,SUCCESS", Rcpt{}, 555},
	{"notify twice", "<b@c> NOTIFY=DELAY,DELAY", Rcpt{}, 555},
	{"orcpt no type", "<b@c> ORCPT=b@c", Rcpt{}, 555},
	{"size on rcpt", "<b@c> SIZE=1", Rcpt{}, 555},
}

func TestParseRcpt(t *testing.T) {
	for _, tt := range rcptTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRcpt(tt.in)
			checkParse(t, "ParseRcpt", tt.in, tt.want, got, err, tt.wantErr)
		})
	}
}

func checkParse[T any](t *testing.T, fn, in string, want, got T, err error, wantCode int) {
	t.Helper()
	if wantCode != 0 {
		var se *SyntaxError
		if !errors.As(err, &se) || se.Code != wantCode {
			t.Fatalf("%s(%q) error = %v, want code %d", fn, in, err, wantCode)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s(%q) error = %v", fn, in, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s(%q) mismatch (-want +got):\n%s", fn, in, diff)
	}
}

func TestLimitsOverride(t *testing.T) {
	l := Limits{MaxLocalPart: 3}
	if _, err := l.ParseMail("<abcd@x>"); err == nil {
		t.Errorf("ParseMail with MaxLocalPart 3 accepted a 4-octet local-part")
	}
	if _, err := (Limits{MaxLocalPart: -1}).ParseMail("<" + string(make64('a', 200)) + "@x>"); err != nil {
		t.Errorf("ParseMail with no local-part limit: %v", err)
	}
}

func TestParseBDAT(t *testing.T) {
	for _, tt := range []struct {
		in   string
		size int64
		last bool
		ok   bool
	}{
		{"0 LAST", 0, true, true}, {"100", 100, false, true}, {"5 last", 5, true, true},
		{"", 0, false, false}, {"-1", 0, false, false}, {"1 FIRST", 0, false, false}, {"1 LAST x", 0, false, false},
		{"99999999999999999999999", 0, false, false},
	} {
		size, last, err := ParseBDAT(tt.in)
		if (err == nil) != tt.ok || size != tt.size || last != tt.last {
			t.Errorf("ParseBDAT(%q) = %d, %v, %v; want %d, %v, ok=%v", tt.in, size, last, err, tt.size, tt.last, tt.ok)
		}
		if tt.ok && FormatBDAT(size, last) != tt.in && tt.in != "5 last" {
			t.Errorf("FormatBDAT(%d, %v) = %q, want %q", size, last, FormatBDAT(size, last), tt.in)
		}
	}
}
