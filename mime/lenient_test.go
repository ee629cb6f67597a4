package mime

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wantProblem is an expected Problem: its section and sentinel.
type wantProblem struct {
	Section string
	Err     error
}

func checkProblems(t *testing.T, got []*Problem, want []wantProblem) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d problems %v, want %d %v", len(got), got, len(want), want)
		return
	}
	for i, w := range want {
		if got[i].Section != w.Section || !errors.Is(got[i], w.Err) {
			t.Errorf("problem %d = %v (section %q), want %v in section %q", i, got[i], got[i].Section, w.Err, w.Section)
		}
	}
}

var lenientTests = []struct {
	name     string
	in       string
	tree     []treeLine
	problems []wantProblem
}{
	{
		name: "missing close delimiter",
		in:   "Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n",
		tree: []treeLine{
			{"", "multipart/mixed", "", 6},
			{"1", "text/plain", "one", 1},
			{"2", "text/plain", "two\n", 1},
		},
		problems: []wantProblem{{"", ErrNoCloseDelimiter}},
	},
	{
		name: "outer delimiter closes inner multipart",
		in: "Content-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: multipart/alternative; boundary=inner\n\n" +
			"--inner\n\nin1\n--outer\n\nout2\n--outer--\n",
		tree: []treeLine{
			{"", "multipart/mixed", "", 10},
			{"1", "multipart/alternative", "", 3},
			{"1.1", "text/plain", "in1", 1},
			{"2", "text/plain", "out2", 1},
		},
		problems: []wantProblem{{"1", ErrNoCloseDelimiter}},
	},
	{
		name:     "multipart without boundary",
		in:       "Content-Type: multipart/mixed\n\n--x\n\nbody\n--x--\n",
		tree:     []treeLine{{"", "multipart/mixed", "", 4}},
		problems: []wantProblem{{"", ErrNoBoundary}},
	},
	{
		name:     "no delimiter line at all",
		in:       "Content-Type: multipart/mixed; boundary=b\n\njust text\n",
		tree:     []treeLine{{"", "multipart/mixed", "", 1}},
		problems: []wantProblem{{"", ErrNoDelimiter}},
	},
	{
		name:     "message ends inside the header",
		in:       "Subject: truncated\nFrom: a@b",
		tree:     []treeLine{{"", "text/plain", "", 0}},
		problems: []wantProblem{{"", ErrNoHeaderEnd}},
	},
	{
		name:     "header without blank line before body",
		in:       "Subject: x\nthis line is body\n",
		tree:     []treeLine{{"", "text/plain", "this line is body\n", 1}},
		problems: []wantProblem{{"", ErrMalformedHeader}},
	},
	{
		name:     "mbox From_ line before the header",
		in:       "From alice@crepes.fr Mon Sep 18 19:40:19 2006\nSubject: saved\n\nbody\n",
		tree:     []treeLine{{"", "text/plain", "body\n", 1}},
		problems: []wantProblem{{"", ErrMboxFromLine}},
	},
	{
		name: "part without header or blank line",
		in:   "Content-Type: multipart/mixed; boundary=b\n\n--b\nHello\n--b--\n",
		tree: []treeLine{
			{"", "multipart/mixed", "", 3},
			{"1", "text/plain", "Hello", 1},
		},
		problems: []wantProblem{{"1", ErrNoHeaderEnd}},
	},
	{
		name: "empty parts and transport padding",
		in:   "Content-Type: multipart/mixed; boundary=b\n\n--b  \n\n--b\t\nX: y\n\n--b-- \n",
		tree: []treeLine{
			{"", "multipart/mixed", "", 6},
			{"1", "text/plain", "", 0},
			{"2", "text/plain", "", 0},
		},
	},
	{
		// The empty line's break belongs to the delimiter, so the body is
		// "a\nb\n": two lines.
		name: "body ending in a line break",
		in:   "Content-Type: multipart/mixed; boundary=b\n\n--b\n\na\nb\n\n--b--\n",
		tree: []treeLine{
			{"", "multipart/mixed", "", 6},
			{"1", "text/plain", "a\nb\n", 2},
		},
	},
	{
		name: "boundary prefix is not a delimiter",
		in:   "Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--bx\n--b extra\n--b--\n",
		tree: []treeLine{
			{"", "multipart/mixed", "", 5},
			{"1", "text/plain", "--bx\n--b extra", 2},
		},
	},
	{
		name: "multipart/digest defaults to message/rfc822",
		in:   "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nfirst\n--d\nContent-Type: text/plain\n\nnote\n--d--\n",
		tree: []treeLine{
			{"", "multipart/digest", "", 10},
			{"1", "message/rfc822", "", 3},
			{"1", "text/plain", "first", 1},
			{"2", "text/plain", "note", 1},
		},
	},
	{
		name:     "base64 message/rfc822 is not parsed",
		in:       "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogeA0KDQpoaQ==\n",
		tree:     []treeLine{{"", "message/rfc822", "Subject: x\r\n\r\nhi", 1}},
		problems: []wantProblem{{"", ErrEncodedContainer}},
	},
	{
		name:     "bad content type means text/plain (RFC 2045 5.2)",
		in:       "Content-Type: garbage\n\nhello",
		tree:     []treeLine{{"", "text/plain", "hello", 1}},
		problems: []wantProblem{{"", ErrBadContentType}},
	},
	{
		name:     "unknown transfer encoding",
		in:       "Content-Transfer-Encoding: x-uuencode\n\nbegin 644 f\n",
		tree:     []treeLine{{"", "text/plain", "", 1}},
		problems: []wantProblem{{"", ErrUnknownEncoding}},
	},
	{
		// Found by FuzzParse: the encapsulated message's blank line is the
		// line break that belongs to the next delimiter.
		name: "fuzz: digest part ends inside its blank line",
		in:   "Content-Type: multipart/digest; boundary=d\n--d\n\n\n--d",
		tree: []treeLine{
			{"", "multipart/digest", "", 4},
			{"1", "message/rfc822", "", 0},
			{"1", "text/plain", "", 0},
			{"2", "message/rfc822", "", 0},
			{"2", "text/plain", "", 0},
		},
		problems: []wantProblem{{"", ErrMalformedHeader}, {"", ErrNoCloseDelimiter}},
	},
	{
		// Found by FuzzParse: an outer delimiter at the end of the data
		// right after an inner one.
		name: "fuzz: outer delimiter ends inner part at end of data",
		in:   "Content-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: multipart/mixed; boundary=inner\n--inner\n--outer",
		tree: []treeLine{
			{"", "multipart/mixed", "", 4},
			{"1", "multipart/mixed", "", 1},
			{"1.1", "text/plain", "", 0},
			{"2", "text/plain", "", 0},
		},
		problems: []wantProblem{{"1", ErrMalformedHeader}, {"1", ErrNoCloseDelimiter}, {"", ErrNoCloseDelimiter}},
	},
	{
		name: "lesson D.2 as seeded (delimiters lack the leading --)",
		in: "MIME-Version:1.1\nContent-Type:multipart/mixed;boundary=\u201c-------417CBA32DF8945BE748\u201d\nFrom:Alice <alice@crepes.fr>\n" +
			"To:<bob@hamburger.edu>\nSubject:hello\nDate:Mon. 18 Sep 2006 19:40:19 -0400\n-------417CBA32DF8945BE748\n" +
			"Content-Type:text/plain;charset=us-ascii\nContent-Transfer-Encoding:7bit\nBob,\nHere\u2019s something I collect.\nAlice\n" +
			"-------417CBA32DF8945BE748\nContent-Type:image/jepg\nContent-Transfer-Encoding:base64\n.\n",
		tree: []treeLine{{"", "multipart/mixed", "", 10}},
		problems: []wantProblem{
			{"", ErrMalformedHeader},
			{"", ErrBadParameter},
			{"", ErrNoDelimiter},
		},
	},
}

