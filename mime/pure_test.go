package mime

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPure keeps the package a pure codec: no file does network or file
// I/O, and only the date and builder files know about time.
func TestPure(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			switch {
			case path == "net" || strings.HasPrefix(path, "net/") || path == "os" || strings.HasPrefix(path, "os/") || path == "log" || path == "log/slog":
				t.Errorf("%s imports %s: the mime package does no I/O of its own", f, path)
			case path == "time" && f != "date.go" && f != "builder.go":
				t.Errorf("%s imports time", f)
			}
		}
	}
}
