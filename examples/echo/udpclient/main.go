// Command udpclient is the UDP client of the socket-programming lesson:
// it reads lines from standard input, sends each to the uppercase server
// and prints the reply.
//
//	echo 'hello' | go run ./examples/echo/udpclient -addr 127.0.0.1:12000
package main

import (
	"flag"

	"github.com/applayer/applayer/examples/internal/cli"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:12000", "the server's UDP address")
	flag.Parse()
	cli.EchoClientMain("udpclient", "udp", *addr)
}
