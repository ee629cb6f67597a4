package ftp

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
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
	must(b, f.Sync()) // no writeback competing with the measurement
	must(b, f.Close())
	return name
}

// tcpCopyServer serves the file at name to every connection with a plain
// io.Copy (sendfile on Linux), the baseline of the RETR benchmark.
func tcpCopyServer(b *testing.B, name string) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(b, err)
	b.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			if f, err := os.Open(name); err == nil {
				io.Copy(c, f)
				f.Close()
			}
			c.Close()
		}
	}()
	return l.Addr().String()
}

func tcpCopyOnce(b *testing.B, addr string, size int64) {
	c, err := net.Dial("tcp", addr)
	must(b, err)
	n, err := io.Copy(io.Discard, c)
	c.Close()
	if err != nil || n != size {
		b.Fatalf("copied %d, %v", n, err)
	}
}

// ftpClientFor serves dir with our server and returns a logged-in client in
// binary passive mode.
func ftpClientFor(b *testing.B, dir string) *Client {
	fsys, err := NewDirFS(dir)
	must(b, err)
	b.Cleanup(func() { fsys.Close() })
	addr := startServer(b, &Server{FS: fsys, Users: map[string]string{"u": "p"}})
	ctx := context.Background()
	c, err := Dial(ctx, addr, nil)
	must(b, err)
	b.Cleanup(func() { c.Close() })
	must(b, c.Login(ctx, "u", "p"))
	must(b, c.SetBinary(ctx, true))
	return c
}

func retrOnce(b *testing.B, c *Client, size int64) {
	n, err := c.Retr(context.Background(), "big.bin", io.Discard)
	if err != nil || n != size {
		b.Fatalf("RETR %d, %v", n, err)
	}
}

// BenchmarkRETR compares a binary RETR over loopback (our client and
// server, passive mode) with a plain TCP copy of the same file (io.Copy from
// the file to the socket, io.Copy from the socket on the other end), in the
// same run. "paired" does one of each per iteration, so both see the same
// machine load, and reports the ratio as ftp/tcp-%.
//
//	go test -run XXX -bench RETR -benchtime 3x ./ftp/
func BenchmarkRETR(b *testing.B) {
	size := benchFileSize()
	dir := b.TempDir()
	name := writeBenchFile(b, dir, size)

	b.Run("tcp-copy", func(b *testing.B) {
		addr := tcpCopyServer(b, name)
		b.SetBytes(size)
		b.ResetTimer()
		for range b.N {
			tcpCopyOnce(b, addr, size)
		}
	})

	b.Run("ftp", func(b *testing.B) {
		c := ftpClientFor(b, dir)
		b.SetBytes(size)
		b.ResetTimer()
		for range b.N {
			retrOnce(b, c, size)
		}
	})

	b.Run("paired", func(b *testing.B) {
		addr := tcpCopyServer(b, name)
		c := ftpClientFor(b, dir)
		var tcpTime, ftpTime time.Duration
		b.SetBytes(2 * size)
		b.ResetTimer()
		for range b.N {
			start := time.Now()
			tcpCopyOnce(b, addr, size)
			mid := time.Now()
			retrOnce(b, c, size)
			tcpTime += mid.Sub(start)
			ftpTime += time.Since(mid)
		}
		b.ReportMetric(float64(size)*float64(b.N)/tcpTime.Seconds()/1e6, "tcp-MB/s")
		b.ReportMetric(float64(size)*float64(b.N)/ftpTime.Seconds()/1e6, "ftp-MB/s")
		b.ReportMetric(100*tcpTime.Seconds()/ftpTime.Seconds(), "ftp/tcp-%")
	})
}
