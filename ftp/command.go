package ftp

// Telnet bytes that can appear on the control connection (RFC 854). FTP's
// control connection is nominally a Telnet session: clients send ABOR after
// "IAC IP IAC DM" (RFC 959 section 4.1.3) and must double a literal 0xFF.
const (
	telnetIAC  = 0xFF // interpret as command
	telnetDONT = 0xFE
	telnetWILL = 0xFB
	telnetSE   = 0xF0 // the lowest Telnet command code
)

// Command is one request on the control connection: a verb and an optional
// argument (RFC 959 section 5.3). The zero Arg means no argument.
type Command struct {
	Verb Verb   // upper case
	Arg  string // everything after the single space that follows the verb
}

// String returns the command as sent, without CRLF. PASS arguments are not
// masked: callers that log commands must do that themselves.
func (c Command) String() string { return string(AppendCommand(nil, c)) }

// ParseCommand parses one control line (without its CRLF) into a Command.
// Telnet commands (IAC sequences such as the "IAC IP IAC DM" that precedes
// ABOR) are removed and a doubled IAC becomes one 0xFF byte. The verb is
// folded to upper case and must be 1 to [MaxVerbLength] ASCII letters; the
// argument, if any, follows exactly one space and keeps its spaces (file names
// may begin or end with one). NUL, CR and LF are refused anywhere.
func ParseCommand(line []byte) (Command, error) {
	line = stripTelnet(line)
	i := 0
	for i < len(line) && line[i] != ' ' {
		c := line[i]
		if !isLetter(c) {
			return Command{}, newSyntaxError(ErrCommandSyntax, "verb is not letters", line)
		}
		i++
	}
	if i == 0 {
		return Command{}, newSyntaxError(ErrCommandSyntax, "empty verb", line)
	}
	if i > MaxVerbLength {
		return Command{}, newSyntaxError(ErrCommandSyntax, "verb too long", line)
	}
	verb := make([]byte, i)
	for j := range i {
		verb[j] = line[j] &^ 0x20 // ASCII upper case
	}
	var arg []byte
	if i < len(line) {
		arg = line[i+1:]
	}
	for _, c := range arg {
		if c == 0 || c == '\r' || c == '\n' {
			return Command{}, newSyntaxError(ErrCommandSyntax, "NUL, CR or LF in argument", line)
		}
	}
	return Command{Verb: Verb(verb), Arg: string(arg)}, nil
}

// stripTelnet removes Telnet command sequences in place and returns the
// shortened line. It allocates only when an IAC byte is present.
func stripTelnet(line []byte) []byte {
	j := -1
	for i, c := range line {
		if c == telnetIAC {
			j = i
			break
		}
	}
	if j < 0 {
		return line
	}
	out := make([]byte, 0, len(line))
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c != telnetIAC {
			out = append(out, c)
			continue
		}
		if i+1 >= len(line) {
			break // lone IAC at the end: drop it
		}
		op := line[i+1]
		switch {
		case op == telnetIAC:
			out = append(out, telnetIAC)
			i++
		case op >= telnetWILL && op <= telnetDONT:
			i += 2 // IAC WILL/WONT/DO/DONT option
		case op >= telnetSE:
			i++ // IAC IP, IAC DM, IAC AO, ...
		default:
			// Not a Telnet command: drop the IAC alone. This is what
			// remains of "IAC IP IAC DM ABOR" when the DM byte was sent
			// as TCP urgent data and the kernel removed it.
		}
	}
	return out
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// AppendCommand appends the wire form of c to b, CRLF included: the verb,
// and if Arg is not empty a space and the argument with every 0xFF byte
// doubled (RFC 854 IAC escaping). It does not check c; use [Command.Validate]
// (the [Client] does) to refuse CR, LF or NUL in the argument.
func AppendCommand(b []byte, c Command) []byte {
	b = append(b, c.Verb...)
	if c.Arg != "" {
		b = append(b, ' ')
		for i := 0; i < len(c.Arg); i++ {
			if c.Arg[i] == telnetIAC {
				b = append(b, telnetIAC)
			}
			b = append(b, c.Arg[i])
		}
	}
	return append(b, '\r', '\n')
}

// Validate reports whether c can be sent: a verb of 1 to [MaxVerbLength]
// letters and an argument without CR, LF or NUL (which would let a file name
// smuggle in a second command).
func (c Command) Validate() error {
	if len(c.Verb) == 0 || len(c.Verb) > MaxVerbLength {
		return newSyntaxError(ErrCommandSyntax, "verb length", []byte(c.Verb))
	}
	for i := 0; i < len(c.Verb); i++ {
		if !isLetter(c.Verb[i]) {
			return newSyntaxError(ErrCommandSyntax, "verb is not letters", []byte(c.Verb))
		}
	}
	for i := 0; i < len(c.Arg); i++ {
		if b := c.Arg[i]; b == 0 || b == '\r' || b == '\n' {
			return ErrBadArgument
		}
	}
	return nil
}
