package imap

// StoreOp says how STORE changes flags (RFC 9051 section 6.4.6).
type StoreOp int

// The three STORE operations.
const (
	StoreReplace StoreOp = iota // FLAGS
	StoreAdd                    // +FLAGS
	StoreRemove                 // -FLAGS
)

// String returns the STORE item name of the operation.
func (op StoreOp) String() string {
	switch op {
	case StoreAdd:
		return "+FLAGS"
	case StoreRemove:
		return "-FLAGS"
	}
	return "FLAGS"
}

// StoreAction is the parsed argument of STORE after the sequence set.
type StoreAction struct {
	Op     StoreOp
	Silent bool // .SILENT: no untagged FETCH back
	Flags  []Flag
}

// ParseStoreAction parses "+FLAGS.SILENT (\Seen)" given as two values.
func ParseStoreAction(args []Value) (StoreAction, error) {
	var sa StoreAction
	if len(args) != 2 {
		return sa, syntaxErr("STORE needs an item and flags", nil)
	}
	a, ok := args[0].(Atom)
	if !ok {
		return sa, syntaxErr("bad STORE item", nil)
	}
	name := upper(string(a))
	switch {
	case len(name) > 0 && name[0] == '+':
		sa.Op, name = StoreAdd, name[1:]
	case len(name) > 0 && name[0] == '-':
		sa.Op, name = StoreRemove, name[1:]
	}
	switch name {
	case "FLAGS":
	case "FLAGS.SILENT":
		sa.Silent = true
	default:
		return sa, syntaxErr("bad STORE item", []byte(a))
	}
	var err error
	sa.Flags, err = ParseFlags(args[1])
	return sa, err
}

// ParseFlags parses a flag list, or a single flag as STORE allows.
func ParseFlags(v Value) ([]Flag, error) {
	var l List
	switch v := v.(type) {
	case List:
		l = v
	case Atom:
		l = List{v}
	default:
		return nil, syntaxErr("expected flag list", nil)
	}
	flags := make([]Flag, 0, len(l))
	for _, x := range l {
		a, ok := x.(Atom)
		if !ok || !validFlag(string(a)) {
			return nil, syntaxErr("bad flag", nil)
		}
		flags = append(flags, canonicalFlag(string(a)))
	}
	return flags, nil
}

func validFlag(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '\\' {
		s = s[1:]
		if s == "*" {
			return true
		}
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAtomChar(s[i]) || s[i] == '[' {
			return false
		}
	}
	return true
}

// FlagsValue returns flags as a list.
func FlagsValue(flags []Flag) List {
	l := make(List, len(flags))
	for i, f := range flags {
		l[i] = Atom(f)
	}
	return l
}

// Values returns the two STORE arguments after the sequence set.
func (sa StoreAction) Values() []Value {
	name := sa.Op.String()
	if sa.Silent {
		name += ".SILENT"
	}
	return []Value{Atom(name), FlagsValue(sa.Flags)}
}
