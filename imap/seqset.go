package imap

import (
	"slices"
	"strconv"
	"strings"
)

// SeqRange is a range of message sequence numbers or UIDs. Zero stands for
// "*", the largest number in use (RFC 9051 section 9, seq-range).
type SeqRange struct {
	Start, Stop uint32
}

// SeqSet is a sequence set such as 1:3,7,9:* (RFC 9051 section 9,
// sequence-set). The ranges are kept in the order they were given.
type SeqSet []SeqRange

// ParseSeqSet parses a sequence set. A range may be given in either order
// (4:2 is 2:4); numbers are 1..4294967295 or "*".
func ParseSeqSet(s string) (SeqSet, error) {
	if s == "" {
		return nil, syntaxErr("empty sequence set", nil)
	}
	var set SeqSet
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, ":")
		a, err := parseSeqNumber(lo)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = parseSeqNumber(hi); err != nil {
				return nil, err
			}
		}
		set = append(set, SeqRange{Start: a, Stop: b})
	}
	return set, nil
}

func parseSeqNumber(s string) (uint32, error) {
	if s == "*" {
		return 0, nil
	}
	if s == "" || s[0] == '0' || len(s) > 10 {
		return 0, syntaxErr("bad sequence number", []byte(s))
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, syntaxErr("bad sequence number", []byte(s))
	}
	return uint32(n), nil
}

// String formats the set in wire form.
func (s SeqSet) String() string {
	return string(s.AppendTo(nil))
}

// AppendTo appends the wire form of the set to b.
func (s SeqSet) AppendTo(b []byte) []byte {
	for i, r := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendSeqNumber(b, r.Start)
		if r.Stop != r.Start {
			b = append(b, ':')
			b = appendSeqNumber(b, r.Stop)
		}
	}
	return b
}

func appendSeqNumber(b []byte, n uint32) []byte {
	if n == 0 {
		return append(b, '*')
	}
	return strconv.AppendUint(b, uint64(n), 10)
}

// Contains reports whether n is in the set, with "*" standing for max, the
// largest number in use (RFC 9051 section 9). Zero is never in a set.
func (s SeqSet) Contains(n, max uint32) bool {
	for _, r := range s {
		a, b := r.Start, r.Stop
		if a == 0 {
			a = max
		}
		if b == 0 {
			b = max
		}
		if a > b {
			a, b = b, a
		}
		if n >= a && n <= b && n != 0 {
			return true
		}
	}
	return false
}

// Dynamic reports whether the set uses "*".
func (s SeqSet) Dynamic() bool {
	for _, r := range s {
		if r.Start == 0 || r.Stop == 0 {
			return true
		}
	}
	return false
}

// SeqSetOf returns a compact set holding the given numbers.
func SeqSetOf(nums ...uint32) SeqSet {
	if len(nums) == 0 {
		return nil
	}
	sorted := slices.Clone(nums)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	var set SeqSet
	for _, n := range sorted {
		if k := len(set); k > 0 && set[k-1].Stop+1 == n {
			set[k-1].Stop = n
			continue
		}
		set = append(set, SeqRange{n, n})
	}
	return set
}

// Nums lists the numbers of the set in ascending order, resolving "*" to
// max. It visits at most max numbers per range, so a set like 1:4294967295
// cannot make it allocate more than the mailbox holds when max bounds it.
func (s SeqSet) Nums(max uint32) []uint32 {
	var out []uint32
	for _, r := range s {
		a, b := r.Start, r.Stop
		if a == 0 {
			a = max
		}
		if b == 0 {
			b = max
		}
		if a > b {
			a, b = b, a
		}
		if b > max {
			b = max
		}
		for n := a; n <= b && n != 0; n++ {
			out = append(out, n)
			if n == b {
				break
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
