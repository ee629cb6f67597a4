package experiment

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// TestMemStorageEmpty: a leecher's store has nothing to read until its
// first piece is written (so the resume check hashes nothing), and a
// seeder's store holds its content from the start.
func TestMemStorageEmpty(t *testing.T) {
	buf := make([]byte, 4)
	leecher := newMemStorage(8, nil)
	if n, err := leecher.ReadAt(buf, 0); n != 0 || !errors.Is(err, io.EOF) {
		t.Errorf("fresh store: ReadAt = %d, %v; want 0, EOF", n, err)
	}
	if _, err := leecher.WriteAt([]byte("abcd"), 4); err != nil {
		t.Fatal(err)
	}
	if n, err := leecher.ReadAt(buf, 4); n != 4 || err != nil || !bytes.Equal(buf, []byte("abcd")) {
		t.Errorf("after a write: ReadAt = %d, %v, %q; want 4, nil, \"abcd\"", n, err, buf)
	}
	seeder := newMemStorage(8, []byte("01234567"))
	if n, err := seeder.ReadAt(buf, 0); n != 4 || err != nil || !bytes.Equal(buf, []byte("0123")) {
		t.Errorf("seeder: ReadAt = %d, %v, %q; want 4, nil, \"0123\"", n, err, buf)
	}
}
