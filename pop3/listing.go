package pop3

import (
	"bytes"
	"strconv"
)

// MessageInfo describes one message of a maildrop as LIST and UIDL show it.
// Number is the message number of the session (1-based, RFC 1939 section 3).
type MessageInfo struct {
	Number int
	Size   int64  // octets, as RETR would send it before byte-stuffing
	UID    string // unique-id (UIDL); "" when not known
}

// MaxUIDLength is the longest unique-id RFC 1939 section 7 allows (70
// characters in the range 0x21 to 0x7E).
const MaxUIDLength = 70

// ValidUID reports whether uid is a valid unique-id (RFC 1939 section 7).
func ValidUID(uid string) bool {
	if len(uid) == 0 || len(uid) > MaxUIDLength {
		return false
	}
	for i := 0; i < len(uid); i++ {
		if uid[i] < 0x21 || uid[i] > 0x7e {
			return false
		}
	}
	return true
}

// ParseListLine parses a scan listing "msg size" (the lines of a LIST reply,
// and the text of "+OK msg size" for LIST n). Anything after the size is
// ignored, as RFC 1939 section 5 allows.
func ParseListLine(line []byte) (MessageInfo, error) {
	f := bytes.Fields(line)
	if len(f) < 2 {
		return MessageInfo{}, syntaxError(line, "scan listing needs a number and a size")
	}
	n, ok := parseNumber(string(f[0]), 1)
	if !ok {
		return MessageInfo{}, syntaxError(line, "bad message number in scan listing")
	}
	size, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil || size < 0 {
		return MessageInfo{}, syntaxError(line, "bad size in scan listing")
	}
	return MessageInfo{Number: n, Size: size}, nil
}

// AppendListLine appends "msg size" without CRLF.
func AppendListLine(b []byte, m MessageInfo) []byte {
	b = strconv.AppendInt(b, int64(m.Number), 10)
	b = append(b, ' ')
	return strconv.AppendInt(b, m.Size, 10)
}

// ParseUIDLLine parses a unique-id listing "msg unique-id".
func ParseUIDLLine(line []byte) (MessageInfo, error) {
	f := bytes.Fields(line)
	if len(f) != 2 {
		return MessageInfo{}, syntaxError(line, "unique-id listing needs a number and an id")
	}
	n, ok := parseNumber(string(f[0]), 1)
	if !ok {
		return MessageInfo{}, syntaxError(line, "bad message number in unique-id listing")
	}
	if !ValidUID(string(f[1])) {
		return MessageInfo{}, syntaxError(line, "bad unique-id")
	}
	return MessageInfo{Number: n, UID: string(f[1])}, nil
}

// AppendUIDLLine appends "msg unique-id" without CRLF.
func AppendUIDLLine(b []byte, m MessageInfo) []byte {
	b = strconv.AppendInt(b, int64(m.Number), 10)
	b = append(b, ' ')
	return append(b, m.UID...)
}

// ParseStatLine parses the text of a STAT reply, "nn mm": the number of
// messages and the size of the maildrop.
func ParseStatLine(text string) (count int, size int64, err error) {
	m, err := ParseListLine([]byte(text))
	if err != nil {
		// STAT of an empty maildrop is "0 0", which a scan listing forbids.
		f := bytes.Fields([]byte(text))
		if len(f) >= 2 && string(f[0]) == "0" {
			if s, perr := strconv.ParseInt(string(f[1]), 10, 64); perr == nil && s >= 0 {
				return 0, s, nil
			}
		}
		return 0, 0, syntaxError([]byte(text), "bad STAT reply")
	}
	return m.Number, m.Size, nil
}

// Caps is the capability list of a CAPA reply (RFC 2449 section 6): each
// capability name (upper case) with its arguments.
type Caps map[string][]string

// Has reports whether the capability name is present.
func (c Caps) Has(name string) bool {
	_, ok := c[string(bytes.ToUpper([]byte(name)))]
	return ok
}

// ParseCapaLine parses one line of a CAPA reply into c.
func (c Caps) ParseCapaLine(line []byte) error {
	f := bytes.Fields(line)
	if len(f) == 0 {
		return syntaxError(line, "empty capability line")
	}
	name := string(bytes.ToUpper(f[0]))
	args := make([]string, 0, len(f)-1)
	for _, a := range f[1:] {
		args = append(args, string(a))
	}
	c[name] = args
	return nil
}
