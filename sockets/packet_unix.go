//go:build unix

package sockets

import "syscall"

// datagramTruncated reports whether recvmsg cut a datagram short: on Unix
// the kernel sets MSG_TRUNC in the returned flags.
func datagramTruncated(flags int, err error) bool {
	return err == nil && flags&syscall.MSG_TRUNC != 0
}
