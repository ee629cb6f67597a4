package smtp

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode"

	"github.com/applayer/applayer/internal/textwire"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

func genLabel() *rapid.Generator[string] {
	return rapid.StringMatching(`[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?`)
}

func genDomain() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		return strings.Join(rapid.SliceOfN(genLabel(), 1, 4).Draw(t, "labels"), ".")
	})
}

func genAddress() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		local := rapid.OneOf(
			rapid.StringMatching(`[a-zA-Z0-9!#$%&'*+/=?^_{|}~-]{1,10}(\.[a-zA-Z0-9_-]{1,8}){0,2}`),
			rapid.StringMatching(`"[a-z ]{0,8}"`),
		).Draw(t, "local")
		return local + "@" + genDomain().Draw(t, "domain")
	})
}

// genXtextValue draws printable ASCII, including the characters xtext must escape.
func genXtextValue(max int) *rapid.Generator[string] {
	return rapid.StringOfN(rapid.RuneFrom(nil, &unicode.RangeTable{R16: []unicode.Range16{{Lo: ' ', Hi: '~', Stride: 1}}}), 1, max, -1)
}

func genMail() *rapid.Generator[Mail] {
	return rapid.Custom(func(t *rapid.T) Mail {
		var m Mail
		if rapid.Bool().Draw(t, "notnull") {
			m.From = genAddress().Draw(t, "from")
		}
		o := &m.Options
		o.Size = rapid.Int64Range(0, 1<<40).Draw(t, "size")
		o.Body = rapid.SampledFrom([]Body{"", Body7Bit, Body8BitMIME, BodyBinaryMIME}).Draw(t, "body")
		o.UTF8 = rapid.Bool().Draw(t, "utf8")
		o.Return = rapid.SampledFrom([]DSNReturn{"", ReturnFull, ReturnHeaders}).Draw(t, "ret")
		if rapid.Bool().Draw(t, "envid") {
			o.EnvelopeID = genXtextValue(maxEnvIDLength).Draw(t, "envidval")
		}
		if rapid.Bool().Draw(t, "auth") {
			o.Auth = rapid.OneOf(rapid.Just("<>"), genAddress()).Draw(t, "authval")
		}
		return m
	})
}

func genRcpt() *rapid.Generator[Rcpt] {
	return rapid.Custom(func(t *rapid.T) Rcpt {
		r := Rcpt{To: genAddress().Draw(t, "to")}
		if rapid.Bool().Draw(t, "never") {
			r.Options.Notify = NotifyNever
		} else {
			r.Options.Notify = Notify(rapid.IntRange(0, 7).Draw(t, "notify") << 1)
		}
		if rapid.Bool().Draw(t, "orcpt") {
			r.Options.OriginalRecipientType = "rfc822"
			r.Options.OriginalRecipient = genXtextValue(100).Draw(t, "orcptval")
		}
		return r
	})
}

// TestMailRoundTrip checks ParseMail(m.Arg()) == m and that the full command
// line survives ParseCommand.
func TestMailRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genMail().Draw(t, "mail")
		line := Command{Verb: VerbMAIL, Arg: m.Arg()}.String()
		c, err := ParseCommand([]byte(line))
		if err != nil {
			t.Fatalf("ParseCommand(%q): %v", line, err)
		}
		got, err := ParseMail(c.Arg)
		if err != nil {
			t.Fatalf("ParseMail(%q): %v", c.Arg, err)
		}
		if diff := cmp.Diff(m, got); diff != "" {
			t.Fatalf("ParseMail(%q) mismatch (-want +got):\n%s", c.Arg, diff)
		}
	})
}

func TestRcptRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRcpt().Draw(t, "rcpt")
		got, err := ParseRcpt(r.Arg())
		if err != nil {
			t.Fatalf("ParseRcpt(%q): %v", r.Arg(), err)
		}
		if diff := cmp.Diff(r, got); diff != "" {
			t.Fatalf("ParseRcpt(%q) mismatch (-want +got):\n%s", r.Arg(), diff)
		}
	})
}

func TestXtextRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.String().Draw(t, "s")
		got, ok := DecodeXtext(EncodeXtext(s))
		if !ok || got != s {
			t.Fatalf("DecodeXtext(EncodeXtext(%q)) = %q, %v", s, got, ok)
		}
	})
}

func genReply() *rapid.Generator[*Reply] {
	return rapid.Custom(func(t *rapid.T) *Reply {
		r := &Reply{Code: rapid.IntRange(200, 599).Draw(t, "code")}
		if r.Code/100 != 3 && rapid.Bool().Draw(t, "enh") {
			r.Enhanced = EnhancedCode{r.Code / 100, rapid.IntRange(0, 999).Draw(t, "s"), rapid.IntRange(0, 999).Draw(t, "d")}
		}
		// Text that does not itself start like an enhanced code.
		r.Lines = rapid.SliceOfN(rapid.StringMatching(`[a-zA-Z][ -~]{0,30}`), 1, 5).Draw(t, "lines")
		return r
	})
}

// TestReplyRoundTrip checks that the lines written by AppendReply, parsed
// back line by line, give the same reply.
func TestReplyRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genReply().Draw(t, "reply")
		wire := string(AppendReply(nil, r))
		lines := strings.Split(strings.TrimSuffix(wire, "\r\n"), "\r\n")
		var text []string
		for i, l := range lines {
			if l[:3] != wire[:3] || (l[3] == ' ') != (i == len(lines)-1) {
				t.Fatalf("bad continuation in %q", wire)
			}
			text = append(text, l[4:])
		}
		got := NewReply(r.Code, text)
		if diff := cmp.Diff(r, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip of %q mismatch (-want +got):\n%s", wire, diff)
		}
	})
}

// TestDotStuffingRoundTrip: any text written through the client's
// dot-stuffing writer comes out of the server's data reader unchanged
// (line ends normalised to CRLF), however many lines start with dots.
func TestDotStuffingRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lines := rapid.SliceOf(rapid.StringMatching(`\.{0,3}[a-z. ]{0,12}`)).Draw(t, "lines")
		text := ""
		for _, l := range lines {
			text += l + "\r\n"
		}
		var wire bytes.Buffer
		w := textwire.NewWriter(&wire)
		dw := w.DotWriter()
		io.WriteString(dw, text)
		dw.Close()
		w.Flush()
		for _, l := range strings.Split(strings.TrimSuffix(wire.String(), "\r\n"), "\r\n") {
			if l == "." {
				continue
			}
			if strings.HasPrefix(l, ".") && !strings.HasPrefix(l, "..") {
				t.Fatalf("unstuffed line %q on the wire %q", l, wire.String())
			}
		}
		got, err := io.ReadAll(textwire.NewReader(&wire, DefaultMaxTextLine).DotReader(0))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != text {
			t.Fatalf("round trip of %q gave %q (wire %q)", text, got, wire.String())
		}
	})
}
