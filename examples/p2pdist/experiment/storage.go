package experiment

import (
	"io"
	"sync"
)

// memStorage is a bittorrent.Storage in memory: the experiment measures
// the network, not the disk.
type memStorage struct {
	mu   sync.RWMutex
	data []byte
	// empty is set until the first write to a store made without content:
	// like a file not yet created, it has nothing to read, so a joining
	// leecher's check of what it already holds (resume) hashes nothing.
	// Hashing a whole file of zeros in every leecher at once would be CPU
	// time inside the measured interval that a real fresh download does
	// not spend.
	empty bool
}

func newMemStorage(size int64, content []byte) *memStorage {
	s := &memStorage{data: make([]byte, size), empty: content == nil}
	copy(s.data, content)
	return s
}

func (s *memStorage) ReadAt(p []byte, off int64) (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.empty || off < 0 || off >= int64(len(s.data)) {
		return 0, io.EOF
	}
	n := copy(p, s.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (s *memStorage) WriteAt(p []byte, off int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if off < 0 || off+int64(len(p)) > int64(len(s.data)) {
		return 0, io.ErrShortWrite
	}
	s.empty = false
	return copy(s.data[off:], p), nil
}

func (s *memStorage) Close() error { return nil }

// bytes returns a copy of the content.
func (s *memStorage) bytes() []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]byte(nil), s.data...)
}
