package mailstore

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzLoadIndex feeds arbitrary index files to the loader: it must not
// panic, every message it reports must have its file, and loading again
// must give the same folder (the repair is idempotent).
func FuzzLoadIndex(f *testing.F) {
	f.Add([]byte(`{"version":1,"uidvalidity":7,"uidnext":3,"messages":[{"uid":1,"dir":"new","date":"2026-01-01T00:00:00Z","size":3},{"uid":2,"dir":"cur","flags":["\\Seen"],"date":"2026-01-01T00:00:00Z","size":3}]}`))
	f.Add([]byte(`{"version":1,"uidvalidity":7,"uidnext":1}`))
	f.Add([]byte(`{"uidvalidity":0}`))
	f.Add([]byte(`{"version":1,"uidvalidity":7,"uidnext":9,"messages":[{"uid":4294967295,"dir":"../x","flags":["a b"]}]}`))
	f.Add([]byte(`not json`))
	f.Add([]byte(`{"version":1,"uidvalidity":7,"uidnext":4294967295}`))
	f.Add([]byte(`{"version":1,"uidvalidity":7,"uidnext":4294967294}`))
	f.Add([]byte(`{"version":1,"uidvalidity":7,"uidnext":3,"messages":[{"uid":1,"dir":"new"},{"uid":1,"dir":"new"}]}`))
	f.Fuzz(func(t *testing.T, index []byte) {
		dir := t.TempDir()
		for _, d := range []string{tmpDir, newDir, curDir} {
			os.MkdirAll(filepath.Join(dir, d), 0o700)
		}
		os.WriteFile(filepath.Join(dir, newDir, "1"), []byte("one"), 0o600)
		os.WriteFile(filepath.Join(dir, curDir, "2"), []byte("two"), 0o600)
		os.WriteFile(filepath.Join(dir, newDir, "foreign.msg"), []byte("three"), 0o600)
		os.WriteFile(filepath.Join(dir, indexName), index, 0o600)
		v := uint32(100)
		newV := func() (uint32, error) { v++; return v, nil }
		quiet := func(string, ...any) {}
		f1, err := loadFolder("X", dir, false, newV, quiet)
		if err != nil {
			t.Fatal(err)
		}
		for i := range f1.msgs {
			if _, err := os.Stat(f1.file(&f1.msgs[i])); err != nil {
				t.Fatalf("message %d has no file: %v", f1.msgs[i].UID, err)
			}
			if f1.msgs[i].UID >= f1.uidNext || f1.msgs[i].UID == 0 {
				t.Fatalf("UID %d outside 1..UIDNEXT %d", f1.msgs[i].UID, f1.uidNext)
			}
		}
		f2, err := loadFolder("X", dir, false, newV, quiet)
		if err != nil {
			t.Fatal(err)
		}
		type state struct {
			V, N uint32
			M    []record
		}
		if diff := cmp.Diff(state{f1.uidValidity, f1.uidNext, f1.msgs}, state{f2.uidValidity, f2.uidNext, f2.msgs},
			cmp.AllowUnexported(record{})); diff != "" {
			t.Fatalf("second load differs (-first +second):\n%s", diff)
		}
	})
}
