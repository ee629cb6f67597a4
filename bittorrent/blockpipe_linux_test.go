//go:build linux

package bittorrent

import (
	"errors"
	"net"
	"syscall"
	"testing"
)

// TestPipePool checks that pipes are reused between batches, that a pipe
// a failed batch left bytes in is closed rather than reused, that the
// pool keeps at most maxIdlePipes, and that closing it closes them all.
func TestPipePool(t *testing.T) {
	var pool pipePool
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if _, err := pool.get(a); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("pipe for a net.Pipe: %v, want ErrUnsupported", err)
	}
	_, server := tcpPair(t)

	p1, err := pool.get(server)
	if err != nil {
		t.Fatal(err)
	}
	pool.put(p1)
	if p2, _ := pool.get(server); p2 != p1 {
		t.Errorf("an empty pipe given back was not reused")
	}
	if err := p1.write([]byte("left behind")); err != nil {
		t.Fatal(err)
	}
	pool.put(p1) // a failed batch: bytes still in the pipe
	if len(pool.idle) != 0 || !closedFD(p1.w) {
		t.Errorf("a pipe with bytes in it was kept (idle %d, open %v)", len(pool.idle), !closedFD(p1.w))
	}

	var many []*blockPipe
	for range maxIdlePipes + 3 {
		p, err := pool.get(server)
		if err != nil {
			t.Fatal(err)
		}
		many = append(many, p)
	}
	for _, p := range many {
		pool.put(p)
	}
	if len(pool.idle) != maxIdlePipes || !closedFD(many[len(many)-1].w) {
		t.Errorf("%d pipes idle, want %d, and the rest closed", len(pool.idle), maxIdlePipes)
	}
	pool.close()
	for _, p := range many {
		if !closedFD(p.r) || !closedFD(p.w) {
			t.Fatalf("a pipe is still open after the pool closed")
		}
	}
	late, err := pool.get(server)
	if err != nil {
		t.Fatal(err)
	}
	pool.put(late)
	if !closedFD(late.w) {
		t.Errorf("a pipe given back after close was kept open")
	}
}

// closedFD reports whether fd is closed. The test's own pipes are its
// only new descriptors, so a number is not reused while it checks.
func closedFD(fd int) bool {
	_, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFD, 0)
	return errno == syscall.EBADF
}
