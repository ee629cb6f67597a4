package bittorrent

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
)

// Storage holds a torrent's bytes, addressed as one stream in the order of
// [Info.Layout]. The swarm client writes a piece only after its SHA-1 has
// been verified, with one WriteAt per piece, so storage never holds
// unverified data. Implementations must be safe for concurrent use.
type Storage interface {
	io.ReaderAt
	io.WriterAt
	Close() error
}

// FileStorage stores the torrent in files laid out under a directory
// exactly as the torrent describes (Info.Name is the file, or the directory
// of a multi-file torrent). It opens files through an [os.Root], so no
// path in a torrent can reach outside the directory.
//
// On opening a file shorter than the torrent says, FileStorage reserves
// the disk space for all of it (fallocate(2) on Linux, keeping the file's
// size): a download then fails at once if the disk is too small rather
// than hours later, the file is laid out in few extents, and writing a
// piece costs less. The file still grows only as pieces are written, so
// what was never written still reads as io.EOF. Where the file system
// cannot reserve space, files grow as written.
type FileStorage struct {
	root  *os.Root
	files []File

	mu   sync.Mutex
	open map[int]*os.File
	// writing serializes the writes to each file. The kernel lets one
	// write into a file at a time anyway, and a second writer spins on
	// the file's lock, burning a core; waiting here lets it yield.
	writing []sync.Mutex
}

// NewFileStorage opens (creating as needed) the files of info under dir.
func NewFileStorage(dir string, info *Info) (*FileStorage, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	files := info.Layout()
	s := &FileStorage{root: root, files: files, open: map[int]*os.File{}, writing: make([]sync.Mutex, len(files))}
	for _, f := range s.files {
		if len(f.Path) > 1 {
			if err := root.MkdirAll(filepath.Join(f.Path[:len(f.Path)-1]...), 0o755); err != nil {
				root.Close()
				return nil, err
			}
		}
		if f.Length == 0 {
			fh, err := root.OpenFile(filepath.Join(f.Path...), os.O_RDWR|os.O_CREATE, 0o644)
			if err != nil {
				root.Close()
				return nil, err
			}
			fh.Close()
		}
	}
	return s, nil
}

func (s *FileStorage) file(i int) (*os.File, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.open[i]; ok {
		return f, nil
	}
	if s.open == nil {
		return nil, os.ErrClosed
	}
	name := filepath.Join(s.files[i].Path...)
	f, err := s.root.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.Size() < s.files[i].Length {
		if err := preallocate(f, s.files[i].Length); err != nil {
			f.Close()
			return nil, fmt.Errorf("bittorrent: reserving %d bytes for %s: %w", s.files[i].Length, name, err)
		}
	}
	s.open[i] = f
	return f, nil
}

// span calls fn for each file region covering [off, off+n).
func (s *FileStorage) span(off int64, n int, fn func(fi int, fileOff int64, lo, hi int) error) error {
	i := sort.Search(len(s.files), func(i int) bool { return s.files[i].Offset+s.files[i].Length > off })
	done := 0
	for ; i < len(s.files) && done < n; i++ {
		f := s.files[i]
		if f.Length == 0 {
			continue
		}
		fo := off + int64(done) - f.Offset
		k := int(min(int64(n-done), f.Length-fo))
		if err := fn(i, fo, done, done+k); err != nil {
			return err
		}
		done += k
	}
	if done < n {
		return fmt.Errorf("bittorrent: storage access [%d, %d) beyond the torrent", off, off+int64(n))
	}
	return nil
}

// ReadAt reads from the torrent stream. Regions of files not yet written
// read as io.EOF.
func (s *FileStorage) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	err := s.span(off, len(p), func(fi int, fo int64, lo, hi int) error {
		f, err := s.file(fi)
		if err != nil {
			return err
		}
		k, err := f.ReadAt(p[lo:hi], fo)
		n += k
		return err
	})
	return n, err
}

// WriteAt writes to the torrent stream.
func (s *FileStorage) WriteAt(p []byte, off int64) (int, error) {
	n := 0
	err := s.span(off, len(p), func(fi int, fo int64, lo, hi int) error {
		f, err := s.file(fi)
		if err != nil {
			return err
		}
		s.writing[fi].Lock()
		k, err := f.WriteAt(p[lo:hi], fo)
		s.writing[fi].Unlock()
		n += k
		return err
	})
	return n, err
}

// fileRanger is implemented by storage that keeps the torrent's bytes in
// files: fileRange names the file and offset of n bytes at torrent offset
// off when they lie in one file, so a writer can have the kernel send them
// (splice) instead of reading them.
type fileRanger interface {
	fileRange(off int64, n int) (f *os.File, fileOff int64, ok bool)
}

func (s *FileStorage) fileRange(off int64, n int) (*os.File, int64, bool) {
	i := sort.Search(len(s.files), func(i int) bool { return s.files[i].Offset+s.files[i].Length > off })
	if i == len(s.files) || off+int64(n) > s.files[i].Offset+s.files[i].Length {
		return nil, 0, false
	}
	f, err := s.file(i)
	if err != nil {
		return nil, 0, false
	}
	return f, off - s.files[i].Offset, true
}

// Sync flushes every open file to stable storage.
func (s *FileStorage) Sync() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, f := range s.open {
		errs = append(errs, f.Sync())
	}
	return errors.Join(errs...)
}

// Close closes the files.
func (s *FileStorage) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, f := range s.open {
		errs = append(errs, f.Close())
	}
	s.open = nil
	errs = append(errs, s.root.Close())
	return errors.Join(errs...)
}
