package http1

import (
	"errors"
	"io"
	"io/fs"
	stdmime "mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FileServer returns a Handler that serves the files of fsys: GET and
// HEAD, a directory's index.html or a listing, Content-Type by extension
// (sniffed when unknown), Last-Modified and If-Modified-Since (the
// conditional GET, answered 304), an ETag and If-None-Match, and byte
// ranges (206 Partial Content, several ranges as multipart/byteranges,
// RFC 9110, section 14) with If-Range.
//
// Request paths are cleaned, so ".." never leaves the root; fsys decides
// what symbolic links may reach: use [FileServerDir], whose os.Root stops
// links that point outside the directory.
func FileServer(fsys fs.FS) Handler {
	return &fileHandler{fsys: fsys}
}

// FileServerDir serves the directory dir through an os.Root, so that no
// path and no symbolic link can reach a file outside it.
func FileServerDir(dir string) (Handler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return FileServer(root.FS()), nil
}

type fileHandler struct {
	fsys fs.FS
}

func (h *fileHandler) ServeHTTP(w ResponseWriter, r *Request) {
	if r.Method != MethodGet && r.Method != MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		Error(w, "405 method not allowed", StatusMethodNotAllowed)
		return
	}
	upath, err := url.PathUnescape(r.Path())
	if err != nil || strings.ContainsRune(upath, 0) || !strings.HasPrefix(upath, "/") {
		Error(w, "400 bad request", StatusBadRequest)
		return
	}
	name := strings.TrimPrefix(path.Clean(upath), "/")
	if name == "" {
		name = "."
	}
	if !fs.ValidPath(name) {
		Error(w, "400 bad request", StatusBadRequest)
		return
	}
	f, err := h.fsys.Open(name)
	if err != nil {
		fsError(w, err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		fsError(w, err)
		return
	}
	if st.IsDir() {
		if !strings.HasSuffix(upath, "/") {
			Redirect(w, r, path.Base(upath)+"/", StatusMovedPermanently)
			return
		}
		index := path.Join(name, "index.html")
		if fi, err := fs.Stat(h.fsys, index); err == nil && fi.Mode().IsRegular() {
			idx, err := h.fsys.Open(index)
			if err != nil {
				fsError(w, err)
				return
			}
			defer idx.Close()
			serveContent(w, r, "index.html", fi, idx)
			return
		}
		h.listDir(w, r, name, st)
		return
	}
	if !st.Mode().IsRegular() {
		Error(w, "403 forbidden", StatusForbidden)
		return
	}
	serveContent(w, r, st.Name(), st, f)
}

func fsError(w ResponseWriter, err error) {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		Error(w, "404 page not found", StatusNotFound)
	case errors.Is(err, fs.ErrPermission):
		Error(w, "403 forbidden", StatusForbidden)
	default:
		// Includes a symbolic link that escapes an os.Root.
		Error(w, "404 page not found", StatusNotFound)
	}
}

// ETagFor returns the entity tag the file server gives a file: its size
// and modification time in microseconds, in hex, the way Apache builds
// one (`"a5b-52d015789ee9e"` is 2651 bytes modified at 2016-03-01
// 18:57:50.427806 UTC).
func ETagFor(size int64, modtime time.Time) string {
	b := []byte{'"'}
	b = appendHex(b, uint64(size))
	b = append(b, '-')
	b = appendHex(b, uint64(modtime.UnixMicro()))
	return string(append(b, '"'))
}

// serveContent answers with a file's content, honouring the conditional
// and range fields.
func serveContent(w ResponseWriter, r *Request, name string, st fs.FileInfo, f fs.File) {
	h := w.Header()
	size, modtime := st.Size(), st.ModTime()
	etag := ETagFor(size, modtime)
	h.Set("ETag", etag)
	if !modtime.IsZero() && modtime.Unix() > 0 {
		h.Set("Last-Modified", FormatDate(modtime))
	}
	h.Set("Accept-Ranges", "bytes")
	if s := checkPreconditions(r, etag, modtime); s != 0 {
		if s == StatusNotModified {
			h.Del("Accept-Ranges")
			w.WriteHeader(StatusNotModified)
			return
		}
		Error(w, s.String(), s)
		return
	}
	ctype := stdmime.TypeByExtension(path.Ext(name))
	rs, seekable := f.(io.ReadSeeker)
	if ctype == "" {
		var buf [512]byte
		n, _ := io.ReadFull(f, buf[:])
		ctype = http.DetectContentType(buf[:n])
		if seekable {
			rs.Seek(0, io.SeekStart)
		} else {
			f = multiFile{io.MultiReader(strings.NewReader(string(buf[:n])), f), f}
		}
	}
	h.Set("Content-Type", ctype)
	start, length := int64(0), size
	status := StatusOK
	if rng := r.Header.Get("Range"); rng != "" && ifRangeHolds(r, etag, modtime) {
		ranges, ok := parseRanges(rng, size)
		switch {
		case !ok:
			// A syntax we do not serve, too many ranges, or more bytes
			// than the file: the whole file (RFC 9110, 14.2 allows it).
		case len(ranges) == 0:
			h.Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
			Error(w, "416 range not satisfiable", StatusRangeNotSatisfiable)
			return
		case len(ranges) == 1:
			start, length, status = ranges[0].start, ranges[0].length, StatusPartialContent
			h.Set("Content-Range", ranges[0].contentRange(size))
		case seekable:
			serveMultiRange(w, r, rs, ctype, size, ranges)
			return
		}
	}
	h.Set("Content-Length", strconv.FormatInt(length, 10))
	w.WriteHeader(status)
	if r.Method == MethodHead {
		return
	}
	var src io.Reader = f
	if start > 0 {
		if seekable {
			if _, err := rs.Seek(start, io.SeekStart); err != nil {
				return
			}
		} else if _, err := io.CopyN(io.Discard, f, start); err != nil {
			return
		}
	}
	io.CopyN(w, src, length)
}

