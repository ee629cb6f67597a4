// Package loopback tells whether this machine answers on the extra
// loopback addresses that the DNS hierarchy and the mail system examples
// give their hosts (127.0.0.2 and up), so that several servers can share
// one port number as real hosts do. Linux routes all of 127.0.0.0/8 to the
// loopback interface; macOS and some BSDs answer only on 127.0.0.1 until
// an alias is added for each further address.
package loopback

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"syscall"
)

// ErrNoAlias is wrapped by the error of Check when an address is not
// configured on this machine.
var ErrNoAlias = errors.New("loopback address not configured")

// Check binds and releases a TCP port on each address. An address that
// this machine does not have gives an error wrapping ErrNoAlias that says
// how to add it; any other failure is returned as it is.
func Check(addrs ...string) error {
	for _, addr := range addrs {
		l, err := net.Listen("tcp", net.JoinHostPort(addr, "0"))
		if errors.Is(err, syscall.EADDRNOTAVAIL) {
			return fmt.Errorf("%w: %s (%s)", ErrNoAlias, addr, howToAdd(addr))
		}
		if err != nil {
			return err
		}
		l.Close()
	}
	return nil
}

// howToAdd says how to give the loopback interface an address.
func howToAdd(addr string) string {
	switch runtime.GOOS {
	case "darwin", "freebsd", "netbsd", "openbsd", "dragonfly":
		return "add it with: sudo ifconfig lo0 alias " + addr + " up"
	default:
		return "add it to the loopback interface, for example: sudo ip addr add " + addr + "/8 dev lo"
	}
}
