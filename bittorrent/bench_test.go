package bittorrent

import (
	"context"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/applayer/applayer/internal/cputime"
)

// benchSize is the file size of the transfer benchmarks: 64 MiB, or
// APPLAYER_BT_BENCH_MB mebibytes (1024 for the 1 GiB figure).
func benchSize(b *testing.B) int {
	if s := os.Getenv("APPLAYER_BT_BENCH_MB"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		return n << 20
	}
	return 64 << 20
}

// memStorage keeps a torrent in memory, to measure the protocol without
// the disk. Before the first write it reads as empty, like a new file, so
// the resume check has nothing to hash.
type memStorage struct {
	b       []byte
	written atomic.Bool
}

func (m *memStorage) ReadAt(p []byte, off int64) (int, error) {
	if !m.written.Load() {
		return 0, io.EOF
	}
	return copy(p, m.b[off:]), nil
}

func (m *memStorage) WriteAt(p []byte, off int64) (int, error) {
	m.written.Store(true)
	return copy(m.b[off:], p), nil
}

func (m *memStorage) Close() error { return nil }

// BenchmarkTransferSwarm moves the file from one seeder to one leecher over
// loopback: wire protocol, SHA-1 verification and storage in files
// included.
func BenchmarkTransferSwarm(b *testing.B) { benchSwarm(b, false) }

// BenchmarkTransferSwarmMem is BenchmarkTransferSwarm with the leecher
// storing into memory: protocol and SHA-1 only.
func BenchmarkTransferSwarmMem(b *testing.B) { benchSwarm(b, true) }

func benchSwarm(b *testing.B, mem bool) {
	size := benchSize(b)
	seedDir, mi, _ := testTorrent(b, size, 256<<10)
	seeder := fastClient(b, func(c *Client) { c.ChokeInterval = time.Second })
	if _, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: seedDir}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(size))
	var cpu time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		dir := b.TempDir()
		c := &Client{ChokeInterval: time.Second}
		if _, err := c.Listen("127.0.0.1:0"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := cputime.Process()
		spec := TorrentSpec{MetaInfo: mi, Dir: dir, Peers: []netip.AddrPort{addrOf(seeder)}}
		if mem {
			spec.Storage = func(info *Info) (Storage, error) { return &memStorage{b: make([]byte, info.TotalLength())}, nil }
		}
		tor, err := c.Add(context.Background(), spec)
		if err != nil {
			b.Fatal(err)
		}
		<-tor.Done()
		cpu += cputime.Process() - c0
		b.StopTimer()
		c.Close()
		b.StartTimer()
	}
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkTransferTCPCopy is the reference: the same bytes read from the
// same file, copied over one loopback TCP connection and written to a file.
func BenchmarkTransferTCPCopy(b *testing.B) { benchTCPCopy(b, false) }

// BenchmarkTransferTCPCopyMem is the reference for
// BenchmarkTransferSwarmMem: the received bytes are copied into memory.
func BenchmarkTransferTCPCopyMem(b *testing.B) { benchTCPCopy(b, true) }

func benchTCPCopy(b *testing.B, mem bool) {
	size := benchSize(b)
	seedDir, _, _ := testTorrent(b, size, 16<<20)
	src := filepath.Join(seedDir, "payload.bin")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			f, _ := os.Open(src)
			io.Copy(conn, f)
			f.Close()
			conn.Close()
		}
	}()
	b.SetBytes(int64(size))
	c0 := cputime.Process()
	b.ResetTimer()
	for range b.N {
		conn, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		var n int64
		if mem {
			buf := make([]byte, size)
			k, e := io.ReadFull(conn, buf)
			n, err = int64(k), e
		} else {
			out, _ := os.Create(filepath.Join(b.TempDir(), "copy.bin"))
			n, err = io.Copy(out, conn)
			out.Close()
		}
		conn.Close()
		if err != nil || n != int64(size) {
			b.Fatalf("copied %d bytes: %v", n, err)
		}
	}
	b.ReportMetric((cputime.Process()-c0).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkPeerConnMemory reports the heap held per idle peer connection
// (both ends live in this process, so the figure covers our side of one
// connection: buffers, bitfield, goroutines' state is not in the heap).
func BenchmarkPeerConnMemory(b *testing.B) {
	seedDir, mi, _ := testTorrent(b, 4<<20, 64<<10)
	const conns = 200
	for range b.N {
		seeder := fastClient(b, func(c *Client) { c.MaxPeers = conns + 10; c.ChokeInterval = time.Hour })
		if _, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: seedDir}); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var raw []net.Conn
		for range conns {
			conn, err := net.Dial("tcp", addrOf(seeder).String())
			if err != nil {
				b.Fatal(err)
			}
			conn.Write(AppendHandshake(nil, Handshake{InfoHash: mi.InfoHash(), PeerID: NewPeerID()}))
			if _, err := ReadHandshake(conn); err != nil {
				b.Fatal(err)
			}
			raw = append(raw, conn)
		}
		for seeder.torrents[mi.InfoHash()].Stats().Peers < conns {
			time.Sleep(time.Millisecond)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/conns, "heap-B/conn")
		b.ReportMetric(float64(after.StackInuse-before.StackInuse)/conns, "stack-B/conn")
		for _, c := range raw {
			c.Close()
		}
		seeder.Close()
	}
}
