package http1

import (
	"bufio"
	"errors"
	"net"
)

// ErrBodyNotAllowed is returned by writing content to a response whose
// status has none (1xx, 204, 304).
var ErrBodyNotAllowed = errors.New("http1: response status does not allow content")

// ErrHijacked is returned by using a ResponseWriter after Hijack.
var ErrHijacked = errors.New("http1: connection was hijacked")

// response is the server's ResponseWriter for one request.
type response struct {
	c       *conn
	req     *Request
	header  Header
	trailer Header

	status      Status
	wroteHeader bool  // the final status is chosen
	committed   bool  // the head is in the connection's buffer
	declared    int64 // Content-Length set by the handler, or -1
	written     int64 // content bytes accepted from the handler
	chunked     bool
	closeAfter  bool
	noBody      bool   // HEAD, 204, 304: content is counted and dropped
	buf         []byte // content held back until the head is committed
	head        []byte // scratch for the head
	ecr         expectContinueReader
}

var (
	_ ResponseWriter = (*response)(nil)
	_ Flusher        = (*response)(nil)
	_ TrailerWriter  = (*response)(nil)
	_ Hijacker       = (*response)(nil)
)

func (w *response) reset(c *conn, req *Request) {
	buf, head := w.buf[:0], w.head[:0]
	w.header.Reset()
	w.trailer.Reset()
	*w = response{c: c, req: req, header: w.header, trailer: w.trailer, declared: -1, buf: buf, head: head}
}

// Header returns the header to fill before WriteHeader.
func (w *response) Header() *Header { return &w.header }

// Trailer returns the trailer fields sent after chunked content.
func (w *response) Trailer() *Header { return &w.trailer }

// WriteHeader chooses the status; 1xx statuses (other than 101) are sent
// at once as interim responses.
func (w *response) WriteHeader(status Status) {
	if w.c.hijacked || w.wroteHeader {
		return
	}
	if status < 100 || status > 999 {
		panic("http1: invalid WriteHeader status " + string(appendInt(nil, int64(status))))
	}
	if status.Informational() && status != StatusSwitchingProtocols {
		if status == StatusContinue {
			w.ecr.sent = true // the body reader must not send a second one
		}
		if w.req.Version.AtLeast(1, 1) {
			resp := Response{Version: HTTP11, Status: status, Header: w.header}
			if head, err := AppendResponseHead(w.head[:0], &resp); err == nil {
				w.head = head
				w.c.bw.Write(head)
				w.c.bw.Flush()
			}
		}
		return
	}
	w.status, w.wroteHeader = status, true
	if v, ok := w.header.Lookup("Content-Length"); ok {
		if n, ok := parseContentLength(v); ok {
			w.declared = n
		} else {
			w.header.Del("Content-Length")
		}
	}
	w.noBody = !HasBody(w.req.Method, status)
}

// Write sends content, holding the first few KiB back so that a small
// response gets a Content-Length.
func (w *response) Write(p []byte) (int, error) {
	if w.c.hijacked {
		return 0, ErrHijacked
	}
	if !w.wroteHeader {
		w.WriteHeader(StatusOK)
	}
	if w.noBody {
		if w.req.Method != MethodHead {
			return 0, ErrBodyNotAllowed
		}
		w.written += int64(len(p))
		return len(p), nil
	}
	if w.declared >= 0 && w.written+int64(len(p)) > w.declared {
		return 0, ErrBodyLength
	}
	w.written += int64(len(p))
	if !w.committed {
		if len(w.buf)+len(p) <= responseBufferSize {
			w.buf = append(w.buf, p...)
			return len(p), nil
		}
		if err := w.commit(false); err != nil {
			return 0, err
		}
	}
	if err := w.writeContent(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (w *response) writeContent(p []byte) error {
	if len(p) == 0 {
		return nil
	}
	bw := w.c.bw
	if w.chunked {
		var tmp [18]byte
		h := appendHex(tmp[:0], uint64(len(p)))
		bw.Write(append(h, '\r', '\n'))
		bw.Write(p)
		_, err := bw.WriteString("\r\n")
		return err
	}
	_, err := bw.Write(p)
	return err
}

// commit chooses the framing and writes the head and any held content.
// final reports that the handler has returned, so the length is known.
func (w *response) commit(final bool) error {
	w.committed = true
	req := w.req
	resp := Response{Version: HTTP11, Status: w.status, ContentLength: -1}
	if !req.Version.AtLeast(1, 1) {
		resp.Version = HTTP10
	}
	switch {
	case w.noBody:
		if w.status.bodyAllowed() && final && w.declared < 0 && w.written > 0 {
			resp.ContentLength = w.written // HEAD: the length a GET would have
		} else if w.declared >= 0 {
			resp.ContentLength = w.declared
		}
	case w.declared >= 0:
		resp.ContentLength = w.declared
	case final && w.trailer.Len() == 0:
		resp.ContentLength = int64(len(w.buf))
	case resp.Version == HTTP11:
		resp.Chunked, w.chunked = true, true
	default:
		w.closeAfter = true // HTTP/1.0 with unknown length: the close delimits it
	}
	if req.Close || w.c.srv.DisableKeepAlives || w.c.sc.Closing() || w.header.HasToken("Connection", "close") {
		w.closeAfter = true
	}
	resp.Close = w.closeAfter
	if !w.header.Has("Date") {
		w.header.Add("Date", unsafeString(w.c.dateValue()))
	}
	resp.Header = w.header
	head, err := AppendResponseHead(w.head[:0], &resp)
	if err != nil {
		// A handler put CR or LF in a field: never send it.
		w.c.srv.logger().Error("http1: handler wrote an invalid header", "target", req.Target, "err", err)
		w.closeAfter = true
		resp = Response{Version: resp.Version, Status: StatusInternalServerError, ContentLength: 0, Close: true}
		head, _ = AppendResponseHead(w.head[:0], &resp)
		w.c.bw.Write(head)
		w.noBody = true
		return err
	}
	w.head = head
	w.c.bw.Write(head)
	if len(w.buf) > 0 && !w.noBody {
		return w.writeContent(w.buf)
	}
	return nil
}

// Flush sends the head and the content written so far.
func (w *response) Flush() error {
	if w.c.hijacked {
		return ErrHijacked
	}
	if !w.wroteHeader {
		w.WriteHeader(StatusOK)
	}
	if !w.committed {
		if err := w.commit(false); err != nil {
			return err
		}
	}
	return w.c.bw.Flush()
}

// finish completes the response after the handler returned.
func (w *response) finish() {
	if !w.wroteHeader {
		w.WriteHeader(StatusOK)
	}
	if !w.committed {
		w.commit(true)
	}
	if w.chunked {
		b := AppendLastChunk(w.head[:0], &w.trailer)
		w.head = b
		w.c.bw.Write(b)
	}
	if !w.noBody && w.declared >= 0 && w.written < w.declared {
		w.closeAfter = true // the client would wait for the missing bytes
	}
}

// Hijack hands the connection to the caller (see [Hijacker]).
func (w *response) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c := w.c
	if c.hijacked {
		return nil, nil, ErrHijacked
	}
	if err := c.bw.Flush(); err != nil {
		return nil, nil, err
	}
	c.hijacked = true
	c.hijackDone = make(chan struct{})
	c.sc.SetReadTimeout(-1)
	c.sc.SetWriteTimeout(-1)
	hc := &hijackedConn{Conn: c.sc, done: c.hijackDone}
	return hc, bufio.NewReadWriter(c.rd.br, c.bw), nil
}
