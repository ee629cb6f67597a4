//go:build !linux

package bittorrent

import (
	"errors"
	"net"
	"os"
)

// zeroCopyConn is sendfile(2) on Linux; elsewhere the writer always reads
// blocks and writes them.
type zeroCopyConn struct{}

func newZeroCopyConn(net.Conn) *zeroCopyConn { return nil }

func (*zeroCopyConn) cork(bool) error { return errors.ErrUnsupported }

func (*zeroCopyConn) sendFile(*os.File, int64, int) error { return errors.ErrUnsupported }