// serveMultiRange answers several ranges with a multipart/byteranges body
// (RFC 9110, section 14.6), one part per range.
func serveMultiRange(w ResponseWriter, r *Request, rs io.ReadSeeker, ctype string, size int64, ranges []byteRange) {
	mw := multipart.NewWriter(w)
	w.Header().Set("Content-Type", "multipart/byteranges; boundary="+mw.Boundary())
	w.Header().Del("Content-Length")
	w.WriteHeader(StatusPartialContent)
	if r.Method == MethodHead {
		return
	}
	for _, br := range ranges {
		part, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {ctype}, "Content-Range": {br.contentRange(size)}})
		if err != nil {
			return
		}
		if _, err := rs.Seek(br.start, io.SeekStart); err != nil {
			return
		}
		if _, err := io.CopyN(part, rs, br.length); err != nil {
			return
		}
	}
	mw.Close()
}

// maxRanges caps the ranges served in one response; a request for more
// gets the whole file.
const maxRanges = 16

type byteRange struct{ start, length int64 }

func (br byteRange) contentRange(size int64) string {
	return "bytes " + strconv.FormatInt(br.start, 10) + "-" + strconv.FormatInt(br.start+br.length-1, 10) + "/" + strconv.FormatInt(size, 10)
}

// parseRanges parses a Range field ("bytes=0-499, -500") against size,
// dropping unsatisfiable ranges. ok is false when the field should be
// ignored: bad syntax, more than maxRanges ranges, or more bytes asked
// than the file has (overlapping ranges used to amplify a response).
func parseRanges(v string, size int64) ([]byteRange, bool) {
	spec, found := strings.CutPrefix(v, "bytes=")
	if !found {
		return nil, false
	}
	var out []byteRange
	var total int64
	parts := strings.Split(spec, ",")
	if len(parts) > maxRanges {
		return nil, false
	}
	for _, p := range parts {
		s, l, ok := parseRange("bytes="+trimOWS(p), size)
		if !ok {
			return nil, false
		}
		if l > 0 {
			out = append(out, byteRange{s, l})
			total += l
		}
	}
	if total > size {
		return nil, false
	}
	return out, true
}

type multiFile struct {
	io.Reader
	fs.File
}

func (m multiFile) Read(p []byte) (int, error) { return m.Reader.Read(p) }

// ifRangeHolds evaluates If-Range (RFC 9110, section 13.1.5): the range
// applies only if the validator still matches.
func ifRangeHolds(r *Request, etag string, modtime time.Time) bool {
	ir := r.Header.Get("If-Range")
	if ir == "" {
		return true
	}
	if strings.HasPrefix(ir, `"`) {
		return ir == etag
	}
	t, err := ParseDate(ir)
	return err == nil && modtime.Truncate(time.Second).Equal(t)
}

// parseRange parses a single "bytes=first-last", "bytes=first-" or
// "bytes=-suffix" range against size. ok is false for syntax it does not
// serve; length 0 with ok means unsatisfiable.
func parseRange(v string, size int64) (start, length int64, ok bool) {
	spec, found := strings.CutPrefix(v, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false
	}
	first, last, found := strings.Cut(trimOWS(spec), "-")
	if !found {
		return 0, 0, false
	}
	if first == "" {
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, false
		}
		if n == 0 || size == 0 {
			return 0, 0, true
		}
		n = min(n, size)
		return size - n, n, true
	}
	s, err := strconv.ParseInt(first, 10, 64)
	if err != nil || s < 0 {
		return 0, 0, false
	}
	e := size - 1
	if last != "" {
		e, err = strconv.ParseInt(last, 10, 64)
		if err != nil || e < s {
			return 0, 0, false
		}
		e = min(e, size-1)
	}
	if s >= size {
		return 0, 0, true
	}
	return s, e - s + 1, true
}

// listDir writes an HTML list of a directory's entries.
func (h *fileHandler) listDir(w ResponseWriter, r *Request, name string, st fs.FileInfo) {
	entries, err := fs.ReadDir(h.fsys, name)
	if err != nil {
		fsError(w, err)
		return
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	if s := checkPreconditions(r, "", st.ModTime()); s == StatusNotModified {
		w.WriteHeader(s)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if t := st.ModTime(); t.Unix() > 0 {
		w.Header().Set("Last-Modified", FormatDate(t))
	}
	var b strings.Builder
	b.WriteString("<!doctype html>\n<title>Index of " + htmlEscape(r.Path()) + "</title>\n<pre>\n")
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			n += "/"
		}
		u := url.URL{Path: n}
		b.WriteString("<a href=\"" + htmlEscape(u.String()) + "\">" + htmlEscape(n) + "</a>\n")
	}
	b.WriteString("</pre>\n")
	io.WriteString(w, b.String())
}
