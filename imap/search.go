package imap

import (
	"time"
)

// SearchKey is one search key of SEARCH (RFC 9051 section 6.4.4). Keys in a
// list are ANDed.
type SearchKey struct {
	// Op is the upper-case key name ("FROM", "SINCE", "OR"), "SEQ" for a bare
	// sequence set and "AND" for a parenthesized list.
	Op    string
	Str   string      // the string of BCC BODY CC FROM SUBJECT TEXT TO, HEADER's value, KEYWORD's flag
	Field string      // the field name of HEADER
	Date  time.Time   // BEFORE ON SINCE SENTBEFORE SENTON SENTSINCE
	Num   uint64      // LARGER SMALLER
	Seq   SeqSet      // SEQ UID
	Keys  []SearchKey // NOT (one), OR (two), AND (any)
}

// searchArgs says what follows each key name.
type searchArg int

const (
	argNone searchArg = iota
	argString
	argDate
	argNumber
	argFlag
	argHeader
	argSeq
	argNot
	argOr
)

// searchArgOf says what follows the key name op, and whether op is a key.
func searchArgOf(op string) (searchArg, bool) {
	switch op {
	case "ALL", "ANSWERED", "DELETED", "DRAFT", "FLAGGED", "NEW", "OLD", "RECENT", "SEEN",
		"UNANSWERED", "UNDELETED", "UNDRAFT", "UNFLAGGED", "UNSEEN":
		return argNone, true
	case "BCC", "BODY", "CC", "FROM", "SUBJECT", "TEXT", "TO":
		return argString, true
	case "BEFORE", "ON", "SINCE", "SENTBEFORE", "SENTON", "SENTSINCE":
		return argDate, true
	case "LARGER", "SMALLER":
		return argNumber, true
	case "KEYWORD", "UNKEYWORD":
		return argFlag, true
	case "HEADER":
		return argHeader, true
	case "UID":
		return argSeq, true
	case "NOT":
		return argNot, true
	case "OR":
		return argOr, true
	}
	return argNone, false
}

// SearchCommand is the parsed argument list of SEARCH.
type SearchCommand struct {
	Return  []string    // ESEARCH RETURN options (MIN MAX ALL COUNT); nil for a plain SEARCH
	Charset string      // CHARSET, "" when absent
	Keys    []SearchKey // the criteria, ANDed
}

// ParseSearch parses the arguments of SEARCH: [RETURN (opts)] [CHARSET
// name] keys.
func ParseSearch(args []Value, maxDepth int) (*SearchCommand, error) {
	sc := &SearchCommand{}
	if len(args) >= 2 {
		if a, ok := args[0].(Atom); ok && equalFold(string(a), "RETURN") {
			l, ok := args[1].(List)
			if !ok {
				return nil, syntaxErr("RETURN needs a list", nil)
			}
			sc.Return = []string{}
			for _, o := range l {
				s, ok := o.(Atom)
				if !ok {
					return nil, syntaxErr("bad RETURN option", nil)
				}
				sc.Return = append(sc.Return, upper(string(s)))
			}
			args = args[2:]
		}
	}
	if len(args) >= 2 {
		if a, ok := args[0].(Atom); ok && equalFold(string(a), "CHARSET") {
			cs, ok := AsString(args[1])
			if !ok {
				return nil, syntaxErr("bad charset", nil)
			}
			sc.Charset = cs
			args = args[2:]
		}
	}
	if len(args) == 0 {
		return nil, syntaxErr("SEARCH needs a key", nil)
	}
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	p := &searchParser{args: args, maxDepth: maxDepth}
	for p.i < len(p.args) {
		k, err := p.key(0)
		if err != nil {
			return nil, err
		}
		sc.Keys = append(sc.Keys, k)
	}
	return sc, nil
}

type searchParser struct {
	args     []Value
	i        int
	maxDepth int
}

func (p *searchParser) next() (Value, error) {
	if p.i >= len(p.args) {
		return nil, syntaxErr("missing search argument", nil)
	}
	v := p.args[p.i]
	p.i++
	return v, nil
}

