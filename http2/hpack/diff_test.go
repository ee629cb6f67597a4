package hpack

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	xhpack "golang.org/x/net/http2/hpack"
	"pgregory.net/rapid"
)

// genField draws header fields that look like real ones: common names,
// values that repeat, some sensitive.
func genField() *rapid.Generator[HeaderField] {
	return rapid.Custom(func(t *rapid.T) HeaderField {
		name := rapid.OneOf(
			rapid.SampledFrom([]string{":method", ":path", ":authority", ":scheme", ":status", "accept", "cookie", "user-agent", "content-type", "x-custom", "authorization"}),
			rapid.StringMatching(`[a-z][a-z0-9-]{0,20}`),
		).Draw(t, "name")
		value := rapid.OneOf(
			rapid.SampledFrom([]string{"GET", "/", "/index.html", "200", "gzip, deflate", "text/html", "www.example.com"}),
			rapid.Map(rapid.SliceOfN(rapid.Byte(), 0, 300), func(b []byte) string { return string(b) }),
		).Draw(t, "value")
		return HeaderField{Name: name, Value: value, Sensitive: rapid.Bool().Draw(t, "sensitive")}
	})
}

// Our encoder's blocks decode to the same fields with x/net's decoder,
// across a connection's worth of blocks and table size changes.
func TestDifferentialEncodeOursDecodeXNet(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		enc := NewEncoder()
		var got []xhpack.HeaderField
		dec := xhpack.NewDecoder(DefaultTableSize, func(f xhpack.HeaderField) { got = append(got, f) })
		dec.SetMaxStringLength(1 << 20)
		blocks := rapid.SliceOfN(rapid.SliceOfN(genField(), 0, 12), 1, 8).Draw(t, "blocks")
		for i, fields := range blocks {
			if rapid.IntRange(0, 5).Draw(t, "resize") == 0 {
				enc.SetMaxDynamicTableSize(rapid.Uint32Range(0, DefaultTableSize).Draw(t, "size"))
			}
			got = got[:0]
			block := enc.AppendHeaderBlock(nil, fields)
			if _, err := dec.Write(block); err != nil {
				t.Fatalf("block %d: x/net: %v", i, err)
			}
			if err := dec.Close(); err != nil {
				t.Fatalf("block %d: x/net close: %v", i, err)
			}
			want := make([]xhpack.HeaderField, len(fields))
			for j, f := range fields {
				want[j] = xhpack.HeaderField{Name: f.Name, Value: f.Value, Sensitive: f.Sensitive}
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("block %d mismatch (-want +got):\n%s", i, diff)
			}
		}
	})
}

// x/net's encoder's blocks decode to the same fields with our decoder.
func TestDifferentialEncodeXNetDecodeOurs(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var buf bytes.Buffer
		enc := xhpack.NewEncoder(&buf)
		dec := NewDecoder(DefaultTableSize)
		dec.MaxStringLength = 1 << 20
		blocks := rapid.SliceOfN(rapid.SliceOfN(genField(), 0, 12), 1, 8).Draw(t, "blocks")
		for i, fields := range blocks {
			if rapid.IntRange(0, 5).Draw(t, "resize") == 0 {
				enc.SetMaxDynamicTableSize(rapid.Uint32Range(0, DefaultTableSize).Draw(t, "size"))
			}
			buf.Reset()
			for _, f := range fields {
				enc.WriteField(xhpack.HeaderField{Name: f.Name, Value: f.Value, Sensitive: f.Sensitive})
			}
			got, err := dec.DecodeFull(buf.Bytes())
			if err != nil {
				t.Fatalf("block %d: %v", i, err)
			}
			if diff := cmp.Diff(fields, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("block %d mismatch (-want +got):\n%s", i, diff)
			}
		}
	})
}

func TestHuffmanProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.Map(rapid.SliceOfN(rapid.Byte(), 0, 500), func(b []byte) string { return string(b) }).Draw(t, "s")
		ours := AppendHuffman(nil, s)
		if theirs := xhpack.AppendHuffmanString(nil, s); !bytes.Equal(ours, theirs) {
			t.Fatalf("Huffman(%q) = %x, x/net %x", s, ours, theirs)
		}
		dec, err := AppendHuffmanDecode(nil, ours)
		if err != nil || string(dec) != s {
			t.Fatalf("decode = %q, %v", dec, err)
		}
	})
}
