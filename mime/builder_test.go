package mime

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// check7bit verifies that a message can travel over 7-bit SMTP: ASCII
// only, CRLF line breaks, lines of at most 998 octets.
func check7bit(t *testing.T, msg []byte) {
	t.Helper()
	for i, line := range bytes.Split(msg, []byte("\r\n")) {
		if len(line) > MaxLineLength {
			t.Errorf("line %d has %d octets", i+1, len(line))
		}
		for _, c := range line {
			if c >= 0x80 || c == 0 || c == '\r' || c == '\n' {
				t.Errorf("line %d has octet %#x: %q", i+1, c, line)
				break
			}
		}
	}
}

func TestBuilderText(t *testing.T) {
	b := Builder{
		From:      []Address{{Name: "Alice", Addr: "alice@crepes.fr"}},
		To:        []Address{{Addr: "bob@hamburger.edu"}},
		Subject:   "Do you like ketchup?",
		Date:      time.Date(2006, 9, 18, 19, 40, 19, 0, time.FixedZone("", -4*3600)),
		MessageID: "<1@crepes.fr>",
		Text:      "Do you like ketchup?\nHow about pickles?\n",
	}
	msg, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	want := "Date: Mon, 18 Sep 2006 19:40:19 -0400\r\n" +
		"From: Alice <alice@crepes.fr>\r\n" +
		"To: bob@hamburger.edu\r\n" +
		"Message-ID: <1@crepes.fr>\r\n" +
		"Subject: Do you like ketchup?\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=us-ascii\r\n" +
		"Content-Transfer-Encoding: 7bit\r\n" +
		"\r\n" +
		"Do you like ketchup?\r\nHow about pickles?\r\n"
	if string(msg) != want {
		t.Errorf("message:\n%s\nwant:\n%s", msg, want)
	}
	var buf bytes.Buffer
	n, err := b.WriteTo(&buf)
	if err != nil || n != int64(len(want)) || buf.String() != want {
		t.Errorf("WriteTo = %d, %v; want %d octets", n, err, len(want))
	}
}

