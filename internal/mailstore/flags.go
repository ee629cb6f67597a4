package mailstore

import (
	"slices"
	"strings"
)

// The system flags of RFC 9051, 2.3.2. Keywords (flags without a backslash,
// such as "$Forwarded" or "Work") are stored as given.
const (
	FlagSeen     = `\Seen`
	FlagAnswered = `\Answered`
	FlagFlagged  = `\Flagged`
	FlagDeleted  = `\Deleted`
	FlagDraft    = `\Draft`
)

// MaxFlagBytes limits the length of one flag or keyword.
const MaxFlagBytes = 100

// MaxFlags limits how many distinct flags one message may carry.
const MaxFlags = 64

var systemFlags = []string{FlagAnswered, FlagDeleted, FlagDraft, FlagFlagged, FlagSeen}

// FlagOp says how [Store.SetFlags] combines the given flags with a message's
// flags; it mirrors IMAP STORE's FLAGS, +FLAGS and -FLAGS.
type FlagOp int

const (
	FlagsReplace FlagOp = iota // set the flags to exactly the given ones
	FlagsAdd                   // add the given flags
	FlagsRemove                // remove the given flags
)

// String returns the IMAP spelling of op.
func (op FlagOp) String() string {
	switch op {
	case FlagsReplace:
		return "FLAGS"
	case FlagsAdd:
		return "+FLAGS"
	case FlagsRemove:
		return "-FLAGS"
	}
	return "FlagOp(?)"
}

// CanonicalFlag returns flag with a system flag spelled as in RFC 9051
// (`\seen` becomes `\Seen`), or a *FlagError if flag is not a system flag or
// a keyword atom. \Recent is refused: it is a session property, not stored.
func CanonicalFlag(flag string) (string, error) {
	if flag == "" || len(flag) > MaxFlagBytes {
		return "", &FlagError{Flag: flag}
	}
	if flag[0] == '\\' {
		for _, f := range systemFlags {
			if strings.EqualFold(f, flag) {
				return f, nil
			}
		}
		return "", &FlagError{Flag: flag}
	}
	for i := 0; i < len(flag); i++ {
		c := flag[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`(){%*"\]`, c) >= 0 {
			return "", &FlagError{Flag: flag}
		}
	}
	return flag, nil
}

// normFlags canonicalises, deduplicates (keywords case-insensitively) and
// sorts flags.
func normFlags(flags []string) ([]string, error) {
	out := make([]string, 0, len(flags))
	for _, f := range flags {
		c, err := CanonicalFlag(f)
		if err != nil {
			return nil, err
		}
		if !hasFlag(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out, nil
}

// hasFlag reports whether flags holds f (keywords compare case-insensitively).
func hasFlag(flags []string, f string) bool {
	for _, g := range flags {
		if strings.EqualFold(g, f) {
			return true
		}
	}
	return false
}

// applyFlags returns the result of op on cur with the normalised flags fl.
func applyFlags(cur []string, op FlagOp, fl []string) []string {
	var out []string
	switch op {
	case FlagsReplace:
		out = slices.Clone(fl)
	case FlagsAdd:
		out = slices.Clone(cur)
		for _, f := range fl {
			if !hasFlag(out, f) {
				out = append(out, f)
			}
		}
	case FlagsRemove:
		for _, f := range cur {
			if !hasFlag(fl, f) {
				out = append(out, f)
			}
		}
	}
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}
