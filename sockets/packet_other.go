//go:build !unix && !windows

package sockets

// datagramTruncated cannot tell on this system; ReadPacket then reports no
// truncation for a *net.UDPConn.
func datagramTruncated(flags int, err error) bool { return false }
