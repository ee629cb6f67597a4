package mime

import (
	"strconv"
	"strings"
	"time"
)

// maxYearDigits bounds the year: RFC 5322 allows four digits or more.
const maxYearDigits = 9

// DateLayout is the layout [FormatDate] writes (RFC 5322 section 3.3).
const DateLayout = "Mon, 02 Jan 2006 15:04:05 -0700"

// FormatDate formats t for a Date field, e.g.
// "Mon, 18 Sep 2006 19:40:19 -0400".
func FormatDate(t time.Time) string { return t.Format(DateLayout) }

// obsZones are the obsolete zone names of RFC 5322 section 4.3, in
// minutes east of UTC.
func obsZone(name string) (int, bool) {
	switch strings.ToUpper(name) {
	case "UT", "GMT", "Z", "UTC":
		return 0, true
	case "EST":
		return -5 * 60, true
	case "EDT":
		return -4 * 60, true
	case "CST":
		return -6 * 60, true
	case "CDT":
		return -5 * 60, true
	case "MST":
		return -7 * 60, true
	case "MDT":
		return -6 * 60, true
	case "PST":
		return -8 * 60, true
	case "PDT":
		return -7 * 60, true
	}
	// Military zones carry no information (section 4.3): -0000.
	if len(name) == 1 && (name[0]|0x20) >= 'a' && (name[0]|0x20) <= 'z' && (name[0]|0x20) != 'j' {
		return 0, true
	}
	return 0, false
}

func monthNumber(s string) (time.Month, bool) {
	if len(s) < 3 {
		return 0, false
	}
	switch strings.ToLower(s[:3]) {
	case "jan":
		return time.January, true
	case "feb":
		return time.February, true
	case "mar":
		return time.March, true
	case "apr":
		return time.April, true
	case "may":
		return time.May, true
	case "jun":
		return time.June, true
	case "jul":
		return time.July, true
	case "aug":
		return time.August, true
	case "sep":
		return time.September, true
	case "oct":
		return time.October, true
	case "nov":
		return time.November, true
	case "dec":
		return time.December, true
	}
	return 0, false
}

func isDayName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if len(s) < 3 {
		return false
	}
	switch strings.ToLower(s[:3]) {
	case "mon", "tue", "wed", "thu", "fri", "sat", "sun":
		return true
	}
	return false
}

// ParseDate parses an RFC 5322 date-time (section 3.3) and the obsolete
// forms of section 4.3: two- and three-digit years, zone names (EST, GMT,
// military letters), comments and extra white space. It also accepts some
// common defects: a day name with a period ("Mon."), missing seconds, and
// a missing zone (taken as UTC). Malformed input is a [*SyntaxError]
// wrapping ErrBadDate.
func ParseDate(s string) (time.Time, error) {
	bad := func(msg string) (time.Time, error) {
		return time.Time{}, &SyntaxError{Err: ErrBadDate, Input: s, Msg: msg}
	}
	// Remove comments, then split at white space and commas.
	p := paramParser{s: s}
	var clean strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '(' {
			p.skipCFWS()
			clean.WriteByte(' ')
			continue
		}
		if c == ',' {
			c = ' '
		}
		clean.WriteByte(c)
		p.i++
	}
	f := strings.Fields(clean.String())
	if len(f) > 0 && isDayName(f[0]) {
		f = f[1:]
	}
	if len(f) < 4 {
		return bad("too few fields")
	}
	day, err := strconv.Atoi(f[0])
	if err != nil || day < 1 || day > 31 || len(f[0]) > 2 {
		return bad("bad day")
	}
	month, ok := monthNumber(f[1])
	if !ok || len(f[1]) > 3 && !strings.HasPrefix(strings.ToLower(month.String()), strings.ToLower(f[1])) {
		return bad("bad month")
	}
	year, err := strconv.Atoi(f[2])
	if err != nil || year < 0 || len(f[2]) > maxYearDigits {
		return bad("bad year")
	}
	switch len(f[2]) {
	case 2:
		if year < 50 {
			year += 2000
		} else {
			year += 1900
		}
	case 3:
		year += 1900
	case 0, 1:
		return bad("bad year")
	}
	hms := strings.Split(f[3], ":")
	if len(hms) < 2 || len(hms) > 3 {
		return bad("bad time")
	}
	var tv [3]int
	for i, x := range hms {
		n, err := strconv.Atoi(x)
		if err != nil || len(x) > 2 || len(x) == 0 {
			return bad("bad time")
		}
		tv[i] = n
	}
	if tv[0] > 23 || tv[1] > 59 || tv[2] > 60 {
		return bad("time out of range")
	}
	if tv[2] == 60 {
		tv[2] = 59 // leap second: time.Time cannot hold it
	}
	offset := 0
	if len(f) > 4 {
		z := f[4]
		if z[0] == '+' || z[0] == '-' {
			if len(z) != 5 {
				return bad("bad zone")
			}
			n, err := strconv.Atoi(z[1:])
			if err != nil || n%100 > 59 {
				return bad("bad zone")
			}
			offset = (n/100*60 + n%100)
			if z[0] == '-' {
				offset = -offset
			}
		} else if o, ok := obsZone(z); ok {
			offset = o
		} else {
			return bad("bad zone")
		}
	}
	if day > daysIn(month, year) {
		return bad("day out of range")
	}
	loc := time.FixedZone("", offset*60)
	return time.Date(year, month, day, tv[0], tv[1], tv[2], 0, loc), nil
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
