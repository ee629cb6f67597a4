package ftp

import (
	"strconv"
	"strings"
	"time"
)

// LIST output is meant for people, and RFC 959 does not define its format.
// In practice servers send the Unix "ls -l" form, and a few (IIS) the DOS
// "dir" form:
//
//	-rw-r--r--   1 ftp      ftp          4318 Mar 14 09:26 rfc1261.txt
//	drwxr-xr-x   1 ftp      ftp             0 Jan  2  2006 pub
//	lrwxrwxrwx   1 ftp      ftp             7 Mar 14 09:26 latest -> rfc1261.txt
//	03-14-24  09:26AM                 4318 rfc1261.txt
//	01-02-06  03:04PM       <DIR>          pub
//
// Our server writes the first form; our client reads both. MLSD (facts.go)
// is the machine-readable replacement.

// sixMonths is how old (or how far in the future) a time may be before ls
// shows the year instead of the time of day.
const sixMonths = 182 * 24 * time.Hour

// monthNames holds ls's month abbreviations, three letters each.
const monthNames = "JanFebMarAprMayJunJulAugSepOctNovDec"

// AppendListLine appends e in the Unix "ls -l" form, without a line end.
// now decides between "Mar 14 09:26" (within six months of now) and
// "Mar 14  2006". Empty Owner and Group are written as "ftp"; times are
// written in UTC.
func AppendListLine(b []byte, e Entry, now time.Time) []byte {
	switch e.Type {
	case TypeDir, TypeCurrent, TypeParent:
		b = append(b, 'd')
	case TypeLink:
		b = append(b, 'l')
	case TypeOther:
		b = append(b, '?')
	default:
		b = append(b, '-')
	}
	const rwx = "rwxrwxrwx"
	for i := range 9 {
		if e.Mode&(1<<(8-i)) != 0 {
			b = append(b, rwx[i])
		} else {
			b = append(b, '-')
		}
	}
	b = append(b, "   1 "...)
	b = appendPadded(b, orDefault(e.Owner, "ftp"), 8)
	b = append(b, ' ')
	b = appendPadded(b, orDefault(e.Group, "ftp"), 8)
	b = append(b, ' ')
	size := strconv.FormatInt(max(e.Size, 0), 10)
	for i := len(size); i < 12; i++ {
		b = append(b, ' ')
	}
	b = append(b, size...)
	b = append(b, ' ')
	t := e.ModTime.UTC()
	if d := now.Sub(t); d < sixMonths && d > -sixMonths {
		b = t.AppendFormat(b, "Jan _2 15:04")
	} else {
		b = t.AppendFormat(b, "Jan _2  2006")
	}
	b = append(b, ' ')
	b = append(b, e.Name...)
	if e.Type == TypeLink && e.Target != "" {
		b = append(b, " -> "...)
		b = append(b, e.Target...)
	}
	return b
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func appendPadded(b []byte, s string, width int) []byte {
	b = append(b, s...)
	for i := len(s); i < width; i++ {
		b = append(b, ' ')
	}
	return b
}

// IsListNoise reports whether a LIST line carries no entry: an empty line or
// the "total 1234" line that ls prints first.
func IsListNoise(line string) bool {
	line = strings.TrimSpace(line)
	if line == "" {
		return true
	}
	rest, ok := strings.CutPrefix(line, "total ")
	if !ok {
		return false
	}
	_, err := strconv.ParseUint(strings.TrimSpace(rest), 10, 64)
	return err == nil
}

// ParseListLine parses one LIST line in the Unix "ls -l" form or the DOS form.
// now supplies the year for ls times that omit it: the most recent date not
// more than a day after now. Times are taken as UTC.
func ParseListLine(line string, now time.Time) (Entry, error) {
	if line == "" {
		return Entry{}, newSyntaxError(ErrListSyntax, "empty line", nil)
	}
	if line[0] >= '0' && line[0] <= '9' {
		return parseDOSLine(line)
	}
	return parseUnixLine(line, now)
}

// token is a whitespace-separated field of a line and where it ends.
type token struct {
	s   string
	end int
}

// tokenize splits line at runs of spaces, up to max tokens.
func tokenize(line string, max int) []token {
	var toks []token
	i := 0
	for len(toks) < max {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i == len(line) {
			break
		}
		j := i
		for j < len(line) && line[j] != ' ' {
			j++
		}
		toks = append(toks, token{line[i:j], j})
		i = j
	}
	return toks
}

func parseUnixLine(line string, now time.Time) (Entry, error) {
	bad := func(reason string) (Entry, error) {
		return Entry{}, newSyntaxError(ErrListSyntax, reason, []byte(line))
	}
	toks := tokenize(line, 12)
	if len(toks) < 6 {
		return bad("too few fields")
	}
	perm := toks[0].s
	if len(perm) < 10 {
		return bad("mode field too short")
	}
	var e Entry
	switch perm[0] {
	case '-':
		e.Type = TypeFile
	case 'd':
		e.Type = TypeDir
	case 'l':
		e.Type = TypeLink
	case 'b', 'c', 'p', 's', 'D':
		e.Type = TypeOther
	default:
		return bad("unknown file type letter")
	}
	for i := range 9 {
		switch c := perm[1+i]; c {
		case 'r', 'w', 'x', 's', 't':
			e.Mode |= 1 << (8 - i)
		case '-', 'S', 'T', 'l':
		default:
			return bad("bad mode letter")
		}
	}
	// Find "Mon DD HH:MM|YYYY" preceded by the size. Owner and group columns
	// vary (some servers omit the link count or the group).
	for k := 3; k+2 < len(toks); k++ {
		month := monthIndex(toks[k].s)
		if month < 0 {
			continue
		}
		size, err := strconv.ParseInt(toks[k-1].s, 10, 64)
		if err != nil || size < 0 {
			continue
		}
		day, err := strconv.Atoi(toks[k+1].s)
		if err != nil || day < 1 || day > 31 {
			continue
		}
		t, ok := parseUnixTime(toks[k+2].s, month, day, now)
		if !ok {
			continue
		}
		nameStart := toks[k+2].end + 1
		if nameStart >= len(line) {
			return bad("no name")
		}
		e.Name = line[nameStart:]
		e.Size = size
		e.ModTime = t
		if k >= 4 {
			e.Owner = toks[k-2].s
			if k >= 5 {
				e.Owner, e.Group = toks[k-3].s, toks[k-2].s
			}
		}
		if e.Type == TypeLink {
			if name, target, ok := strings.Cut(e.Name, " -> "); ok {
				e.Name, e.Target = name, target
			}
		}
		return e, nil
	}
	return bad("no date")
}

func monthIndex(s string) int {
	if len(s) != 3 {
		return -1
	}
	for i := 0; i < 12; i++ {
		if strings.EqualFold(s, monthNames[3*i:3*i+3]) {
			return i
		}
	}
	return -1
}

// parseUnixTime reads "HH:MM" (a date within the last six months; the year is
// inferred from now) or "YYYY".
func parseUnixTime(s string, month, day int, now time.Time) (time.Time, bool) {
	if hh, mm, ok := strings.Cut(s, ":"); ok {
		h, err1 := strconv.Atoi(hh)
		m, err2 := strconv.Atoi(mm)
		if err1 != nil || err2 != nil || len(mm) != 2 || h < 0 || h > 23 || m < 0 || m > 59 {
			return time.Time{}, false
		}
		now = now.UTC()
		t := time.Date(now.Year(), time.Month(month+1), day, h, m, 0, 0, time.UTC)
		if t.After(now.Add(24 * time.Hour)) {
			t = t.AddDate(-1, 0, 0)
		}
		return t, true
	}
	if len(s) != 4 {
		return time.Time{}, false
	}
	y, err := strconv.Atoi(s)
	if err != nil {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(month+1), day, 0, 0, 0, 0, time.UTC), true
}

// parseDOSLine reads "MM-DD-YY  HH:MMAM  <DIR>|size  name".
func parseDOSLine(line string) (Entry, error) {
	bad := func(reason string) (Entry, error) {
		return Entry{}, newSyntaxError(ErrListSyntax, reason, []byte(line))
	}
	toks := tokenize(line, 3)
	if len(toks) < 3 {
		return bad("too few DOS fields")
	}
	date := strings.Split(toks[0].s, "-")
	if len(date) != 3 {
		return bad("DOS date")
	}
	mon, err1 := strconv.Atoi(date[0])
	day, err2 := strconv.Atoi(date[1])
	year, err3 := strconv.Atoi(date[2])
	if err1 != nil || err2 != nil || err3 != nil || mon < 1 || mon > 12 || day < 1 || day > 31 || year < 0 {
		return bad("DOS date")
	}
	switch len(date[2]) {
	case 2:
		if year < 70 {
			year += 2000
		} else {
			year += 1900
		}
	case 4:
	default:
		return bad("DOS year")
	}
	clock := strings.ToUpper(toks[1].s)
	pm := strings.HasSuffix(clock, "PM")
	clock = strings.TrimSuffix(strings.TrimSuffix(clock, "PM"), "AM")
	hh, mm, ok := strings.Cut(clock, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return bad("DOS time")
	}
	if len(toks[1].s) > len(clock) { // 12-hour clock
		if h < 1 || h > 12 {
			return bad("DOS time")
		}
		h %= 12
		if pm {
			h += 12
		}
	}
	e := Entry{ModTime: time.Date(year, time.Month(mon), day, h, m, 0, 0, time.UTC), Size: -1}
	if toks[2].s == "<DIR>" {
		e.Type = TypeDir
	} else {
		size, err := strconv.ParseInt(toks[2].s, 10, 64)
		if err != nil || size < 0 {
			return bad("DOS size")
		}
		e.Type, e.Size = TypeFile, size
	}
	i := toks[2].end
	for i < len(line) && line[i] == ' ' {
		i++
	}
	if i == len(line) {
		return bad("no name")
	}
	e.Name = line[i:]
	return e, nil
}
