package main

import (
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"strings"

	"golang.org/x/net/html"

	"github.com/applayer/applayer/http1"
)

// maxScanBytes bounds how much of an HTML page is read to find what to
// push.
const maxScanBytes = 1 << 20

// maxPushes bounds the objects pushed with one page.
const maxPushes = 32

// pushHandler pushes the local objects an HTML page references (style
// sheets, scripts, images) before serving the page, so an HTTP/2 client
// has them without a round trip of its own. Other requests, and clients
// that do not allow push, are served as usual.
type pushHandler struct {
	root string
	next http1.Handler
	log  *slog.Logger
}

func (h *pushHandler) ServeHTTP(w http1.ResponseWriter, r *http1.Request) {
	if p, ok := w.(http1.Pusher); ok && r.Method == http1.MethodGet {
		for _, target := range h.references(r.Path()) {
			if err := p.Push(target, nil); err != nil {
				h.log.Debug("push refused", "target", target, "err", err)
				break
			}
			h.log.Info("pushed", "target", target, "with", r.Path())
		}
	}
	h.next.ServeHTTP(w, r)
}

// references returns the local paths an HTML page at urlPath refers to.
func (h *pushHandler) references(urlPath string) []string {
	name := strings.TrimPrefix(path.Clean("/"+urlPath), "/")
	if name == "" || strings.HasSuffix(urlPath, "/") {
		name = path.Join(name, "index.html")
	}
	if !strings.HasSuffix(name, ".html") || !fs.ValidPath(name) {
		return nil
	}
	root, err := os.OpenRoot(h.root) // confined: no ".." or symlink escape
	if err != nil {
		return nil
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	return htmlReferences(io.LimitReader(f, maxScanBytes), path.Dir("/"+name))
}

// htmlReferences finds the same-site objects a page loads: <link
// rel=stylesheet href>, <script src> and <img src>, resolved against dir.
func htmlReferences(r io.Reader, dir string) []string {
	var out []string
	seen := map[string]bool{}
	z := html.NewTokenizer(r)
	for len(out) < maxPushes {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tag, hasAttr := z.TagName()
		var attrs = map[string]string{}
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			attrs[string(k)] = string(v)
		}
		var ref string
		switch string(tag) {
		case "link":
			if strings.EqualFold(attrs["rel"], "stylesheet") {
				ref = attrs["href"]
			}
		case "script", "img":
			ref = attrs["src"]
		}
		if ref == "" || strings.Contains(ref, ":") || strings.HasPrefix(ref, "//") {
			continue // none, or another site
		}
		if i := strings.IndexAny(ref, "?#"); i >= 0 {
			ref = ref[:i]
		}
		if !strings.HasPrefix(ref, "/") {
			ref = path.Join(dir, ref)
		}
		ref = path.Clean(ref)
		if !seen[ref] {
			seen[ref] = true
			out = append(out, ref)
		}
	}
	return out
}
