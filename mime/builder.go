package mime

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Builder composes a message: a text body, an optional HTML alternative
// with inline images, and attachments. It picks each part's transfer
// encoding itself ([ChooseEncoding]) so the result is 7-bit clean and
// valid for any SMTP server, and it writes strictly: CRLF line breaks,
// folded header fields, encoded words for non-ASCII header text, RFC 2231
// file names and unique boundaries.
//
// The shape follows what mail clients expect:
//
//	multipart/mixed                  (only with attachments)
//	  multipart/alternative          (only with both Text and HTML)
//	    text/plain
//	    multipart/related            (only with inline images)
//	      text/html
//	      image/png ...              (Inline, referenced by cid:)
//	  application/pdf ...            (Attachments)
type Builder struct {
	From       []Address // required (RFC 5322 section 3.6.2)
	Sender     *Address  // optional; needed with several From addresses
	ReplyTo    []Address
	To, Cc     []Address
	Bcc        []Address // written only if WriteBcc is set (normally the SMTP envelope carries them)
	WriteBcc   bool
	Subject    string    // UTF-8; encoded words are used when needed
	Date       time.Time // if zero, no Date field is written (a submission server adds one, RFC 6409 section 8.3)
	MessageID  string    // "<id@domain>"; if empty one is generated from the From domain
	InReplyTo  []string  // message ids, without angle brackets
	References []string

	// Header holds further fields, written after the ones above. Values
	// that are not ASCII are written as encoded words, which suits
	// unstructured fields (Comments, X-...); give structured ones in ASCII.
	Header Header

	Text string // text/plain body, UTF-8
	HTML string // text/html alternative, UTF-8

	Inline      []Attachment // parts of multipart/related next to HTML
	Attachments []Attachment

	// Rand is the source for boundaries and the generated Message-ID. If
	// nil, crypto/rand is used. Tests set it for reproducible output.
	Rand io.Reader
}

// Attachment is a file attached to a message or shown inline.
type Attachment struct {
	Filename    string // UTF-8; sent with RFC 2231 encoding when needed
	ContentType string // e.g. "image/jpeg"; "" means application/octet-stream
	ContentID   string // for inline parts: the id HTML refers to as cid:ID (without angle brackets)
	Description string // optional Content-Description
	Data        []byte
	// Reader, if not nil, is used instead of Data and streamed as base64
	// (or, for text types, quoted-printable), without being held in memory.
	Reader io.Reader
}

// Bytes returns the message.
func (b *Builder) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteTo writes the message to w.
func (b *Builder) WriteTo(w io.Writer) (int64, error) {
	if len(b.From) == 0 {
		return 0, ErrMissingFrom
	}
	cw := &countWriter{w: w}
	bw := bufio.NewWriter(cw)
	root, err := b.tree()
	if err != nil {
		return 0, err
	}
	h, err := b.messageHeader()
	if err != nil {
		return 0, err
	}
	h = append(h, root.header...)
	root.header = h
	if err := root.write(bw); err != nil {
		return cw.n, err
	}
	err = bw.Flush()
	return cw.n, err
}

// countWriter counts the octets that reach w.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (b *Builder) random(p []byte) error {
	r := b.Rand
	if r == nil {
		r = rand.Reader
	}
	_, err := io.ReadFull(r, p)
	return err
}

