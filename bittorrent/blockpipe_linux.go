//go:build linux

package bittorrent

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"

	"github.com/applayer/applayer/sockets"
)

// A blockPipe carries a seeder's batch of messages and blocks to a TCP
// connection through a pipe. Message bytes are written into the pipe; a
// block's bytes are spliced into it from their file, which gives the pipe
// references to page-cache pages rather than copies; and whenever the pipe
// fills, and at the end of the batch, one splice(2) moves everything in it
// to the socket. A batch of 32 blocks is then a few dozen cheap pipe
// operations and a handful of socket sends, where a write and a
// sendfile(2) per block cost two socket sends each.
//
// Pipes come from the client's pipePool for one batch at a time.
type blockPipe struct {
	sock    syscall.RawConn // the batch's socket
	r, w    int             // the pipe's ends, both non-blocking
	pending int             // bytes in the pipe, not yet on the socket
}

// blockPipeSize is the pipe capacity asked for: room for a batch of
// maxBlocksPerWrite blocks (each block takes a pipe slot per page and
// its header one more) before the pipe must be drained. The kernel may
// grant less (fs.pipe-max-size, or a user over fs.pipe-user-pages-soft);
// the pipe is then drained more often.
const blockPipeSize = 1 << 20

// Linux constants the syscall package lacks.
const (
	fSetPipeSize     = 1031 // F_SETPIPE_SZ
	spliceMove       = 0x1  // SPLICE_F_MOVE
	spliceNonblock   = 0x2  // SPLICE_F_NONBLOCK
	spliceMore       = 0x4  // SPLICE_F_MORE
	spliceFileFlags  = spliceMove | spliceNonblock
	spliceToSockMore = spliceMove | spliceNonblock | spliceMore
)

// A pipePool keeps a client's idle pipes. A pipe is taken for one batch
// and given back empty, so a client uploading to many peers holds a pipe
// per batch in flight, not one per connection: every pipe's capacity
// counts against the user's fs.pipe-user-pages-soft (64 MiB by default),
// beyond which the kernel hands out pipes of two pages.
type pipePool struct {
	mu     sync.Mutex
	idle   []*blockPipe
	closed bool
}

// maxIdlePipes bounds the pipes a pool keeps between batches.
const maxIdlePipes = 8

// get returns a pipe for a batch to the TCP connection under c, which is
// either one or a sockets.Conn (an accepted connection) around one.
// Writing beneath a sockets.Conn skips its Write, which is safe here: the
// peer connection has no write timeout of its own there. It fails for
// connections that are not TCP (a net.Pipe in tests, say) or when no pipe
// can be had; the writer then reads blocks and writes them as usual.
func (pp *pipePool) get(c net.Conn) (*blockPipe, error) {
	if sc, ok := c.(*sockets.Conn); ok {
		c = sc.NetConn()
	}
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return nil, errors.ErrUnsupported
	}
	sock, err := tc.SyscallConn()
	if err != nil {
		return nil, err
	}
	pp.mu.Lock()
	var bp *blockPipe
	if n := len(pp.idle); n > 0 {
		bp, pp.idle = pp.idle[n-1], pp.idle[:n-1]
	}
	pp.mu.Unlock()
	if bp == nil {
		var fds [2]int
		if err := syscall.Pipe2(fds[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC); err != nil {
			return nil, os.NewSyscallError("pipe2", err)
		}
		// Best effort: a smaller pipe works, with more drains per batch.
		_, _, _ = syscall.Syscall(syscall.SYS_FCNTL, uintptr(fds[1]), fSetPipeSize, blockPipeSize)
		bp = &blockPipe{r: fds[0], w: fds[1]}
	}
	bp.sock = sock
	return bp, nil
}

// put gives a pipe back after its batch. An empty pipe is kept for the
// next batch; one with bytes still in it (the batch failed) is closed, as
// is any beyond maxIdlePipes or after the pool is closed.
func (pp *pipePool) put(bp *blockPipe) {
	bp.sock = nil
	pp.mu.Lock()
	keep := !pp.closed && bp.pending == 0 && len(pp.idle) < maxIdlePipes
	if keep {
		pp.idle = append(pp.idle, bp)
	}
	pp.mu.Unlock()
	if !keep {
		bp.close()
	}
}

// close closes the idle pipes; pipes given back later are closed then.
func (pp *pipePool) close() {
	pp.mu.Lock()
	idle := pp.idle
	pp.idle, pp.closed = nil, true
	pp.mu.Unlock()
	for _, bp := range idle {
		bp.close()
	}
}

// write puts message bytes into the pipe, draining it to the socket
// whenever it is full.
func (p *blockPipe) write(b []byte) error {
	for len(b) > 0 {
		n, err := syscall.Write(p.w, b)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			if err := p.drain(true); err != nil {
				return err
			}
			continue
		case err != nil:
			return os.NewSyscallError("write", err)
		}
		p.pending += n
		b = b[n:]
	}
	return nil
}

// spliceFile puts n bytes of f from offset off into the pipe, draining it
// to the socket whenever it is full.
func (p *blockPipe) spliceFile(f *os.File, off int64, n int) error {
	fraw, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	err = fraw.Control(func(ffd uintptr) {
		for n > 0 {
			k, err := syscall.Splice(int(ffd), &off, p.w, nil, n, spliceFileFlags)
			switch {
			case err == syscall.EINTR:
				continue
			case err == syscall.EAGAIN:
				if serr = p.drain(true); serr != nil {
					return
				}
				continue
			case err != nil:
				serr = os.NewSyscallError("splice", err)
			case k == 0:
				serr = io.ErrUnexpectedEOF // the file is shorter than the torrent says
			}
			if serr != nil {
				return
			}
			p.pending += int(k)
			n -= int(k)
		}
	})
	return errors.Join(err, serr)
}

// flush moves everything in the pipe to the socket.
func (p *blockPipe) flush() error { return p.drain(false) }

// drain splices the pipe's contents to the socket, waiting for the socket
// to take them (up to the connection's write deadline). more tells the
// socket that the batch goes on, so it need not send a partial segment.
func (p *blockPipe) drain(more bool) error {
	flags := spliceMove | spliceNonblock
	if more {
		flags = spliceToSockMore
	}
	var serr error
	err := p.sock.Write(func(sfd uintptr) bool {
		for p.pending > 0 {
			k, err := syscall.Splice(p.r, nil, int(sfd), nil, p.pending, flags)
			switch {
			case err == syscall.EINTR:
				continue
			case err == syscall.EAGAIN:
				return false // wait until the socket is writable
			case err != nil:
				serr = os.NewSyscallError("splice", err)
				return true
			}
			p.pending -= int(k)
		}
		return true
	})
	return errors.Join(err, serr)
}

// close closes the pipe.
func (p *blockPipe) close() error {
	return errors.Join(syscall.Close(p.r), syscall.Close(p.w))
}