func TestParseLenient(t *testing.T) {
	for _, tt := range lenientTests {
		t.Run(tt.name, func(t *testing.T) {
			m := ParseBytes([]byte(tt.in))
			if diff := cmp.Diff(tt.tree, flattenLenient(m)); diff != "" {
				t.Errorf("tree mismatch (-want +got):\n%s", diff)
			}
			checkProblems(t, m.Problems, tt.problems)
			checkInvariants(t, m)
		})
	}
}

// flattenLenient is flatten without failing on body read errors.
func flattenLenient(m *Message) []treeLine {
	var out []treeLine
	m.Walk(func(p *Part) error {
		body := ""
		if !p.IsMultipart() && p.Message == nil {
			b, _ := readAll(p.Body())
			body = string(b)
		}
		out = append(out, treeLine{p.Section, p.MediaType(), body, p.Lines})
		return nil
	})
	return out
}

// checkInvariants verifies the geometry of a tree: every part lies inside
// its parent, parts follow each other, and the top level spans the message.
func checkInvariants(t *testing.T, m *Message) {
	t.Helper()
	if m.Offset != 0 || m.Size() != m.size {
		t.Errorf("top level spans [%d,+%d), message size %d", m.Offset, m.Size(), m.size)
	}
	m.Walk(func(p *Part) error {
		if p.BodyOffset != p.Offset+p.HeaderSize || p.HeaderSize < 0 || p.BodySize < 0 || p.Lines < 0 {
			t.Errorf("part %q: bad geometry %+v", p.Section, p)
		}
		if q := p.Parent; q != nil {
			if p.Offset < q.BodyOffset || p.BodyOffset+p.BodySize > q.BodyOffset+q.BodySize {
				t.Errorf("part %q [%d,%d) outside parent body [%d,%d)", p.Section, p.Offset, p.BodyOffset+p.BodySize, q.BodyOffset, q.BodyOffset+q.BodySize)
			}
		}
		prev := p.Preamble.End()
		for _, c := range p.Parts {
			if c.Offset < prev {
				t.Errorf("part %q starts at %d, before %d", c.Section, c.Offset, prev)
			}
			prev = c.BodyOffset + c.BodySize
		}
		if len(p.Parts) > 0 && p.Epilogue.Offset < prev {
			t.Errorf("epilogue of %q at %d, before %d", p.Section, p.Epilogue.Offset, prev)
		}
		return nil
	})
}

