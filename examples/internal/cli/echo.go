package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/applayer/applayer/sockets"
)

// EchoTimeout bounds one line's round trip in the echo clients. A UDP
// datagram that is lost is never resent by UDP, so the client gives up.
const EchoTimeout = 5 * time.Second

// RunEchoClient is the body of the lesson's two clients: read a line from
// in, send it over network to addr, print the reply to out; one line at a
// time until in ends.
func RunEchoClient(ctx context.Context, network, addr string, in io.Reader, out io.Writer) error {
	c, err := sockets.DialUppercase(ctx, network, addr)
	if err != nil {
		return err
	}
	defer c.Close()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, sockets.MaxUppercaseLine), sockets.MaxUppercaseLine)
	for sc.Scan() {
		actx, cancel := context.WithTimeout(ctx, EchoTimeout)
		reply, err := c.Ask(actx, sc.Text())
		cancel()
		if err != nil {
			return fmt.Errorf("from server %s: %w", addr, err)
		}
		fmt.Fprintln(out, reply)
	}
	return sc.Err()
}

// EchoClientMain runs an echo client program and exits on failure.
func EchoClientMain(prog, network, addr string) {
	ctx, stop := SignalContext()
	defer stop()
	if err := RunEchoClient(ctx, network, addr, os.Stdin, os.Stdout); err != nil {
		Fatal(prog, err)
	}
}
