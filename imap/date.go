package imap

import "time"

// Dates are the one place the codec uses package time: INTERNALDATE, APPEND
// and the SEARCH date keys carry calendar values. Nothing here reads a clock.

const (
	// dateTimeLayout is RFC 9051 date-time: "21-Nov-2026 15:31:00 +0000",
	// with the day padded by a space to two characters.
	dateTimeLayout = "_2-Jan-2006 15:04:05 -0700"
	// dateLayout is RFC 9051 date (date-text), as SEARCH uses it.
	dateLayout = "2-Jan-2006"
)

// FormatDateTime formats t as an RFC 9051 date-time (without the quotes).
func FormatDateTime(t time.Time) string {
	return t.Format(dateTimeLayout)
}

// ParseDateTime parses an RFC 9051 date-time such as
// "21-Nov-2026 15:31:00 +0000" (day padded with a space or not).
func ParseDateTime(s string) (time.Time, error) {
	if len(s) > 0 && s[0] != ' ' && len(s) == len(dateTimeLayout)-1 {
		s = " " + s
	}
	t, err := time.Parse(dateTimeLayout, s)
	if err != nil {
		return time.Time{}, syntaxErr("bad date-time", []byte(s))
	}
	return t, nil
}

// FormatDate formats the calendar date of t as an RFC 9051 date, "1-Feb-1994".
func FormatDate(t time.Time) string {
	return t.Format(dateLayout)
}

// ParseDate parses an RFC 9051 date such as "1-Feb-1994" or "01-Feb-1994".
// The result is midnight UTC of that day.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		t, err = time.Parse("02-Jan-2006", s)
	}
	if err != nil {
		return time.Time{}, syntaxErr("bad date", []byte(s))
	}
	return t, nil
}