func (p *searchParser) key(depth int) (SearchKey, error) {
	if depth > p.maxDepth {
		return SearchKey{}, ErrTooDeep
	}
	v, err := p.next()
	if err != nil {
		return SearchKey{}, err
	}
	if l, ok := v.(List); ok {
		if len(l) == 0 {
			return SearchKey{}, syntaxErr("empty search list", nil)
		}
		sub := &searchParser{args: l, maxDepth: p.maxDepth}
		k := SearchKey{Op: "AND"}
		for sub.i < len(sub.args) {
			c, err := sub.key(depth + 1)
			if err != nil {
				return SearchKey{}, err
			}
			k.Keys = append(k.Keys, c)
		}
		return k, nil
	}
	a, ok := v.(Atom)
	if !ok {
		return SearchKey{}, syntaxErr("expected search key", nil)
	}
	op := upper(string(a))
	kind, known := searchArgOf(op)
	if !known {
		set, err := ParseSeqSet(string(a))
		if err != nil {
			return SearchKey{}, syntaxErr("unknown search key", []byte(a))
		}
		return SearchKey{Op: "SEQ", Seq: set}, nil
	}
	k := SearchKey{Op: op}
	switch kind {
	case argString, argFlag:
		v, err := p.next()
		if err != nil {
			return k, err
		}
		if k.Str, ok = AsString(v); !ok {
			return k, syntaxErr("expected string after "+op, nil)
		}
	case argHeader:
		f, err := p.next()
		if err != nil {
			return k, err
		}
		if k.Field, ok = AsString(f); !ok {
			return k, syntaxErr("expected header field", nil)
		}
		v, err := p.next()
		if err != nil {
			return k, err
		}
		if k.Str, ok = AsString(v); !ok {
			return k, syntaxErr("expected header value", nil)
		}
	case argDate:
		v, err := p.next()
		if err != nil {
			return k, err
		}
		s, ok := AsString(v)
		if !ok {
			return k, syntaxErr("expected date", nil)
		}
		if k.Date, err = ParseDate(s); err != nil {
			return k, err
		}
	case argNumber:
		v, err := p.next()
		if err != nil {
			return k, err
		}
		if k.Num, ok = AsNumber(v); !ok {
			return k, syntaxErr("expected number", nil)
		}
	case argSeq:
		v, err := p.next()
		if err != nil {
			return k, err
		}
		a, ok := v.(Atom)
		if !ok {
			return k, syntaxErr("expected UID set", nil)
		}
		if k.Seq, err = ParseSeqSet(string(a)); err != nil {
			return k, err
		}
	case argNot:
		c, err := p.key(depth + 1)
		if err != nil {
			return k, err
		}
		k.Keys = []SearchKey{c}
	case argOr:
		for range 2 {
			c, err := p.key(depth + 1)
			if err != nil {
				return k, err
			}
			k.Keys = append(k.Keys, c)
		}
	}
	return k, nil
}

// Values returns the wire form of the key.
func (k SearchKey) Values() []Value {
	switch k.Op {
	case "SEQ":
		return []Value{Atom(k.Seq.String())}
	case "AND":
		l := List{}
		for _, c := range k.Keys {
			l = append(l, c.Values()...)
		}
		return []Value{l}
	}
	out := []Value{Atom(k.Op)}
	kind, _ := searchArgOf(k.Op)
	switch kind {
	case argString:
		out = append(out, String(k.Str))
	case argFlag:
		out = append(out, Atom(k.Str))
	case argHeader:
		out = append(out, String(k.Field), String(k.Str))
	case argDate:
		out = append(out, Atom(FormatDate(k.Date)))
	case argNumber:
		out = append(out, Number(k.Num))
	case argSeq:
		out = append(out, Atom(k.Seq.String()))
	case argNot, argOr:
		for _, c := range k.Keys {
			out = append(out, c.Values()...)
		}
	}
	return out
}

// SearchValues returns the wire form of a list of keys.
func SearchValues(keys []SearchKey) []Value {
	var out []Value
	for _, k := range keys {
		out = append(out, k.Values()...)
	}
	return out
}
