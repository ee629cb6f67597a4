package ftp

import (
	"strconv"
	"strings"
	"time"
)

// MLSD and MLST (RFC 3659 section 7) describe files as facts, "name=value;"
// pairs, then one space and the name:
//
//	type=file;size=4318;modify=20240314092600;perm=adfrw; rfc1261.txt
//	type=dir;modify=20060102150400;perm=flcdmpe; pub
//
// Fact names are case-insensitive; unknown facts are ignored.

// ParseTimeVal parses an RFC 3659 time-val, YYYYMMDDHHMMSS with an optional
// fraction ".sss" (section 2.3), always in UTC. MDTM replies carry it.
func ParseTimeVal(s string) (time.Time, error) {
	bad := func() (time.Time, error) {
		return time.Time{}, newSyntaxError(ErrTimeSyntax, "want YYYYMMDDHHMMSS[.sss]", []byte(s))
	}
	if len(s) < 14 {
		return bad()
	}
	var v [6]int
	widths := [6]int{4, 2, 2, 2, 2, 2}
	p := 0
	for i, w := range widths {
		for j := 0; j < w; j++ {
			c := s[p]
			if c < '0' || c > '9' {
				return bad()
			}
			v[i] = v[i]*10 + int(c-'0')
			p++
		}
	}
	nsec := 0
	if p < len(s) {
		if s[p] != '.' || p+1 == len(s) || len(s)-p-1 > 9 {
			return bad()
		}
		scale := 100000000
		for _, c := range []byte(s[p+1:]) {
			if c < '0' || c > '9' {
				return bad()
			}
			nsec += int(c-'0') * scale
			scale /= 10
		}
	}
	if v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60 {
		return bad()
	}
	t := time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], nsec, time.UTC)
	if t.Day() != v[2] { // February 30th and the like
		return bad()
	}
	return t, nil
}

// AppendTimeVal appends t as an RFC 3659 time-val in UTC: YYYYMMDDHHMMSS,
// plus ".sss" milliseconds when t has a sub-second part of at least 1 ms.
func AppendTimeVal(b []byte, t time.Time) []byte {
	t = t.UTC()
	b = t.AppendFormat(b, "20060102150405")
	if ms := t.Nanosecond() / 1e6; ms != 0 {
		b = append(b, '.')
		b = append(b, byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	}
	return b
}

// AppendFacts appends e as one MLSD line (or the MLST line of one path),
// without a line end: type, size (when Size >= 0), modify (when ModTime is
// set), perm and unique (when set), UNIX.mode (when Mode has permission bits), a space and
// the name. Perm and Unique must not contain ';' or ' '.
func AppendFacts(b []byte, e Entry) []byte {
	b = append(b, "type="...)
	switch e.Type {
	case TypeLink:
		b = append(b, "OS.unix=symlink"...)
	case TypeOther:
		b = append(b, "OS.unix=other"...)
	default:
		b = append(b, e.Type.String()...)
	}
	b = append(b, ';')
	if e.Size >= 0 {
		b = append(b, "size="...)
		b = strconv.AppendInt(b, e.Size, 10)
		b = append(b, ';')
	}
	if !e.ModTime.IsZero() {
		b = append(b, "modify="...)
		b = AppendTimeVal(b, e.ModTime)
		b = append(b, ';')
	}
	if e.Perm != "" {
		b = append(b, "perm="...)
		b = append(b, e.Perm...)
		b = append(b, ';')
	}
	if e.Unique != "" {
		b = append(b, "unique="...)
		b = append(b, e.Unique...)
		b = append(b, ';')
	}
	if e.Mode.Perm() != 0 {
		b = append(b, "UNIX.mode=0"...)
		b = strconv.AppendUint(b, uint64(e.Mode.Perm()), 8)
		b = append(b, ';')
	}
	b = append(b, ' ')
	return append(b, e.Name...)
}

// ParseFacts parses one MLSD line or the entry line of an MLST reply (its
// leading space removed). Size is -1 when neither size nor sizd is given.
func ParseFacts(line string) (Entry, error) {
	bad := func(reason string) (Entry, error) {
		return Entry{}, newSyntaxError(ErrFactsSyntax, reason, []byte(line))
	}
	facts, name, ok := strings.Cut(line, " ")
	if !ok || name == "" {
		return bad("no space before the name")
	}
	e := Entry{Name: name, Size: -1, Type: TypeOther}
	for facts != "" {
		fact, rest, ok := strings.Cut(facts, ";")
		if !ok {
			return bad("fact not ended by ;")
		}
		facts = rest
		key, val, ok := strings.Cut(fact, "=")
		if !ok || key == "" {
			return bad("fact without =")
		}
		switch strings.ToLower(key) {
		case "type":
			switch strings.ToLower(val) {
			case "file":
				e.Type = TypeFile
			case "dir":
				e.Type = TypeDir
			case "cdir":
				e.Type = TypeCurrent
			case "pdir":
				e.Type = TypeParent
			default:
				if v := strings.ToLower(val); strings.HasPrefix(v, "os.unix=symlink") || strings.HasPrefix(v, "os.unix=slink") {
					e.Type = TypeLink
				}
			}
		case "size", "sizd":
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil || n < 0 {
				return bad("size not a number")
			}
			e.Size = n
		case "modify":
			t, err := ParseTimeVal(val)
			if err != nil {
				return bad("modify not a time-val")
			}
			e.ModTime = t
		case "perm":
			e.Perm = val
		case "unique":
			e.Unique = val
		case "unix.mode":
			n, err := strconv.ParseUint(val, 8, 32)
			if err != nil || n > 0o7777 {
				return bad("UNIX.mode not octal")
			}
			e.Mode = fileModePerm(n)
		}
	}
	return e, nil
}
