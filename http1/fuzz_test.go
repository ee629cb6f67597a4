package http1

import (
	"bytes"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fuzzLimits are small so that the fuzzer reaches every limit.
var fuzzLimits = Limits{MaxRequestLine: 200, MaxHeaderBytes: 400, MaxHeaderFields: 10, MaxChunkLine: 40}

// FuzzReadRequest: no input panics or hangs, and a request that reads
// cleanly survives Write and a second read unchanged.
func FuzzReadRequest(f *testing.F) {
	f.Add([]byte(browserGET))
	f.Add([]byte(firefoxGET))
	for _, tt := range malformedRequests {
		f.Add([]byte(tt.in))
	}
	for _, tt := range malformedChunked {
		f.Add([]byte("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + tt.body))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		rd := NewReader(bytes.NewReader(in))
		rd.Limits = fuzzLimits
		var r1 Request
		if err := rd.ReadRequest(&r1); err != nil {
			return
		}
		body, err := io.ReadAll(r1.Body)
		if err != nil {
			return
		}
		if r1.Chunked {
			r1.Body = bytes.NewReader(body)
		} else {
			r1.Body, r1.ContentLength = bytes.NewReader(body), int64(len(body))
		}
		var wire bytes.Buffer
		if err := r1.Write(&wire); err != nil {
			t.Fatalf("Write of a parsed request: %v", err)
		}
		rd2 := NewReader(&wire)
		var r2 Request
		if err := rd2.ReadRequest(&r2); err != nil {
			t.Fatalf("re-read %q: %v", wire.String(), err)
		}
		body2, err := io.ReadAll(r2.Body)
		if err != nil {
			t.Fatalf("re-read body: %v", err)
		}
		if r1.Method != r2.Method || r1.Target != r2.Target || r1.Host != r2.Host || r1.Version != r2.Version ||
			r1.Close != r2.Close || !bytes.Equal(body, body2) {
			t.Fatalf("round trip changed the request:\n%q\n%q", in, wire.String())
		}
		if diff := cmp.Diff(withoutFraming(&r1.Header), withoutFraming(&r2.Header), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("header changed (-first +second):\n%s", diff)
		}
	})
}

// FuzzReadResponse: no input panics or hangs; a response that reads
// cleanly survives Write and a second read.
func FuzzReadResponse(f *testing.F) {
	f.Add([]byte(apacheB+"data"), false)
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"), false)
	f.Add([]byte("HTTP/1.0 304 Not Modified\r\n\r\n"), true)
	f.Add([]byte("HTTP/1.0 200 OK\r\n\r\nuntil close"), false)
	f.Fuzz(func(t *testing.T, in []byte, head bool) {
		method := MethodGet
		if head {
			method = MethodHead
		}
		rd := NewReader(bytes.NewReader(in))
		rd.Limits = fuzzLimits
		var r1 Response
		if err := rd.ReadResponse(&r1, method); err != nil {
			return
		}
		body, err := io.ReadAll(r1.Body)
		if err != nil || r1.Status < 200 {
			return
		}
		r1.Body = io.NopCloser(bytes.NewReader(body))
		if !r1.Chunked {
			r1.ContentLength = int64(len(body))
		}
		var wire bytes.Buffer
		if err := r1.Write(&wire); err != nil {
			t.Fatalf("Write of a parsed response: %v", err)
		}
		var r2 Response
		if err := NewReader(&wire).ReadResponse(&r2, method); err != nil {
			t.Fatalf("re-read %q: %v", wire.String(), err)
		}
		body2, err := io.ReadAll(r2.Body)
		if err != nil || r1.Status != r2.Status || r1.Reason != "" && r1.Reason != r2.Reason || !bytes.Equal(body, body2) && !head {
			t.Fatalf("round trip changed the response (%v):\n%q\n%q", err, in, wire.String())
		}
	})
}

// FuzzChunked: the chunked reader never panics, never returns more than
// the input holds, and what it accepts re-encodes to the same content.
func FuzzChunked(f *testing.F) {
	f.Add([]byte("5;name=val\r\nhello\r\n6\r\n world\r\n0\r\nExpires: never\r\n\r\n"))
	for _, tt := range malformedChunked {
		f.Add([]byte(tt.body))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		rd := NewReader(bytes.NewReader(in))
		rd.Limits = fuzzLimits
		var b bodyReader
		var trailer Header
		b.reset(rd, modeChunked, 0, &trailer)
		got, err := io.ReadAll(&b)
		if len(got) > len(in) {
			t.Fatalf("read %d bytes from %d", len(got), len(in))
		}
		if err != nil {
			return
		}
		var wire bytes.Buffer
		cw := NewChunkedWriter(&wire)
		cw.Trailer = &trailer
		cw.Write(got)
		if err := cw.Close(); err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		var b2 bodyReader
		b2.reset(NewReader(&wire), modeChunked, 0, nil)
		got2, err := io.ReadAll(&b2)
		if err != nil || !bytes.Equal(got, got2) {
			t.Fatalf("re-read %q, %v; want %q", got2, err, got)
		}
	})
}
