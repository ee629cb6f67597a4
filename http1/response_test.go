package http1

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type respView struct {
	Version       Version
	Status        Status
	Reason        string
	Fields        []Field
	ContentLength int64
	Chunked       bool
	Close         bool
	Body          string
	Trailer       []Field
}

// apacheB is CHECKLIST A.6, the 2020 CentOS Apache response, corrected.
const apacheB = "HTTP/1.1 200 OK\r\n" +
	"Date: Tue, 08 Sep 2020 00:53:20 GMT\r\n" +
	"Server: Apache/2.4.6 (CentOS) OpenSSL/1.0.2k-fips PHP/7.4.9 mod_perl/2.0.11 Perl/v5.16.3\r\n" +
	"Last-Modified: Tue, 01 Mar 2016 18:57:50 GMT\r\n" +
	"ETag: \"a5b-52d015789ee9e\"\r\n" +
	"Accept-Ranges: bytes\r\n" +
	"Content-Length: 2651\r\n" +
	"Content-Type: text/html; charset=UTF-8\r\n" +
	"\r\n"

var apacheFields = []Field{
	{"Date", "Tue, 08 Sep 2020 00:53:20 GMT"},
	{"Server", "Apache/2.4.6 (CentOS) OpenSSL/1.0.2k-fips PHP/7.4.9 mod_perl/2.0.11 Perl/v5.16.3"},
	{"Last-Modified", "Tue, 01 Mar 2016 18:57:50 GMT"}, {"ETag", `"a5b-52d015789ee9e"`}, {"Accept-Ranges", "bytes"},
	{"Content-Length", "2651"}, {"Content-Type", "text/html; charset=UTF-8"}}

func TestReadResponse(t *testing.T) {
	data := strings.Repeat("d", 2651)
	tests := []struct {
		name   string
		method Method
		in     string
		want   respView
	}{
		{"A.6 apache", MethodGet, apacheB + data, respView{HTTP11, 200, "OK", apacheFields, 2651, false, false, data, nil}},
		{"A.6 to HEAD has no body", MethodHead, apacheB, respView{HTTP11, 200, "OK", apacheFields, 0, false, false, "", nil}},
		{"304 conditional GET", MethodGet, "HTTP/1.0 304 Not Modified\r\n\r\n", respView{HTTP10, 304, "Not Modified", nil, 0, false, true, "", nil}},
		{"204", MethodGet, "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", respView{HTTP11, 204, "No Content", []Field{{"Content-Length", "10"}}, 0, false, false, "", nil}},
		{"100 continue", MethodPost, "HTTP/1.1 100 Continue\r\n\r\n", respView{HTTP11, 100, "Continue", nil, -1, false, true, "", nil}},
		{"chunked with trailer", MethodGet, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n",
			respView{HTTP11, 200, "OK", []Field{{"Transfer-Encoding", "chunked"}}, -1, true, false, "abc", []Field{{"X-T", "1"}}}},
		{"until close", MethodGet, "HTTP/1.0 200 OK\r\n\r\nall of it", respView{HTTP10, 200, "OK", nil, -1, false, true, "all of it", nil}},
		{"TE wins over CL and closes", MethodGet, "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
			respView{HTTP11, 200, "OK", []Field{{"Content-Length", "99"}, {"Transfer-Encoding", "chunked"}}, -1, true, true, "x", nil}},
		{"custom reason, no reason", MethodGet, "HTTP/1.1 299\r\nContent-Length: 0\r\n\r\n", respView{HTTP11, 299, "", []Field{{"Content-Length", "0"}}, 0, false, false, "", nil}},
		{"reason with spaces", MethodGet, "HTTP/1.1 404 Not  Here At All\r\nContent-Length: 1\r\n\r\nx", respView{HTTP11, 404, "Not  Here At All", []Field{{"Content-Length", "1"}}, 1, false, false, "x", nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp Response
			if err := NewReader(strings.NewReader(tt.in)).ReadResponse(&resp, tt.method); err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			got := respView{resp.Version, resp.Status, resp.Reason, resp.Header.Fields(), resp.ContentLength, resp.Chunked, resp.Close, string(body), resp.Trailer.Fields()}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ReadResponse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadResponseMalformed(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want *StatusError
	}{
		{"HTTP/1.1200 OK\r\n\r\n", ErrBadStatusLine}, // A.6 as seeded
		{"HTTP/1.1 20 OK\r\n\r\n", ErrBadStatusLine},
		{"HTTP/1.1 abc OK\r\n\r\n", ErrBadStatusLine},
		{"HTTP/1.1 200OK\r\n\r\n", ErrBadStatusLine},
		{"HTTP/3.0 200 OK\r\n\r\n", ErrVersionNotSupported},
		{"<html>\r\n\r\n", ErrBadStatusLine},
		{"HTTP/1.1 200 OK\r\nConnection close\r\n\r\n", ErrBadFieldName}, // A.5 as seeded
		{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", ErrBadContentLength},
		{"HTTP/1.1 200 OK\nX: y\r\n\r\n", ErrBareLF},
	} {
		var resp Response
		err := NewReader(strings.NewReader(tt.in)).ReadResponse(&resp, MethodGet)
		if !errors.Is(err, tt.want) {
			t.Errorf("ReadResponse(%q) = %v, want %v", tt.in, err, tt.want)
		}
	}
}

func TestWriteResponse(t *testing.T) {
	tests := []struct {
		name string
		resp *Response
		want string
	}{
		{"ok", &Response{Status: 200, Header: hdr("Content-Type", "text/plain"), Body: io.NopCloser(strings.NewReader("hi")), ContentLength: 2},
			"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"},
		{"304 keeps no body", &Response{Version: HTTP10, Status: 304, Body: io.NopCloser(strings.NewReader("x")), ContentLength: 0},
			"HTTP/1.0 304 Not Modified\r\nConnection: keep-alive\r\n\r\n"},
		{"chunked", &Response{Status: 200, Chunked: true, ContentLength: -1, Body: io.NopCloser(strings.NewReader("abc"))},
			"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"},
		{"close", &Response{Status: 404, Reason: "Nope", Close: true, ContentLength: 0}, "HTTP/1.1 404 Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"},
		{"100", &Response{Status: 100}, "HTTP/1.1 100 Continue\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sb strings.Builder
			if err := tt.resp.Write(&sb); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, sb.String()); diff != "" {
				t.Errorf("Write mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
