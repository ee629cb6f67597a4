package mime_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/applayer/applayer/mime"
)

// crlf turns the LF line ends of a literal into the CRLF of mail.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// The lesson's first MIME message (CHECKLIST D.1): one JPEG image, base64
// encoded, in place of a text body.
func ExampleParseBytes_crepe() {
	msg := crlf(`From: alice@crepes.fr
To: bob@hamburger.edu
Subject: Picture of yummy crepe.
MIME-Version: 1.0
Content-Transfer-Encoding: base64
Content-Type: image/jpeg

/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////
////////////////////////////////////////////2Q==
`)
	m := mime.ParseBytes([]byte(msg))
	fmt.Println("From:", m.Header.Get("From"))
	fmt.Println("type:", m.MediaType(), "encoding:", m.Encoding)
	jpeg, _ := io.ReadAll(m.Body())
	fmt.Printf("%d encoded octets decode to %d; JPEG start of image: % X\n", m.BodySize, len(jpeg), jpeg[:2])
	// Output:
	// From: alice@crepes.fr
	// type: image/jpeg encoding: base64
	// 128 encoded octets decode to 91; JPEG start of image: FF D8
}

// The lesson's multipart/mixed message from Alice to Bob (CHECKLIST D.2),
// with the defects of the slide fixed: straight quotes around the boundary,
// delimiter lines of "--" plus the boundary, blank lines after each header,
// and a close delimiter.
func ExampleParseBytes_aliceToBob() {
	m := mime.ParseBytes([]byte(crlf(aliceToBob)))
	fmt.Println("Subject:", m.Header.Get("Subject"))
	m.Walk(func(p *mime.Part) error {
		fmt.Printf("section %-4q %-16s %-6s %3d octets\n", p.Section, p.MediaType(), p.Encoding, p.BodySize)
		return nil
	})
	text, _ := m.Parts[0].Text()
	b, _ := io.ReadAll(text)
	fmt.Println(strings.ReplaceAll(string(b), "\r\n", "\n"))
	fmt.Println("problems:", len(m.Problems))
	// Output:
	// Subject: hello
	// section ""   multipart/mixed  7bit   354 octets
	// section "1"  text/plain       7bit    40 octets
	// section "2"  image/jpeg       base64  76 octets
	// Bob,
	// Here's something I collect.
	// Alice
	// problems: 0
}

const aliceToBob = `MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="-------417CBA32DF8945BE748"
From: Alice <alice@crepes.fr>
To: Bob <bob@hamburger.edu>
Subject: hello
Date: Mon, 18 Sep 2006 19:40:19 -0400

---------417CBA32DF8945BE748
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

Bob,
Here's something I collect.
Alice
---------417CBA32DF8945BE748
Content-Type: image/jpeg
Content-Transfer-Encoding: base64

/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////
---------417CBA32DF8945BE748--
`

// The same message as the slide shows it: the parser still reads what it
// can and says what is wrong.
func ExampleParseBytes_asSeeded() {
	seeded := crlf("MIME-Version:1.1\n" +
		"Content-Type:multipart/mixed;boundary=\u201c-------417CBA32DF8945BE748\u201d\n" +
		"Subject:hello\n" +
		"-------417CBA32DF8945BE748\n" +
		"Content-Type:text/plain;charset=us-ascii\n")
	m := mime.ParseBytes([]byte(seeded))
	for _, p := range m.Problems {
		fmt.Println(p)
	}
	// Output:
	// message at offset 105: mime: malformed header line
	// message at offset 0: mime: malformed parameter: special character in unquoted value at offset 25 in "multipart/mixed;boundary=“-------417CBA32DF8945BE748”"
	// message at offset 105: mime: multipart body has no delimiter line
}

