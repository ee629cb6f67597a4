package imap

import "io"

// Command is one client command (RFC 9051 section 6): a tag, a name and
// its arguments as parsed values. The typed helpers ([ParseSeqSet],
// [ParseFetchItems], [ParseSearchKeys], [ParseStoreAction]) give the
// arguments their meaning.
type Command struct {
	Tag  string  // the client's tag, such as "a001"
	Name string  // upper-case command name, such as "FETCH"
	UID  bool    // the command came as "UID FETCH" etc. (section 6.4.9)
	Args []Value // the arguments
}

// Command names of RFC 9051 section 6 and its extensions.
const (
	CmdCapability   = "CAPABILITY"
	CmdNoop         = "NOOP"
	CmdLogout       = "LOGOUT"
	CmdStartTLS     = "STARTTLS"
	CmdAuthenticate = "AUTHENTICATE"
	CmdLogin        = "LOGIN"
	CmdEnable       = "ENABLE"
	CmdSelect       = "SELECT"
	CmdExamine      = "EXAMINE"
	CmdCreate       = "CREATE"
	CmdDelete       = "DELETE"
	CmdRename       = "RENAME"
	CmdSubscribe    = "SUBSCRIBE"
	CmdUnsubscribe  = "UNSUBSCRIBE"
	CmdList         = "LIST"
	CmdLsub         = "LSUB"
	CmdNamespace    = "NAMESPACE"
	CmdStatus       = "STATUS"
	CmdAppend       = "APPEND"
	CmdIdle         = "IDLE"
	CmdCheck        = "CHECK"
	CmdClose        = "CLOSE"
	CmdUnselect     = "UNSELECT"
	CmdExpunge      = "EXPUNGE"
	CmdSearch       = "SEARCH"
	CmdFetch        = "FETCH"
	CmdStore        = "STORE"
	CmdCopy         = "COPY"
	CmdMove         = "MOVE"
	CmdID           = "ID"
)

// ReadCommand reads one command. When the input breaks the grammar it
// returns a *SyntaxError; the tag, if it was read, is in cmd.Tag so the
// server can answer "tag BAD". After a limit error (see [IsLimit]) the rest
// of the line has not been read.
func ReadCommand(r *Reader) (cmd *Command, err error) {
	r.Reset()
	cmd = &Command{}
	if cmd.Tag, err = readTag(r); err != nil {
		return cmd, err
	}
	if err = r.SP(); err != nil {
		return cmd, err
	}
	name, err := r.Atom()
	if err != nil {
		return cmd, err
	}
	cmd.Name = upper(name)
	if cmd.Name == "UID" {
		cmd.UID = true
		if err = r.SP(); err != nil {
			return cmd, err
		}
		if name, err = r.Atom(); err != nil {
			return cmd, err
		}
		cmd.Name = upper(name)
	}
	if r.AtEOL() {
		return cmd, r.CRLF()
	}
	if err = r.SP(); err != nil {
		return cmd, err
	}
	cmd.Args, err = r.Values()
	return cmd, err
}

func readTag(r *Reader) (string, error) {
	var buf []byte
	for {
		c, err := r.peek()
		if err != nil {
			if len(buf) > 0 && err == io.EOF {
				break
			}
			return "", unexpectedEOF(err)
		}
		if c == '+' || c == '[' || !(isAtomChar(c) || c == ']') {
			break
		}
		if _, err := r.readByte(); err != nil {
			return "", err
		}
		buf = append(buf, c)
	}
	if len(buf) == 0 {
		return "", syntaxErr("expected tag", r.near())
	}
	return string(buf), nil
}

// validTag reports whether s can be sent as a tag.
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '+' || c == '[' || !(isAtomChar(c) || c == ']') {
			return false
		}
	}
	return true
}

// AppendCommand appends the wire form of cmd, CRLF included. Literals are
// written in the non-synchronizing form {n+} when nonSync is set, otherwise
// as {n}; a client that may not use LITERAL+ sends the command with
// [SplitCommand] instead.
func AppendCommand(b []byte, cmd *Command, nonSync bool) []byte {
	max := int64(-1)
	if nonSync {
		max = 1<<63 - 1
	}
	parts := splitCommand(b, cmd, max)
	if len(parts) == 1 {
		return parts[0]
	}
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// SplitCommand returns the wire form of cmd cut after each synchronizing
// literal's "{n}\r\n": the client sends part i, waits for the server's "+"
// continuation, then sends part i+1 (RFC 9051 section 4.3.1). Literals of
// at most maxNonSync octets are sent as {n+} instead (LITERAL+ allows any
// size, LITERAL- up to 4096); -1 sends every literal synchronizing.
func SplitCommand(cmd *Command, maxNonSync int64) [][]byte {
	return splitCommand(nil, cmd, maxNonSync)
}

func splitCommand(b []byte, cmd *Command, maxNonSync int64) [][]byte {
	e := &cmdEncoder{b: b, maxNonSync: maxNonSync}
	e.b = append(e.b, cmd.Tag...)
	e.b = append(e.b, ' ')
	if cmd.UID {
		e.b = append(e.b, "UID "...)
	}
	e.b = append(e.b, cmd.Name...)
	for _, a := range cmd.Args {
		e.b = append(e.b, ' ')
		e.value(a, true)
	}
	e.b = append(e.b, "\r\n"...)
	return append(e.parts, e.b)
}

type cmdEncoder struct {
	b          []byte
	parts      [][]byte
	maxNonSync int64
}

func (e *cmdEncoder) value(v Value, top bool) {
	switch v := v.(type) {
	case literal:
		nonSync := int64(len(v)) <= e.maxNonSync
		e.b = AppendLiteral(e.b, string(v), nonSync)
		if !nonSync {
			cut := len(e.b) - len(v)
			e.parts = append(e.parts, e.b[:cut:cut])
			e.b = append([]byte(nil), e.b[cut:]...)
		}
	case String:
		f := chooseForm(string(v), false)
		if f == formLiteral || f == formLiteral8 {
			if f == formLiteral8 {
				e.b = append(e.b, '~')
			}
			nonSync := int64(len(v)) <= e.maxNonSync
			e.b = AppendLiteral(e.b, string(v), nonSync)
			if !nonSync {
				cut := len(e.b) - len(v)
				e.parts = append(e.parts, e.b[:cut:cut])
				e.b = append([]byte(nil), e.b[cut:]...)
			}
			return
		}
		e.b = appendStringForm(e.b, string(v), f)
	case List:
		e.b = append(e.b, '(')
		for i, x := range v {
			if i > 0 {
				e.b = append(e.b, ' ')
			}
			e.value(x, false)
		}
		e.b = append(e.b, ')')
	default:
		e.b = AppendValue(e.b, v)
	}
}
