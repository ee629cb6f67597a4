package imap

import (
	"bytes"
	"errors"
	"io"
	"strings"

	"github.com/applayer/applayer/mime"
)

// This file serves BODYSTRUCTURE, BODY[section] and BINARY[section] from
// the mime package's tree of a message (RFC 9051 sections 6.4.5 and 7.5.2).

// errNoSuchPart is returned for a section path that names no part; FETCH
// answers NIL for it.
var errNoSuchPart = errors.New("imap: no such body part")

// sectionReader returns the octets of BODY[section] as a reader over raw,
// so a partial fetch reads only its range.
func sectionReader(m *mime.Message, sec *Section) (*io.SectionReader, error) {
	r, err := m.SectionReader(mime.SectionSpec{Path: sec.Part, Specifier: sec.Specifier, Fields: sec.Fields})
	if errors.Is(err, mime.ErrBadSection) {
		return nil, errNoSuchPart
	}
	return r, err
}

// binaryData returns the content of a part with its transfer encoding
// removed, for BINARY[part] (RFC 3516 section 4.2).
func binaryData(m *mime.Message, path []int) ([]byte, error) {
	p, err := m.SectionPart(path)
	if errors.Is(err, mime.ErrBadSection) {
		return nil, errNoSuchPart
	}
	if err != nil {
		return nil, err
	}
	if p.IsMultipart() || p.Message != nil {
		// RFC 3516 section 4.2: BINARY of a multipart or message part is
		// its raw body, which has no encoding of its own.
		return io.ReadAll(p.RawBody())
	}
	b, err := io.ReadAll(p.Body())
	if errors.Is(err, mime.ErrUnknownEncoding) {
		return nil, &Error{Type: StatusNO, Code: CodeUnknownCTE, Text: "unknown transfer encoding"}
	}
	if err != nil {
		return nil, &Error{Type: StatusNO, Code: CodeUnknownCTE, Text: "cannot decode part"}
	}
	return b, nil
}

func paramsOf(ps []mime.Param) map[string]string {
	if len(ps) == 0 {
		return nil
	}
	m := make(map[string]string, len(ps))
	for _, p := range ps {
		m[upper(p.Name)] = p.Value
	}
	return m
}

// bodyStructure converts a mime part of the message raw to BODYSTRUCTURE.
func bodyStructure(raw []byte, p *mime.Part) *BodyStructure {
	bs := &BodyStructure{
		Type:              upper(p.Type),
		Subtype:           upper(p.Subtype),
		Params:            paramsOf(p.Params),
		Disposition:       p.Disposition,
		DispositionParams: paramsOf(p.DispositionParams),
		Language:          p.Language,
		Location:          p.Location,
	}
	if p.IsMultipart() && len(p.Parts) > 0 {
		for _, c := range p.Parts {
			bs.Parts = append(bs.Parts, bodyStructure(raw, c))
		}
		return bs
	}
	if p.IsMultipart() {
		// A multipart without a single part cannot be described as one
		// (body-type-mpart needs 1*body); describe it as text.
		bs.Type, bs.Subtype = "TEXT", "PLAIN"
	}
	bs.ID = p.ID
	bs.Description = p.Description
	bs.Encoding = upper(string(p.Encoding))
	bs.MD5 = p.MD5
	bs.Size = uint32(min(p.BodySize, 1<<32-1))
	if bs.Type == "TEXT" || p.Message != nil {
		// Lines counts the line breaks of the raw body, as Dovecot and
		// Cyrus do: in a multipart the CRLF before the next delimiter
		// belongs to the delimiter, so "a\r\nb" is 1 line, where
		// mime.Part.Lines counts the unterminated last line too.
		bs.Lines = uint32(min(lineBreaks(raw, p.BodyOffset, p.BodySize), 1<<32-1))
	}
	if p.Message != nil {
		bs.Envelope = envelopeOf(p.Message.Header)
		bs.Body = bodyStructure(raw, p.Message)
	}
	return bs
}

// envelopeOf computes ENVELOPE from a header (RFC 9051 section 7.5.2):
// Sender and Reply-To default to From.
func envelopeOf(h mime.Header) *Envelope {
	me := h.Envelope()
	e := &Envelope{
		Date: me.Date, Subject: me.Subject, InReplyTo: me.InReplyTo, MessageID: me.MessageID,
		From: addressesOf(me.From), Sender: addressesOf(me.Sender), ReplyTo: addressesOf(me.ReplyTo),
		To: addressesOf(me.To), Cc: addressesOf(me.Cc), Bcc: addressesOf(me.Bcc),
	}
	if e.Sender == nil {
		e.Sender = e.From
	}
	if e.ReplyTo == nil {
		e.ReplyTo = e.From
	}
	return e
}

// addressesOf converts addresses; a group becomes the start marker (NIL
// NIL name NIL), its members, and the end marker (NIL NIL NIL NIL) as RFC
// 9051 section 7.5.2 says.
func addressesOf(list []mime.Address) []Address {
	var out []Address
	for _, a := range list {
		if a.Group {
			out = append(out, Address{Mailbox: a.Name})
			out = append(out, addressesOf(a.Members)...)
			out = append(out, Address{})
			continue
		}
		out = append(out, Address{Name: asciiPhrase(a.Name), Mailbox: a.LocalPart(), Host: a.Domain()})
	}
	return out
}

// asciiPhrase re-encodes a decoded display name as encoded words when it is
// not ASCII, since the envelope carries header text as written.
func asciiPhrase(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.TrimSpace(mime.EncodeHeader(s))
		}
	}
	return s
}

// lineBreaks counts the LFs in raw[off:off+n].
func lineBreaks(raw []byte, off, n int64) int64 {
	if off < 0 || n < 0 || off+n > int64(len(raw)) {
		return 0
	}
	return int64(bytes.Count(raw[off:off+n], []byte{'\n'}))
}
