package imap

import (
	"bufio"
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

const atomAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&'+,-./:;<=>?@^_`|~"

func genAtom() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		n := rapid.IntRange(1, 12).Draw(t, "n")
		b := make([]byte, n)
		for i := range b {
			b[i] = atomAlphabet[rapid.IntRange(0, len(atomAlphabet)-1).Draw(t, "c")]
		}
		s := string(b)
		if equalFold(s, "NIL") || s[0] == '~' {
			s = "x" + s
		}
		return s
	})
}

func genValue(depth int) *rapid.Generator[Value] {
	return rapid.Custom(func(t *rapid.T) Value {
		k := rapid.IntRange(0, 3).Draw(t, "kind")
		if depth >= 3 && k == 3 {
			k = 0
		}
		switch k {
		case 0:
			return Atom(genAtom().Draw(t, "atom"))
		case 1:
			return String(rapid.String().Draw(t, "string"))
		case 2:
			return Nil{}
		}
		n := rapid.IntRange(0, 4).Draw(t, "len")
		l := List{}
		for range n {
			l = append(l, genValue(depth+1).Draw(t, "elem"))
		}
		return l
	})
}

func readerOf(b []byte) *Reader { return NewReader(bufio.NewReader(bytes.NewReader(b))) }

func TestPropValueRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := genValue(0).Draw(t, "v")
		b := AppendValue(nil, v)
		b = append(b, "\r\n"...)
		got, err := readerOf(b).Values()
		if err != nil {
			t.Fatalf("Values(%q): %v", b, err)
		}
		if diff := cmp.Diff([]Value{v}, got); diff != "" {
			t.Fatalf("round trip of %q mismatch (-want +got):\n%s", b, diff)
		}
	})
}

func genCommand() *rapid.Generator[*Command] {
	return rapid.Custom(func(t *rapid.T) *Command {
		c := &Command{
			Tag:  genAtom().Draw(t, "tag"),
			Name: upper(genAtom().Filter(func(s string) bool { return !equalFold(s, "UID") && validTag(s) }).Draw(t, "name")),
			UID:  rapid.Bool().Draw(t, "uid"),
		}
		if !validTag(c.Tag) {
			c.Tag = "t" + c.Tag[1:]
		}
		if !validTag(c.Tag) {
			c.Tag = "t"
		}
		for range rapid.IntRange(0, 4).Draw(t, "nargs") {
			c.Args = append(c.Args, genValue(1).Draw(t, "arg"))
		}
		return c
	})
}

func TestPropCommandRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genCommand().Draw(t, "cmd")
		for _, nonSync := range []bool{false, true} {
			b := AppendCommand(nil, c, nonSync)
			got, err := ReadCommand(readerOf(b))
			if err != nil {
				t.Fatalf("ReadCommand(%q): %v", b, err)
			}
			if diff := cmp.Diff(c, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("round trip of %q mismatch (-want +got):\n%s", b, diff)
			}
		}
	})
}

func genText() *rapid.Generator[string] {
	return rapid.StringMatching(`[a-zA-Z0-9][ -Z\\^-~]{0,20}`)
}

func TestPropResponseRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := &Response{}
		switch rapid.IntRange(0, 2).Draw(t, "kind") {
		case 0:
			r.Tag = rapid.SampledFrom([]string{"*", "a1", "A.2"}).Draw(t, "tag")
			r.Status = rapid.SampledFrom([]StatusType{StatusOK, StatusNO, StatusBAD, StatusBYE, StatusPREAUTH}).Draw(t, "status")
			if rapid.Bool().Draw(t, "code") {
				r.Code = upper(genAtom().Draw(t, "code"))
				for range rapid.IntRange(0, 2).Draw(t, "ncode") {
					r.CodeArgs = append(r.CodeArgs, genValue(1).Draw(t, "carg"))
				}
			}
			r.Text = genText().Draw(t, "text")
		case 1:
			r.Tag = "+"
			r.Text = genText().Draw(t, "text")
		case 2:
			r.Tag = "*"
			r.Num = rapid.Uint32().Draw(t, "num")
			r.Name = upper(genAtom().Filter(func(s string) bool {
				_, isStatus := parseStatusType(s)
				_, isNum := Atom(s).Number()
				return !isStatus && !isNum && validTag(s)
			}).Draw(t, "name"))
			for range rapid.IntRange(0, 3).Draw(t, "nargs") {
				r.Args = append(r.Args, genValue(1).Draw(t, "arg"))
			}
		}
		b := AppendResponse(nil, r)
		got, err := ReadResponse(readerOf(b))
		if err != nil {
			t.Fatalf("ReadResponse(%q): %v", b, err)
		}
		if diff := cmp.Diff(r, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip of %q mismatch (-want +got):\n%s", b, diff)
		}
	})
}

func TestPropSeqSetRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var s SeqSet
		for range rapid.IntRange(1, 5).Draw(t, "n") {
			s = append(s, SeqRange{rapid.Uint32().Draw(t, "a"), rapid.Uint32().Draw(t, "b")})
		}
		for i := range s {
			if s[i].Start == s[i].Stop {
				continue
			}
		}
		got, err := ParseSeqSet(s.String())
		if err != nil {
			t.Fatalf("ParseSeqSet(%q): %v", s.String(), err)
		}
		if got.String() != s.String() {
			t.Fatalf("round trip %q -> %q", s.String(), got.String())
		}
		nums := rapid.SliceOfN(rapid.Uint32Range(1, 1000), 0, 20).Draw(t, "nums")
		set := SeqSetOf(nums...)
		for _, n := range nums {
			if !set.Contains(n, 1000) {
				t.Fatalf("SeqSetOf(%v) = %v misses %d", nums, set, n)
			}
		}
	})
}

func genSearchKey(depth int) *rapid.Generator[SearchKey] {
	return rapid.Custom(func(t *rapid.T) SearchKey {
		ops := []string{"ALL", "SEEN", "UNSEEN", "FROM", "SUBJECT", "BODY", "HEADER", "SINCE", "BEFORE", "LARGER", "KEYWORD", "UID", "SEQ"}
		if depth < 3 {
			ops = append(ops, "NOT", "OR", "AND")
		}
		op := rapid.SampledFrom(ops).Draw(t, "op")
		k := SearchKey{Op: op}
		switch op {
		case "FROM", "SUBJECT", "BODY":
			k.Str = rapid.String().Draw(t, "str")
		case "HEADER":
			k.Field = genAtom().Draw(t, "field")
			k.Str = rapid.String().Draw(t, "str")
		case "SINCE", "BEFORE":
			k.Date = time.Date(rapid.IntRange(1970, 2100).Draw(t, "y"), time.Month(rapid.IntRange(1, 12).Draw(t, "m")), rapid.IntRange(1, 28).Draw(t, "d"), 0, 0, 0, 0, time.UTC)
		case "LARGER":
			k.Num = rapid.Uint64().Draw(t, "num")
		case "KEYWORD":
			k.Str = genAtom().Filter(func(s string) bool { return isAtomChar(s[0]) }).Draw(t, "kw")
		case "UID", "SEQ":
			k.Seq = SeqSet{{rapid.Uint32Range(1, 99).Draw(t, "a"), rapid.Uint32Range(0, 99).Draw(t, "b")}}
		case "NOT":
			k.Keys = []SearchKey{genSearchKey(depth+1).Draw(t, "k")}
		case "OR":
			k.Keys = []SearchKey{genSearchKey(depth+1).Draw(t, "k1"), genSearchKey(depth+1).Draw(t, "k2")}
		case "AND":
			for range rapid.IntRange(1, 3).Draw(t, "n") {
				k.Keys = append(k.Keys, genSearchKey(depth+1).Draw(t, "k"))
			}
		}
		return k
	})
}

func TestPropSearchRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		keys := rapid.SliceOfN(genSearchKey(0), 1, 3).Draw(t, "keys")
		cmd := &Command{Tag: "a", Name: "SEARCH", Args: SearchValues(keys)}
		b := AppendCommand(nil, cmd, true)
		got, err := ReadCommand(readerOf(b))
		if err != nil {
			t.Fatalf("ReadCommand(%q): %v", b, err)
		}
		sc, err := ParseSearch(got.Args, 0)
		if err != nil {
			t.Fatalf("ParseSearch(%q): %v", b, err)
		}
		if diff := cmp.Diff(keys, sc.Keys, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip of %q mismatch (-want +got):\n%s", b, diff)
		}
	})
}

func TestPropFetchItemRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		it := FetchItem{Name: rapid.SampledFrom([]string{FetchFlags, FetchUID, FetchEnvelope, FetchBody, FetchBinary, FetchBinarySize}).Draw(t, "name")}
		if it.Name == FetchBody || it.Name == FetchBinary || it.Name == FetchBinarySize {
			sec := &Section{Part: rapid.SliceOfN(rapid.IntRange(1, 30), 0, 3).Draw(t, "part")}
			if it.Name == FetchBody {
				sec.Specifier = rapid.SampledFrom([]string{"", "HEADER", "TEXT", "HEADER.FIELDS", "HEADER.FIELDS.NOT"}).Draw(t, "spec")
				if sec.Specifier != "" && rapid.Bool().Draw(t, "mime") && len(sec.Part) > 0 {
					sec.Specifier = "MIME"
				}
				if sec.Specifier == "HEADER.FIELDS" || sec.Specifier == "HEADER.FIELDS.NOT" {
					sec.Fields = rapid.SliceOfN(rapid.StringMatching(`[A-Z][A-Z0-9-]{0,8}`), 1, 3).Draw(t, "fields")
				}
			}
			it.Section = sec
			if it.Name != FetchBinarySize {
				it.Peek = rapid.Bool().Draw(t, "peek")
				if rapid.Bool().Draw(t, "partial") {
					it.Partial = &Partial{rapid.Uint32().Draw(t, "off"), rapid.Uint32Range(1, 1<<31).Draw(t, "cnt")}
				}
			}
		}
		got, err := ParseFetchItem(it.String())
		if err != nil {
			t.Fatalf("ParseFetchItem(%q): %v", it.String(), err)
		}
		if diff := cmp.Diff(it, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip of %q mismatch (-want +got):\n%s", it.String(), diff)
		}
	})
}

