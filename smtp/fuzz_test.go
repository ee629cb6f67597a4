package smtp

import (
	"testing"
)

// FuzzParseCommand checks that no input panics and that a parsed MAIL or
// RCPT argument formats back to an argument that parses to the same value.
func FuzzParseCommand(f *testing.F) {
	for _, tt := range commandTests {
		f.Add(tt.in)
	}
	for _, tt := range mailTests {
		f.Add("MAIL FROM:" + tt.in)
	}
	for _, tt := range rcptTests {
		f.Add("RCPT TO:" + tt.in)
	}
	f.Fuzz(func(t *testing.T, line string) {
		c, err := ParseCommand([]byte(line))
		if err != nil {
			return
		}
		switch c.Verb {
		case VerbMAIL:
			m, err := ParseMail(c.Arg)
			if err != nil {
				return
			}
			m2, err := ParseMail(m.Arg())
			if err != nil || m2 != m {
				t.Fatalf("MAIL %q -> %+v -> %q -> %+v, %v", c.Arg, m, m.Arg(), m2, err)
			}
		case VerbRCPT:
			r, err := ParseRcpt(c.Arg)
			if err != nil {
				return
			}
			r2, err := ParseRcpt(r.Arg())
			if err != nil || r2 != r {
				t.Fatalf("RCPT %q -> %+v -> %q -> %+v, %v", c.Arg, r, r.Arg(), r2, err)
			}
		case VerbBDAT:
			ParseBDAT(c.Arg)
		}
	})
}

// FuzzNewReply checks that parsing reply text never panics and that the
// formatted reply parses back the same.
func FuzzNewReply(f *testing.F) {
	f.Add(250, "2.1.0 Sender ok")
	f.Add(550, "5.1.1 no such user")
	f.Add(220, "hamburger.edu")
	f.Fuzz(func(t *testing.T, code int, text string) {
		if code < 200 || code > 599 {
			return
		}
		r := NewReply(code, []string{text})
		_ = AppendReply(nil, r)
	})
}