func (b *Builder) messageHeader() (Header, error) {
	var h Header
	if !b.Date.IsZero() {
		h.Add("Date", FormatDate(b.Date))
	}
	h.Add("From", FormatAddressList(b.From))
	if b.Sender != nil {
		h.Add("Sender", b.Sender.String())
	}
	if len(b.ReplyTo) > 0 {
		h.Add("Reply-To", FormatAddressList(b.ReplyTo))
	}
	if len(b.To) > 0 {
		h.Add("To", FormatAddressList(b.To))
	}
	if len(b.Cc) > 0 {
		h.Add("Cc", FormatAddressList(b.Cc))
	}
	if len(b.Bcc) > 0 && b.WriteBcc {
		h.Add("Bcc", FormatAddressList(b.Bcc))
	}
	id := b.MessageID
	if id == "" {
		var r [16]byte
		if err := b.random(r[:]); err != nil {
			return nil, err
		}
		domain := b.From[0].Domain()
		if !isDotAtom(domain) {
			domain = "localhost"
		}
		id = "<" + strings.ToLower(b32.EncodeToString(r[:])) + "@" + domain + ">"
	}
	h.Add("Message-ID", id)
	if len(b.InReplyTo) > 0 {
		h.Add("In-Reply-To", "<"+strings.Join(b.InReplyTo, "> <")+">")
	}
	if len(b.References) > 0 {
		h.Add("References", "<"+strings.Join(b.References, "> <")+">")
	}
	if b.Subject != "" {
		h.Add("Subject", EncodeHeader(b.Subject))
	}
	for _, f := range b.Header {
		v := f.Value
		if !isASCII([]byte(v)) && !strings.ContainsAny(v, "\r\n") {
			v = EncodeHeader(v) // CR and LF are left for AppendField to refuse
		}
		h = append(h, Field{Name: f.Name, Value: v})
	}
	h.Add("MIME-Version", "1.0")
	return h, nil
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// node is a part being written.
type node struct {
	header   Header
	data     []byte
	reader   io.Reader
	enc      Encoding
	text     bool // normalise line breaks; QP in text mode
	children []*node
	boundary string
}

func (b *Builder) tree() (*node, error) {
	if len(b.Inline) > 0 && b.HTML == "" {
		return nil, errors.New("mime: Builder.Inline parts need an HTML body to refer to them")
	}
	var body *node
	if b.Text != "" || b.HTML == "" && len(b.Attachments) == 0 {
		body = textNode("plain", b.Text)
	}
	if b.HTML != "" {
		html := textNode("html", b.HTML)
		if len(b.Inline) > 0 {
			rel := &node{children: []*node{html}}
			for _, a := range b.Inline {
				n, err := attachmentNode(a, "inline")
				if err != nil {
					return nil, err
				}
				rel.children = append(rel.children, n)
			}
			if err := b.multipart(rel, "related", Param{"type", "text/html"}); err != nil {
				return nil, err
			}
			html = rel
		}
		if body != nil {
			alt := &node{children: []*node{body, html}}
			if err := b.multipart(alt, "alternative"); err != nil {
				return nil, err
			}
			body = alt
		} else {
			body = html
		}
	}
	if len(b.Attachments) == 0 {
		return body, nil
	}
	mixed := &node{}
	if body != nil {
		mixed.children = append(mixed.children, body)
	}
	for _, a := range b.Attachments {
		n, err := attachmentNode(a, "attachment")
		if err != nil {
			return nil, err
		}
		mixed.children = append(mixed.children, n)
	}
	if err := b.multipart(mixed, "mixed"); err != nil {
		return nil, err
	}
	return mixed, nil
}

// boundaryBytes is the randomness in a boundary: 120 bits.
const boundaryBytes = 15

// maxBoundaryTries bounds the search for a boundary that does not occur in
// the content (with 120 random bits one try is enough, unless Rand is not
// random).
const maxBoundaryTries = 10

func (b *Builder) multipart(n *node, subtype string, params ...Param) error {
	// "=_" cannot occur in base64 or quoted-printable output, so only
	// unencoded parts need checking.
	for try := 0; ; try++ {
		var r [boundaryBytes]byte
		if err := b.random(r[:]); err != nil {
			return err
		}
		n.boundary = "=_" + b32.EncodeToString(r[:])
		if !n.contains([]byte(n.boundary)) {
			break
		}
		if try == maxBoundaryTries {
			return errors.New("mime: cannot find a boundary absent from the content")
		}
	}
	mt := MediaType{Type: "multipart", Subtype: subtype, Params: append([]Param{{"boundary", n.boundary}}, params...)}
	n.header.Add("Content-Type", mt.String())
	return nil
}

// contains reports whether an unencoded part below n holds s.
func (n *node) contains(s []byte) bool {
	for _, c := range n.children {
		if c.contains(s) {
			return true
		}
	}
	return n.enc.Identity() && n.children == nil && bytes.Contains(n.data, s)
}

func textNode(subtype, s string) *node {
	data := normalizeCRLF([]byte(s))
	enc := ChooseEncoding(data, true)
	cs := "utf-8"
	if isASCII(data) {
		cs = "us-ascii"
	}
	n := &node{data: data, enc: enc, text: true}
	n.header.Add("Content-Type", MediaType{Type: "text", Subtype: subtype, Params: []Param{{"charset", cs}}}.String())
	n.header.Add("Content-Transfer-Encoding", string(enc))
	return n
}

func attachmentNode(a Attachment, disposition string) (*node, error) {
	ct := a.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	mt, err := ParseMediaType(ct)
	if err != nil {
		return nil, err
	}
	text := mt.Type == "text"
	if (text || mt.Type == "message") && a.Reader == nil {
		a.Data = normalizeCRLF(a.Data)
	}
	n := &node{data: a.Data, reader: a.Reader, text: text}
	switch {
	case mt.Type == "message" || mt.Type == "multipart":
		// RFC 2046 section 5.2.1: these may not be base64 or QP encoded.
		if a.Reader != nil {
			return nil, fmt.Errorf("mime: %s attachment needs Data, not Reader", ct)
		}
		n.enc = identityEncoding(a.Data) // 8bit needs 8BITMIME, binary BINARYMIME; nothing else is legal
	case a.Reader != nil && text:
		n.enc = QuotedPrintable
	case a.Reader != nil:
		n.enc = Base64
	default:
		n.enc = ChooseEncoding(a.Data, text)
	}
	if text && mt.Param("charset") == "" && a.Reader == nil && !isASCII(a.Data) {
		// Text without a charset would be read as US-ASCII (RFC 2046
		// section 4.1.2); Go strings are UTF-8.
		mt.Params = append(mt.Params, Param{"charset", "utf-8"})
	}
	if a.Filename != "" && mt.Param("name") == "" {
		mt.Params = append(mt.Params, Param{"name", a.Filename})
	}
	n.header.Add("Content-Type", mt.String())
	n.header.Add("Content-Transfer-Encoding", string(n.enc))
	if a.ContentID != "" {
		n.header.Add("Content-ID", "<"+strings.Trim(a.ContentID, "<>")+">")
	}
	if a.Description != "" {
		n.header.Add("Content-Description", EncodeHeader(a.Description))
	}
	d := Disposition{Type: disposition}
	if a.Filename != "" {
		d.Params = []Param{{"filename", a.Filename}}
	}
	n.header.Add("Content-Disposition", d.String())
	return n, nil
}

// ChooseEncoding picks the transfer encoding for data so that it passes
// 7-bit SMTP: 7bit for ASCII text with short lines (at most
// [RecommendedLineLength] octets, CRLF line breaks, no NUL), base64 for
// anything that is not text and for text that is mostly non-ASCII, and
// quoted-printable for other text.
func ChooseEncoding(data []byte, text bool) Encoding {
	if !text {
		return Base64
	}
	unsafe, lineLen, long, bare := 0, 0, false, false
	for i, c := range data {
		switch {
		case c == '\n':
			if i == 0 || data[i-1] != '\r' {
				bare = true
			}
			lineLen = 0
			continue
		case c == '\r':
			if i+1 >= len(data) || data[i+1] != '\n' {
				bare = true
			}
			continue
		case c >= 0x80 || c == 0 || c < 0x20 && c != '\t' || c == 0x7f:
			unsafe++
		}
		lineLen++
		if lineLen > RecommendedLineLength {
			long = true
		}
	}
	switch {
	case unsafe == 0 && !long && !bare:
		return SevenBit
	case unsafe*6 > len(data):
		return Base64
	}
	return QuotedPrintable
}

// identityEncoding returns the narrowest of 7bit, 8bit and binary that
// describes data with CRLF line breaks.
func identityEncoding(data []byte) Encoding {
	e := SevenBit
	lineLen := 0
	for i, c := range data {
		switch {
		case c == 0 || c == '\r' && (i+1 == len(data) || data[i+1] != '\n') || c == '\n' && (i == 0 || data[i-1] != '\r'):
			return Binary
		case c == '\r':
		case c == '\n':
			lineLen = 0
			continue
		case c >= 0x80:
			e = EightBit
		}
		lineLen++
		if lineLen > MaxLineLength {
			return Binary
		}
	}
	return e
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// normalizeCRLF turns bare LF and bare CR into CRLF, the canonical line
// break of text (RFC 2046 section 4.1.1).
func normalizeCRLF(b []byte) []byte {
	if !bytes.ContainsAny(b, "\r\n") {
		return b
	}
	out := make([]byte, 0, len(b)+len(b)/32)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '\r':
			out = append(out, '\r', '\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		case '\n':
			out = append(out, '\r', '\n')
		default:
			out = append(out, c)
		}
	}
	return out
}

func (n *node) write(w io.Writer) error {
	hb, err := n.header.AppendTo(nil)
	if err != nil {
		return err
	}
	if _, err := w.Write(hb); err != nil {
		return err
	}
	if n.children != nil {
		for _, c := range n.children {
			if _, err := io.WriteString(w, "--"+n.boundary+"\r\n"); err != nil {
				return err
			}
			if err := c.write(w); err != nil {
				return err
			}
			if _, err := io.WriteString(w, "\r\n"); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "--"+n.boundary+"--\r\n")
		return err
	}
	var enc io.WriteCloser
	switch n.enc {
	case QuotedPrintable:
		enc = NewQPEncoder(w, !n.text)
	default:
		enc, _ = NewEncoder(n.enc, w)
	}
	if n.reader != nil {
		if _, err := io.Copy(enc, n.reader); err != nil {
			return err
		}
	} else if _, err := enc.Write(n.data); err != nil {
		return err
	}
	return enc.Close()
}
