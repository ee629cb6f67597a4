package http2

import (
	"github.com/applayer/applayer/sockets"
)

// sniffPreface reads from c until the bytes are the whole client preface
// or stop matching it, then gives them back with Prepend. It never waits
// for more bytes than the client sent once they differ from the preface,
// so a short HTTP/1.0 request is not left hanging.
func sniffPreface(c *sockets.Conn) (bool, error) {
	var head [len(ClientPreface)]byte
	n := 0
	defer func() { c.Prepend(head[:n]) }()
	for n < len(head) {
		k, err := c.Read(head[n:])
		n += k
		if string(head[:n]) != ClientPreface[:n] {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
	return true, nil
}
