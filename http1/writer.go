package http1

import (
	"bufio"
	"errors"
	"io"
)

// ErrBodyLength reports a body whose length differs from ContentLength.
var ErrBodyLength = errors.New("http1: body length differs from ContentLength")

// Write writes r as an HTTP/1 request, head and body, to w (see
// [AppendRequestHead] for how the framing fields are chosen). A body of
// unknown length is sent chunked, with r.Trailer after it.
func (r *Request) Write(w io.Writer) error {
	bw, flush := asBufio(w)
	if err := r.write(bw); err != nil {
		return err
	}
	return flush()
}

// write writes the request to bw without flushing.
func (r *Request) write(bw *bufio.Writer) error {
	head, err := AppendRequestHead(bw.AvailableBuffer(), r)
	if err != nil {
		return err
	}
	if _, err := bw.Write(head); err != nil {
		return err
	}
	chunked := r.Chunked || r.ContentLength < 0 && r.Body != nil
	if r.Body != nil {
		return writeBody(bw, r.Body, r.ContentLength, chunked && r.Version != HTTP10, &r.Trailer)
	}
	return nil
}

// Write writes resp as an HTTP/1 response, head and body, to w. A body of
// unknown length is sent chunked in HTTP/1.1, or until the connection
// closes in HTTP/1.0 (the caller then closes).
func (resp *Response) Write(w io.Writer) error {
	head, err := AppendResponseHead(nil, resp)
	if err != nil {
		return err
	}
	bw, flush := asBufio(w)
	if _, err := bw.Write(head); err != nil {
		return err
	}
	if resp.Body != nil && resp.Status.bodyAllowed() {
		chunked := resp.Chunked && resp.Version != HTTP10
		if err := writeBody(bw, resp.Body, resp.ContentLength, chunked, &resp.Trailer); err != nil {
			return err
		}
	}
	return flush()
}

func asBufio(w io.Writer) (*bufio.Writer, func() error) {
	if bw, ok := w.(*bufio.Writer); ok {
		return bw, bw.Flush
	}
	bw := bufio.NewWriter(w)
	return bw, bw.Flush
}

// writeBody copies body: chunked, exactly n bytes, or all of it.
func writeBody(w *bufio.Writer, body io.Reader, n int64, chunked bool, trailer *Header) error {
	switch {
	case chunked:
		cw := NewChunkedWriter(w)
		if trailer != nil && trailer.Len() > 0 {
			cw.Trailer = trailer
		}
		if _, err := io.Copy(cw, body); err != nil {
			return err
		}
		return cw.Close()
	case n >= 0:
		m, err := io.CopyN(w, body, n)
		if err != nil {
			if m < n && err == io.EOF {
				return ErrBodyLength
			}
			return err
		}
		var one [1]byte
		if k, _ := body.Read(one[:]); k > 0 {
			return ErrBodyLength
		}
		return nil
	default:
		_, err := io.Copy(w, body)
		return err
	}
}
