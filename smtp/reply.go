package smtp

import (
	"strconv"
	"strings"
)

// EnhancedCode is an enhanced mail system status code, class.subject.detail
// (RFC 3463 section 2), such as 2.1.5 "destination address valid". The zero
// value means "no enhanced code".
type EnhancedCode struct {
	Class   int // 2 success, 4 persistent transient failure, 5 permanent failure
	Subject int // 0 other, 1 addressing, 2 mailbox, 3 mail system, 4 network and routing, 5 mail delivery protocol, 6 message content, 7 security or policy
	Detail  int
}

// IsZero reports whether c is the zero value (no enhanced code).
func (c EnhancedCode) IsZero() bool { return c == EnhancedCode{} }

// String formats c as "class.subject.detail".
func (c EnhancedCode) String() string {
	return string(c.append(nil))
}

func (c EnhancedCode) append(b []byte) []byte {
	b = strconv.AppendInt(b, int64(c.Class), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(c.Subject), 10)
	b = append(b, '.')
	return strconv.AppendInt(b, int64(c.Detail), 10)
}

// ParseEnhancedCode parses "class.subject.detail" (RFC 3463 section 2):
// class is 2, 4 or 5, subject and detail are 1 to 3 digits.
func ParseEnhancedCode(s string) (EnhancedCode, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return EnhancedCode{}, false
	}
	var n [3]int
	for i, p := range parts {
		if len(p) < 1 || len(p) > 3 || (i == 0 && len(p) != 1) {
			return EnhancedCode{}, false
		}
		for j := 0; j < len(p); j++ {
			if p[j] < '0' || p[j] > '9' {
				return EnhancedCode{}, false
			}
		}
		n[i], _ = strconv.Atoi(p)
	}
	if n[0] != 2 && n[0] != 4 && n[0] != 5 {
		return EnhancedCode{}, false
	}
	return EnhancedCode{n[0], n[1], n[2]}, true
}

// Reply is an SMTP reply: a three-digit code, an optional enhanced status
// code, and one or more lines of text (RFC 5321 section 4.2). A *Reply is an
// error, so a Session returns one to send that exact reply, and a Client
// returns the server's reply as an error when it is not a success.
type Reply struct {
	Code     int          // 2yz success, 3yz intermediate, 4yz transient, 5yz permanent (RFC 5321 4.2.1)
	Enhanced EnhancedCode // RFC 3463; zero means none
	Lines    []string     // the text, without codes; no CR or LF
}

// Error formats the reply as one line, "550 5.1.1 no such user".
func (r *Reply) Error() string {
	var b strings.Builder
	b.WriteString("smtp: ")
	b.WriteString(strconv.Itoa(r.Code))
	if !r.Enhanced.IsZero() {
		b.WriteByte(' ')
		b.WriteString(r.Enhanced.String())
	}
	for i, l := range r.Lines {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteString("; ")
		}
		b.WriteString(l)
	}
	return b.String()
}

// Temporary reports whether the reply is a transient failure (4yz): the
// same command may succeed later (RFC 5321 section 4.2.1).
func (r *Reply) Temporary() bool { return r.Code >= 400 && r.Code < 500 }

// Positive reports whether the reply is a completion or intermediate reply
// (2yz or 3yz).
func (r *Reply) Positive() bool { return r.Code >= 200 && r.Code < 400 }

// Text returns the lines of the reply joined with newlines.
func (r *Reply) Text() string { return strings.Join(r.Lines, "\n") }

// AppendReply appends the wire form of r to b: every line but the last as
// "NNN-", the last as "NNN ", each with the enhanced code when there is one
// (RFC 2034 section 4 puts it on every line). A reply without lines is sent
// as the code alone.
func AppendReply(b []byte, r *Reply) []byte {
	lines := r.Lines
	if len(lines) == 0 {
		lines = []string{""}
	}
	for i, l := range lines {
		b = strconv.AppendInt(b, int64(r.Code), 10)
		if i < len(lines)-1 {
			b = append(b, '-')
		} else {
			b = append(b, ' ')
		}
		if !r.Enhanced.IsZero() {
			b = r.Enhanced.append(b)
			if l != "" {
				b = append(b, ' ')
			}
		}
		b = append(b, l...)
		b = append(b, '\r', '\n')
	}
	return b
}

// textLines returns the reply as text lines without CRLF, for a line
// writer that adds the code itself.
func (r *Reply) textLines() []string {
	lines := r.Lines
	if len(lines) == 0 {
		lines = []string{""}
	}
	if r.Enhanced.IsZero() {
		return lines
	}
	out := make([]string, len(lines))
	ec := r.Enhanced.String()
	for i, l := range lines {
		if l == "" {
			out[i] = ec
		} else {
			out[i] = ec + " " + l
		}
	}
	return out
}