// Building the Alice-to-Bob message: the Builder picks 7bit for the short
// ASCII text and base64 for the image, and makes the boundary.
func ExampleBuilder() {
	b := mime.Builder{
		From:      []mime.Address{{Name: "Alice", Addr: "alice@crepes.fr"}},
		To:        []mime.Address{{Name: "Bob", Addr: "bob@hamburger.edu"}},
		Subject:   "hello",
		Date:      time.Date(2006, 9, 18, 19, 40, 19, 0, time.FixedZone("", -4*3600)),
		MessageID: "<417CBA32DF8945BE748@crepes.fr>",
		Text:      "Bob,\nHere's something I collect.\nAlice\n",
		Attachments: []mime.Attachment{
			{Filename: "crêpe.jpg", ContentType: "image/jpeg", Data: []byte("\xff\xd8\xff\xe0 JFIF")},
		},
		Rand: bytes.NewReader(make([]byte, 64)), // reproducible boundary for this example
	}
	msg, err := b.Bytes()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(strings.ReplaceAll(string(msg), "\r\n", "\n"))
	// Output:
	// Date: Mon, 18 Sep 2006 19:40:19 -0400
	// From: Alice <alice@crepes.fr>
	// To: Bob <bob@hamburger.edu>
	// Message-ID: <417CBA32DF8945BE748@crepes.fr>
	// Subject: hello
	// MIME-Version: 1.0
	// Content-Type: multipart/mixed; boundary="=_AAAAAAAAAAAAAAAAAAAAAAAA"
	//
	// --=_AAAAAAAAAAAAAAAAAAAAAAAA
	// Content-Type: text/plain; charset=us-ascii
	// Content-Transfer-Encoding: 7bit
	//
	// Bob,
	// Here's something I collect.
	// Alice
	//
	// --=_AAAAAAAAAAAAAAAAAAAAAAAA
	// Content-Type: image/jpeg; name*=utf-8''cr%C3%AApe.jpg
	// Content-Transfer-Encoding: base64
	// Content-Disposition: attachment; filename*=utf-8''cr%C3%AApe.jpg
	//
	// /9j/4CBKRklG
	//
	// --=_AAAAAAAAAAAAAAAAAAAAAAAA--
}

// What an IMAP server sends for FETCH BODY[section]: sections name parts
// of the tree and ranges of the original octets.
func ExampleMessage_Section() {
	m := mime.ParseBytes([]byte(crlf(aliceToBob)))
	for _, spec := range []string{"1", "1.MIME", "HEADER.FIELDS (FROM SUBJECT)"} {
		r, err := m.Section(spec)
		if err != nil {
			fmt.Println(err)
			continue
		}
		b, _ := io.ReadAll(r)
		fmt.Printf("BODY[%s] {%d}\n%q\n", spec, r.Size(), b)
	}
	// Output:
	// BODY[1] {40}
	// "Bob,\r\nHere's something I collect.\r\nAlice"
	// BODY[1.MIME] {79}
	// "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
	// BODY[HEADER.FIELDS (FROM SUBJECT)] {49}
	// "From: Alice <alice@crepes.fr>\r\nSubject: hello\r\n\r\n"
}

