package mime

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// GenerateMessageID returns a new globally unique Message-ID field value
// "<random@domain>" (RFC 5322 section 3.6.4), with 128 random bits from
// crypto/rand on the left of the "@". domain should be a name the sender
// controls.
func GenerateMessageID(domain string) string {
	var b [16]byte
	rand.Read(b[:])
	left := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
	if domain == "" || !isDotAtom(domain) {
		domain = "localhost"
	}
	return "<" + left + "@" + domain + ">"
}

// ParseMessageID parses one msg-id, "<left@right>", and returns it
// without the angle brackets. Comments and white space around it are
// allowed, and so are the obsolete local-part and domain forms of RFC 5322
// section 4.5.4. Malformed input is a [*SyntaxError] wrapping
// ErrBadMessageID.
func ParseMessageID(s string) (string, error) {
	ids, err := ParseMessageIDList(s)
	if err != nil {
		return "", err
	}
	if len(ids) != 1 {
		return "", &SyntaxError{Err: ErrBadMessageID, Input: s, Msg: "want exactly one message id"}
	}
	return ids[0], nil
}

// maxMessageIDs bounds the ids of one References or In-Reply-To field.
const maxMessageIDs = 10000

// ParseMessageIDList parses the msg-ids of a References or In-Reply-To
// field, skipping the phrases that obsolete In-Reply-To fields mix in
// (RFC 5322 section 4.5.4). It returns the ids without angle brackets.
func ParseMessageIDList(s string) ([]string, error) {
	var ids []string
	p := addrParser{s: s}
	for {
		p.skipCFWS()
		if p.i >= len(p.s) {
			break
		}
		if p.s[p.i] != '<' {
			// obs-phrase words between ids.
			if ws, err := p.words(); err != nil || len(ws) == 0 {
				return ids, &SyntaxError{Err: ErrBadMessageID, Input: s, Offset: p.i, Msg: "expected '<'"}
			}
			continue
		}
		p.i++
		addr, err := p.addrSpec()
		if err != nil {
			return ids, &SyntaxError{Err: ErrBadMessageID, Input: s, Offset: p.i, Msg: "bad id"}
		}
		p.skipCFWS()
		if p.i >= len(p.s) || p.s[p.i] != '>' {
			return ids, &SyntaxError{Err: ErrBadMessageID, Input: s, Offset: p.i, Msg: "expected '>'"}
		}
		p.i++
		if len(ids) >= maxMessageIDs {
			return ids, &SyntaxError{Err: ErrBadMessageID, Input: s, Offset: p.i, Msg: "too many ids"}
		}
		ids = append(ids, addr)
	}
	if len(ids) == 0 {
		return nil, &SyntaxError{Err: ErrBadMessageID, Input: s, Msg: "no message id"}
	}
	return ids, nil
}
