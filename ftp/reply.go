package ftp

import (
	"strings"

	"github.com/applayer/applayer/internal/textwire"
)

// Reply is one server reply: a code and its text lines (RFC 959 section 4.2).
// A one-line reply has one Line. A multi-line reply "211-Features:" ...
// "211 End" has the text of each line, without the "NNN-"/"NNN " prefixes of
// the first and last lines. Reply is an error, so a client method can return
// the server's refusal as it is.
type Reply struct {
	Code  Code
	Lines []string
}

// Text returns the reply's lines joined by newlines.
func (r *Reply) Text() string { return strings.Join(r.Lines, "\n") }

// Error returns "ftp: 550 No such file".
func (r *Reply) Error() string { return "ftp: " + r.Code.String() + " " + r.Text() }

// AppendReply appends the wire form of a reply, CRLFs included. With one line
// it writes "NNN text". With several it writes "NNN-first", the middle lines
// as they are (a middle line that starts with a digit, or with a space and a
// digit, gets one more leading space, as RFC 959 section 4.2 asks, so it cannot
// be taken for the last line; [ReplyParser] removes that space), and
// "NNN last". No lines writes "NNN " alone. CR and LF inside a line are
// replaced by spaces: a reply can never inject a second reply.
func AppendReply(b []byte, code Code, lines ...string) []byte {
	var num [3]byte
	c := int(code)
	num[0], num[1], num[2] = byte('0'+c/100%10), byte('0'+c/10%10), byte('0'+c%10)
	if len(lines) <= 1 {
		b = append(b, num[:]...)
		b = append(b, ' ')
		if len(lines) == 1 {
			b = appendReplyText(b, lines[0])
		}
		return append(b, '\r', '\n')
	}
	b = append(b, num[:]...)
	b = append(b, '-')
	b = appendReplyText(b, lines[0])
	b = append(b, '\r', '\n')
	for _, l := range lines[1 : len(lines)-1] {
		if startsWithDigit(l) || len(l) > 1 && l[0] == ' ' && startsWithDigit(l[1:]) {
			b = append(b, ' ')
		}
		b = appendReplyText(b, l)
		b = append(b, '\r', '\n')
	}
	b = append(b, num[:]...)
	b = append(b, ' ')
	b = appendReplyText(b, lines[len(lines)-1])
	return append(b, '\r', '\n')
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

func appendReplyText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		b = append(b, c)
	}
	return b
}

// ReplyParser assembles a reply from control lines, one at a time: the pure
// half of reading a reply, with the framing left to the caller (the [Client]
// feeds it lines from an internal/textwire reader).
//
// RFC 959 section 4.2 says a multi-line reply starts with "NNN-" and ends at
// the first line that starts with the same code followed by a space; the lines
// in between may hold anything. Some servers repeat "NNN-" on every line; that
// prefix is removed, so both styles parse to the same Reply.
type ReplyParser struct {
	// MaxLines caps the lines of one reply. If zero, DefaultMaxReplyLines.
	MaxLines int

	reply Reply
	open  bool // inside a multi-line reply
}

// Feed gives the parser the next line (without CRLF). It returns the reply
// once its last line has been fed, and nil before that. After a reply or an
// error the parser is ready for the next reply.
func (p *ReplyParser) Feed(line []byte) (*Reply, error) {
	if !p.open {
		code, more, text, err := parseReplyLine(line)
		if err != nil {
			return nil, err
		}
		p.reply = Reply{Code: code, Lines: []string{string(text)}}
		if !more {
			r := p.reply
			p.reply = Reply{}
			return &r, nil
		}
		p.open = true
		return nil, nil
	}
	max := p.MaxLines
	if max <= 0 {
		max = DefaultMaxReplyLines
	}
	if len(p.reply.Lines) >= max {
		p.open, p.reply = false, Reply{}
		return nil, ErrTooManyLines
	}
	if code, more, text, err := parseReplyLine(line); err == nil && code == p.reply.Code {
		p.reply.Lines = append(p.reply.Lines, string(text))
		if more {
			return nil, nil
		}
		r := p.reply
		p.open, p.reply = false, Reply{}
		return &r, nil
	}
	// A middle line of free text. Undo the one-space padding that
	// AppendReply puts before a leading digit.
	if len(line) >= 2 && line[0] == ' ' && line[1] >= '0' && line[1] <= '9' {
		line = line[1:]
	}
	p.reply.Lines = append(p.reply.Lines, string(line))
	return nil, nil
}

// parseReplyLine splits "NNN text" or "NNN-text" with textwire's line
// parser (shared with SMTP); a bare "NNN" is a last line with empty text.
func parseReplyLine(line []byte) (code Code, more bool, text []byte, err error) {
	n, more, text, err := textwire.ParseReplyLine(line)
	if err != nil {
		return 0, false, nil, newSyntaxError(ErrReplySyntax, "not \"NNN text\" or \"NNN-text\" with NNN in 100-599", line)
	}
	return Code(n), more, text, nil
}

// ParseReply parses one complete reply from b, which holds CRLF-terminated
// lines (a bare LF is accepted too). It returns the reply and the number of
// bytes it used. It is the pure, whole-buffer form of what the client does on
// the wire, handy for tests and fuzzing; if b ends before the reply does it
// returns ErrReplySyntax.
func ParseReply(b []byte, maxLines int) (*Reply, int, error) {
	p := ReplyParser{MaxLines: maxLines}
	n := 0
	for n < len(b) {
		end := n
		for end < len(b) && b[end] != '\n' {
			end++
		}
		if end == len(b) {
			break
		}
		line := b[n:end]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		n = end + 1
		r, err := p.Feed(line)
		if err != nil {
			return nil, n, err
		}
		if r != nil {
			return r, n, nil
		}
	}
	return nil, n, newSyntaxError(ErrReplySyntax, "reply not terminated", b)
}
