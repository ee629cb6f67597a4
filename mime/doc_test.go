package mime

import (
	"os"
	"regexp"
	"strings"
	"testing"
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
	if want := crlf(aliceToBobDoc); sample != want {
		t.Errorf("doc.go sample:\n%q\nwant:\n%q", sample, want)
	}
	m := ParseBytes([]byte(sample))
	if len(m.Problems) != 0 || len(m.Parts) != 2 || m.Parts[1].MediaType() != "image/jpeg" {
		t.Fatalf("sample parses to %d parts, problems %v", len(m.Parts), m.Problems)
	}
	jpeg, _ := readAll(m.Parts[1].Body())
	if len(jpeg) != 57 || !strings.Contains(doc, "57 octets of JPEG") {
		t.Errorf("image part decodes to %d octets; doc.go says 57", len(jpeg))
	}
}

// aliceToBobDoc is the message of ExampleParseBytes_aliceToBob.
const aliceToBobDoc = `MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="-------417CBA32DF8945BE748"
From: Alice <alice@crepes.fr>
To: Bob <bob@hamburger.edu>
Subject: hello
Date: Mon, 18 Sep 2006 19:40:19 -0400

---------417CBA32DF8945BE748
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

Bob,
Here's something I collect.
Alice
---------417CBA32DF8945BE748
Content-Type: image/jpeg
Content-Transfer-Encoding: base64

/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////
---------417CBA32DF8945BE748--
`
