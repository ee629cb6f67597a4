//go:build !linux

package bittorrent

import (
	"errors"
	"net"
	"os"
)

// blockPipe is splice(2) on Linux; elsewhere the writer always reads
// blocks and writes them.
type blockPipe struct{ pending int }

// pipePool has no pipes to give outside Linux.
type pipePool struct{}

func (*pipePool) get(net.Conn) (*blockPipe, error) { return nil, errors.ErrUnsupported }

func (*pipePool) put(*blockPipe) {}

func (*pipePool) close() {}

func (*blockPipe) write([]byte) error { return errors.ErrUnsupported }

func (*blockPipe) spliceFile(*os.File, int64, int) error { return errors.ErrUnsupported }

func (*blockPipe) flush() error { return errors.ErrUnsupported }
