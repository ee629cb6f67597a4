package imap

import (
	"errors"
)

// errNoSuchPart is returned for a section path that names no part; FETCH
// answers NIL for it.
var errNoSuchPart = errors.New("imap: no such body part")

// sectionData returns the octets of BODY[section] (RFC 9051 section 6.4.5).
func sectionData(raw []byte, sec *Section) ([]byte, error) {
	header, body := splitMessage(raw)
	mimeHeader := header
	if len(sec.Part) > 0 {
		p, err := findPart(raw, sec.Part)
		if err != nil {
			return nil, err
		}
		mimeHeader = p.header
		if p.message != nil {
			header, body = p.message.header, p.message.body
		} else {
			header, body = nil, p.body
		}
	}
	switch sec.Specifier {
	case "":
		if len(sec.Part) == 0 {
			return raw, nil
		}
		return body, nil
	case "MIME":
		return mimeHeader, nil
	case "HEADER":
		if header == nil {
			return nil, errNoSuchPart
		}
		return header, nil
	case "HEADER.FIELDS", "HEADER.FIELDS.NOT":
		if header == nil {
			return nil, errNoSuchPart
		}
		return filterHeader(header, sec.Fields, sec.Specifier == "HEADER.FIELDS.NOT"), nil
	case "TEXT":
		if header == nil {
			return nil, errNoSuchPart
		}
		return body, nil
	}
	return nil, errNoSuchPart
}

// binaryData returns the decoded content of a part for BINARY[part] (RFC
// 3516): the transfer encoding removed.
func binaryData(raw []byte, path []int) ([]byte, error) {
	if len(path) == 0 {
		_, body := splitMessage(raw)
		return decodeTransfer(body, headerValue(headerFields(raw), "Content-Transfer-Encoding"))
	}
	p, err := findPart(raw, path)
	if err != nil {
		return nil, err
	}
	if p.message != nil {
		return p.body, nil
	}
	return decodeTransfer(p.body, headerValue(headerFields(p.header), "Content-Transfer-Encoding"))
}
