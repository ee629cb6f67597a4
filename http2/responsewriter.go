package http2

import (
	"errors"
	"strconv"
	"time"

	"github.com/applayer/applayer/http1"
)

// responseWriter is the http1.ResponseWriter of a stream. It also
// implements http1.Flusher, http1.TrailerWriter and http1.Pusher.
type responseWriter struct {
	s        *serverStream
	req      *http1.Request
	header   http1.Header
	trailer  http1.Header
	status   http1.Status
	wrote    bool  // final status chosen
	queued   bool  // response HEADERS queued
	declared int64 // the handler's Content-Length, or -1
	written  int64
}

var (
	_ http1.ResponseWriter = (*responseWriter)(nil)
	_ http1.Flusher        = (*responseWriter)(nil)
	_ http1.TrailerWriter  = (*responseWriter)(nil)
	_ http1.Pusher         = (*responseWriter)(nil)
)

// ErrStreamClosed is returned by a Write after the client reset the stream
// or the connection ended.
var ErrStreamClosed = errors.New("http2: stream closed")

// errWriteTimeout is returned when flow control kept a Write waiting past
// the server's WriteTimeout.
var errWriteTimeout = errors.New("http2: write blocked by flow control too long")

func (w *responseWriter) Header() *http1.Header { return &w.header }

func (w *responseWriter) Trailer() *http1.Header { return &w.trailer }

func (w *responseWriter) WriteHeader(status http1.Status) {
	if w.wrote {
		return
	}
	if status >= 100 && status < 200 && status != http1.StatusSwitchingProtocols {
		w.queueHeaders(headersInterim, status, false)
		return
	}
	w.wrote = true
	w.status = status
	if cl := w.header.Get("content-length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			w.declared = n
		}
	}
}

// bodyAllowed reports whether the response may carry content.
func (w *responseWriter) bodyAllowed() bool {
	return http1.HasBody(w.req.Method, w.status)
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http1.StatusOK)
	}
	if !w.bodyAllowed() {
		w.written += int64(len(p))
		return len(p), nil
	}
	if w.declared >= 0 && w.written+int64(len(p)) > w.declared {
		return 0, http1.ErrBodyLength
	}
	s := w.s
	sc := s.sc
	limit := DefaultStreamSendBuffer
	sc.mu.Lock()
	defer sc.mu.Unlock()
	total := 0
	var timer *time.Timer
	timedOut := false
	for len(p) > 0 {
		if s.resetErr != nil || s.state == StateClosed || sc.closing {
			return total, ErrStreamClosed
		}
		if timedOut {
			// The client will not open its window: give the stream up,
			// and its buffered content with it.
			sc.queueControl(&RSTStreamFrame{FrameHeader: FrameHeader{Type: FrameRSTStream, StreamID: s.id}, Code: ErrCodeCancel})
			sc.closeStreamLocked(s, errWriteTimeout)
			return total, errWriteTimeout
		}
		room := limit - len(s.out)
		if room <= 0 {
			// Let the headers go so the client can start reading, then
			// wait for the writer (or flow control) to make room.
			w.queueHeadersLocked(headersResponse, w.status, false)
			if timer == nil {
				timer = time.AfterFunc(orDefault(sc.srv.WriteTimeout, DefaultWriteTimeout), func() {
					sc.mu.Lock()
					timedOut = true
					sc.spaceCond.Broadcast()
					sc.mu.Unlock()
				})
				defer timer.Stop()
			}
			sc.spaceCond.Wait()
			continue
		}
		n := min(room, len(p))
		s.out = append(s.out, p[:n]...)
		p = p[n:]
		total += n
		w.written += int64(n)
		if w.queued {
			sc.wakeWriter()
		}
	}
	return total, nil
}

// Flush sends the headers and whatever content is buffered.
func (w *responseWriter) Flush() error {
	if !w.wrote {
		w.WriteHeader(http1.StatusOK)
	}
	w.queueHeaders(headersResponse, w.status, false)
	return nil
}

// queueHeaders queues a header block for the writer to encode and send.
func (w *responseWriter) queueHeaders(kind headerKind, status http1.Status, end bool) {
	sc := w.s.sc
	sc.mu.Lock()
	defer sc.mu.Unlock()
	w.queueHeadersLocked(kind, status, end)
}

func (w *responseWriter) queueHeadersLocked(kind headerKind, status http1.Status, end bool) {
	s, sc := w.s, w.s.sc
	if s.state == StateClosed || sc.closing {
		return
	}
	if kind == headersResponse {
		if w.queued {
			return
		}
		w.queued = true
	}
	sc.headerQueue = append(sc.headerQueue, &headerItem{kind: kind, s: s, status: status, header: w.header.Clone(), endStream: end})
	sc.wakeWriter()
}

// finish ends the response when the handler returns.
func (w *responseWriter) finish() {
	if !w.wrote {
		w.WriteHeader(http1.StatusOK)
	}
	s, sc := w.s, w.s.sc
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if s.state == StateClosed || sc.closing {
		return
	}
	if w.bodyAllowed() && w.declared >= 0 && w.written < w.declared {
		// The handler promised more than it wrote: the client must not
		// take the short body as complete.
		sc.queueControl(&RSTStreamFrame{FrameHeader: FrameHeader{Type: FrameRSTStream, StreamID: s.id}, Code: ErrCodeInternal})
		sc.closeStreamLocked(s, ErrStreamClosed)
		return
	}
	if !w.queued && w.declared < 0 && w.bodyAllowed() && len(w.trailer.Fields()) == 0 {
		// The whole response is here: say how long it is.
		w.header.Set("content-length", strconv.Itoa(len(s.out)))
	}
	if len(w.trailer.Fields()) > 0 {
		t := w.trailer.Clone()
		s.trailerOut = &t
	}
	noContent := len(s.out) == 0 && s.trailerOut == nil
	if !w.queued {
		w.queueHeadersLocked(headersResponse, w.status, noContent)
		if noContent {
			s.endSent = true // END_STREAM rides on the HEADERS
		}
	}
	s.endQueued = true
	sc.wakeWriter()
}

// abort ends the stream after a handler panic: a 500 if nothing was sent,
// otherwise a reset.
func (w *responseWriter) abort() {
	s, sc := w.s, w.s.sc
	sc.mu.Lock()
	if w.queued {
		sc.queueControl(&RSTStreamFrame{FrameHeader: FrameHeader{Type: FrameRSTStream, StreamID: s.id}, Code: ErrCodeInternal})
		sc.closeStreamLocked(s, ErrStreamClosed)
		sc.mu.Unlock()
		return
	}
	s.out = nil
	sc.mu.Unlock()
	w.header.Reset()
	w.wrote, w.declared, w.written = false, -1, 0
	http1.Error(w, "internal server error", http1.StatusInternalServerError)
	w.finish()
}
