package http1

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

const (
	tokenChars  = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	pathChars   = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/%?"
	hostChars   = "abcdefghijklmnopqrstuvwxyz0123456789-."
	valueChars  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\x80\xff"
	framingName = "host content-length transfer-encoding connection"
)

func genString(chars string, min, max int) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		n := rapid.IntRange(min, max).Draw(t, "n")
		b := make([]byte, n)
		for i := range b {
			b[i] = chars[rapid.IntRange(0, len(chars)-1).Draw(t, "c")]
		}
		return string(b)
	})
}

// genHeader draws fields that are not framing fields, with values that
// have no leading or trailing whitespace (as parsing would strip it).
func genHeader(t *rapid.T) Header {
	var h Header
	n := rapid.IntRange(0, 8).Draw(t, "fields")
	for range n {
		name := genString(tokenChars, 1, 12).Draw(t, "name")
		if strings.Contains(framingName, strings.ToLower(name)) {
			continue
		}
		v := trimOWS(genString(valueChars, 0, 30).Draw(t, "value"))
		h.Add(name, v)
	}
	return h
}

// TestRequestRoundTrip: Write then ReadRequest gives back the request.
func TestRequestRoundTrip(t *testing.T) {
	rapid.Check(t, requestRoundTrip)
}

func requestRoundTrip(t *rapid.T) {
	methods := []Method{"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "PROPFIND"}
	in := &Request{
		Method:  rapid.SampledFrom(methods).Draw(t, "method"),
		Target:  "/" + genString(pathChars, 0, 40).Draw(t, "path"),
		Host:    genString(hostChars, 1, 20).Draw(t, "host"),
		Version: rapid.SampledFrom([]Version{HTTP10, HTTP11}).Draw(t, "version"),
		Header:  genHeader(t),
		Close:   rapid.Bool().Draw(t, "close"),
	}
	body := rapid.SliceOfN(rapid.Byte(), 0, 300).Draw(t, "body")
	chunked := in.Version == HTTP11 && rapid.Bool().Draw(t, "chunked")
	if chunked {
		in.Body, in.ContentLength = io.MultiReader(bytes.NewReader(body[:len(body)/2]), bytes.NewReader(body[len(body)/2:])), -1
		in.Trailer = genHeader(t)
	} else if len(body) > 0 {
		in.Body, in.ContentLength = bytes.NewReader(body), int64(len(body))
	}
	var wire bytes.Buffer
	if err := in.Write(&wire); err != nil {
		t.Fatalf("Write: %v", err)
	}
	var out Request
	if err := NewReader(&wire).ReadRequest(&out); err != nil {
		t.Fatalf("ReadRequest(%q): %v", wire.String(), err)
	}
	got, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	if !bytes.Equal(got, body) {
		t.Fatalf("body = %q, want %q", got, body)
	}
	if out.Method != in.Method || out.Target != in.Target || out.Host != in.Host || out.Version != in.Version ||
		out.Close != in.Close || out.Chunked != chunked {
		t.Fatalf("head mismatch: got %+v, want %+v", out, in)
	}
	if diff := cmp.Diff(in.Header.Fields(), withoutFraming(&out.Header), cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("header mismatch (-want +got):\n%s", diff)
	}
	if chunked {
		if diff := cmp.Diff(in.Trailer.Fields(), out.Trailer.Fields(), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("trailer mismatch (-want +got):\n%s", diff)
		}
	}
	if wire.Len() != 0 {
		t.Fatalf("%d bytes left after the body", wire.Len())
	}
}

func withoutFraming(h *Header) []Field {
	var fs []Field
	for _, f := range h.Fields() {
		if !strings.Contains(framingName, strings.ToLower(f.Name)) {
			fs = append(fs, f)
		}
	}
	return fs
}

// TestResponseRoundTrip: Write then ReadResponse gives back the response.
func TestResponseRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := &Response{
			Version: rapid.SampledFrom([]Version{HTTP10, HTTP11}).Draw(t, "version"),
			Status:  Status(rapid.IntRange(200, 599).Draw(t, "status")),
			Reason:  trimOWS(genString(valueChars, 0, 20).Draw(t, "reason")),
			Header:  genHeader(t),
			Close:   rapid.Bool().Draw(t, "close"),
		}
		if in.Reason == "" {
			in.Reason = in.Status.Reason()
		}
		body := rapid.SliceOfN(rapid.Byte(), 0, 300).Draw(t, "body")
		if !in.Status.bodyAllowed() {
			body = nil
		}
		in.Body, in.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		if in.Version == HTTP11 && rapid.Bool().Draw(t, "chunked") {
			in.Chunked, in.ContentLength = true, -1
		}
		var wire bytes.Buffer
		if err := in.Write(&wire); err != nil {
			t.Fatalf("Write: %v", err)
		}
		var out Response
		if err := NewReader(&wire).ReadResponse(&out, MethodGet); err != nil {
			t.Fatalf("ReadResponse(%q): %v", wire.String(), err)
		}
		got, err := io.ReadAll(out.Body)
		if err != nil {
			t.Fatalf("body: %v", err)
		}
		if !bytes.Equal(got, body) || out.Status != in.Status || out.Reason != in.Reason || out.Close != in.Close || out.Version != in.Version {
			t.Fatalf("got %v %q %q close=%v, want %v %q %q close=%v", out.Status, out.Reason, got, out.Close, in.Status, in.Reason, body, in.Close)
		}
		if diff := cmp.Diff(in.Header.Fields(), withoutFraming(&out.Header), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("header mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestChunkedRoundTrip: any sequence of writes reads back as their concatenation.
func TestChunkedRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		parts := rapid.SliceOfN(rapid.SliceOfN(rapid.Byte(), 0, 100), 0, 8).Draw(t, "parts")
		var wire bytes.Buffer
		cw := NewChunkedWriter(&wire)
		var want []byte
		for _, p := range parts {
			cw.Write(p)
			want = append(want, p...)
		}
		cw.Close()
		var b bodyReader
		b.reset(NewReader(&wire), modeChunked, 0, nil)
		got, err := io.ReadAll(&b)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("read %q, %v; want %q", got, err, want)
		}
	})
}

