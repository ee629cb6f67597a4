// Command mimeview prints the tree of an Internet message (a .eml file):
// each part's IMAP section number, media type, transfer encoding, size
// and line count, the problems found while reading it, and the main header
// fields. With -part it writes one part's body instead, decoded.
//
//	mimeview message.eml
//	mimeview -part 2 message.eml > photo.jpg      # decoded body of part 2
//	mimeview -part 1 -text message.eml            # text converted to UTF-8
//	mimeview -part 2.HEADER -raw message.eml      # any IMAP section, as stored
//
// The file is read in place: only headers are kept in memory, so large
// messages are cheap to inspect.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/mime"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		cli.Fatal("mimeview", err)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("mimeview", flag.ContinueOnError)
	part := fs.String("part", "", "write the body of this `section` (1, 2.1, ...) instead of the tree")
	raw := fs.Bool("raw", false, "with -part: write the section's octets as stored (any IMAP section: 2.MIME, 1.HEADER, TEXT, ...)")
	text := fs.Bool("text", false, "with -part: convert a text part to UTF-8")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: mimeview [-part SECTION [-raw | -text]] FILE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("want exactly one FILE")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	m, err := mime.Parse(f, st.Size())
	if err != nil {
		return err
	}
	if *part == "" {
		return printTree(stdout, m)
	}
	return extract(stdout, m, *part, *raw, *text)
}

func printTree(w io.Writer, m *mime.Message) error {
	for _, name := range []string{"From", "To", "Cc", "Subject", "Date"} {
		if m.Header.Has(name) {
			fmt.Fprintf(w, "%s: %s\n", name, m.Header.Text(name))
		}
	}
	fmt.Fprintf(w, "%d octets\n\n", m.Size())
	return mime.WriteOutline(w, m)
}

func extract(w io.Writer, m *mime.Message, section string, raw, text bool) error {
	if raw {
		r, err := m.Section(section)
		if err != nil {
			return err
		}
		_, err = io.Copy(w, r)
		return err
	}
	spec, err := mime.ParseSection(section)
	if err != nil {
		return err
	}
	if spec.Specifier != "" {
		return fmt.Errorf("section %q: use -raw for HEADER, TEXT and MIME sections", section)
	}
	p, err := m.SectionPart(spec.Path)
	if err != nil {
		return err
	}
	if p.IsMultipart() || p.Message != nil {
		return fmt.Errorf("section %q is a %s: pick one of its parts, or use -raw", section, p.MediaType())
	}
	body := p.Body()
	if text {
		if body, err = p.Text(); err != nil {
			return err
		}
	}
	_, err = io.Copy(w, body)
	return err
}
