//go:build linux

package bittorrent

import (
	"errors"
	"os"
	"syscall"
)

// fallocKeepSize is FALLOC_FL_KEEP_SIZE: allocate without changing the
// file's size.
const fallocKeepSize = 0x1

// preallocate reserves disk blocks for the first size bytes of f without
// changing its size. A full disk or quota, or a file too large for the
// file system, is an error; any other failure means the file system
// cannot reserve space (EOPNOTSUPP from NFS, ENOSYS or EINVAL from some
// FUSE file systems), and the file grows as written instead.
func preallocate(f *os.File, size int64) error {
	raw, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := raw.Control(func(fd uintptr) {
		for {
			ferr = syscall.Fallocate(int(fd), fallocKeepSize, 0, size)
			if ferr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	if errors.Is(ferr, syscall.ENOSPC) || errors.Is(ferr, syscall.EDQUOT) || errors.Is(ferr, syscall.EFBIG) {
		return os.NewSyscallError("fallocate", ferr)
	}
	return nil
}
