package imap

import (
	"bytes"
	"encoding/base64"
	"io"
	stdmime "mime"
	"mime/quotedprintable"
	"strings"
)

// msgPart is one node of a message's MIME tree as IMAP numbers it.
type msgPart struct {
	header   []byte // the part's MIME header (for the root: the message header)
	body     []byte // the raw, still encoded body
	typ, sub string // media type, upper case
	params   map[string]string
	children []*msgPart // parts of a multipart
	message  *msgPart   // the encapsulated message of a MESSAGE/RFC822 part
}

// maxPartDepth bounds the nesting of multiparts and encapsulated messages
// that the server parses.
const maxPartDepth = 32

func parsePart(raw []byte, defaultType string, depth int) *msgPart {
	header, body := splitMessage(raw)
	if first, _, _ := bytes.Cut(raw, []byte("\n")); !bytes.Contains(first, []byte(":")) && len(bytes.TrimSpace(first)) > 0 {
		header, body = nil, raw // no header at all: everything is body
	}
	p := &msgPart{header: header, body: body}
	ct := headerValue(headerFields(header), "Content-Type")
	mt, params, err := stdmime.ParseMediaType(ct)
	if ct == "" || err != nil {
		mt, params = defaultType, map[string]string{}
		if defaultType == "text/plain" {
			params["charset"] = "us-ascii"
		}
	}
	typ, sub, _ := strings.Cut(mt, "/")
	p.typ, p.sub = upper(typ), upper(sub)
	p.params = make(map[string]string, len(params))
	for k, v := range params {
		p.params[upper(k)] = v
	}
	if depth >= maxPartDepth {
		return p
	}
	switch {
	case p.typ == "MULTIPART" && p.params["BOUNDARY"] != "":
		childType := "text/plain"
		if p.sub == "DIGEST" {
			childType = "message/rfc822"
		}
		for _, raw := range splitMultipart(body, p.params["BOUNDARY"]) {
			p.children = append(p.children, parsePart(raw, childType, depth+1))
		}
		if len(p.children) == 0 {
			p.typ, p.sub = "TEXT", "PLAIN" // a multipart with no parts is served as text
		}
	case p.typ == "MESSAGE" && (p.sub == "RFC822" || p.sub == "GLOBAL"):
		p.message = parsePart(body, "text/plain", depth+1)
	}
	return p
}

// splitMultipart returns the parts between the boundary delimiter lines of
// a multipart body (RFC 2046 section 5.1.1), each without the CRLF that
// belongs to the next delimiter.
func splitMultipart(body []byte, boundary string) [][]byte {
	delim := []byte("--" + boundary)
	var parts [][]byte
	start := -1
	for pos := 0; pos < len(body); {
		end := bytes.IndexByte(body[pos:], '\n')
		lineEnd := len(body)
		if end >= 0 {
			lineEnd = pos + end + 1
		}
		line := body[pos:lineEnd]
		if bytes.HasPrefix(line, delim) {
			rest := bytes.TrimRight(line[len(delim):], " \t\r\n")
			if start >= 0 {
				stop := pos
				if stop > start && body[stop-1] == '\n' {
					stop--
					if stop > start && body[stop-1] == '\r' {
						stop--
					}
				}
				parts = append(parts, body[start:stop])
			}
			if bytes.Equal(rest, []byte("--")) {
				return parts
			}
			if len(rest) == 0 {
				start = lineEnd
			}
		}
		pos = lineEnd
	}
	if start >= 0 && start < len(body) {
		parts = append(parts, body[start:]) // no closing delimiter: keep what came
	}
	return parts
}

// kids returns the parts numbered below p: the parts of a multipart; for a
// message (the root, or an encapsulated one) that is not multipart, its
// body as part 1 (RFC 9051 section 6.4.5).
func (p *msgPart) kids(isMessage bool) []*msgPart {
	if p.message != nil {
		return p.message.kids(true)
	}
	if len(p.children) > 0 {
		return p.children
	}
	if isMessage {
		return []*msgPart{p}
	}
	return nil
}

// findPart returns the part with the given IMAP part number.
func findPart(raw []byte, path []int) (*msgPart, error) {
	cur := parsePart(raw, "text/plain", 0)
	isMessage := true
	for _, n := range path {
		ks := cur.kids(isMessage)
		if n < 1 || n > len(ks) {
			return nil, errNoSuchPart
		}
		next := ks[n-1]
		isMessage = false
		cur = next
	}
	return cur, nil
}

// bodyStructureOf computes BODYSTRUCTURE for a message.
func bodyStructureOf(raw []byte) *BodyStructure {
	return parsePart(raw, "text/plain", 0).structure()
}

func (p *msgPart) structure() *BodyStructure {
	fields := headerFields(p.header)
	bs := &BodyStructure{Type: p.typ, Subtype: p.sub, Params: p.params}
	if disp := headerValue(fields, "Content-Disposition"); disp != "" {
		if d, params, err := stdmime.ParseMediaType(disp); err == nil {
			bs.Disposition = d
			bs.DispositionParams = map[string]string{}
			for k, v := range params {
				bs.DispositionParams[upper(k)] = v
			}
		}
	}
	if lang := headerValue(fields, "Content-Language"); lang != "" {
		for _, l := range strings.Split(lang, ",") {
			bs.Language = append(bs.Language, strings.TrimSpace(l))
		}
	}
	bs.Location = headerValue(fields, "Content-Location")
	if len(p.children) > 0 {
		for _, c := range p.children {
			bs.Parts = append(bs.Parts, c.structure())
		}
		return bs
	}
	bs.ID = headerValue(fields, "Content-Id")
	bs.Description = headerValue(fields, "Content-Description")
	bs.Encoding = upper(headerValue(fields, "Content-Transfer-Encoding"))
	if bs.Encoding == "" {
		bs.Encoding = "7BIT"
	}
	bs.MD5 = headerValue(fields, "Content-Md5")
	bs.Size = uint32(min(len(p.body), 1<<32-1))
	if p.typ == "TEXT" || p.message != nil {
		bs.Lines = uint32(bytes.Count(p.body, []byte("\n")))
	}
	if p.message != nil {
		bs.Envelope = buildEnvelope(p.message.header)
		bs.Body = p.message.structure()
	}
	return bs
}

// decodeTransfer removes a Content-Transfer-Encoding (RFC 2045 section 6).
func decodeTransfer(body []byte, encoding string) ([]byte, error) {
	switch upper(strings.TrimSpace(encoding)) {
	case "", "7BIT", "8BIT", "BINARY":
		return body, nil
	case "BASE64":
		clean := bytes.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, body)
		out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, err := base64.StdEncoding.Decode(out, clean)
		if err != nil {
			return nil, &Error{Type: StatusNO, Code: CodeUnknownCTE, Text: "bad base64 in part"}
		}
		return out[:n], nil
	case "QUOTED-PRINTABLE":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		if err != nil {
			return nil, &Error{Type: StatusNO, Code: CodeUnknownCTE, Text: "bad quoted-printable in part"}
		}
		return out, nil
	}
	return nil, &Error{Type: StatusNO, Code: CodeUnknownCTE, Text: "unknown transfer encoding"}
}
