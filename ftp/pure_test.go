package ftp

import (
	"go/parser"
	gotoken "go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// codecFiles are the pure layer: bytes in, values out, and back.
var codecFiles = []string{"ftp.go", "errors.go", "command.go", "reply.go", "addr.go", "list.go", "facts.go", "entry.go", "ascii.go"}

// TestCodecIsPure keeps the codec free of I/O: no sockets, no files, no
// goroutines, no clock. (time is imported for time.Time values and net/netip
// for address values; "now" is always a parameter.)
func TestCodecIsPure(t *testing.T) {
	forbidden := map[string]bool{"net": true, "os": true, "sync": true, "crypto/tls": true, "log/slog": true,
		"github.com/applayer/applayer/sockets": true}
	for _, name := range codecFiles {
		src, err := os.ReadFile(name)
		must(t, err)
		f, err := parser.ParseFile(gotoken.NewFileSet(), name, src, parser.ImportsOnly)
		must(t, err)
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if forbidden[path] {
				t.Errorf("%s imports %s", name, path)
			}
		}
		for _, bad := range []string{"time.Now(", "time.Since(", "go func", "time.Sleep("} {
			if strings.Contains(string(src), bad) {
				t.Errorf("%s uses %s", name, bad)
			}
		}
	}
}
