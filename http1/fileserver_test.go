package http1

import (
	"io"
	stdmime "mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFileServer(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	mtime := time.Date(2016, 3, 1, 18, 57, 50, 427806000, time.UTC)
	write := func(name, content string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, mtime, mtime)
	}
	write("index.html", "<h1>home</h1>")
	write("pic.gif", "GIF89a....")
	write("notes.txt", "0123456789")
	write("sub/a.css", "body{}")
	write("sub/noext", "plain words")
	os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o644)
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "escape")); err != nil {
		t.Fatal(err)
	}
	h, err := FileServerDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	addr := startServer(t, &Server{Handler: h})
	c := &Client{MaxRedirects: -1}
	defer c.CloseIdleConnections()
	lm := FormatDate(mtime)
	etag := ETagFor(10, mtime)

	tests := []struct {
		name, method, path string
		hdr                []string
		status             Status
		body               string
		wantHdr            []string
	}{
		{"index", "GET", "/", nil, 200, "<h1>home</h1>", []string{"Content-Type", "text/html; charset=utf-8"}},
		{"gif type", "GET", "/pic.gif", nil, 200, "GIF89a....", []string{"Content-Type", "image/gif"}},
		{"sniffed type", "GET", "/sub/noext", nil, 200, "plain words", []string{"Content-Type", "text/plain; charset=utf-8"}},
		{"last-modified and etag", "GET", "/notes.txt", nil, 200, "0123456789", []string{"Last-Modified", lm, "ETag", etag, "Accept-Ranges", "bytes"}},
		{"conditional GET unchanged", "GET", "/notes.txt", []string{"If-Modified-Since", lm}, 304, "", []string{"ETag", etag}},
		{"conditional GET changed", "GET", "/notes.txt", []string{"If-Modified-Since", FormatDate(mtime.Add(-time.Hour))}, 200, "0123456789", nil},
		{"if-none-match", "GET", "/notes.txt", []string{"If-None-Match", `"x", ` + etag}, 304, "", nil},
		{"if-none-match other", "GET", "/notes.txt", []string{"If-None-Match", `"x"`}, 200, "0123456789", nil},
		{"if-match fails", "GET", "/notes.txt", []string{"If-Match", `"x"`}, 412, "412 Precondition Failed\n", nil},
		{"range", "GET", "/notes.txt", []string{"Range", "bytes=2-5"}, 206, "2345", []string{"Content-Range", "bytes 2-5/10", "Content-Length", "4"}},
		{"suffix range", "GET", "/notes.txt", []string{"Range", "bytes=-3"}, 206, "789", []string{"Content-Range", "bytes 7-9/10"}},
		{"open range", "GET", "/notes.txt", []string{"Range", "bytes=8-"}, 206, "89", nil},
		{"unsatisfiable", "GET", "/notes.txt", []string{"Range", "bytes=20-"}, 416, "416 range not satisfiable\n", []string{"Content-Range", "bytes */10"}},
		{"two ranges", "GET", "/notes.txt", []string{"Range", "bytes=0-1, 8-"}, 206, "", nil},
		{"overlapping ranges refused", "GET", "/notes.txt", []string{"Range", "bytes=0-9, 0-9"}, 200, "0123456789", nil},
		{"if-range stale", "GET", "/notes.txt", []string{"Range", "bytes=2-5", "If-Range", `"old"`}, 200, "0123456789", nil},
		{"head", "HEAD", "/notes.txt", nil, 200, "", []string{"Content-Length", "10"}},
		{"post refused", "POST", "/notes.txt", nil, 405, "405 method not allowed\n", []string{"Allow", "GET, HEAD"}},
		{"dir redirect", "GET", "/sub", nil, 301, "", []string{"Location", "/sub/"}},
		{"listing", "GET", "/sub/", nil, 200, "", nil},
		{"missing", "GET", "/nope", nil, 404, "404 page not found\n", nil},
		{"dot-dot stays inside", "GET", "/sub/../../" + filepath.Base(outside) + "/secret", nil, 404, "", nil},
		{"encoded dot-dot", "GET", "/%2e%2e/%2e%2e/etc/passwd", nil, 404, "", nil},
		{"symlink escape refused", "GET", "/escape", nil, 404, "404 page not found\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := NewRequest(t.Context(), Method(tt.method), "http://"+addr+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < len(tt.hdr); i += 2 {
				req.Header.Set(tt.hdr[i], tt.hdr[i+1])
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readBody(t, resp)
			if resp.Status != tt.status {
				t.Fatalf("status %v, want %v (body %q)", resp.Status, tt.status, body)
			}
			if tt.body != "" && body != tt.body || tt.method == "HEAD" && body != "" {
				t.Errorf("body %q, want %q", body, tt.body)
			}
			for i := 0; i < len(tt.wantHdr); i += 2 {
				if got := resp.Header.Get(tt.wantHdr[i]); got != tt.wantHdr[i+1] {
					t.Errorf("%s = %q, want %q", tt.wantHdr[i], got, tt.wantHdr[i+1])
				}
			}
			if tt.name == "two ranges" {
				ct := resp.Header.Get("Content-Type")
				_, params, _ := stdmime.ParseMediaType(ct)
				mr := multipart.NewReader(strings.NewReader(body), params["boundary"])
				var parts []string
				for {
					p, err := mr.NextPart()
					if err != nil {
						break
					}
					b, _ := io.ReadAll(p)
					parts = append(parts, p.Header.Get("Content-Range")+"="+string(b))
				}
				if !strings.HasPrefix(ct, "multipart/byteranges; boundary=") || strings.Join(parts, " ") != "bytes 0-1/10=01 bytes 8-9/10=89" {
					t.Errorf("multipart ranges: %s %q", ct, parts)
				}
			}
			if tt.name == "listing" && (!strings.Contains(body, `<a href="a.css">a.css</a>`) || !strings.Contains(body, "noext")) {
				t.Errorf("listing:\n%s", body)
			}
		})
	}
	// CHECKLIST A.6: Apache's ETag for 2651 bytes at that time is the same.
	if got := ETagFor(2651, mtime); got != `"a5b-52d015789ee9e"` {
		t.Errorf("ETagFor = %s", got)
	}
}