// Addresses with display names, quoted strings, comments and groups.
func ExampleParseAddressList() {
	list, err := mime.ParseAddressList(`"Crepe, Alice" <alice@crepes.fr>, bob@hamburger.edu (Bob), Friends: carol@example.org;`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range list {
		fmt.Printf("%q %q group=%v members=%d\n", a.Name, a.Addr, a.Group, len(a.Members))
	}
	fmt.Println(mime.FormatAddressList(list))
	// Output:
	// "Crepe, Alice" "alice@crepes.fr" group=false members=0
	// "Bob" "bob@hamburger.edu" group=false members=0
	// "Friends" "" group=true members=1
	// "Crepe, Alice" <alice@crepes.fr>, Bob <bob@hamburger.edu>, Friends: carol@example.org;
}

// Encoded words carry non-ASCII text in header fields.
func ExampleDecodeHeader() {
	s, _ := mime.DecodeHeader("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=")
	fmt.Println(s)
	fmt.Println(mime.EncodeHeader("Crêpes à emporter"))
	// Output:
	// Keld Jørn Simonsen
	// =?utf-8?q?Cr=C3=AApes_=C3=A0_emporter?=
}

// Parse reads a message in place through an io.ReaderAt (an *os.File in
// a real server): the tree records where each header and body lie, and
// bodies are read only when asked for.
func ExampleParse() {
	src := strings.NewReader(crlf(aliceToBob)) // stands in for an *os.File
	m, err := mime.Parse(src, src.Size())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range m.Parts {
		fmt.Printf("part %s: header at %d, %d octets; body at %d, %d octets, lines=%d\n",
			p.Section, p.Offset, p.HeaderSize, p.BodyOffset, p.BodySize, p.Lines)
	}
	// Output:
	// part 1: header at 236, 79 octets; body at 315, 40 octets, lines=3
	// part 2: header at 387, 63 octets; body at 450, 76 octets, lines=1
}

// The two transfer encodings that turn any data into short ASCII lines
// (MIME-18, MIME-19): quoted-printable keeps ASCII readable and writes
// other octets as "=" and two hex digits; base64 writes every 3 octets as
// 4 characters of a 64-letter alphabet.
func ExampleNewEncoder() {
	for _, e := range []mime.Encoding{mime.QuotedPrintable, mime.Base64} {
		var out strings.Builder
		w, _ := mime.NewEncoder(e, &out)
		io.WriteString(w, "Crêpe = 3€")
		w.Close()
		fmt.Printf("%-16s %q\n", e, out.String())
	}
	// Output:
	// quoted-printable "Cr=C3=AApe =3D 3=E2=82=AC"
	// base64           "Q3LDqnBlID0gM+KCrA==\r\n"
}

// HTML mail refers to its inline images with cid: URLs (RFC 2392) that
// name a part's Content-ID (MIME-22). The Builder puts the HTML and the
// images in a multipart/related part, next to the plain-text alternative.
func ExampleBuilder_inlineImage() {
	b := mime.Builder{
		From:    []mime.Address{{Addr: "alice@crepes.fr"}},
		To:      []mime.Address{{Addr: "bob@hamburger.edu"}},
		Subject: "Crepe of the day",
		Text:    "Today: a crepe (picture in the HTML version).",
		HTML:    `<p>Today:</p><img src="cid:crepe-1@crepes.fr">`,
		Inline:  []mime.Attachment{{ContentType: "image/jpeg", ContentID: "crepe-1@crepes.fr", Data: []byte("\xff\xd8\xff")}},
	}
	msg, err := b.Bytes()
	if err != nil {
		fmt.Println(err)
		return
	}
	m := mime.ParseBytes(msg)
	m.Walk(func(p *mime.Part) error {
		line := fmt.Sprintf("%-6q %-22s %-17s %s", p.Section, p.MediaType(), p.Encoding, p.ID)
		fmt.Println(strings.TrimRight(line, " "))
		return nil
	})
	// Resolve the HTML's cid: reference.
	html, err := m.Section("2.1")
	if err != nil {
		fmt.Println(err)
		return
	}
	src, _ := io.ReadAll(html)
	cid := strings.TrimSuffix(strings.SplitN(string(src), "cid:", 2)[1], `">`)
	m.Walk(func(p *mime.Part) error {
		if p.ID == "<"+cid+">" {
			fmt.Println("cid:"+cid, "is part", p.Section)
		}
		return nil
	})
	// Output:
	// ""     multipart/alternative  7bit
	// "1"    text/plain             7bit
	// "2"    multipart/related      7bit
	// "2.1"  text/html              7bit
	// "2.2"  image/jpeg             base64            <crepe-1@crepes.fr>
	// cid:crepe-1@crepes.fr is part 2.2
}
