package ftp

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// benchFileSize is the RETR benchmark's file: 1 GiB, or 64 MiB with -short.
// Tests never use a file this large.
func benchFileSize() int64 {
	if testing.Short() {
		return 64 << 20
	}
	return 1 << 30
}

// writeBenchFile writes size octets of non-zero data (not a sparse file).
func writeBenchFile(b *testing.B, dir string, size int64) string {
	name := filepath.Join(dir, "big.bin")
	f, err := os.Create(name)
	must(b, err)
	chunk := make([]byte, 1<<20)
	for i := range chunk {
		chunk[i] = byte(i*31 + 7)
	}
	for n := int64(0); n < size; n += int64(len(chunk)) {
		_, err := f.Write(chunk[:min(int64(len(chunk)), size-n)])
		must(b, err)
	}
	must(b, f.Close())
	return name
}

// BenchmarkRETR compares a binary RETR over loopback (our client and
// server, passive mode) with a plain TCP copy of the same file (io.Copy from
// the file to the socket, io.Copy from the socket on the other end), in the
// same run. The figure to compare is MB/s.
//
//	go test -run XXX -bench RETR -benchtime 3x ./ftp/
func BenchmarkRETR(b *testing.B) {
	size := benchFileSize()
	dir := b.TempDir()
	name := writeBenchFile(b, dir, size)

	b.Run("tcp-copy", func(b *testing.B) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		must(b, err)
		defer l.Close()
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				f, err := os.Open(name)
				if err == nil {
					io.Copy(c, f)
					f.Close()
				}
				c.Close()
			}
		}()
		b.SetBytes(size)
		b.ResetTimer()
		for range b.N {
			c, err := net.Dial("tcp", l.Addr().String())
			must(b, err)
			n, err := io.Copy(io.Discard, c)
			c.Close()
			if err != nil || n != size {
				b.Fatalf("copied %d, %v", n, err)
			}
		}
	})

	b.Run("ftp", func(b *testing.B) {
		fsys, err := NewDirFS(dir)
		must(b, err)
		defer fsys.Close()
		addr := startServer(b, &Server{FS: fsys, Users: map[string]string{"u": "p"}})
		ctx := context.Background()
		c, err := Dial(ctx, addr, nil)
		must(b, err)
		defer c.Close()
		must(b, c.Login(ctx, "u", "p"))
		must(b, c.SetBinary(ctx, true))
		b.SetBytes(size)
		b.ResetTimer()
		for range b.N {
			n, err := c.Retr(ctx, "big.bin", io.Discard)
			if err != nil || n != size {
				b.Fatalf("RETR %d, %v", n, err)
			}
		}
	})
}
