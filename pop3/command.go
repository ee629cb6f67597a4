package pop3

import (
	"bytes"
	"strconv"
)

// Command is one client command: a verb and its arguments, as on the wire
// ("RETR 1" is Command{Verb: RETR, Args: []string{"1"}}).
type Command struct {
	Verb Verb
	Args []string
}

// ParseCommand parses one command line (without its CRLF). Keywords are
// case-insensitive; arguments are separated by single spaces (RFC 1939
// section 3), except that PASS takes the whole rest of the line, spaces
// included, as the password. Message numbers and line counts are checked to
// be decimal numbers. Errors are *SyntaxError values matching [ErrSyntax] or
// [ErrUnknownCommand].
//
// ParseCommand does no I/O and keeps no reference to line.
func ParseCommand(line []byte) (Command, error) {
	if len(line) == 0 {
		return Command{}, syntaxError(line, "empty command")
	}
	for _, c := range line {
		if c < ' ' || c == 0x7f {
			return Command{}, syntaxError(line, "control character in command")
		}
	}
	kw, rest, hasArgs := bytes.Cut(line, []byte(" "))
	if len(kw) < 3 || len(kw) > 4 {
		return Command{}, newSyntaxError(line, "unknown command", ErrUnknownCommand)
	}
	verb, known := lookupVerb(kw)
	min, max, _ := verb.arity()
	if !known {
		return Command{}, newSyntaxError(line, "unknown command", ErrUnknownCommand)
	}
	cmd := Command{Verb: verb}
	if verb == PASS {
		if !hasArgs || len(rest) == 0 {
			return Command{}, syntaxError(line, "PASS needs a password")
		}
		cmd.Args = []string{string(rest)}
		return cmd, nil
	}
	// Tolerate trailing spaces (some clients send "STAT "), not empty arguments.
	rest = bytes.TrimRight(rest, " ")
	if hasArgs && len(rest) > 0 {
		for _, a := range bytes.Split(rest, []byte(" ")) {
			if len(a) == 0 {
				return Command{}, syntaxError(line, "empty argument")
			}
			cmd.Args = append(cmd.Args, string(a))
		}
	}
	if len(cmd.Args) < min || len(cmd.Args) > max {
		return Command{}, syntaxError(line, "wrong number of arguments for "+string(verb))
	}
	switch verb {
	case RETR, DELE, LIST, UIDL:
		if len(cmd.Args) == 1 {
			if _, ok := parseNumber(cmd.Args[0], 1); !ok {
				return Command{}, syntaxError(line, "bad message number")
			}
		}
	case TOP:
		_, ok1 := parseNumber(cmd.Args[0], 1)
		_, ok2 := parseNumber(cmd.Args[1], 0)
		if !ok1 || !ok2 {
			return Command{}, syntaxError(line, "bad message number or line count")
		}
	case USER, APOP:
		if len(cmd.Args[0]) > MaxArgLength {
			return Command{}, syntaxError(line, "name longer than 40 octets")
		}
	}
	return cmd, nil
}

// lookupVerb maps a keyword of 3 or 4 letters, in any case, to its Verb
// without allocating.
func lookupVerb(kw []byte) (Verb, bool) {
	var up [4]byte
	n := copy(up[:], kw)
	for i := range n {
		if 'a' <= up[i] && up[i] <= 'z' {
			up[i] -= 'a' - 'A'
		}
	}
	switch v := Verb(up[:n]); v {
	case USER, PASS, APOP, AUTH, STLS, CAPA, QUIT, STAT, LIST, RETR, DELE, NOOP, RSET, TOP, UIDL:
		return v, true
	}
	return "", false
}

// parseNumber parses a decimal number of at most maxNumberDigits digits,
// no sign, at least min.
func parseNumber(s string, min int) (int, bool) {
	if len(s) == 0 || len(s) > maxNumberDigits {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n >= min
}

// AppendCommand appends the wire form of cmd, with CRLF, to b. It does not
// validate cmd; use [Command.Validate] for that.
func AppendCommand(b []byte, cmd Command) []byte {
	b = append(b, cmd.Verb...)
	for _, a := range cmd.Args {
		b = append(b, ' ')
		b = append(b, a...)
	}
	return append(b, '\r', '\n')
}

// Validate reports whether cmd would parse back to itself: a known verb,
// the right number of arguments, no CR, LF or control characters, no spaces
// except in a PASS argument.
func (cmd Command) Validate() error {
	line := AppendCommand(nil, cmd)
	line = line[:len(line)-2]
	got, err := ParseCommand(line)
	if err != nil {
		return err
	}
	if got.Verb != cmd.Verb || len(got.Args) != len(cmd.Args) {
		return syntaxError(line, "command does not survive a round trip")
	}
	for i := range got.Args {
		if got.Args[i] != cmd.Args[i] {
			return syntaxError(line, "command does not survive a round trip")
		}
	}
	return nil
}

// MsgArg returns the i-th argument as a message number or count; ok is
// false if it is missing or not a number.
func (cmd Command) MsgArg(i int) (n int, ok bool) {
	if i >= len(cmd.Args) {
		return 0, false
	}
	return parseNumber(cmd.Args[i], 0)
}

// msgCommand builds a command with numeric arguments.
func msgCommand(v Verb, nums ...int) Command {
	c := Command{Verb: v}
	for _, n := range nums {
		c.Args = append(c.Args, strconv.Itoa(n))
	}
	return c
}
