package loopback

import (
	"errors"
	"net"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	if err := Check("127.0.0.1"); err != nil {
		t.Fatalf("127.0.0.1: %v", err)
	}
	// 192.0.2.1 (TEST-NET-1) is on no interface of a test machine, so
	// binding it fails the way an unaliased 127.0.0.2 does on macOS.
	l, err := net.Listen("tcp", "192.0.2.1:0")
	if err == nil {
		l.Close()
		t.Skip("this machine binds non-local addresses (net.ipv4.ip_nonlocal_bind)")
	}
	err = Check("127.0.0.1", "192.0.2.1")
	if !errors.Is(err, ErrNoAlias) || !strings.Contains(err.Error(), "192.0.2.1") || !strings.Contains(err.Error(), "sudo") {
		t.Errorf("Check of an address the machine lacks: %v; want ErrNoAlias naming it and how to add it", err)
	}
}
