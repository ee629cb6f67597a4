package http2

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/applayer/applayer/http1"
)

// Errors of server push.
var (
	ErrPushFromPush    = errors.New("http2: a pushed response cannot push")
	ErrPushLimit       = errors.New("http2: the client's MAX_CONCURRENT_STREAMS allows no more pushes")
	ErrPushAfterFinish = errors.New("http2: push after the response ended")
	ErrPushTarget      = errors.New("http2: push target must be a path")
)

// Push promises the client a response for target and serves it with the
// server's Handler, as if the client had asked (RFC 9113 section 8.4).
// The PUSH_PROMISE goes out before any more of this response, so the
// client knows about the pushed object before it sees a reference to it.
func (w *responseWriter) Push(target string, opts *http1.PushOptions) error {
	s, sc := w.s, w.s.sc
	if s.id%2 == 0 {
		return ErrPushFromPush
	}
	if !strings.HasPrefix(target, "/") {
		return ErrPushTarget
	}
	method := http1.MethodGet
	var header http1.Header
	if opts != nil {
		if opts.Method != "" {
			method = opts.Method
		}
		header = opts.Header.Clone()
	}
	if method != http1.MethodGet && method != http1.MethodHead {
		return errors.New("http2: only GET and HEAD can be pushed")
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	switch {
	case sc.srv.DisablePush || !sc.peerPush:
		return http1.ErrPushNotSupported
	case s.state == StateClosed || s.endSent || sc.closing || sc.goingAway:
		return ErrPushAfterFinish
	case uint32(sc.pushedActive) >= sc.peerMaxStreams:
		return ErrPushLimit
	}
	req := &http1.Request{
		Method:        method,
		Target:        target,
		Form:          http1.OriginForm,
		Scheme:        w.req.Scheme,
		Host:          w.req.Host,
		Version:       http1.HTTP20,
		Header:        header,
		ContentLength: 0,
	}
	id := sc.nextPushID
	sc.nextPushID += 2
	ps := &serverStream{
		sc:             sc,
		id:             id,
		state:          StateReservedLocal,
		send:           window(sc.peerWindow),
		declaredLength: -1,
	}
	ps.ctx, ps.cancel = context.WithCancel(sc.ctx)
	ps.body = newPipe(nil)
	ps.body.closeWithError(io.EOF) // a pushed request has no content
	sc.streams[id] = ps
	sc.pushedActive++
	sc.sched.open(id, &PriorityParam{StreamDep: s.id, Weight: DefaultWeight - 1})
	sc.headerQueue = append(sc.headerQueue, &headerItem{kind: headersPushPromise, s: s, promised: ps, pushReq: req})
	sc.wakeWriter()
	pushedReq := req.Clone(ps.ctx)
	sc.prepareRequest(ps, pushedReq)
	return sc.startHandlerLocked(ps, pushedReq, sc.srv.Handler)
}
