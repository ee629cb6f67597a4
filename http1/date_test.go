package http1

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	want := time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)
	for _, s := range []string{
		"Sun, 06 Nov 1994 08:49:37 GMT",  // IMF-fixdate
		"Sunday, 06-Nov-94 08:49:37 GMT", // RFC 850
		"Sun Nov  6 08:49:37 1994",       // asctime
	} {
		got, err := ParseDate(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "Sun, 06 Nov 1994 08:49:37 PST", "Mon, 06 Nov 1994 08:49:37 GMT", "Sun, 31 Feb 1994 08:49:37 GMT", "Tue, 08 Sep 2020 00:53:20 GMP"} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) succeeded", s)
		}
	}
	if got := FormatDate(want); got != "Sun, 06 Nov 1994 08:49:37 GMT" {
		t.Errorf("FormatDate = %q", got)
	}
	// CHECKLIST A.6: Apache's ETag "a5b-52d015789ee9e" is size-mtime(µs) and
	// matches Content-Length 2651 and Last-Modified.
	lm, err := ParseDate("Tue, 01 Mar 2016 18:57:50 GMT")
	if err != nil {
		t.Fatal(err)
	}
	if us := int64(0x52d015789ee9e); us/1e6 != lm.Unix() || 0xa5b != 2651 {
		t.Errorf("ETag mtime %d s, Last-Modified %d s", us/1e6, lm.Unix())
	}
}

func TestAppendDateNoAlloc(t *testing.T) {
	buf := make([]byte, 0, 64)
	now := time.Now()
	if n := testing.AllocsPerRun(100, func() { buf = AppendDate(buf[:0], now) }); n != 0 {
		t.Errorf("AppendDate allocs = %v", n)
	}
}
