package pop3

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

func genArg() *rapid.Generator[string] {
	return rapid.StringMatching(`[!-~]{1,40}`)
}

func genNum(min int) *rapid.Generator[string] {
	return rapid.Map(rapid.IntRange(min, 999999999), func(n int) string { return itoa(n) })
}

func itoa(n int) string { return strconv.Itoa(n) }

// genCommand draws a valid command of any verb.
func genCommand() *rapid.Generator[Command] {
	return rapid.Custom(func(t *rapid.T) Command {
		v := rapid.SampledFrom([]Verb{USER, PASS, APOP, AUTH, STLS, CAPA, QUIT, STAT, LIST, RETR, DELE, NOOP, RSET, TOP, UIDL}).Draw(t, "verb")
		c := Command{Verb: v}
		switch v {
		case USER:
			c.Args = []string{genArg().Draw(t, "name")}
		case PASS:
			c.Args = []string{rapid.StringMatching(`[ -~]*[!-~][ -~]*`).Draw(t, "pass")}
		case APOP:
			c.Args = []string{genArg().Draw(t, "name"), rapid.StringMatching(`[0-9a-f]{32}`).Draw(t, "digest")}
		case AUTH:
			c.Args = rapid.SliceOfN(rapid.StringMatching(`[!-~]{1,100}`), 0, 2).Draw(t, "args")
		case LIST, UIDL:
			c.Args = rapid.SliceOfN(genNum(1), 0, 1).Draw(t, "msg")
		case RETR, DELE:
			c.Args = []string{genNum(1).Draw(t, "msg")}
		case TOP:
			c.Args = []string{genNum(1).Draw(t, "msg"), genNum(0).Draw(t, "lines")}
		}
		return c
	})
}

func TestCommandRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genCommand().Draw(t, "cmd")
		line := AppendCommand(nil, c)
		got, err := ParseCommand(line[:len(line)-2])
		if err != nil {
			t.Fatalf("ParseCommand(%q) = %v", line, err)
		}
		if diff := cmp.Diff(c, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip of %q mismatch (-want +got):\n%s", line, diff)
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Validate(%+v) = %v", c, err)
		}
	})
}

func genStatus() *rapid.Generator[Status] {
	return rapid.Custom(func(t *rapid.T) Status {
		st := Status{Kind: rapid.SampledFrom([]StatusKind{StatusOK, StatusErr, StatusContinue}).Draw(t, "kind")}
		if st.Kind == StatusContinue {
			st.Text = rapid.StringMatching(`[A-Za-z0-9+/=]*`).Draw(t, "b64")
			return st
		}
		st.Code = ResponseCode(rapid.SampledFrom([]string{"", "IN-USE", "LOGIN-DELAY", "SYS/TEMP", "AUTH", "X/Y/Z"}).Draw(t, "code"))
		st.Text = rapid.StringMatching(`([!-Z\\^-~][ -~]*)?`).Draw(t, "text")
		return st
	})
}

func TestStatusRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		st := genStatus().Draw(t, "status")
		line := AppendStatus(nil, st)
		got, err := ParseStatus(line[:len(line)-2])
		if err != nil {
			t.Fatalf("ParseStatus(%q) = %v", line, err)
		}
		if diff := cmp.Diff(st, got); diff != "" {
			t.Fatalf("round trip of %q mismatch (-want +got):\n%s", line, diff)
		}
	})
}

func TestListingRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := MessageInfo{Number: rapid.IntRange(1, 999999999).Draw(t, "n"), Size: rapid.Int64Min(0).Draw(t, "size")}
		got, err := ParseListLine(AppendListLine(nil, m))
		if err != nil || got != m {
			t.Fatalf("list round trip %+v = %+v, %v", m, got, err)
		}
		u := MessageInfo{Number: m.Number, UID: rapid.StringMatching(`[!-~]{1,70}`).Draw(t, "uid")}
		got, err = ParseUIDLLine(AppendUIDLLine(nil, u))
		if err != nil || got != u {
			t.Fatalf("uidl round trip %+v = %+v, %v", u, got, err)
		}
	})
}