func TestBuilderFull(t *testing.T) {
	jpeg := make([]byte, 3000)
	for i := range jpeg {
		jpeg[i] = byte(i * 31)
	}
	b := Builder{
		From:    []Address{{Name: "Alice Crêpe", Addr: "alice@crepes.fr"}},
		To:      []Address{{Name: "Bob", Addr: "bob@hamburger.edu"}},
		Cc:      []Address{{Name: "Team", Group: true, Members: []Address{{Addr: "carol@example.org"}}}},
		Subject: "Crêpes, photos et résumé — " + strings.Repeat("long subject ", 8),
		Text:    "Bob,\nHere's something I collect.\nAlice\n",
		HTML:    "<p>Bob,</p><p>Here's a crêpe: <img src=\"cid:crepe@crepes.fr\"></p>",
		Inline:  []Attachment{{ContentType: "image/jpeg", ContentID: "crepe@crepes.fr", Data: jpeg}},
		Attachments: []Attachment{
			{Filename: "résumé de la recette.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("Farine, œufs, lait.\n" + strings.Repeat("x", 200) + "\n")},
			{Filename: "data.bin", Reader: bytes.NewReader(jpeg[:1000])},
			{ContentType: "message/rfc822", Data: []byte("Subject: inner\r\n\r\nforwarded\r\n")},
		},
	}
	msg, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	check7bit(t, msg)
	m := ParseBytes(msg)
	if len(m.Problems) != 0 {
		t.Fatalf("problems: %v", m.Problems)
	}
	type leaf struct {
		Section, Type string
		Encoding      Encoding
		Filename, ID  string
		Body          string
	}
	var got []leaf
	m.Walk(func(p *Part) error {
		body := ""
		if !p.IsMultipart() && p.Message == nil {
			r, err := p.Text()
			if p.Type != "text" {
				r, err = p.Body(), nil
			}
			if err != nil {
				t.Fatalf("part %s: %v", p.Section, err)
			}
			bb, _ := io.ReadAll(r)
			body = string(bb)
		}
		got = append(got, leaf{p.Section, p.MediaType(), p.Encoding, p.Filename(), p.ID, body})
		return nil
	})
	want := []leaf{
		{"", "multipart/mixed", SevenBit, "", "", ""},
		{"1", "multipart/alternative", SevenBit, "", "", ""},
		{"1.1", "text/plain", SevenBit, "", "", "Bob,\r\nHere's something I collect.\r\nAlice\r\n"},
		{"1.2", "multipart/related", SevenBit, "", "", ""},
		{"1.2.1", "text/html", QuotedPrintable, "", "", b.HTML},
		{"1.2.2", "image/jpeg", Base64, "", "<crepe@crepes.fr>", string(jpeg)},
		{"2", "text/plain", QuotedPrintable, "résumé de la recette.txt", "", "Farine, œufs, lait.\r\n" + strings.Repeat("x", 200) + "\r\n"},
		{"3", "application/octet-stream", Base64, "data.bin", "", string(jpeg[:1000])},
		{"4", "message/rfc822", SevenBit, "", "", ""},
		{"4", "text/plain", SevenBit, "", "", "forwarded\r\n"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tree mismatch (-want +got):\n%s", diff)
	}
	if s := m.Header.Text("Subject"); s != b.Subject {
		t.Errorf("Subject = %q, want %q", s, b.Subject)
	}
	env := m.Header.Envelope()
	if diff := cmp.Diff(b.From, env.From); diff != "" {
		t.Errorf("From mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(b.Cc, env.Cc); diff != "" {
		t.Errorf("Cc mismatch (-want +got):\n%s", diff)
	}
	if !strings.HasSuffix(env.MessageID, "@crepes.fr>") {
		t.Errorf("Message-ID = %q", env.MessageID)
	}
}

func TestChooseEncoding(t *testing.T) {
	tests := []struct {
		data string
		text bool
		want Encoding
	}{
		{"Hello\r\nBob\r\n", true, SevenBit},
		{"Hello\nBob", true, QuotedPrintable}, // bare LF
		{strings.Repeat("a", 79), true, QuotedPrintable},
		{"café au lait", true, QuotedPrintable},
		{"日本語のテキスト", true, Base64},
		{"Hello", false, Base64},
		{"a longer line with a nul\x00 in it", true, QuotedPrintable},
	}
	for _, tt := range tests {
		if got := ChooseEncoding([]byte(tt.data), tt.text); got != tt.want {
			t.Errorf("ChooseEncoding(%q, %v) = %s, want %s", tt.data, tt.text, got, tt.want)
		}
	}
}

func TestBuilderErrors(t *testing.T) {
	if _, err := (&Builder{Text: "x"}).Bytes(); err != ErrMissingFrom {
		t.Errorf("no From: error = %v", err)
	}
	b := Builder{From: []Address{{Addr: "a@b.c"}}, Header: Header{{Name: "X-Bad", Value: "a\r\nBcc: x@y.z"}}}
	if _, err := b.Bytes(); err == nil {
		t.Error("header injection accepted")
	}
	b = Builder{From: []Address{{Addr: "a@b.c"}}, Header: Header{{Name: "X-Bad", Value: "é\r\nBcc: x@y.z"}}}
	if _, err := b.Bytes(); err == nil {
		t.Error("header injection with non-ASCII accepted")
	}
	b = Builder{From: []Address{{Addr: "a@b.c"}}, Header: Header{{Name: "Comments", Value: "très bien"}}}
	if msg, err := b.Bytes(); err != nil || !bytes.Contains(msg, []byte("Comments: =?utf-8?q?tr=C3=A8s_bien?=\r\n")) {
		t.Errorf("non-ASCII comment: %q, %v", msg, err)
	}
	b = Builder{From: []Address{{Addr: "a@b.c"}}, Attachments: []Attachment{{ContentType: "text/csv", Data: []byte("café\n")}}}
	if msg, err := b.Bytes(); err != nil || ParseBytes(msg).Parts[0].Charset() != "utf-8" {
		t.Errorf("text attachment without charset: %q, %v", msg, err)
	}
	b = Builder{From: []Address{{Addr: "a@b.c"}}, Text: "x", Inline: []Attachment{{Data: []byte("x")}}}
	if _, err := b.Bytes(); err == nil {
		t.Error("inline parts without HTML accepted")
	}
	same := bytes.NewReader(bytes.Repeat([]byte{1}, 1000))
	b = Builder{From: []Address{{Addr: "a@b.c"}}, Rand: same, Text: "--=_AEAQCAIBAEAQCAIBAEAQCAIB\r\n", Attachments: []Attachment{{Data: []byte("x")}}}
	if _, err := b.Bytes(); err == nil {
		t.Error("boundary occurring in the content accepted")
	}
}

func TestBuilderMessageAttachment(t *testing.T) {
	tests := []struct {
		data string
		want Encoding
	}{
		{"Subject: x\n\nplain\n", SevenBit}, // LF normalised to CRLF
		{"Subject: caf\xc3\xa9\r\n\r\nx\r\n", EightBit},
		{"Subject: x\r\n\r\n" + strings.Repeat("y", 1200) + "\r\n", Binary},
	}
	for _, tt := range tests {
		b := Builder{From: []Address{{Addr: "a@b.c"}}, Attachments: []Attachment{{ContentType: "message/rfc822", Data: []byte(tt.data)}}}
		msg, err := b.Bytes()
		if err != nil {
			t.Fatalf("%.20q: %v", tt.data, err)
		}
		p := ParseBytes(msg).Parts[0]
		if p.Encoding != tt.want || p.Message == nil {
			t.Errorf("%.20q: encoding %s, parsed %v; want %s", tt.data, p.Encoding, p.Message != nil, tt.want)
		}
	}
}
