//go:build windows

package sockets

import (
	"errors"
	"syscall"
)

// wsaEMSGSIZE is the Winsock error for a datagram larger than the buffer.
const wsaEMSGSIZE = syscall.Errno(10040)

// datagramTruncated reports whether recvmsg cut a datagram short: on
// Windows the read fails with WSAEMSGSIZE, the buffer holding the part
// that fitted.
func datagramTruncated(flags int, err error) bool {
	return errors.Is(err, wsaEMSGSIZE)
}
