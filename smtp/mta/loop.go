package mta

import (
	"bytes"
	"io"

	"github.com/applayer/applayer/smtp"
)

// MaxReceivedHeaders is the number of Received trace fields after which a
// message is taken to be looping between servers and refused (RFC 5321
// section 6.3 suggests 100).
const MaxReceivedHeaders = 100

// ErrMailLoop is the reply to a message with more than MaxReceivedHeaders
// trace fields.
var ErrMailLoop = &smtp.Reply{Code: 554, Enhanced: smtp.EnhancedCode{Class: 5, Subject: 4, Detail: 6}, Lines: []string{"Routing loop detected: too many Received fields"}}

// loopDetector passes a message through and fails the read once the header
// has more than max Received fields, so nothing of a looping message is
// stored.
type loopDetector struct {
	r        io.Reader
	max      int
	count    int
	inHeader bool
	prefix   []byte // the start of the current line, up to len("received:")
	atStart  bool
}

func newLoopDetector(r io.Reader, max int) *loopDetector {
	return &loopDetector{r: r, max: max, inHeader: true, atStart: true}
}

var receivedPrefix = []byte("received:")

func (d *loopDetector) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	for _, c := range p[:n] {
		if !d.inHeader {
			break
		}
		if c == '\n' {
			if len(d.prefix) == 0 || (len(d.prefix) == 1 && d.prefix[0] == '\r') {
				d.inHeader = false // the blank line ends the header
			}
			d.prefix = d.prefix[:0]
			d.atStart = true
			continue
		}
		if d.atStart && len(d.prefix) < len(receivedPrefix) {
			d.prefix = append(d.prefix, c|0x20*byte(btoi(c >= 'A' && c <= 'Z')))
			if bytes.Equal(d.prefix, receivedPrefix) {
				d.count++
				d.atStart = false
				if d.count > d.max {
					return 0, ErrMailLoop
				}
			}
		}
	}
	return n, err
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
