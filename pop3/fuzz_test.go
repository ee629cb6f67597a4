package pop3

import (
	"testing"
)

// FuzzParseCommand checks that any line either fails with a typed error or
// parses to a command that formats back to something that parses the same.
func FuzzParseCommand(f *testing.F) {
	for _, tt := range commandTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		c, err := ParseCommand(line)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("ParseCommand(%q) error %T, want *SyntaxError", line, err)
			}
			return
		}
		again := AppendCommand(nil, c)
		c2, err := ParseCommand(again[:len(again)-2])
		if err != nil {
			t.Fatalf("reparse of %q (from %q) = %v", again, line, err)
		}
		if c2.Verb != c.Verb || len(c2.Args) != len(c.Args) {
			t.Fatalf("reparse of %q = %+v, want %+v", again, c2, c)
		}
		for i := range c.Args {
			if c.Args[i] != c2.Args[i] {
				t.Fatalf("reparse of %q = %+v, want %+v", again, c2, c)
			}
		}
	})
}

// FuzzParseStatus checks the status, listing and capability parsers: no
// panic, and a parsed status formats back to an equal one.
func FuzzParseStatus(f *testing.F) {
	for _, tt := range statusTests {
		f.Add([]byte(tt.in))
	}
	f.Add([]byte("1 498"))
	f.Add([]byte("2 QhdPYR:00WBw1Ph7x7"))
	f.Fuzz(func(t *testing.T, line []byte) {
		ParseListLine(line)
		ParseUIDLLine(line)
		ParseStatLine(string(line))
		Caps{}.ParseCapaLine(line)
		st, err := ParseStatus(line)
		if err != nil {
			return
		}
		again := AppendStatus(nil, st)
		st2, err := ParseStatus(again[:len(again)-2])
		if err != nil || st2 != st {
			t.Fatalf("reparse of %q (from %q) = %+v, %v; want %+v", again, line, st2, err, st)
		}
	})
}
