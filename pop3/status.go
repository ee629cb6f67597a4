package pop3

import (
	"bytes"
	"strconv"
	"strings"
)

// StatusKind is the indicator that starts every server reply.
type StatusKind int

const (
	StatusOK       StatusKind = iota + 1 // "+OK": the command succeeded (RFC 1939 section 3)
	StatusErr                            // "-ERR": it failed
	StatusContinue                       // "+ ": a SASL challenge, the client must answer (RFC 5034 section 4)
)

// String returns the wire form of the indicator.
func (k StatusKind) String() string {
	switch k {
	case StatusOK:
		return "+OK"
	case StatusErr:
		return "-ERR"
	case StatusContinue:
		return "+"
	}
	return "StatusKind(" + strconv.Itoa(int(k)) + ")"
}

// Status is the first line of every reply: "+OK 2 messages (1410 octets)",
// "-ERR [IN-USE] maildrop locked", or "+ " and a base64 challenge.
type Status struct {
	Kind StatusKind
	Code ResponseCode // RFC 2449 section 8 code, without brackets; "" if none
	Text string       // the rest of the line (for StatusContinue: the base64 challenge)
}

// Err returns nil for +OK and a continuation, and the status as an *Error
// for -ERR.
func (s Status) Err() error {
	if s.Kind != StatusErr {
		return nil
	}
	return &Error{Code: s.Code, Text: s.Text}
}

// ParseStatus parses a status line (without its CRLF). The indicator is
// matched without regard to case, as lenient clients do; a bracketed response
// code is recognised after +OK or -ERR. It does no I/O.
func ParseStatus(line []byte) (Status, error) {
	var st Status
	var rest []byte
	switch {
	case hasPrefixFold(line, "+OK"):
		st.Kind, rest = StatusOK, line[3:]
	case hasPrefixFold(line, "-ERR"):
		st.Kind, rest = StatusErr, line[4:]
	case len(line) > 0 && line[0] == '+':
		st.Kind, rest = StatusContinue, line[1:]
	default:
		return Status{}, syntaxError(line, "status line without +OK or -ERR")
	}
	if len(rest) > 0 && rest[0] != ' ' {
		return Status{}, syntaxError(line, "no space after status indicator")
	}
	rest = bytes.TrimPrefix(rest, []byte(" "))
	for _, c := range rest {
		if c < ' ' && c != '\t' || c == 0x7f {
			return Status{}, syntaxError(line, "control character in status line")
		}
	}
	if st.Kind != StatusContinue && len(rest) > 0 && rest[0] == '[' {
		end := bytes.IndexByte(rest, ']')
		if end > 1 && validCode(rest[1:end]) {
			st.Code = ResponseCode(rest[1:end])
			rest = bytes.TrimPrefix(rest[end+1:], []byte(" "))
		}
	}
	st.Text = string(rest)
	return st, nil
}

// validCode reports whether c is resp-level *("/" resp-level) (RFC 2449
// section 8): non-empty levels of printable characters other than '/' and ']'.
func validCode(c []byte) bool {
	for _, level := range bytes.Split(c, []byte("/")) {
		if len(level) == 0 {
			return false
		}
		for _, b := range level {
			if b <= ' ' || b >= 0x7f || b == ']' || b == '[' {
				return false
			}
		}
	}
	return true
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}

// AppendStatus appends the wire form of st, with CRLF, to b. CR and LF in
// st.Text are replaced by spaces so that a reply is always one line.
func AppendStatus(b []byte, st Status) []byte {
	b = append(b, st.Kind.String()...)
	if st.Code != "" && st.Kind != StatusContinue {
		b = append(b, " ["...)
		b = append(b, st.Code...)
		b = append(b, ']')
	}
	if st.Text != "" || st.Kind == StatusContinue {
		b = append(b, ' ')
		for i := 0; i < len(st.Text); i++ {
			c := st.Text[i]
			if c == '\r' || c == '\n' {
				c = ' '
			}
			b = append(b, c)
		}
	}
	return append(b, '\r', '\n')
}
