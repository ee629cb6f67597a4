package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/applayer/applayer/mime"
)

// runMime is the message-format lesson: Alice composes a MIME message with
// a text part and a JPEG, the tour prints it as it would travel over SMTP,
// then parses it back into the tree that POP3 and IMAP serve.
func runMime(ctx context.Context, w io.Writer, short bool) error {
	// A small stand-in for the photo: the JPEG start-of-image marker and
	// some octets that are not text.
	photo := []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x01\x00H\x00H\x00\x00\xff\xdb")
	if !short {
		photo = append(photo, bytes.Repeat([]byte{0xa5, 0x5a, 0x00, 0xff}, 40)...)
	}
	b := mime.Builder{
		From:      []mime.Address{{Name: "Alice", Addr: "alice@crepes.fr"}},
		To:        []mime.Address{{Name: "Bob", Addr: "bob@hamburger.edu"}},
		Subject:   "Picture of yummy crêpe",
		Date:      time.Date(2006, 9, 18, 19, 40, 19, 0, time.FixedZone("", -4*3600)),
		MessageID: "<417CBA32DF8945BE748@crepes.fr>",
		Text:      "Bob,\nHere's something I collect: a crêpe.\nAlice\n",
		Attachments: []mime.Attachment{
			{Filename: "crêpe.jpg", ContentType: "image/jpeg", Data: photo},
		},
		Rand: strings.NewReader(strings.Repeat("crepes!", 10)), // a fixed boundary, so the tour prints the same each time
	}
	msg, err := b.Bytes()
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Alice's mail client writes the message: header fields, a blank line, the body.")
	fmt.Fprintln(w, "MIME adds Content-Type and Content-Transfer-Encoding, a boundary between the parts,")
	fmt.Fprintln(w, "quoted-printable for the accented text and base64 for the image, so every line is")
	fmt.Fprintln(w, "short 7-bit ASCII that any SMTP server can carry:")
	fmt.Fprintln(w)
	for _, line := range strings.Split(strings.TrimSuffix(string(msg), "\r\n"), "\r\n") {
		fmt.Fprintf(w, "  | %s\n", line)
	}

	m := mime.ParseBytes(msg)
	fmt.Fprintln(w, "\nBob's mail reader parses it into a tree; IMAP numbers the parts (BODY[1], BODY[2]):")
	fmt.Fprintln(w)
	var tree bytes.Buffer
	if err := mime.WriteOutline(&tree, m); err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimSuffix(tree.String(), "\n"), "\n") {
		fmt.Fprintf(w, "  %s\n", line)
	}
	fmt.Fprintf(w, "\nSubject, decoded from its encoded word: %s\n", m.Header.Text("Subject"))
	text, err := m.Parts[0].Text()
	if err != nil {
		return err
	}
	t, err := io.ReadAll(text)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Part 1, quoted-printable decoded and converted to UTF-8: %q\n", t)
	img, err := io.ReadAll(m.Parts[1].Body())
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Part 2, base64 decoded: %d octets of %s named %q (%d octets on the wire)\n",
		len(img), m.Parts[1].MediaType(), m.Parts[1].Filename(), m.Parts[1].BodySize)
	if !bytes.Equal(img, photo) || len(m.Problems) > 0 {
		return fmt.Errorf("the image did not survive the trip (problems: %v)", m.Problems)
	}
	return ctx.Err()
}
