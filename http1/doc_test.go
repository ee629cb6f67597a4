package http1

import (
	"os"
	"strings"
	"testing"
)

// TestDocDialogue keeps the dialogue in doc.go honest: its C: lines must
// parse as a request and its S: lines (up to the empty one) as a response.
func TestDocDialogue(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var client, server strings.Builder
	inServerBody := false
	for _, line := range strings.Split(string(src), "\n") {
		switch {
		case strings.HasPrefix(line, "//\tC: ") || line == "//\tC:":
			client.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "//\tC:"), " ") + "\r\n")
		case (strings.HasPrefix(line, "//\tS: ") || line == "//\tS:") && !inServerBody:
			text := strings.TrimPrefix(strings.TrimPrefix(line, "//\tS:"), " ")
			server.WriteString(text + "\r\n")
			inServerBody = text == ""
		}
	}
	var req Request
	if err := ParseRequestHead([]byte(client.String()), &req, Limits{}); err != nil {
		t.Errorf("doc request %q: %v", client.String(), err)
	}
	var resp Response
	if err := ParseResponseHead([]byte(server.String()), &resp, Limits{}); err != nil {
		t.Errorf("doc response %q: %v", server.String(), err)
	}
	if req.Host != "www.someschool.edu" || resp.Status != StatusOK || resp.ContentLength != 6821 {
		t.Errorf("doc dialogue: host %q, status %v, length %d", req.Host, resp.Status, resp.ContentLength)
	}
}
