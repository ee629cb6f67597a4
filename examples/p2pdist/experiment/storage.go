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
}

func newMemStorage(size int64, content []byte) *memStorage {
	s := &memStorage{data: make([]byte, size)}
	copy(s.data, content)
	return s
}

func (s *memStorage) ReadAt(p []byte, off int64) (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if off < 0 || off >= int64(len(s.data)) {
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
	return copy(s.data[off:], p), nil
}

func (s *memStorage) Close() error { return nil }

// bytes returns a copy of the content.
func (s *memStorage) bytes() []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]byte(nil), s.data...)
}
