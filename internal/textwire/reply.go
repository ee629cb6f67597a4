package textwire

import (
	"strconv"
	"strings"
)

// Reply is a reply of the three-digit-code protocols (SMTP, FTP). It is
// also an error, so a server can return a protocol reply from a handler and
// a client can return a negative reply to its caller.
type Reply struct {
	// Code is the three-digit reply code, 100 to 599.
	Code int
	// Lines holds the text of each line, without code, separator or CRLF.
	Lines []string
}

// Error returns the reply as one line: "550 mailbox unavailable".
func (r *Reply) Error() string {
	return strconv.Itoa(r.Code) + " " + strings.Join(r.Lines, " ")
}

// Text returns the reply's lines joined by newlines.
func (r *Reply) Text() string { return strings.Join(r.Lines, "\n") }

// Positive reports whether the code is 1yz, 2yz or 3yz.
func (r *Reply) Positive() bool { return r.Code >= 100 && r.Code < 400 }

// ParseReplyLine splits one reply line (without CRLF) into its code, whether
// more lines follow ("NNN-"), and its text. A bare "NNN" is a last line with
// empty text. It does no I/O.
func ParseReplyLine(line []byte) (code int, more bool, text []byte, err error) {
	if len(line) < 3 || !isDigit(line[0]) || !isDigit(line[1]) || !isDigit(line[2]) || line[0] < '1' || line[0] > '5' {
		return 0, false, nil, &ReplySyntaxError{Line: quoteLimit(line)}
	}
	code = int(line[0]-'0')*100 + int(line[1]-'0')*10 + int(line[2]-'0')
	if len(line) == 3 {
		return code, false, line[3:], nil
	}
	switch line[3] {
	case ' ':
		return code, false, line[4:], nil
	case '-':
		return code, true, line[4:], nil
	}
	return 0, false, nil, &ReplySyntaxError{Line: quoteLimit(line)}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// AppendReply appends the wire form of a reply to b: every line but the
// last as "NNN-text", the last as "NNN text", each ending in CRLF. No lines
// give a single "NNN" line. CR and LF inside a line are replaced by spaces:
// a reply can never inject a line of its own.
func AppendReply(b []byte, code int, lines ...string) []byte {
	if len(lines) == 0 {
		lines = []string{""}
	}
	for i, l := range lines {
		b = strconv.AppendInt(b, int64(code), 10)
		switch {
		case i < len(lines)-1:
			b = append(b, '-')
		case l == "" && len(lines) == 1:
			return append(b, '\r', '\n')
		default:
			b = append(b, ' ')
		}
		for j := 0; j < len(l); j++ {
			c := l[j]
			if c == '\r' || c == '\n' {
				c = ' '
			}
			b = append(b, c)
		}
		b = append(b, '\r', '\n')
	}
	return b
}
