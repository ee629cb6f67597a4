package main

import (
	"crypto/tls"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/applayer/applayer/http1"
	"github.com/applayer/applayer/http2"
)

func TestHTMLReferences(t *testing.T) {
	page := `<html><head><link rel="stylesheet" href="style.css"><link rel="icon" href="fav.ico">
<script src="/js/app.js?v=2"></script></head><body><img src="img/a.png"><img src="img/a.png">
<img src="https://other.example/x.png"><img src="//cdn.example/y.png"></body></html>`
	got := htmlReferences(strings.NewReader(page), "/docs")
	want := []string{"/docs/style.css", "/js/app.js", "/docs/img/a.png"}
	if !slices.Equal(got, want) {
		t.Errorf("htmlReferences = %v, want %v", got, want)
	}
}

// TestHTTPSWithPush runs the program with -tls -push and fetches a page
// with our HTTP/2 client: the style sheet arrives pushed. An HTTP/1.1
// client gets the same page on the same port.
func TestHTTPSWithPush(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "www")
	os.MkdirAll(root, 0o755)
	os.WriteFile(filepath.Join(root, "index.html"), []byte(`<link rel="stylesheet" href="/style.css"><p>hi</p>`), 0o644)
	os.WriteFile(filepath.Join(root, "style.css"), []byte("p{color:teal}"), 0o644)
	addr := start(t, build(t, dir, "github.com/applayer/applayer/examples/httpd"), "-addr", "127.0.0.1:0", "-root", root, "-tls", "-push")

	pushed := make(chan string, 1)
	c := &http2.Client{TLSConfig: &tls.Config{InsecureSkipVerify: true}, Conn: http2.ClientConnOptions{
		OnPush: func(req *http1.Request, resp *http1.Response) {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			pushed <- req.Path() + " " + string(body)
		}}}
	defer c.CloseIdleConnections()
	resp, err := c.Get(t.Context(), "https://"+addr+"/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Version != http1.HTTP20 || !strings.Contains(string(body), "<p>hi</p>") {
		t.Fatalf("GET / over h2: %v %q", resp.Version, body)
	}
	if got := <-pushed; got != "/style.css p{color:teal}" {
		t.Errorf("pushed %q", got)
	}
	h1 := &http1.Client{TLSConfig: &tls.Config{InsecureSkipVerify: true}}
	resp, err = h1.Get(t.Context(), "https://"+addr+"/style.css")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Version != http1.HTTP11 || string(body) != "p{color:teal}" {
		t.Errorf("GET over HTTP/1.1: %v %q", resp.Version, body)
	}
}

// TestHttpgetHTTP2 fetches two files from httpd in cleartext with
// httpget -http2 (h2c with prior knowledge): both arrive, in order.
func TestHttpgetHTTP2(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two programs")
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "www")
	os.MkdirAll(root, 0o755)
	os.WriteFile(filepath.Join(root, "a.txt"), []byte("first\n"), 0o644)
	os.WriteFile(filepath.Join(root, "b.txt"), []byte("second\n"), 0o644)
	addr := start(t, build(t, dir, "github.com/applayer/applayer/examples/httpd"), "-addr", "127.0.0.1:0", "-root", root)
	httpget := build(t, dir, "github.com/applayer/applayer/examples/httpget")
	out, err := exec.Command(httpget, "-http2", "http://"+addr+"/a.txt", "http://"+addr+"/b.txt").CombinedOutput()
	if err != nil || string(out) != "first\nsecond\n" {
		t.Errorf("httpget -http2: %v\n%s", err, out)
	}
}
