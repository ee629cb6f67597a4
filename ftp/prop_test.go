package ftp

import (
	"bytes"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

func genCommand() *rapid.Generator[Command] {
	return rapid.Custom(func(t *rapid.T) Command {
		verb := rapid.StringMatching(`[A-Z]{1,4}`).Draw(t, "verb")
		arg := rapid.StringMatching(`([^\x00\r\n]{1,40})?`).Draw(t, "arg")
		return Command{Verb: Verb(verb), Arg: arg}
	})
}

func TestCommandRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genCommand().Draw(t, "c")
		wire := AppendCommand(nil, c)
		got, err := ParseCommand(bytes.TrimSuffix(wire, []byte("\r\n")))
		if err != nil {
			t.Fatalf("ParseCommand(%q): %v", wire, err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Fatalf("round trip mismatch (-want +got):\n%s", diff)
		}
	})
}

func genReply() *rapid.Generator[*Reply] {
	return rapid.Custom(func(t *rapid.T) *Reply {
		code := Code(rapid.IntRange(100, 599).Draw(t, "code"))
		lines := rapid.SliceOfN(rapid.StringMatching(`[^\r\n]{0,30}`), 1, 6).Draw(t, "lines")
		return &Reply{Code: code, Lines: lines}
	})
}

func TestReplyRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genReply().Draw(t, "r")
		wire := AppendReply(nil, r.Code, r.Lines...)
		got, n, err := ParseReply(wire, 0)
		if err != nil {
			t.Fatalf("ParseReply(%q): %v", wire, err)
		}
		if n != len(wire) {
			t.Fatalf("ParseReply used %d of %d bytes", n, len(wire))
		}
		if diff := cmp.Diff(r, got); diff != "" {
			t.Fatalf("round trip of %q mismatch (-want +got):\n%s", wire, diff)
		}
	})
}

func genAddrPort(v4only bool) *rapid.Generator[netip.AddrPort] {
	return rapid.Custom(func(t *rapid.T) netip.AddrPort {
		port := rapid.Uint16().Draw(t, "port")
		if v4only || rapid.Bool().Draw(t, "v4") {
			b := rapid.SliceOfN(rapid.Byte(), 4, 4).Draw(t, "v4addr")
			return netip.AddrPortFrom(netip.AddrFrom4([4]byte(b)), port)
		}
		b := rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "v6addr")
		a := netip.AddrFrom16([16]byte(b))
		if a.Is4In6() {
			a = a.Unmap()
		}
		return netip.AddrPortFrom(a, port)
	})
}

func TestAddressRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ap := genAddrPort(true).Draw(t, "ap")
		b, err := AppendPORT(nil, ap)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := ParsePORT(string(b)); err != nil || got != ap {
			t.Fatalf("PORT %q -> %v, %v; want %v", b, got, err, ap)
		}
		b, _ = AppendPASVReply(nil, ap)
		if got, err := ParsePASVReply(string(b)); err != nil || got != ap {
			t.Fatalf("227 %q -> %v, %v; want %v", b, got, err, ap)
		}
		b = AppendEPSVReply(nil, ap.Port())
		if got, err := ParseEPSVReply(string(b)); err != nil || got != ap.Port() {
			t.Fatalf("229 %q -> %v, %v", b, got, err)
		}
		ap = genAddrPort(false).Draw(t, "ap6")
		b = AppendEPRT(nil, ap)
		if got, err := ParseEPRT(string(b)); err != nil || got != ap {
			t.Fatalf("EPRT %q -> %v, %v; want %v", b, got, err, ap)
		}
	})
}

var genName = rapid.StringMatching(`[a-zA-Z0-9._][a-zA-Z0-9._ -]{0,20}`)

func genEntry(forList bool) *rapid.Generator[Entry] {
	return rapid.Custom(func(t *rapid.T) Entry {
		e := Entry{
			Name: genName.Draw(t, "name"),
			Type: rapid.SampledFrom([]EntryType{TypeFile, TypeDir, TypeCurrent, TypeParent, TypeLink, TypeOther}).Draw(t, "type"),
			Mode: fileModePerm(uint64(rapid.IntRange(0, 0o777).Draw(t, "mode"))),
		}
		secs := rapid.Int64Range(0, 4102444800).Draw(t, "secs") // 1970 to 2100
		if forList {
			e.Type = rapid.SampledFrom([]EntryType{TypeFile, TypeDir, TypeLink}).Draw(t, "ltype")
			e.Size = rapid.Int64Range(0, 1<<40).Draw(t, "size")
			e.ModTime = time.Unix(secs/60*60, 0).UTC()
			e.Owner = rapid.StringMatching(`[a-z][a-z0-9]{0,7}`).Draw(t, "owner")
			e.Group = rapid.StringMatching(`[a-z][a-z0-9]{0,7}`).Draw(t, "group")
			if e.Type == TypeLink {
				e.Target = genName.Draw(t, "target")
			}
			return e
		}
		e.Size = rapid.Int64Range(-1, 1<<40).Draw(t, "size")
		if rapid.Bool().Draw(t, "hasTime") {
			e.ModTime = time.Unix(secs, rapid.Int64Range(0, 999).Draw(t, "ms")*1e6).UTC()
		}
		e.Perm = rapid.StringMatching(`[acdeflmprw]{0,5}`).Draw(t, "perm")
		e.Unique = rapid.StringMatching(`[0-9A-F]{0,8}`).Draw(t, "unique")
		return e
	})
}

func TestListRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genEntry(true).Draw(t, "e")
		// Times within six months are written without a year; parse them
		// back with the same now.
		now := e.ModTime.Add(time.Duration(rapid.Int64Range(0, int64(sixMonths)-1).Draw(t, "age")))
		if rapid.Bool().Draw(t, "old") {
			now = e.ModTime.Add(sixMonths + time.Hour)
			e.ModTime = e.ModTime.Truncate(24 * time.Hour) // only the date survives
		}
		line := string(AppendListLine(nil, e, now))
		got, err := ParseListLine(line, now)
		if err != nil {
			t.Fatalf("ParseListLine(%q): %v", line, err)
		}
		if diff := cmp.Diff(e, got); diff != "" {
			t.Fatalf("round trip of %q mismatch (-want +got):\n%s", line, diff)
		}
	})
}

func TestFactsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genEntry(false).Draw(t, "e")
		line := string(AppendFacts(nil, e))
		got, err := ParseFacts(line)
		if err != nil {
			t.Fatalf("ParseFacts(%q): %v", line, err)
		}
		if diff := cmp.Diff(e, got); diff != "" {
			t.Fatalf("round trip of %q mismatch (-want +got):\n%s", line, diff)
		}
	})
}

func TestASCIIRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		text := rapid.SliceOf(rapid.SampledFrom([]byte("ab\n"))).Draw(t, "text")
		var wire, back bytes.Buffer
		NewASCIIEncoder(&wire).Write(text)
		d := NewASCIIDecoder(&back)
		d.Write(wire.Bytes())
		d.Close()
		if !bytes.Equal(back.Bytes(), text) {
			t.Fatalf("decode(encode(%q)) = %q", text, back.Bytes())
		}
		if bytes.Count(wire.Bytes(), []byte("\r\n")) != bytes.Count(text, []byte("\n")) {
			t.Fatalf("encode(%q) = %q", text, wire.Bytes())
		}
	})
}
