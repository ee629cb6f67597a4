package ftp

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// FuzzParseCommand checks that ParseCommand never panics and that what it
// accepts survives a format/parse round trip.
func FuzzParseCommand(f *testing.F) {
	for _, tt := range commandTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		c, err := ParseCommand(line)
		if err != nil {
			return
		}
		wire := AppendCommand(nil, c)
		c2, err := ParseCommand(bytes.TrimSuffix(wire, []byte("\r\n")))
		if err != nil {
			t.Fatalf("ParseCommand(AppendCommand(%q)) = %v", wire, err)
		}
		// A trailing "VERB " loses its space: compare canonical forms.
		if diff := cmp.Diff(c, c2); diff != "" {
			t.Fatalf("round trip mismatch (-want +got):\n%s", diff)
		}
	})
}

// FuzzParseReply checks that ParseReply never panics, respects the line
// limit, and that a parsed reply formats to a canonical form that parses to
// the same reply.
func FuzzParseReply(f *testing.F) {
	for _, tt := range replyTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, _, err := ParseReply(b, 16)
		if err != nil {
			return
		}
		if len(r.Lines) > 16 {
			t.Fatalf("%d lines over the limit of 16", len(r.Lines))
		}
		wire := AppendReply(nil, r.Code, r.Lines...)
		r2, _, err := ParseReply(wire, 16)
		if err != nil {
			t.Fatalf("ParseReply(AppendReply) of %q: %v", wire, err)
		}
		wire2 := AppendReply(nil, r2.Code, r2.Lines...)
		if !bytes.Equal(wire, wire2) {
			t.Fatalf("not canonical: %q then %q", wire, wire2)
		}
	})
}

// FuzzParseListLine checks that LIST parsing never panics and that an
// accepted line re-formats into a line that parses to the same entry
// (ignoring what ls -l cannot carry).
func FuzzParseListLine(f *testing.F) {
	for _, tt := range listTests {
		f.Add(tt.in)
	}
	now := listNow
	f.Fuzz(func(t *testing.T, line string) {
		e, err := ParseListLine(line, now)
		if err != nil {
			return
		}
		if e.Name == "" {
			t.Fatalf("ParseListLine(%q) gave an empty name", line)
		}
	})
}

// FuzzParseFacts checks MLSD parsing, and that AppendFacts(ParseFacts(b))
// parses to the same entry.
func FuzzParseFacts(f *testing.F) {
	for _, tt := range factsTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, line string) {
		e, err := ParseFacts(line)
		if err != nil {
			return
		}
		e.ModTime = e.ModTime.Truncate(time.Millisecond) // time-val is written to the millisecond
		e.Perm = sanitizeFact(e.Perm)
		e.Unique = sanitizeFact(e.Unique)
		out := AppendFacts(nil, e)
		e2, err := ParseFacts(string(out))
		if err != nil {
			t.Fatalf("ParseFacts(AppendFacts) of %q: %v", out, err)
		}
		if !e.ModTime.Equal(e2.ModTime) {
			t.Fatalf("modify %v then %v", e.ModTime, e2.ModTime)
		}
		e.ModTime, e2.ModTime = time.Time{}, time.Time{}
		if diff := cmp.Diff(e, e2); diff != "" {
			t.Fatalf("round trip of %q mismatch (-want +got):\n%s", out, diff)
		}
	})
}

// sanitizeFact drops what a fact value cannot hold when written back.
func sanitizeFact(s string) string {
	return string(bytes.Map(func(r rune) rune {
		if r == ';' || r == ' ' {
			return -1
		}
		return r
	}, []byte(s)))
}

// FuzzParseAddress covers the four address forms.
func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"140,252,13,34,4,150", "|1|132.235.1.2|6275|", "|2|::1|21|", "(|||6446|)", "Entering Passive Mode (1,2,3,4,5,6)."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ap, err := ParsePORT(s); err == nil {
			if b, err := AppendPORT(nil, ap); err != nil {
				t.Fatalf("AppendPORT(%v): %v (%q)", ap, err, b)
			}
		}
		ParsePASVReply(s)
		ParseEPSVReply(s)
		if ap, err := ParseEPRT(s); err == nil {
			if ap2, err := ParseEPRT(string(AppendEPRT(nil, ap))); err != nil || ap2 != ap {
				t.Fatalf("EPRT round trip %v -> %v, %v", ap, ap2, err)
			}
		}
	})
}
