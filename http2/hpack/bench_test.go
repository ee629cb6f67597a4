package hpack

import (
	"bytes"
	"testing"

	xhpack "golang.org/x/net/http2/hpack"
)

// browserRequest is a typical browser request's header list.
var browserRequest = []HeaderField{
	{Name: ":method", Value: "GET"},
	{Name: ":authority", Value: "www.example.com"},
	{Name: ":scheme", Value: "https"},
	{Name: ":path", Value: "/assets/css/site.css?v=12"},
	{Name: "sec-ch-ua", Value: `"Chromium";v="131", "Not_A Brand";v="24"`},
	{Name: "sec-ch-ua-mobile", Value: "?0"},
	{Name: "user-agent", Value: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
	{Name: "sec-ch-ua-platform", Value: `"Linux"`},
	{Name: "accept", Value: "text/css,*/*;q=0.1"},
	{Name: "sec-fetch-site", Value: "same-origin"},
	{Name: "sec-fetch-mode", Value: "no-cors"},
	{Name: "sec-fetch-dest", Value: "style"},
	{Name: "referer", Value: "https://www.example.com/"},
	{Name: "accept-encoding", Value: "gzip, deflate, br, zstd"},
	{Name: "accept-language", Value: "en-GB,en;q=0.9,fr;q=0.8"},
	{Name: "cookie", Value: "session=4f2a9c1e77b04d2e8f31; theme=dark"},
}

func xFields(fs []HeaderField) []xhpack.HeaderField {
	out := make([]xhpack.HeaderField, len(fs))
	for i, f := range fs {
		out[i] = xhpack.HeaderField{Name: f.Name, Value: f.Value, Sensitive: f.Sensitive}
	}
	return out
}

// The encode benchmarks encode the browser request block after block on
// one connection (a warm table), as a client does.
func BenchmarkEncode(b *testing.B) {
	b.Run("applayer", func(b *testing.B) {
		e := NewEncoder()
		buf := e.AppendHeaderBlock(nil, browserRequest)
		b.ReportAllocs()
		for b.Loop() {
			buf = e.AppendHeaderBlock(buf[:0], browserRequest)
		}
	})
	b.Run("x-net", func(b *testing.B) {
		var buf bytes.Buffer
		e := xhpack.NewEncoder(&buf)
		xf := xFields(browserRequest)
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			for _, f := range xf {
				e.WriteField(f)
			}
		}
	})
}

// The decode benchmarks decode, block after block, what the encoder sends
// on a warm connection: mostly indexed fields. The cold variants decode the
// first block of a connection: all literals, Huffman-coded.
func BenchmarkDecode(b *testing.B) {
	e := NewEncoder()
	cold := e.AppendHeaderBlock(nil, browserRequest)
	warm := e.AppendHeaderBlock(nil, browserRequest)
	for _, bc := range []struct {
		name  string
		block []byte
	}{{"warm", warm}, {"cold", cold}} {
		b.Run("applayer/"+bc.name, func(b *testing.B) {
			b.ReportAllocs()
			d := NewDecoder(DefaultTableSize)
			d.Decode(cold)
			for b.Loop() {
				if bc.name == "cold" {
					d = NewDecoder(DefaultTableSize)
				}
				if _, err := d.Decode(bc.block); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("x-net/"+bc.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			d := xhpack.NewDecoder(DefaultTableSize, func(xhpack.HeaderField) { n++ })
			d.Write(cold)
			for b.Loop() {
				if bc.name == "cold" {
					d = xhpack.NewDecoder(DefaultTableSize, func(xhpack.HeaderField) { n++ })
				}
				if _, err := d.Write(bc.block); err != nil {
					b.Fatal(err)
				}
				d.Close()
			}
		})
	}
}

// BenchmarkHuffmanDecode decodes a user-agent string, the longest value of
// a typical request, Huffman-coded.
func BenchmarkHuffmanDecode(b *testing.B) {
	enc := AppendHuffman(nil, browserRequest[6].Value)
	b.Run("applayer", func(b *testing.B) {
		var dst []byte
		b.SetBytes(int64(len(enc)))
		for b.Loop() {
			dst, _ = AppendHuffmanDecode(dst[:0], enc)
		}
	})
	b.Run("x-net", func(b *testing.B) {
		var buf bytes.Buffer
		b.SetBytes(int64(len(enc)))
		for b.Loop() {
			buf.Reset()
			xhpack.HuffmanDecode(&buf, enc)
		}
	})
}
