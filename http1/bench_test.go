package http1

import (
	"bufio"
	"bytes"
	"net/http"
	"testing"
)

// browserGET is a typical browser request of about 400 bytes.
const browserGET = "GET /courses/networking/lecture2.html?lang=en HTTP/1.1\r\n" +
	"Host: www.someschool.edu\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
	"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
	"Accept-Language: en-US,en;q=0.5\r\n" +
	"Accept-Encoding: gzip, deflate, br\r\n" +
	"Referer: https://www.someschool.edu/courses/\r\n" +
	"Connection: keep-alive\r\n" +
	"Cookie: session=1678\r\n" +
	"\r\n"

func TestBrowserGETSize(t *testing.T) {
	if n := len(browserGET); n < 380 || n > 420 {
		t.Errorf("browserGET is %d bytes, want about 400", n)
	}
}

// TestReadRequestNoAlloc checks the steady-state promise: reading into a
// reused Request from a reused Reader does not allocate.
func TestReadRequestNoAlloc(t *testing.T) {
	data := []byte(browserGET)
	src := bytes.NewReader(data)
	rd := NewReader(src)
	var req Request
	n := testing.AllocsPerRun(200, func() {
		src.Reset(data)
		rd.Reset(src)
		if err := rd.ReadRequest(&req); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Errorf("ReadRequest allocs/op = %v, want 0", n)
	}
}

// BenchmarkReadRequest compares this package with net/http on the same
// bytes: go test -run XXX -bench ReadRequest -benchmem ./http1
func BenchmarkReadRequest(b *testing.B) {
	data := []byte(browserGET)
	b.Run("http1", func(b *testing.B) {
		src := bytes.NewReader(data)
		rd := NewReader(src)
		var req Request
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			src.Reset(data)
			rd.Reset(src)
			if err := rd.ReadRequest(&req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("net-http", func(b *testing.B) {
		src := bytes.NewReader(data)
		br := bufio.NewReader(src)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			src.Reset(data)
			br.Reset(src)
			if _, err := http.ReadRequest(br); err != nil {
				b.Fatal(err)
			}
		}
	})
}
