package smtp

import (
	"strconv"
	"strings"
)

// Command is one command line from client to server: a verb and its
// argument text (RFC 5321 section 4.1.1). The argument is parsed further by
// [ParseMail], [ParseRcpt] and [ParseBDAT] for the commands that have
// structure.
type Command struct {
	Verb Verb
	Arg  string // the text after the verb and one space; "" if none
}

// String returns the command line without CRLF.
func (c Command) String() string { return string(AppendCommand(nil, c)) }

// AppendCommand appends the wire form of c, without CRLF, to b. MAIL and
// RCPT are written as "MAIL FROM:..." with Arg after the colon.
func AppendCommand(b []byte, c Command) []byte {
	b = append(b, c.Verb...)
	switch {
	case c.Verb == VerbMAIL:
		b = append(b, " FROM:"...)
	case c.Verb == VerbRCPT:
		b = append(b, " TO:"...)
	case c.Arg != "":
		b = append(b, ' ')
	}
	return append(b, c.Arg...)
}

// ParseCommand parses a command line without its CRLF. The verb is matched
// case-insensitively; an unknown verb gives a *SyntaxError with code 500.
// For MAIL and RCPT, Arg is the text after "FROM:" or "TO:" (spaces after
// the colon are tolerated, as many clients send them). Control characters
// other than tab are refused with 501, except that SMTPUTF8 text may hold
// any octet of 0x80 and above.
func ParseCommand(line []byte) (Command, error) {
	s := string(line)
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return Command{}, &SyntaxError{Code: 500, Enhanced: EnhancedCode{5, 5, 2}, Msg: "control character in command line", Input: s}
		}
	}
	name, arg, _ := strings.Cut(s, " ")
	v, ok := lookupVerb(name)
	if !ok {
		return Command{}, &SyntaxError{Code: 500, Enhanced: EnhancedCode{5, 5, 2}, Msg: "command unrecognized", Input: name}
	}
	switch v {
	case VerbMAIL, VerbRCPT:
		want := "FROM:"
		if v == VerbRCPT {
			want = "TO:"
		}
		if len(arg) < len(want) || !strings.EqualFold(arg[:len(want)], want) {
			return Command{}, syntaxErr(v, "expected "+want, arg)
		}
		arg = strings.TrimLeft(arg[len(want):], " ")
	case VerbDATA, VerbRSET, VerbQUIT, VerbSTARTTLS:
		if strings.TrimSpace(arg) != "" {
			return Command{}, syntaxErr(v, "no parameters allowed", arg)
		}
		arg = ""
	case VerbHELO, VerbEHLO, VerbLHLO:
		arg = strings.TrimSpace(arg)
		if arg == "" || strings.ContainsAny(arg, " \t") && v == VerbHELO {
			return Command{}, syntaxErr(v, "expected a domain or address literal", arg)
		}
	}
	return Command{Verb: v, Arg: arg}, nil
}

// ParseBDAT parses the argument of BDAT, "chunk-size [LAST]" (RFC 3030
// section 2).
func ParseBDAT(arg string) (size int64, last bool, err error) {
	f := strings.Fields(arg)
	if len(f) == 0 || len(f) > 2 {
		return 0, false, syntaxErr(VerbBDAT, "expected chunk size and optional LAST", arg)
	}
	for i := 0; i < len(f[0]); i++ {
		if f[0][i] < '0' || f[0][i] > '9' {
			return 0, false, syntaxErr(VerbBDAT, "bad chunk size", arg)
		}
	}
	size, perr := strconv.ParseInt(f[0], 10, 64)
	if perr != nil {
		return 0, false, syntaxErr(VerbBDAT, "bad chunk size", arg)
	}
	if len(f) == 2 {
		if !strings.EqualFold(f[1], "LAST") {
			return 0, false, syntaxErr(VerbBDAT, "expected LAST", arg)
		}
		last = true
	}
	return size, last, nil
}

// FormatBDAT returns the argument of BDAT for a chunk.
func FormatBDAT(size int64, last bool) string {
	s := strconv.FormatInt(size, 10)
	if last {
		s += " LAST"
	}
	return s
}