// NewReply builds a reply from a code and the text lines as read from the
// wire. When the first line starts with an enhanced code whose class matches
// the first digit of code, it is taken out of every line that carries it
// (RFC 2034 section 4).
func NewReply(code int, lines []string) *Reply {
	r := &Reply{Code: code, Lines: append([]string(nil), lines...)}
	if len(lines) == 0 {
		return r
	}
	first, _, _ := strings.Cut(lines[0], " ")
	ec, ok := ParseEnhancedCode(first)
	if !ok || ec.Class != code/100 {
		return r
	}
	r.Enhanced = ec
	prefix := first
	for i, l := range r.Lines {
		if rest, ok := strings.CutPrefix(l, prefix); ok && (rest == "" || rest[0] == ' ') {
			r.Lines[i] = strings.TrimPrefix(rest, " ")
		}
	}
	return r
}

// Replies this package sends. Each is a *Reply and so an error; a Session may
// return them, and errors.Is matches them by identity.
var (
	// ErrBadSequence is 503: the command is valid but not now, such as RCPT
	// before MAIL (RFC 5321 section 4.3.2).
	ErrBadSequence = &Reply{Code: 503, Enhanced: EnhancedCode{5, 5, 1}, Lines: []string{"Bad sequence of commands"}}
	// ErrUnknownCommand is 500: the command name is not one we know.
	ErrUnknownCommand = &Reply{Code: 500, Enhanced: EnhancedCode{5, 5, 2}, Lines: []string{"Syntax error, command unrecognized"}}
	// ErrNotImplemented is 502: a known command we do not implement, or an
	// extension not offered on this connection.
	ErrNotImplemented = &Reply{Code: 502, Enhanced: EnhancedCode{5, 5, 1}, Lines: []string{"Command not implemented"}}
	// ErrTooManyRecipients is 452 (RFC 5321 section 4.5.3.1.10).
	ErrTooManyRecipients = &Reply{Code: 452, Enhanced: EnhancedCode{4, 5, 3}, Lines: []string{"Too many recipients"}}
	// ErrMessageTooLarge is 552 (RFC 1870 section 6.3).
	ErrMessageTooLarge = &Reply{Code: 552, Enhanced: EnhancedCode{5, 3, 4}, Lines: []string{"Message size exceeds fixed maximum message size"}}
	// ErrTLSRequired is 530: the command needs STARTTLS first (RFC 3207 section 4).
	ErrTLSRequired = &Reply{Code: 530, Enhanced: EnhancedCode{5, 7, 0}, Lines: []string{"Must issue a STARTTLS command first"}}
	// ErrAuthRequired is 530: the command needs AUTH first (RFC 4954 section 6).
	ErrAuthRequired = &Reply{Code: 530, Enhanced: EnhancedCode{5, 7, 0}, Lines: []string{"Authentication required"}}
	// ErrAuthFailed is 535 (RFC 4954 section 6).
	ErrAuthFailed = &Reply{Code: 535, Enhanced: EnhancedCode{5, 7, 8}, Lines: []string{"Authentication credentials invalid"}}
	// ErrLineTooLong is 500: a command line over the limit (RFC 5321 section 4.5.3.1.4).
	ErrLineTooLong = &Reply{Code: 500, Enhanced: EnhancedCode{5, 5, 2}, Lines: []string{"Line too long"}}
	// ErrTextLineTooLong is 500: a line of message text over
	// Limits.MaxTextLine (RFC 5321 section 4.5.3.1.6).
	ErrTextLineTooLong = &Reply{Code: 500, Enhanced: EnhancedCode{5, 5, 2}, Lines: []string{"Message line too long"}}
	// ErrBareLF is 500: a line of message text ended in LF without CR
	// (RFC 5321 section 2.3.8); accepting it invites "SMTP smuggling".
	ErrBareLF = &Reply{Code: 500, Enhanced: EnhancedCode{5, 5, 2}, Lines: []string{"Bare LF in message text"}}
	// ErrServiceClosing is 421: the server is going away (RFC 5321 section 3.8).
	ErrServiceClosing = &Reply{Code: 421, Enhanced: EnhancedCode{4, 3, 2}, Lines: []string{"Service not available, closing transmission channel"}}
	// ErrInternal is 451, sent instead of the text of an unexpected error.
	ErrInternal = &Reply{Code: 451, Enhanced: EnhancedCode{4, 3, 0}, Lines: []string{"Requested action aborted: local error in processing"}}
)