func TestParseLimits(t *testing.T) {
	// Nesting: message/rfc822 inside message/rfc822, 60 levels.
	var sb strings.Builder
	for range 60 {
		sb.WriteString("Content-Type: message/rfc822\n\n")
	}
	sb.WriteString("Subject: bottom\n\nhi\n")
	m := ParseBytes([]byte(sb.String()))
	checkProblems(t, m.Problems, []wantProblem{{"", ErrTooDeep}})
	depth := 0
	m.Walk(func(p *Part) error { depth = max(depth, p.Depth); return nil })
	if depth != DefaultMaxDepth {
		t.Errorf("max depth = %d, want %d", depth, DefaultMaxDepth)
	}
	checkInvariants(t, m)

	// Nested multiparts with a small limit.
	sb.Reset()
	for i := range 10 {
		fmt.Fprintf(&sb, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i)
	}
	sb.WriteString("\nleaf\n")
	p := Parser{MaxDepth: 3}
	m, err := p.Parse(strings.NewReader(sb.String()), int64(sb.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Problems) == 0 || !errors.Is(m.Problems[0], ErrTooDeep) {
		t.Errorf("problems = %v, want ErrTooDeep first", m.Problems)
	}
	checkInvariants(t, m)

	// Part count.
	sb.Reset()
	sb.WriteString("Content-Type: multipart/mixed; boundary=b\n\n")
	for i := range 20 {
		fmt.Fprintf(&sb, "--b\n\npart %d\n", i)
	}
	sb.WriteString("--b--\nepilogue\n")
	p = Parser{MaxParts: 5}
	m, _ = p.Parse(strings.NewReader(sb.String()), int64(sb.Len()))
	checkProblems(t, m.Problems, []wantProblem{{"", ErrTooManyParts}})
	if len(m.Parts) != 4 {
		t.Errorf("got %d parts, want 4 (5 counting the top level)", len(m.Parts))
	}
	if b, _ := readAll(m.SpanReader(m.Epilogue)); string(b) != "epilogue\n" {
		t.Errorf("epilogue = %q", b)
	}
	checkInvariants(t, m)

	// Header size and field count.
	sb.Reset()
	for i := range 100 {
		fmt.Fprintf(&sb, "X-%d: %s\n", i, strings.Repeat("v", 50))
	}
	sb.WriteString("\nbody\n")
	p = Parser{MaxHeaderFields: 10}
	m, _ = p.Parse(strings.NewReader(sb.String()), int64(sb.Len()))
	checkProblems(t, m.Problems, []wantProblem{{"", ErrTooManyFields}})
	if len(m.Header) != 10 {
		t.Errorf("kept %d fields, want 10", len(m.Header))
	}
	if b, _ := readAll(m.Body()); string(b) != "body\n" {
		t.Errorf("body = %q", b)
	}
	p = Parser{MaxHeaderBytes: 1000}
	m, _ = p.Parse(strings.NewReader(sb.String()), int64(sb.Len()))
	checkProblems(t, m.Problems, []wantProblem{{"", ErrHeaderTooLarge}})
	if n := len(m.Header); n == 0 || n > 1000/50 {
		t.Errorf("kept %d fields", n)
	}
	if b, _ := readAll(m.Body()); string(b) != "body\n" {
		t.Errorf("body = %q", b)
	}
}

func TestParseTotalHeaderLimit(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("Content-Type: multipart/mixed; boundary=b\n\n")
	for i := range 50 {
		fmt.Fprintf(&sb, "--b\nX-Pad: %s\n\npart %d\n", strings.Repeat("p", 100), i)
	}
	sb.WriteString("--b--\n")
	p := Parser{MaxTotalHeaderBytes: 1000}
	m, _ := p.Parse(strings.NewReader(sb.String()), int64(sb.Len()))
	checkProblems(t, m.Problems, []wantProblem{{"", ErrTotalHeaderTooLarge}})
	if n := len(m.Parts); n < 5 || n > 10 {
		t.Errorf("kept %d parts, want those that fit in 1000 header octets", n)
	}
	checkInvariants(t, m)
}
