package mime

import (
	"fmt"
	"io"
	"strings"
)

// WriteOutline writes the tree of m to w, one line per part, indented by
// depth: IMAP section, media type, transfer encoding, body size and line
// count, then the disposition and file name, charset, Content-ID and, for
// an encapsulated message, its subject. The problems found while parsing
// follow. It is what examples/mimeview prints:
//
//   - multipart/mixed           7bit                   354 octets    12 lines
//     1          text/plain                7bit                    40 octets     3 lines  charset=us-ascii
//     2          image/jpeg                base64                  76 octets     1 line   attachment "crepe.jpg"
func WriteOutline(w io.Writer, m *Message) error {
	err := m.Walk(func(p *Part) error {
		label := p.Section
		if label == "" {
			label = "-"
		}
		if p.Parent != nil && p.Parent.Message == p {
			label += " msg" // the message inside a message/rfc822 part
		}
		indent := strings.Repeat("  ", p.Depth)
		lines := "lines"
		if p.Lines == 1 {
			lines = "line "
		}
		var extra []string
		if p.Disposition != "" || p.Filename() != "" {
			d := p.Disposition
			if f := p.Filename(); f != "" {
				d = strings.TrimSpace(d + " " + fmt.Sprintf("%q", f))
			}
			extra = append(extra, d)
		}
		if p.Type == "text" {
			extra = append(extra, "charset="+p.Charset())
		}
		if p.ID != "" {
			extra = append(extra, "id="+p.ID)
		}
		if p.Message != nil {
			extra = append(extra, fmt.Sprintf("subject=%q", p.Message.Header.Text("Subject")))
		}
		line := fmt.Sprintf("%-12s %-25s %-16s %9d octets %5d %s  %s",
			indent+label, p.MediaType(), p.Encoding, p.BodySize, p.Lines, lines, strings.Join(extra, "  "))
		_, err := io.WriteString(w, strings.TrimRight(line, " ")+"\n")
		return err
	})
	if err != nil {
		return err
	}
	for _, pr := range m.Problems {
		if _, err := fmt.Fprintf(w, "problem: %v\n", pr); err != nil {
			return err
		}
	}
	return nil
}
