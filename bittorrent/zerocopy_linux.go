//go:build linux

package bittorrent

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"

	"github.com/applayer/applayer/sockets"
)

// zeroCopyConn sends bytes of a file to a TCP connection with sendfile(2):
// the kernel hands page-cache pages to the socket, so a block a seeder
// serves is never copied through our memory. newZeroCopyConn returns nil
// for connections that are not TCP (a net.Pipe in tests, say), and the
// writer then reads blocks and writes them as usual.
type zeroCopyConn struct {
	raw syscall.RawConn
}

// newZeroCopyConn finds the TCP connection under c, which is either one
// or a sockets.Conn (an accepted connection) around one.
func newZeroCopyConn(c net.Conn) *zeroCopyConn {
	if sc, ok := c.(*sockets.Conn); ok {
		c = sc.NetConn()
	}
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return nil
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	return &zeroCopyConn{raw: raw}
}

// cork holds back partial segments while on (TCP_CORK), so that a
// block's header and its bytes from sendfile travel together; turning it
// off sends what is held.
func (z *zeroCopyConn) cork(on bool) error {
	v := 0
	if on {
		v = 1
	}
	var serr error
	err := z.raw.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_CORK, v)
	})
	if err != nil {
		return err
	}
	return serr
}

// sendFile sends n bytes of f from offset off, waiting for the socket to
// drain as needed (and failing at the connection's write deadline).
func (z *zeroCopyConn) sendFile(f *os.File, off int64, n int) error {
	fraw, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var werr, serr error
	err = fraw.Read(func(ffd uintptr) bool {
		werr = z.raw.Write(func(sfd uintptr) bool {
			for n > 0 {
				k, err := syscall.Sendfile(int(sfd), int(ffd), &off, n)
				switch {
				case err == syscall.EAGAIN:
					return false // wait until the socket is writable
				case err == syscall.EINTR:
					continue
				case err != nil:
					serr = os.NewSyscallError("sendfile", err)
					return true
				case k == 0:
					serr = io.ErrUnexpectedEOF // the file is shorter than the torrent says
					return true
				}
				n -= k
			}
			return true
		})
		return true
	})
	return errors.Join(err, werr, serr)
}
