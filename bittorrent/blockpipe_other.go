//go:build !linux

package bittorrent

import (
	"errors"
	"net"
	"os"
)

// blockPipe is splice(2) on Linux; elsewhere the writer always reads
// blocks and writes them.
type blockPipe struct{}

func newBlockPipe(net.Conn) (*blockPipe, error) { return nil, errors.ErrUnsupported }

func (*blockPipe) write([]byte) error { return errors.ErrUnsupported }

func (*blockPipe) spliceFile(*os.File, int64, int) error { return errors.ErrUnsupported }

func (*blockPipe) flush() error { return errors.ErrUnsupported }

func (*blockPipe) Close() error { return nil }
