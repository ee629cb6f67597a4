package http1

import (
	"time"
)

// HTTP-date (RFC 9110, section 5.6.7): senders use IMF-fixdate, always in
// GMT; recipients must also accept the two obsolete formats.
const (
	TimeFormat    = "Mon, 02 Jan 2006 15:04:05 GMT"  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
	rfc850Format  = "Monday, 02-Jan-06 15:04:05 GMT" // obsolete RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
	asctimeFormat = "Mon Jan _2 15:04:05 2006"       // obsolete asctime(): "Sun Nov  6 08:49:37 1994"
)

// ParseDate parses an HTTP-date in any of its three formats and returns
// it in UTC. A two-digit RFC 850 year more than 50 years in the future is
// taken as the previous century (RFC 9110, section 5.6.7).
func ParseDate(s string) (time.Time, error) {
	if t, ok := parseIMFFixdate(s); ok {
		return t, nil
	}
	if t, err := time.Parse(rfc850Format, s); err == nil {
		if t.After(time.Now().AddDate(50, 0, 0)) {
			t = t.AddDate(-100, 0, 0)
		}
		return t.UTC(), nil
	}
	if t, err := time.Parse(asctimeFormat, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, &SyntaxError{Err: ErrBadDate, Text: s}
}

// ErrBadDate reports a value that is not an HTTP-date.
var ErrBadDate = &StatusError{StatusBadRequest, "malformed HTTP-date"}

// parseIMFFixdate is the fast path for the common format, without
// time.Parse's generality.
func parseIMFFixdate(s string) (time.Time, bool) {
	// "Sun, 06 Nov 1994 08:49:37 GMT"
	if len(s) != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
		s[16] != ' ' || s[19] != ':' || s[22] != ':' || s[25:] != " GMT" {
		return time.Time{}, false
	}
	wd := -1
	for i, d := range dayNames {
		if s[:3] == d {
			wd = i
		}
	}
	mon := -1
	for i, m := range monthNames {
		if s[8:11] == m {
			mon = i + 1
		}
	}
	day, ok1 := digits(s[5:7])
	year, ok2 := digits(s[12:16])
	hh, ok3 := digits(s[17:19])
	mm, ok4 := digits(s[20:22])
	ss, ok5 := digits(s[23:25])
	if wd < 0 || mon < 0 || !(ok1 && ok2 && ok3 && ok4 && ok5) || hh > 23 || mm > 59 || ss > 60 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(mon), day, hh, mm, ss, 0, time.UTC)
	if t.Day() != day || int(t.Weekday()) != wd {
		return time.Time{}, false // 31 Feb, or the wrong day name
	}
	return t, true
}

var (
	dayNames   = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	monthNames = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// AppendDate appends t as an IMF-fixdate, in GMT, without allocating.
func AppendDate(b []byte, t time.Time) []byte {
	t = t.UTC()
	yy, mm, dd := t.Date()
	hh, mi, ss := t.Clock()
	b = append(b, dayNames[t.Weekday()]...)
	b = append(b, ", "...)
	b = append2(b, dd)
	b = append(b, ' ')
	b = append(b, monthNames[mm-1]...)
	b = append(b, ' ')
	b = append2(b, yy/100)
	b = append2(b, yy%100)
	b = append(b, ' ')
	b = append2(b, hh)
	b = append(b, ':')
	b = append2(b, mi)
	b = append(b, ':')
	b = append2(b, ss)
	return append(b, " GMT"...)
}

// FormatDate returns t as an IMF-fixdate.
func FormatDate(t time.Time) string { return string(AppendDate(nil, t)) }

func append2(b []byte, n int) []byte { return append(b, byte('0'+n/10%10), byte('0'+n%10)) }
