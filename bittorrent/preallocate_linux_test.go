//go:build linux

package bittorrent

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFileStoragePreallocates checks that a fresh file gets its disk
// space reserved while keeping its size zero, so unwritten regions still
// read as io.EOF; that writes then land normally; and that a complete
// file is left alone.
func TestFileStoragePreallocates(t *testing.T) {
	const length = 4 << 20
	info := &Info{Name: "f.bin", PieceLength: 256 << 10, Length: length}
	dir := t.TempDir()
	st, err := NewFileStorage(dir, info)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	buf := make([]byte, 256<<10)
	if _, err := st.ReadAt(buf, 0); !errors.Is(err, io.EOF) {
		t.Fatalf("reading a fresh file: %v, want io.EOF", err)
	}
	var sys syscall.Stat_t
	if err := syscall.Stat(filepath.Join(dir, "f.bin"), &sys); err != nil {
		t.Fatal(err)
	}
	if sys.Size != 0 {
		t.Errorf("fresh file size %d, want 0", sys.Size)
	}
	probe, err := os.Create(filepath.Join(dir, "probe"))
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	switch err := syscall.Fallocate(int(probe.Fd()), fallocKeepSize, 0, 4096); {
	case err != nil:
		t.Logf("the file system of %s cannot reserve space (%v); not checking the reservation", dir, err)
	case sys.Blocks*512 < length:
		t.Errorf("%d bytes reserved for a fresh file, want %d", sys.Blocks*512, length)
	}
	piece := bytes.Repeat([]byte{7}, 256<<10)
	if _, err := st.WriteAt(piece, 256<<10); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ReadAt(buf, 256<<10); err != nil || !bytes.Equal(buf, piece) {
		t.Fatalf("reading back a written piece: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "f.bin")); err != nil || fi.Size() != 512<<10 {
		t.Errorf("after writing piece 1 the file is %v bytes (%v), want %d", fi.Size(), err, 512<<10)
	}
}
