package http2

import (
	"io"
	"sync"
)

// pipe is a bounded byte queue between the connection's reader goroutine,
// which writes what DATA frames carry, and a body reader. Its capacity is
// the flow-control window this side granted, so a peer that respects flow
// control can never overfill it.
type pipe struct {
	mu     sync.Mutex
	cond   sync.Cond
	buf    []byte
	err    error // io.EOF after END_STREAM, or why the stream ended
	onRead func(n int)
}

func newPipe(onRead func(n int)) *pipe {
	p := &pipe{onRead: onRead}
	p.cond.L = &p.mu
	return p
}

// write appends data; it never blocks.
func (p *pipe) write(b []byte) {
	p.mu.Lock()
	if p.err == nil {
		p.buf = append(p.buf, b...)
	}
	p.mu.Unlock()
	p.cond.Broadcast()
}

// closeWithError ends the pipe; reads return err once the buffer is empty
// (or at once, for errors other than io.EOF).
func (p *pipe) closeWithError(err error) {
	p.mu.Lock()
	if p.err == nil {
		p.err = err
		if err != io.EOF {
			p.buf = nil
		}
	}
	p.mu.Unlock()
	p.cond.Broadcast()
}

// Read reads buffered data, waiting for some if there is none.
func (p *pipe) Read(b []byte) (int, error) {
	p.mu.Lock()
	for len(p.buf) == 0 && p.err == nil {
		p.cond.Wait()
	}
	if len(p.buf) == 0 {
		err := p.err
		p.mu.Unlock()
		return 0, err
	}
	n := copy(b, p.buf)
	p.buf = p.buf[n:]
	if len(p.buf) == 0 {
		p.buf = p.buf[:0:0] // let the backing array go once drained
	}
	p.mu.Unlock()
	if p.onRead != nil {
		p.onRead(n)
	}
	return n, nil
}

// buffered returns the bytes waiting to be read.
func (p *pipe) buffered() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.buf)
}
