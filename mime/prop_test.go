package mime

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

// Generators.

func genBytes() *rapid.Generator[[]byte] {
	return rapid.OneOf(
		rapid.SliceOfN(rapid.Byte(), 0, 600),
		// Text-like: mostly printable, some line breaks and white space.
		rapid.Map(rapid.StringOfN(rapid.RuneFrom([]rune("abc xyz\t\r\n=.-éü€")), 0, 300, -1), func(s string) []byte { return []byte(s) }),
	)
}

func genText() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.StringMatching(`[A-Za-z0-9 ,.!?'-]{0,200}`),
		rapid.StringOfN(rapid.RuneFrom([]rune("abc é日本 \n€-=_?")), 0, 200, -1),
		rapid.StringN(0, 100, -1),
	)
}

func genAtom() *rapid.Generator[string] { return rapid.StringMatching(`[a-z0-9][a-z0-9+_-]{0,10}`) }

func genDomain() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		labels := rapid.SliceOfN(rapid.StringMatching(`[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?`), 1, 4).Draw(t, "labels")
		return strings.Join(labels, ".")
	})
}

func genMailbox() *rapid.Generator[Address] {
	return rapid.Custom(func(t *rapid.T) Address {
		local := strings.Join(rapid.SliceOfN(genAtom(), 1, 3).Draw(t, "local"), ".")
		if rapid.Bool().Draw(t, "quotedLocal") {
			local = string(appendQuoted(nil, rapid.StringMatching(`[a-z "()<>@,;:]{1,12}`).Draw(t, "qlocal")))
			if isDotAtom(local[1 : len(local)-1]) {
				local = local[1 : len(local)-1]
			}
		}
		name := rapid.OneOf(
			rapid.Just(""),
			rapid.StringMatching(`[A-Za-z][A-Za-z .,"()<>@:;\\]{0,20}[A-Za-z]`),
			rapid.StringOfN(rapid.RuneFrom([]rune("Aé日 bß")), 1, 12, -1),
		).Draw(t, "name")
		name = strings.Join(strings.Fields(name), " ")
		return Address{Name: name, Addr: local + "@" + genDomain().Draw(t, "domain")}
	})
}

func genAddressList() *rapid.Generator[[]Address] {
	return rapid.SliceOfN(rapid.OneOf(
		genMailbox(),
		rapid.Custom(func(t *rapid.T) Address {
			return Address{
				Name:    rapid.StringMatching(`[A-Za-z][A-Za-z ]{0,10}[A-Za-z]`).Draw(t, "group"),
				Group:   true,
				Members: rapid.SliceOfN(genMailbox(), 0, 3).Draw(t, "members"),
			}
		}),
	), 1, 5)
}

// Properties.

func TestPropEncodingsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		data := genBytes().Draw(t, "data")
		for _, enc := range []Encoding{Base64, QuotedPrintable} {
			var buf bytes.Buffer
			var w io.WriteCloser
			if enc == QuotedPrintable {
				w = NewQPEncoder(&buf, true)
			} else {
				w = NewBase64Encoder(&buf)
			}
			// Write in random pieces to exercise the streaming state.
			rest := data
			for len(rest) > 0 {
				n := rapid.IntRange(1, len(rest)).Draw(t, "piece")
				w.Write(rest[:n])
				rest = rest[n:]
			}
			w.Close()
			for _, line := range strings.Split(buf.String(), "\r\n") {
				if len(line) > MaxEncodedLineLength {
					t.Fatalf("%s: line of %d characters", enc, len(line))
				}
				if strings.ContainsAny(line, "\r\n") || !isASCII([]byte(line)) {
					t.Fatalf("%s: line %q not 7-bit", enc, line)
				}
			}
			encoded := buf.Bytes()
			got, err := io.ReadAll(mustDecoder(enc, bytes.NewReader(encoded)))
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("%s round trip: got %q, %v; want %q", enc, got, err, data)
			}
			// The same through readers that return little at a time.
			for _, r := range []io.Reader{iotest.OneByteReader(bytes.NewReader(encoded)), iotest.HalfReader(bytes.NewReader(encoded))} {
				got, err := io.ReadAll(mustDecoder(enc, r))
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("%s round trip in small reads: got %q, %v; want %q", enc, got, err, data)
				}
			}
		}
		// QP text mode keeps text with CRLF line breaks as it is.
		text := normalizeCRLF(data)
		var buf bytes.Buffer
		w := NewQPEncoder(&buf, false)
		w.Write(text)
		w.Close()
		got, err := io.ReadAll(NewQPDecoder(&buf))
		if err != nil || !bytes.Equal(got, text) {
			t.Fatalf("QP text round trip: got %q, %v; want %q", got, err, text)
		}
	})
}

