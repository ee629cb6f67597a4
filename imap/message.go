package imap

import (
	"bytes"
	"net/mail"
	"strings"
)

// This file reads the parts of an RFC 5322 message the server needs
// without a full MIME parse: the header block, its fields, the body, and the
// ENVELOPE.

// splitMessage returns the header block (with the blank line that ends it,
// as BODY[HEADER] includes it) and the body.
func splitMessage(raw []byte) (header, body []byte) {
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		return raw[:i+4], raw[i+4:]
	}
	if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		return raw[:i+2], raw[i+2:]
	}
	if bytes.HasPrefix(raw, []byte("\r\n")) {
		return raw[:2], raw[2:]
	}
	return raw, nil
}

// headerField is one field of a header block.
type headerField struct {
	name string // as written
	raw  []byte // the whole field with its folded lines and line ends
}

// value returns the unfolded value of the field with leading space trimmed.
func (f headerField) value() string {
	_, v, _ := bytes.Cut(f.raw, []byte(":"))
	v = bytes.ReplaceAll(v, []byte("\r\n"), nil)
	v = bytes.ReplaceAll(v, []byte("\n"), nil)
	return strings.TrimSpace(string(v))
}

// headerFields splits a header block into fields.
func headerFields(header []byte) []headerField {
	var fields []headerField
	for len(header) > 0 {
		end := bytes.IndexByte(header, '\n')
		if end < 0 {
			end = len(header) - 1
		}
		line := header[:end+1]
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			break // the blank line
		}
		if (line[0] == ' ' || line[0] == '\t') && len(fields) > 0 {
			f := &fields[len(fields)-1]
			f.raw = f.raw[:len(f.raw)+len(line)] // extend in place: fields are contiguous
		} else if name, _, ok := bytes.Cut(line, []byte(":")); ok {
			fields = append(fields, headerField{name: string(bytes.TrimSpace(name)), raw: line})
		}
		header = header[end+1:]
	}
	return fields
}

// headerValue returns the first value of the named field, or "".
func headerValue(fields []headerField, name string) string {
	for _, f := range fields {
		if equalFold(f.name, name) {
			return f.value()
		}
	}
	return ""
}

// filterHeader returns the fields of header named (or, with not, not named)
// in names, followed by the blank line, as BODY[HEADER.FIELDS (...)] does
// (RFC 9051 section 6.4.5).
func filterHeader(header []byte, names []string, not bool) []byte {
	var out []byte
	for _, f := range headerFields(header) {
		match := false
		for _, n := range names {
			if equalFold(f.name, n) {
				match = true
				break
			}
		}
		if match != not {
			out = append(out, f.raw...)
		}
	}
	return append(out, "\r\n"...)
}

// buildEnvelope computes the ENVELOPE of a message header (RFC 9051
// section 7.5.2): Sender and Reply-To default to From.
func buildEnvelope(header []byte) *Envelope {
	fields := headerFields(header)
	addrs := func(name string) []Address {
		v := headerValue(fields, name)
		if v == "" {
			return nil
		}
		list, err := mail.ParseAddressList(v)
		if err != nil {
			// Keep what the sender wrote rather than lose the field.
			return []Address{{Mailbox: v}}
		}
		out := make([]Address, 0, len(list))
		for _, a := range list {
			local, host, _ := strings.Cut(a.Address, "@")
			out = append(out, Address{Name: a.Name, Mailbox: local, Host: host})
		}
		return out
	}
	e := &Envelope{
		Date:      headerValue(fields, "Date"),
		Subject:   headerValue(fields, "Subject"),
		From:      addrs("From"),
		Sender:    addrs("Sender"),
		ReplyTo:   addrs("Reply-To"),
		To:        addrs("To"),
		Cc:        addrs("Cc"),
		Bcc:       addrs("Bcc"),
		InReplyTo: headerValue(fields, "In-Reply-To"),
		MessageID: headerValue(fields, "Message-Id"),
	}
	if e.Sender == nil {
		e.Sender = e.From
	}
	if e.ReplyTo == nil {
		e.ReplyTo = e.From
	}
	return e
}

// containsFold reports whether s contains substr, ignoring ASCII case, as
// the SEARCH string keys match (RFC 9051 section 6.4.4).
func containsFold(s, substr []byte) bool {
	if len(substr) == 0 {
		return true
	}
	return bytes.Contains(bytes.ToLower(s), bytes.ToLower(substr))
}
