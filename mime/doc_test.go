package mime_test

import (
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/applayer/applayer/mime"
)

// TestDocSample keeps the sample message in doc.go honest: with the
// annotations removed it must be the message of the examples, parse
// without problems, and have the outline the doc shows.
func TestDocSample(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	start := strings.Index(doc, "//\tMIME-Version: 1.0")
	end := strings.Index(doc[start:], "\n//\n// Parsed")
	if start < 0 || end < 0 {
		t.Fatal("sample message not found in doc.go")
	}
	annotation := regexp.MustCompile(`\s*<- .*$`)
	var lines []string
	for _, l := range strings.Split(doc[start:start+end], "\n") {
		l = strings.TrimPrefix(strings.TrimPrefix(l, "//"), "\t")
		lines = append(lines, annotation.ReplaceAllString(l, ""))
	}
	sample := strings.Join(lines, "\r\n") + "\r\n"
	if want := crlf(aliceToBob); sample != want {
		t.Errorf("doc.go sample:\n%q\nwant:\n%q", sample, want)
	}
	m := mime.ParseBytes([]byte(sample))
	if len(m.Problems) != 0 || len(m.Parts) != 2 || m.Parts[1].MediaType() != "image/jpeg" {
		t.Fatalf("sample parses to %d parts, problems %v", len(m.Parts), m.Problems)
	}
	jpeg, _ := io.ReadAll(m.Parts[1].Body())
	if len(jpeg) != 57 || !strings.Contains(doc, "57 octets of JPEG") {
		t.Errorf("image part decodes to %d octets; doc.go says 57", len(jpeg))
	}
}
