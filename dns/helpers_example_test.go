package dns_test

import "net/netip"

func netip4(s string) netip.Addr { return netip.MustParseAddr(s) }
