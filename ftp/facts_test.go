package ftp

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var factsTests = []struct {
	name    string
	in      string
	want    Entry
	wantErr bool
}{
	{"file", "type=file;size=4318;modify=20240314092600;perm=adfrw; rfc1261.txt",
		Entry{Name: "rfc1261.txt", Type: TypeFile, Size: 4318, ModTime: time.Date(2024, 3, 14, 9, 26, 0, 0, time.UTC), Perm: "adfrw"}, false},
	{"cdir with unix facts", "Type=cdir;Modify=20170127230002.123;perm=flcdmpe;unique=811U4340002;UNIX.group=33;UNIX.mode=0755; .",
		Entry{Name: ".", Type: TypeCurrent, Size: -1, ModTime: time.Date(2017, 1, 27, 23, 0, 2, 123e6, time.UTC),
			Perm: "flcdmpe", Unique: "811U4340002", Mode: 0o755}, false},
	{"pdir sizd", "type=pdir;sizd=4096; ..", Entry{Name: "..", Type: TypeParent, Size: 4096}, false},
	{"symlink", "type=OS.unix=slink:/x; l", Entry{Name: "l", Type: TypeLink, Size: -1}, false},
	{"no facts (MLST path)", " /pub/x", Entry{Name: "/pub/x", Type: TypeOther, Size: -1}, false},
	{"name with spaces and ;", "type=file; a b;c", Entry{Name: "a b;c", Type: TypeFile, Size: -1}, false},
	{"no name", "type=file;", Entry{}, true},
	{"fact without =", "type; x", Entry{}, true},
	{"fact without ;", "type=file x", Entry{}, true},
	{"bad size", "size=-1; x", Entry{}, true},
	{"bad modify", "modify=2024; x", Entry{}, true},
	{"bad mode", "UNIX.mode=999; x", Entry{}, true},
}

func TestParseFacts(t *testing.T) {
	for _, tt := range factsTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFacts(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrFactsSyntax) {
					t.Fatalf("ParseFacts(%q) error = %v, want ErrFactsSyntax", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseFacts(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseFacts(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestAppendFacts(t *testing.T) {
	e := Entry{Name: "rfc1261.txt", Type: TypeFile, Size: 4318, ModTime: time.Date(2024, 3, 14, 9, 26, 0, 0, time.UTC), Perm: "adfrw", Mode: 0o644}
	want := "type=file;size=4318;modify=20240314092600;perm=adfrw;UNIX.mode=0644; rfc1261.txt"
	if got := string(AppendFacts(nil, e)); got != want {
		t.Errorf("AppendFacts = %q, want %q", got, want)
	}
}

func TestTimeVal(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"20240314092600", time.Date(2024, 3, 14, 9, 26, 0, 0, time.UTC), false},
		{"19980615100045.014", time.Date(1998, 6, 15, 10, 0, 45, 14e6, time.UTC), false}, // RFC 3659 section 3.4
		{"20240230000000", time.Time{}, true},
		{"2024031409260", time.Time{}, true},
		{"20240314092600.", time.Time{}, true},
		{"2024031409260x", time.Time{}, true},
		{"20241314092600", time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := ParseTimeVal(tt.in)
		if tt.wantErr {
			if !errors.Is(err, ErrTimeSyntax) {
				t.Errorf("ParseTimeVal(%q) error = %v", tt.in, err)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseTimeVal(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
		}
	}
	if got := string(AppendTimeVal(nil, time.Date(1998, 6, 15, 10, 0, 45, 14e6, time.UTC))); got != "19980615100045.014" {
		t.Errorf("AppendTimeVal = %q", got)
	}
}
