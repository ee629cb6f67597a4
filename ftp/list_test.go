package ftp

import (
	"errors"
	"io/fs"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var listNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

var listTests = []struct {
	name    string
	in      string
	want    Entry
	wantErr bool
}{
	{"unix file this year", "-rw-r--r--   1 ftp      ftp          4318 Mar 14 09:26 rfc1261.txt",
		Entry{Name: "rfc1261.txt", Type: TypeFile, Size: 4318, Mode: 0o644, Owner: "ftp", Group: "ftp",
			ModTime: time.Date(2024, 3, 14, 9, 26, 0, 0, time.UTC)}, false},
	{"unix date after now is last year", "-rw-r--r-- 1 a b 1 Dec 24 10:00 x",
		Entry{Name: "x", Type: TypeFile, Size: 1, Mode: 0o644, Owner: "a", Group: "b",
			ModTime: time.Date(2023, 12, 24, 10, 0, 0, 0, time.UTC)}, false},
	{"unix dir with year", "drwxr-xr-x   2 0        0            4096 Jan  2  2006 pub",
		Entry{Name: "pub", Type: TypeDir, Size: 4096, Mode: 0o755, Owner: "0", Group: "0",
			ModTime: time.Date(2006, 1, 2, 0, 0, 0, 0, time.UTC)}, false},
	{"unix link", "lrwxrwxrwx 1 ftp ftp 7 Mar 14 09:26 latest -> rfc1261.txt",
		Entry{Name: "latest", Target: "rfc1261.txt", Type: TypeLink, Size: 7, Mode: 0o777, Owner: "ftp", Group: "ftp",
			ModTime: time.Date(2024, 3, 14, 9, 26, 0, 0, time.UTC)}, false},
	{"unix no group", "-rw-r--r-- 1 owner 12 Mar 14 09:26 name with  spaces",
		Entry{Name: "name with  spaces", Type: TypeFile, Size: 12, Mode: 0o644, Owner: "owner",
			ModTime: time.Date(2024, 3, 14, 9, 26, 0, 0, time.UTC)}, false},
	{"unix setuid and sticky", "-rwsr-xr-T 1 a b 0 Mar 14 09:26 s",
		Entry{Name: "s", Type: TypeFile, Size: 0, Mode: 0o754, Owner: "a", Group: "b",
			ModTime: time.Date(2024, 3, 14, 9, 26, 0, 0, time.UTC)}, false},
	{"dos dir", "01-02-06  03:04PM       <DIR>          pub",
		Entry{Name: "pub", Type: TypeDir, Size: -1, ModTime: time.Date(2006, 1, 2, 15, 4, 0, 0, time.UTC)}, false},
	{"dos file four-digit year", "03-14-2024  12:26AM                 4318 rfc 1261.txt",
		Entry{Name: "rfc 1261.txt", Type: TypeFile, Size: 4318, ModTime: time.Date(2024, 3, 14, 0, 26, 0, 0, time.UTC)}, false},
	{"dos 1999", "12-31-99  11:59PM  1 y2k",
		Entry{Name: "y2k", Type: TypeFile, Size: 1, ModTime: time.Date(1999, 12, 31, 23, 59, 0, 0, time.UTC)}, false},
	{"empty", "", Entry{}, true},
	{"total", "total 12", Entry{}, true},
	{"bad mode", "xrw-r--r-- 1 a b 1 Mar 14 09:26 x", Entry{}, true},
	{"no date", "-rw-r--r-- 1 a b 1 foo 14 09:26 x", Entry{}, true},
	{"no name", "-rw-r--r-- 1 a b 1 Mar 14 09:26", Entry{}, true},
	{"dos bad date", "13-01-06  03:04PM  1 x", Entry{}, true},
	{"dos 13PM", "01-01-06  13:04PM  1 x", Entry{}, true},
}

func TestParseListLine(t *testing.T) {
	for _, tt := range listTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseListLine(tt.in, listNow)
			if tt.wantErr {
				if !errors.Is(err, ErrListSyntax) {
					t.Fatalf("ParseListLine(%q) error = %v, want ErrListSyntax", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseListLine(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseListLine(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestAppendListLine(t *testing.T) {
	tests := []struct {
		e    Entry
		want string
	}{
		{Entry{Name: "rfc1261.txt", Type: TypeFile, Size: 4318, Mode: 0o644, ModTime: time.Date(2024, 3, 14, 9, 26, 0, 0, time.UTC)},
			"-rw-r--r--   1 ftp      ftp              4318 Mar 14 09:26 rfc1261.txt"},
		{Entry{Name: "pub", Type: TypeDir, Mode: 0o755, ModTime: time.Date(2006, 1, 2, 15, 4, 0, 0, time.UTC)},
			"drwxr-xr-x   1 ftp      ftp                 0 Jan  2  2006 pub"},
		{Entry{Name: "l", Type: TypeLink, Target: "t", Mode: 0o777, ModTime: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)},
			"lrwxrwxrwx   1 ftp      ftp                 0 May  1 00:00 l -> t"},
	}
	for _, tt := range tests {
		if got := string(AppendListLine(nil, tt.e, listNow)); got != tt.want {
			t.Errorf("AppendListLine(%+v) =\n%q, want\n%q", tt.e, got, tt.want)
		}
	}
}

func TestIsListNoise(t *testing.T) {
	for in, want := range map[string]bool{"total 12": true, "": true, "  ": true, "total x": false, "-rw": false} {
		if got := IsListNoise(in); got != want {
			t.Errorf("IsListNoise(%q) = %v", in, got)
		}
	}
}

func TestEntryFromFileInfo(t *testing.T) {
	fi := fakeInfo{name: "d", mode: fs.ModeDir | 0o755}
	if e := EntryFromFileInfo(fi); e.Type != TypeDir || e.Mode != 0o755 || e.Name != "d" {
		t.Errorf("EntryFromFileInfo = %+v", e)
	}
}

type fakeInfo struct {
	name string
	mode fs.FileMode
}

func (f fakeInfo) Name() string       { return f.name }
func (f fakeInfo) Size() int64        { return 0 }
func (f fakeInfo) Mode() fs.FileMode  { return f.mode }
func (f fakeInfo) ModTime() time.Time { return time.Time{} }
func (f fakeInfo) IsDir() bool        { return f.mode.IsDir() }
func (f fakeInfo) Sys() any           { return nil }
