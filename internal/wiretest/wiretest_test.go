package wiretest

import (
	"testing"

	"github.com/applayer/applayer/sockets"
)

func TestRunUppercase(t *testing.T) {
	addr := Serve(t, sockets.UppercaseHandler())
	Run(t, Dial(t, addr), `
		# the socket lesson over TCP
		C: hello
		S: HELLO
		C: straße 42
		S~ STRASSE \d+
	`)
}