func TestHeader(t *testing.T) {
	var h Header
	h.Add("Accept", "a")
	h.Add("X-One", "1")
	h.Add("accept", "b")
	if got := h.Get("ACCEPT"); got != "a" {
		t.Errorf("Get = %q", got)
	}
	if diff := cmp.Diff([]string{"a", "b"}, h.Values("Accept")); diff != "" {
		t.Errorf("Values mismatch (-want +got):\n%s", diff)
	}
	h.Set("accept", "c")
	if diff := cmp.Diff([]Field{{"Accept", "c"}, {"X-One", "1"}}, h.Fields()); diff != "" {
		t.Errorf("Set mismatch (-want +got):\n%s", diff)
	}
	h.Del("x-one")
	if h.Has("X-One") || h.Len() != 1 {
		t.Errorf("Del left %v", h.Fields())
	}
	h.Add("Connection", "keep-alive, Upgrade")
	if !h.HasToken("connection", "upgrade") || h.HasToken("connection", "close") {
		t.Error("HasToken")
	}
	c := h.Clone()
	h.Reset()
	if c.Len() != 2 || h.Len() != 0 {
		t.Errorf("Clone/Reset: %v %v", c.Fields(), h.Fields())
	}
}

// TestValidValueBytes: the eight-at-a-time check agrees with the table.
func TestValidValueBytes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := rapid.SliceOfN(rapid.SampledFrom([]byte{0, 1, '\t', '\n', '\r', 0x1f, ' ', 'a', '~', 0x7e, 0x7f, 0x80, 0xff}), 0, 40).Draw(t, "v")
		want := true
		for _, c := range v {
			want = want && valueTable[c]
		}
		if got := validValueBytes(v); got != want {
			t.Fatalf("validValueBytes(%q) = %v, want %v", v, got, want)
		}
	})
	for c := range 256 {
		for pos := range 9 {
			v := []byte("abcdefghi")
			v[pos] = byte(c)
			want := valueTable[c]
			if got := validValueBytes(v); got != want {
				t.Fatalf("byte %#x at %d: %v, want %v", c, pos, got, want)
			}
		}
	}
}
