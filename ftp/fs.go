package ftp

import (
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// A Server reads the files it serves through io/fs: any fs.FS will do
// (os.DirFS, embed.FS, fstest.MapFS, [DirFS]). Files opened for RETR must
// implement io.Seeker for REST to work. To accept uploads and changes the
// file system also implements [WriteFS].

// WriteFS is a file system that accepts uploads, new directories, deletions
// and renames. Names are io/fs names: slash-separated, unrooted, "." for the
// root (see fs.ValidPath).
type WriteFS interface {
	fs.FS

	// Create starts an atomic upload of name. Nothing is visible at name
	// until Commit; Abort leaves the file system as it was (RFC 959 STOR
	// replaces the whole file or nothing).
	Create(name string) (Upload, error)

	// OpenWrite opens name for writing in place, creating it if missing:
	// at offset (REST followed by STOR; the file is cut at offset first),
	// or at its end when offset is negative (APPE). What is written is kept
	// even if the transfer fails: that is what makes resuming possible.
	OpenWrite(name string, offset int64) (Upload, error)

	// Mkdir creates a directory (MKD).
	Mkdir(name string) error

	// Remove removes a file or an empty directory (DELE, RMD).
	Remove(name string) error

	// Rename renames oldname to newname, replacing newname if it is a file
	// (RNFR/RNTO).
	Rename(oldname, newname string) error
}

// Upload receives the data of one STOR, STOU or APPE.
type Upload interface {
	io.Writer
	// Commit finishes a successful transfer and makes the data visible.
	Commit() error
	// Abort ends a failed transfer: an atomic upload is discarded.
	Abort() error
}

// DirFS serves an operating-system directory. It is confined to that
// directory with an os.Root: names with "..", absolute names and symbolic
// links that lead outside the directory all fail, whatever the client sends.
// Atomic uploads go to a hidden temporary file in the target directory that
// is renamed into place on Commit; those temporary files are left out of
// directory listings.
type DirFS struct {
	root *os.Root
	fsys fs.FS
}

// uploadPrefix starts the names of temporary upload files.
const uploadPrefix = ".ftp-upload-"

// NewDirFS opens dir as a [DirFS]. Close it when the server is done.
func NewDirFS(dir string) (*DirFS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &DirFS{root: r, fsys: r.FS()}, nil
}

// Close releases the directory.
func (d *DirFS) Close() error { return d.root.Close() }

// Open opens name for reading (fs.FS).
func (d *DirFS) Open(name string) (fs.File, error) { return d.fsys.Open(name) }

// Stat returns the FileInfo of name, following symbolic links (fs.StatFS).
func (d *DirFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(d.fsys, name) }

// ReadDir lists a directory, sorted by name, without upload temporaries
// (fs.ReadDirFS).
func (d *DirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(d.fsys, name)
	out := entries[:0]
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), uploadPrefix) {
			out = append(out, e)
		}
	}
	return out, err
}

func checkName(op, name string) error {
	if !fs.ValidPath(name) || name == "." {
		return &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return nil
}

// Create starts an atomic upload (WriteFS).
func (d *DirFS) Create(name string) (Upload, error) {
	if err := checkName("create", name); err != nil {
		return nil, err
	}
	if fi, err := d.root.Stat(name); err == nil && fi.IsDir() {
		return nil, &fs.PathError{Op: "create", Path: name, Err: errors.New("is a directory")}
	}
	tmp := path.Join(path.Dir(name), uploadPrefix+rand.Text()[:16])
	f, err := d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	return &atomicUpload{d: d, f: f, tmp: tmp, name: name}, nil
}

type atomicUpload struct {
	d         *DirFS
	f         *os.File
	tmp, name string
}

func (u *atomicUpload) Write(p []byte) (int, error) { return u.f.Write(p) }

// ReadFrom lets io.Copy use the kernel's splice path into the file.
func (u *atomicUpload) ReadFrom(r io.Reader) (int64, error) { return u.f.ReadFrom(r) }

func (u *atomicUpload) Commit() error {
	if err := u.f.Sync(); err != nil {
		u.Abort()
		return err
	}
	if err := u.f.Close(); err != nil {
		u.d.root.Remove(u.tmp)
		return err
	}
	if err := u.d.root.Rename(u.tmp, u.name); err != nil {
		u.d.root.Remove(u.tmp)
		return err
	}
	return nil
}

func (u *atomicUpload) Abort() error {
	u.f.Close()
	return u.d.root.Remove(u.tmp)
}

// OpenWrite opens name for writing in place (WriteFS).
func (d *DirFS) OpenWrite(name string, offset int64) (Upload, error) {
	if err := checkName("open", name); err != nil {
		return nil, err
	}
	flag := os.O_WRONLY | os.O_CREATE
	if offset < 0 {
		flag |= os.O_APPEND
	}
	f, err := d.root.OpenFile(name, flag, 0o644)
	if err != nil {
		return nil, err
	}
	if offset >= 0 {
		if err := f.Truncate(offset); err != nil {
			f.Close()
			return nil, err
		}
		if _, err := f.Seek(offset, io.SeekStart); err != nil {
			f.Close()
			return nil, err
		}
	}
	return &inPlaceUpload{f}, nil
}

type inPlaceUpload struct{ f *os.File }

func (u *inPlaceUpload) Write(p []byte) (int, error)         { return u.f.Write(p) }
func (u *inPlaceUpload) ReadFrom(r io.Reader) (int64, error) { return u.f.ReadFrom(r) }
func (u *inPlaceUpload) Commit() error                       { return u.f.Close() }
func (u *inPlaceUpload) Abort() error                        { return u.f.Close() }

// Mkdir creates a directory with mode 0755 (WriteFS).
func (d *DirFS) Mkdir(name string) error {
	if err := checkName("mkdir", name); err != nil {
		return err
	}
	return d.root.Mkdir(name, 0o755)
}

// Remove removes a file or an empty directory (WriteFS).
func (d *DirFS) Remove(name string) error {
	if err := checkName("remove", name); err != nil {
		return err
	}
	return d.root.Remove(name)
}

// Rename renames a file or directory (WriteFS).
func (d *DirFS) Rename(oldname, newname string) error {
	if err := checkName("rename", oldname); err != nil {
		return err
	}
	if err := checkName("rename", newname); err != nil {
		return err
	}
	return d.root.Rename(oldname, newname)
}

var _ WriteFS = (*DirFS)(nil)
