package mime

import (
	"bytes"
	"errors"
	"io"
	"strings"
)

// Span is a byte range of the message: Size octets starting at Offset.
type Span struct {
	Offset int64
	Size   int64
}

// End returns Offset + Size.
func (s Span) End() int64 { return s.Offset + s.Size }

// Part is one node of a message tree: the top-level message, a part of a
// multipart, or the message inside a message/rfc822 part. Its header is
// parsed; its body stays in the [io.ReaderAt] the message was parsed from
// and is read on demand through [Part.Body] or [Part.RawBody].
//
// The description fields (Type through MD5) hold what IMAP's BODYSTRUCTURE
// reports (RFC 3501 section 7.4.2), read leniently from the header with the
// RFC 2045 defaults filled in.
type Part struct {
	// Header is the part's header block, fields in order with raw bytes.
	Header Header

	// Section is the part's IMAP section number (RFC 3501 section 6.4.5):
	// "" for the top-level message, "1", "2", "2.1", ... for parts. The
	// message inside a message/rfc822 part (see Message) has the same
	// Section as that part, and its sub-parts continue from it ("2.1").
	Section string

	// Depth is the nesting level: 0 for the top-level message, +1 for each
	// multipart or message/rfc822 level.
	Depth int

	// Position in the message, in octets from its first byte. The header
	// block (blank line included) is [Offset, BodyOffset), HeaderSize
	// octets; the body is [BodyOffset, BodyOffset+BodySize). For a part of
	// a multipart the body excludes the line break before the next
	// delimiter line, which belongs to the delimiter (RFC 2046 section
	// 5.1.1).
	Offset     int64
	HeaderSize int64
	BodyOffset int64
	BodySize   int64

	// Lines is the number of lines in the raw body (the last one counts
	// even without a line break), as BODYSTRUCTURE reports for text/* and
	// message/rfc822 parts.
	Lines int64

	// Type and Subtype are the media type in lower case ("text", "plain").
	// Without a valid Content-Type field they are text/plain, or
	// message/rfc822 for a part of a multipart/digest (RFC 2046 section
	// 5.1.5).
	Type, Subtype string
	// Params are the Content-Type parameters, decoded (RFC 2231 joined,
	// charsets converted to UTF-8). Defaults are not added: see
	// [Part.Charset].
	Params []Param
	// ID is the Content-ID field (RFC 2045 section 7), as written.
	ID string
	// Description is the Content-Description field (RFC 2045 section 8),
	// as written (encoded words are not decoded).
	Description string
	// Encoding is the Content-Transfer-Encoding, lower case; 7bit when the
	// field is absent. It may be an unknown value (see [Encoding.Known]).
	Encoding Encoding
	// Disposition and DispositionParams come from Content-Disposition (RFC
	// 2183); Disposition is "" when the field is absent.
	Disposition       string
	DispositionParams []Param
	// Language lists the Content-Language tags (RFC 3282).
	Language []string
	// Location is the Content-Location field (RFC 2557), unfolded.
	Location string
	// MD5 is the Content-MD5 field (RFC 1864), as written.
	MD5 string

	// Parts are the parts of a multipart, in order. A multipart whose body
	// held no delimiter line has none (and a Problem says so).
	Parts []*Part
	// Message is the encapsulated message of a message/rfc822 (or
	// message/global) part: its Header is the inner message's header. It
	// is nil when the part could not be parsed in place (a base64 or
	// quoted-printable message/rfc822, which RFC 2046 section 5.2.1
	// forbids, or one past the depth limit); a Problem says so.
	Message *Part
	// Preamble and Epilogue are the text before the first and after the
	// last delimiter line of a multipart (RFC 2046 section 5.1.1).
	Preamble, Epilogue Span

	// Parent is the enclosing part (nil for the top-level message). For a
	// Message, Parent is the message/rfc822 part holding it.
	Parent *Part

	r io.ReaderAt
}

// MediaType returns "type/subtype", e.g. "text/plain".
func (p *Part) MediaType() string { return p.Type + "/" + p.Subtype }

// IsMultipart reports whether the part is a multipart/*.
func (p *Part) IsMultipart() bool { return p.Type == "multipart" }

// Param returns the named Content-Type parameter, or "".
func (p *Part) Param(name string) string { return paramValue(p.Params, name) }

// Charset returns the charset parameter in lower case; for text/* parts
// without one, "us-ascii" (RFC 2046 section 4.1.2).
func (p *Part) Charset() string {
	cs := strings.ToLower(p.Param("charset"))
	if cs == "" && p.Type == "text" {
		return "us-ascii"
	}
	return cs
}

// Filename returns the file name: the Content-Disposition filename
// parameter, or else the Content-Type name parameter (an older custom), or
// "". It is decoded but not sanitised: it may contain path separators.
func (p *Part) Filename() string {
	if f := paramValue(p.DispositionParams, "filename"); f != "" {
		return f
	}
	return p.Param("name")
}

// Envelope returns the envelope of the message inside a message/rfc822
// part (what BODYSTRUCTURE reports for it), or nil for other parts.
func (p *Part) Envelope() *Envelope {
	if p.Message == nil {
		return nil
	}
	env := p.Message.Header.Envelope()
	return &env
}

// Size returns the part's total size, header and body.
func (p *Part) Size() int64 { return p.HeaderSize + p.BodySize }

// Raw returns a reader of the whole part, header and body, as it is in the
// message.
func (p *Part) Raw() *io.SectionReader { return io.NewSectionReader(p.r, p.Offset, p.Size()) }

// RawHeader returns a reader of the header block as it is in the message,
// blank line included.
func (p *Part) RawHeader() *io.SectionReader { return io.NewSectionReader(p.r, p.Offset, p.HeaderSize) }

// RawBody returns a reader of the body as it is in the message, still
// transfer-encoded.
func (p *Part) RawBody() *io.SectionReader { return io.NewSectionReader(p.r, p.BodyOffset, p.BodySize) }

// SpanReader returns a reader of any span of the message p belongs to,
// such as its Preamble or Epilogue.
func (p *Part) SpanReader(s Span) *io.SectionReader {
	return io.NewSectionReader(p.r, s.Offset, s.Size)
}

// Body returns a reader of the body with its transfer encoding removed
// (base64 and quoted-printable decoded; see [NewDecoder] for the leniency).
// Each call starts a new reader from the start of the body. An unknown
// transfer encoding gives a reader whose first Read fails with
// ErrUnknownEncoding.
func (p *Part) Body() io.Reader {
	r, err := NewDecoder(p.Encoding, p.RawBody())
	if err != nil {
		return errReader{err}
	}
	return r
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// Walk calls fn for p and every part below it, depth first in section
// order; the Message of a message/rfc822 part is visited after the part
// itself. If fn returns an error, Walk stops and returns it; [SkipChildren]
// skips the parts below the current one.
func (p *Part) Walk(fn func(*Part) error) error {
	err := fn(p)
	if err == SkipChildren {
		return nil
	}
	if err != nil {
		return err
	}
	if p.Message != nil {
		if err := p.Message.Walk(fn); err != nil {
			return err
		}
	}
	for _, c := range p.Parts {
		if err := c.Walk(fn); err != nil {
			return err
		}
	}
	return nil
}

// SkipChildren is returned by a [Part.Walk] callback to skip the parts
// below the current one.
var SkipChildren = errors.New("mime: skip children")

// readAll is a helper for small sections.
func readAll(r io.Reader) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}