func mustDecoder(e Encoding, r io.Reader) io.Reader {
	d, err := NewDecoder(e, r)
	if err != nil {
		panic(err)
	}
	return d
}

func TestPropEncodedWords(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genText().Draw(t, "s")
		s = strings.ToValidUTF8(s, "?")
		if strings.ContainsAny(s, "\r\n") {
			s = strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
		}
		enc := EncodeHeader(s)
		for _, w := range strings.Fields(enc) {
			if strings.HasPrefix(w, "=?") && len(w) > maxEncodedWordLength {
				t.Fatalf("word %q too long", w)
			}
		}
		got, err := DecodeHeader(enc)
		if err != nil || got != s {
			t.Fatalf("DecodeHeader(EncodeHeader(%q)) = %q (via %q), %v", s, got, enc, err)
		}
	})
}

func TestPropAddressRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		list := genAddressList().Draw(t, "list")
		s := FormatAddressList(list)
		got, err := ParseAddressList(s)
		if err != nil {
			t.Fatalf("ParseAddressList(%q): %v", s, err)
		}
		if diff := cmp.Diff(list, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("ParseAddressList(%q) mismatch (-want +got):\n%s", s, diff)
		}
		// Folded into a header field and read back, it is still the same.
		b, err := AppendField(nil, "To", s)
		if err != nil {
			t.Fatal(err)
		}
		h, _, err := ParseHeader(append(b, "\r\n"...))
		if err != nil {
			t.Fatal(err)
		}
		got, err = ParseAddressList(h.Get("To"))
		if err != nil {
			t.Fatalf("after folding: %v", err)
		}
		if diff := cmp.Diff(list, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("after folding %q mismatch (-want +got):\n%s", b, diff)
		}
	})
}

func TestPropMediaTypeRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := MediaType{
			Type:    rapid.StringMatching(`[a-z]{1,10}`).Draw(t, "type"),
			Subtype: rapid.StringMatching(`[a-z0-9][a-z0-9.+-]{0,15}`).Draw(t, "subtype"),
		}
		names := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z][a-z0-9-]{0,8}`), 0, 4, rapid.ID[string]).Draw(t, "names")
		for _, n := range names {
			v := genText().Draw(t, "value")
			m.Params = append(m.Params, Param{n, strings.ToValidUTF8(v, "?")})
		}
		s := m.String()
		b, err := AppendField(nil, "Content-Type", s)
		if err != nil {
			t.Skip("value cannot be folded:", err)
		}
		h, _, _ := ParseHeader(append(b, "\r\n"...))
		got, err := ParseMediaType(h.Get("Content-Type"))
		if err != nil {
			t.Fatalf("ParseMediaType(%q): %v", s, err)
		}
		// Folding cannot keep CR and LF inside values; they come back as
		// nothing (inside quotes) so compare without them.
		want := m
		want.Params = nil
		for _, p := range m.Params {
			want.Params = append(want.Params, Param{p.Name, p.Value})
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip of %q mismatch (-want +got):\n%s", s, diff)
		}
	})
}

func TestPropDateRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sec := rapid.Int64Range(-2208988800, 253402300799).Draw(t, "sec") // years 1900-9999
		off := rapid.IntRange(-14*60, 14*60).Draw(t, "offset")
		d := time.Unix(sec, 0).In(time.FixedZone("", off*60))
		got, err := ParseDate(FormatDate(d))
		if err != nil || !got.Equal(d) {
			t.Fatalf("ParseDate(%q) = %v, %v; want %v", FormatDate(d), got, err, d)
		}
		_, gotOff := got.Zone()
		if gotOff != off*60 {
			t.Fatalf("offset %d, want %d", gotOff, off*60)
		}
	})
}

// TestPropBuildParse builds random messages and parses them: the tree has
// no problems, the message is 7-bit clean, and every body comes back.
func TestPropBuildParse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		b := Builder{
			From:    []Address{genMailbox().Draw(t, "from")},
			To:      rapid.SliceOfN(genMailbox(), 0, 3).Draw(t, "to"),
			Subject: strings.Join(strings.Fields(strings.ToValidUTF8(genText().Draw(t, "subject"), "?")), " "),
			Text:    strings.ToValidUTF8(genText().Draw(t, "text"), "?"),
		}
		if rapid.Bool().Draw(t, "html") {
			b.HTML = "<p>" + strings.ToValidUTF8(genText().Draw(t, "html"), "?") + "</p>"
		}
		n := 0
		if b.HTML != "" {
			n = rapid.IntRange(0, 3).Draw(t, "inline")
		}
		for i := range n {
			b.Inline = append(b.Inline, Attachment{ContentType: "image/png", ContentID: "img" + string(rune('a'+i)), Data: genBytes().Draw(t, "img")})
		}
		n = rapid.IntRange(0, 3).Draw(t, "attachments")
		for range n {
			ct := rapid.SampledFrom([]string{"application/octet-stream", "text/plain; charset=utf-8", "image/jpeg"}).Draw(t, "ct")
			data := genBytes().Draw(t, "data")
			if strings.HasPrefix(ct, "text/") {
				data = []byte(strings.ToValidUTF8(string(data), "?"))
			}
			b.Attachments = append(b.Attachments, Attachment{
				Filename:    strings.ToValidUTF8(rapid.StringN(1, 30, -1).Draw(t, "filename"), "?"),
				ContentType: ct,
				Data:        data,
			})
		}
		msg, err := b.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range bytes.Split(msg, []byte("\r\n")) {
			if len(line) > MaxLineLength || !isASCII(line) || bytes.ContainsAny(line, "\r\n\x00") {
				t.Fatalf("line %d not valid for 7-bit SMTP: %q", i, line)
			}
		}
		m := ParseBytes(msg)
		if len(m.Problems) > 0 {
			t.Fatalf("problems %v in\n%s", m.Problems, msg)
		}
		var bodies [][]byte
		var names []string
		m.Walk(func(p *Part) error {
			if p.IsMultipart() {
				return nil
			}
			body, err := io.ReadAll(p.Body())
			if err != nil {
				t.Fatalf("part %s: %v", p.Section, err)
			}
			bodies = append(bodies, body)
			names = append(names, p.Filename())
			return nil
		})
		var want [][]byte
		var wantNames []string
		if b.Text != "" || b.HTML == "" && len(b.Attachments) == 0 {
			want = append(want, normalizeCRLF([]byte(b.Text)))
			wantNames = append(wantNames, "")
		}
		if b.HTML != "" {
			want = append(want, normalizeCRLF([]byte(b.HTML)))
			wantNames = append(wantNames, "")
			for _, a := range b.Inline {
				want = append(want, a.Data)
				wantNames = append(wantNames, "")
			}
		}
		for _, a := range b.Attachments {
			d := a.Data
			if strings.HasPrefix(a.ContentType, "text/") {
				d = normalizeCRLF(d)
			}
			want = append(want, d)
			wantNames = append(wantNames, a.Filename)
		}
		if diff := cmp.Diff(want, bodies, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("bodies mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantNames, names); diff != "" {
			t.Fatalf("file names mismatch (-want +got):\n%s", diff)
		}
		if got := m.Header.Text("Subject"); got != b.Subject {
			t.Fatalf("Subject = %q, want %q", got, b.Subject)
		}
		env := m.Header.Envelope()
		if diff := cmp.Diff(b.To, env.To, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("To mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestPropHeaderRoundTrip: a header written with AppendTo (folded where
// long) parses back to the same names and values, with lines within the
// limits.
func TestPropHeaderRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 10).Draw(t, "n")
		var h Header
		for range n {
			name := rapid.StringMatching(`[A-Za-z][A-Za-z0-9-]{0,20}`).Draw(t, "name")
			words := rapid.SliceOfN(rapid.StringMatching(`[!-~]{1,30}`), 0, 20).Draw(t, "words")
			h.Add(name, strings.Join(words, " "))
		}
		b, err := h.AppendTo(nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
			if len(line) > RecommendedLineLength {
				t.Fatalf("line of %d octets: %q", len(line), line)
			}
		}
		got, size, err := ParseHeader(b)
		if err != nil || size != len(b) {
			t.Fatalf("ParseHeader: %v, size %d of %d", err, size, len(b))
		}
		if len(got) != len(h) {
			t.Fatalf("%d fields, want %d", len(got), len(h))
		}
		for i := range h {
			if got[i].Name != h[i].Name || got[i].Value != h[i].Value {
				t.Fatalf("field %d = %q: %q, want %q: %q", i, got[i].Name, got[i].Value, h[i].Name, h[i].Value)
			}
		}
	})
}

// TestPropChosenEncodingAccepts: whatever encoding ChooseEncoding and
// identityEncoding pick, the matching encoder accepts the data.
func TestPropChosenEncodingAccepts(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		data := genBytes().Draw(t, "data")
		if rapid.Bool().Draw(t, "crlf") {
			data = normalizeCRLF(data)
		}
		for _, e := range []Encoding{ChooseEncoding(data, true), ChooseEncoding(data, false), identityEncoding(data)} {
			w, err := NewEncoder(e, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(data); err != nil {
				t.Fatalf("%s refuses %q: %v", e, data, err)
			}
			if err := w.Close(); err != nil {
				t.Fatalf("%s refuses %q at Close: %v", e, data, err)
			}
		}
	})
}
