package http1

import (
	"bytes"
	"io"
)

// Response is an HTTP response: what a client receives, and what a server
// writes for a [Handler] through its [ResponseWriter]. Like [Request] it is
// transport-neutral.
type Response struct {
	Version Version // HTTP11, HTTP10 (or HTTP20 from the http2 package)
	Status  Status  // 200
	Reason  string  // "OK" as received; when writing, "" means Status.Reason()
	Header  Header  // header fields in order, including the framing fields as received

	// Body is the content. On a client it is never nil ([NoBody] when
	// there is none) and must be closed, which returns the connection to
	// its pool. When writing, nil means no content.
	Body io.ReadCloser

	// ContentLength is the content's length, or -1 when unknown (chunked,
	// or delimited by the connection closing).
	ContentLength int64

	// Chunked reports chunked transfer coding (RFC 9112, section 7.1).
	Chunked bool

	// Trailer holds the fields after a chunked body, filled once Body has
	// returned io.EOF.
	Trailer Header

	// Close reports that the connection ends after this response.
	Close bool

	// Request is the request this response answers, when known.
	Request *Request

	arena []byte
	body  bodyReader
}

// ParseResponseHead parses a complete response head, the status line and
// the header section up to the empty line (RFC 9112, sections 4 and 5), into
// resp. Like [ParseRequestHead] it does no I/O and the strings point into b.
// The framing rules are the response ones (RFC 9112, section 6.3): when
// Transfer-Encoding and Content-Length both appear, Transfer-Encoding wins
// and the connection is marked to close; a coding other than "chunked"
// means the body runs to the end of the connection. Whether a body exists
// at all also depends on the request method and the status: see
// [Response.HasBody].
func ParseResponseHead(b []byte, resp *Response, lim Limits) error {
	resp.Header.Reset()
	line, rest, err := cutLine(b)
	if err != nil {
		return err
	}
	if err := parseStatusLine(line, resp); err != nil {
		return err
	}
	var fr framing
	if err := parseFields(rest, &resp.Header, lim, &fr); err != nil {
		return err
	}
	if resp.Version.AtLeast(1, 1) {
		resp.Close = fr.connClose
	} else {
		resp.Close = !fr.keepAlive || fr.connClose
	}
	resp.Chunked = false
	resp.ContentLength = fr.contentLength
	if fr.teSeen {
		resp.ContentLength = -1
		if fr.contentLength >= 0 {
			resp.Close = true
		}
		if fr.teBad || !resp.Version.AtLeast(1, 1) {
			resp.Close = true // read until close
		} else {
			resp.Chunked = true
		}
	}
	if resp.ContentLength < 0 && !resp.Chunked {
		resp.Close = true
	}
	return nil
}

// parseStatusLine parses "HTTP-version SP 3DIGIT SP [reason-phrase]"
// (RFC 9112, section 4). A missing SP after the code is accepted when the
// reason is empty, as section 4 asks recipients to tolerate.
func parseStatusLine(line []byte, resp *Response) error {
	if len(line) < 12 || line[8] != ' ' {
		return syntaxErr(ErrBadStatusLine, line)
	}
	v, err := parseVersion(line[:8])
	if err != nil {
		return err
	}
	if v.Major != 1 {
		return syntaxErr(ErrVersionNotSupported, line[:8])
	}
	code := line[9:12]
	if !isDigit(code[0]) || !isDigit(code[1]) || !isDigit(code[2]) || code[0] == '0' {
		return syntaxErr(ErrBadStatusLine, line)
	}
	reason := line[12:]
	if len(reason) > 0 {
		if reason[0] != ' ' {
			return syntaxErr(ErrBadStatusLine, line)
		}
		reason = reason[1:]
	}
	for _, c := range reason {
		if !isFieldValueChar(c) {
			return syntaxErr(ErrBadStatusLine, line)
		}
	}
	resp.Version = v
	resp.Status = Status(int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0'))
	if r := resp.Status.Reason(); r != "" && string(reason) == r {
		resp.Reason = r
	} else {
		resp.Reason = unsafeString(reason)
	}
	return nil
}

// HasBody reports whether a response with this status to a request with
// method m has content on the wire (RFC 9112, section 6.3): never for HEAD,
// 1xx, 204 and 304, nor for a 2xx answer to CONNECT.
func HasBody(m Method, s Status) bool {
	if m == MethodHead || !s.bodyAllowed() {
		return false
	}
	return !(m == MethodConnect && s.Class() == 2)
}

// AppendResponseHead appends resp's status line and header section.
// Content-Length and Transfer-Encoding in resp.Header are ignored and
// written from ContentLength and Chunked (never for 1xx, 204 and 304);
// "Connection: close" is added when resp.Close is set. Fields that could
// inject a line are an error.
func AppendResponseHead(b []byte, resp *Response) ([]byte, error) {
	if resp.Status < 100 || resp.Status > 999 {
		return b, &SyntaxError{Err: ErrBadStatusLine, Text: string(appendInt(nil, int64(resp.Status)))}
	}
	if bytes.ContainsAny([]byte(resp.Reason), "\r\n\x00") {
		return b, &SyntaxError{Err: ErrBadStatusLine, Text: resp.Reason}
	}
	if err := resp.Header.validate(); err != nil {
		return b, err
	}
	v := resp.Version
	if v.Major == 0 {
		v = HTTP11
	}
	b = v.append(b)
	b = append(b, ' ')
	b = appendInt(b, int64(resp.Status))
	b = append(b, ' ')
	if resp.Reason != "" {
		b = append(b, resp.Reason...)
	} else {
		b = append(b, resp.Status.Reason()...)
	}
	b = append(b, "\r\n"...)
	b = appendFieldsExceptFraming(b, &resp.Header)
	if resp.Status.bodyAllowed() {
		switch {
		case resp.Chunked && v.AtLeast(1, 1):
			b = append(b, "Transfer-Encoding: chunked\r\n"...)
		case resp.ContentLength >= 0:
			b = appendContentLength(b, resp.ContentLength)
		}
	} else if resp.Status == StatusNotModified && resp.ContentLength > 0 {
		// A 304 may repeat the Content-Length the 200 would have had.
		b = appendContentLength(b, resp.ContentLength)
	}
	if !resp.Status.Informational() {
		b = appendConnection(b, &resp.Header, v, resp.Close)
	}
	return append(b, "\r\n"...), nil
}