func genAddresses() *rapid.Generator[[]Address] {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Address {
		return Address{Name: rapid.String().Draw(t, "name"), Mailbox: rapid.String().Draw(t, "mbox"), Host: rapid.String().Draw(t, "host")}
	}), 0, 2)
}

func genEnvelope() *rapid.Generator[*Envelope] {
	return rapid.Custom(func(t *rapid.T) *Envelope {
		return &Envelope{Date: rapid.String().Draw(t, "date"), Subject: rapid.String().Draw(t, "subject"),
			From: genAddresses().Draw(t, "from"), To: genAddresses().Draw(t, "to"), Cc: genAddresses().Draw(t, "cc"),
			MessageID: rapid.String().Draw(t, "msgid")}
	})
}

func genParams() *rapid.Generator[map[string]string] {
	return rapid.MapOfN(rapid.StringMatching(`[A-Z]{1,6}`), rapid.String(), 0, 2)
}

func genBody(depth int) *rapid.Generator[*BodyStructure] {
	return rapid.Custom(func(t *rapid.T) *BodyStructure {
		if depth < 2 && rapid.IntRange(0, 3).Draw(t, "multi") == 0 {
			b := &BodyStructure{Type: "MULTIPART", Subtype: rapid.StringMatching(`[A-Z]{1,8}`).Draw(t, "sub"), Params: genParams().Draw(t, "params")}
			for range rapid.IntRange(1, 3).Draw(t, "n") {
				b.Parts = append(b.Parts, genBody(depth+1).Draw(t, "part"))
			}
			return b
		}
		b := &BodyStructure{
			Type:     rapid.SampledFrom([]string{"TEXT", "IMAGE", "APPLICATION", "MESSAGE"}).Draw(t, "type"),
			Subtype:  rapid.StringMatching(`[A-Z]{1,8}`).Draw(t, "sub"),
			Params:   genParams().Draw(t, "params"),
			ID:       rapid.String().Draw(t, "id"),
			Encoding: rapid.SampledFrom([]string{"7BIT", "BASE64", "QUOTED-PRINTABLE"}).Draw(t, "enc"),
			Size:     rapid.Uint32().Draw(t, "size"),
		}
		if b.Type == "TEXT" {
			b.Lines = rapid.Uint32().Draw(t, "lines")
		}
		if b.Type == "MESSAGE" && depth < 2 {
			b.Subtype = "RFC822"
			b.Envelope = genEnvelope().Draw(t, "env")
			b.Body = genBody(depth+1).Draw(t, "body")
			b.Lines = rapid.Uint32().Draw(t, "lines")
		}
		if rapid.Bool().Draw(t, "disp") {
			b.Disposition = rapid.SampledFrom([]string{"inline", "attachment"}).Draw(t, "d")
			b.DispositionParams = genParams().Draw(t, "dp")
		}
		return b
	})
}

func TestPropBodyStructureRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		bs := genBody(0).Draw(t, "bs")
		env := genEnvelope().Draw(t, "env")
		resp := &Response{Tag: "*", Num: 1, Name: "FETCH", Args: []Value{List{Atom("BODYSTRUCTURE"), bs.Value(true), Atom("ENVELOPE"), env.Value()}}}
		b := AppendResponse(nil, resp)
		got, err := ReadResponse(readerOf(b))
		if err != nil {
			t.Fatalf("ReadResponse(%q): %v", b, err)
		}
		d, err := ParseFetchData(got.Num, got.Args)
		if err != nil {
			t.Fatalf("ParseFetchData(%q): %v", b, err)
		}
		if diff := cmp.Diff(bs, d.BodyStructure, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("BODYSTRUCTURE round trip of %q mismatch (-want +got):\n%s", b, diff)
		}
		if diff := cmp.Diff(env, d.Envelope, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("ENVELOPE round trip of %q mismatch (-want +got):\n%s", b, diff)
		}
	})
}
