package hpack

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRFC7541AppendixC1 checks the integer examples of RFC 7541 C.1.
func TestRFC7541AppendixC1(t *testing.T) {
	tests := []struct {
		i      uint64
		prefix uint
		wire   string
	}{
		{10, 5, "0a"},
		{1337, 5, "1f9a0a"},
		{42, 8, "2a"},
	}
	for _, tt := range tests {
		got := appendInteger(nil, 0, tt.prefix, tt.i)
		if hex.EncodeToString(got) != tt.wire {
			t.Errorf("appendInteger(%d, %d) = %x, want %s", tt.i, tt.prefix, got, tt.wire)
		}
		v, n, err := readInteger(got, tt.prefix)
		if err != nil || v != tt.i || n != len(got) {
			t.Errorf("readInteger(%x) = %d, %d, %v", got, v, n, err)
		}
	}
}

// TestRFC7541AppendixC3C4 decodes the three requests of RFC 7541 C.3 (plain
// strings) and C.4 (Huffman) on one decoder each, checking fields and the
// dynamic table's size after each.
func TestRFC7541AppendixC3C4(t *testing.T) {
	want := [][]HeaderField{
		{{Name: ":method", Value: "GET"}, {Name: ":scheme", Value: "http"}, {Name: ":path", Value: "/"}, {Name: ":authority", Value: "www.example.com"}},
		{{Name: ":method", Value: "GET"}, {Name: ":scheme", Value: "http"}, {Name: ":path", Value: "/"}, {Name: ":authority", Value: "www.example.com"}, {Name: "cache-control", Value: "no-cache"}},
		{{Name: ":method", Value: "GET"}, {Name: ":scheme", Value: "https"}, {Name: ":path", Value: "/index.html"}, {Name: ":authority", Value: "www.example.com"}, {Name: "custom-key", Value: "custom-value"}},
	}
	sizes := []uint32{57, 110, 164}
	for name, blocks := range map[string][]string{
		"C.3 plain": {
			"828684410f7777772e6578616d706c652e636f6d",
			"828684be58086e6f2d6361636865",
			"828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
		},
		"C.4 Huffman": {
			"828684418cf1e3c2e5f23a6ba0ab90f4ff",
			"828684be5886a8eb10649cbf",
			"828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
		},
	} {
		d := NewDecoder(DefaultTableSize)
		for i, b := range blocks {
			got, err := d.DecodeFull(unhex(t, b))
			if err != nil {
				t.Fatalf("%s request %d: %v", name, i+1, err)
			}
			if diff := cmp.Diff(want[i], got); diff != "" {
				t.Errorf("%s request %d mismatch (-want +got):\n%s", name, i+1, diff)
			}
			if d.TableSize() != sizes[i] {
				t.Errorf("%s request %d: table size %d, want %d", name, i+1, d.TableSize(), sizes[i])
			}
		}
	}
}

// TestRFC7541AppendixC2 checks the single-field literal forms of C.2.
func TestRFC7541AppendixC2(t *testing.T) {
	tests := []struct {
		wire string
		want HeaderField
	}{
		{"400a637573746f6d2d6b65790d637573746f6d2d686561646572", HeaderField{Name: "custom-key", Value: "custom-header"}},
		{"040c2f73616d706c652f70617468", HeaderField{Name: ":path", Value: "/sample/path"}},
		{"100870617373776f726406736563726574", HeaderField{Name: "password", Value: "secret", Sensitive: true}},
		{"82", HeaderField{Name: ":method", Value: "GET"}},
	}
	for _, tt := range tests {
		got, err := NewDecoder(DefaultTableSize).DecodeFull(unhex(t, tt.wire))
		if err != nil {
			t.Errorf("Decode(%s): %v", tt.wire, err)
			continue
		}
		if diff := cmp.Diff([]HeaderField{tt.want}, got); diff != "" {
			t.Errorf("Decode(%s) mismatch (-want +got):\n%s", tt.wire, diff)
		}
	}
}

func TestHuffmanRoundTrip(t *testing.T) {
	for _, s := range []string{"", "www.example.com", "no-cache", "custom-key", "\x00\xff\x7f", strings.Repeat("z", 1000)} {
		enc := AppendHuffman(nil, s)
		if len(enc) != HuffmanEncodeLength(s) {
			t.Errorf("HuffmanEncodeLength(%q) = %d, encoded %d", s, HuffmanEncodeLength(s), len(enc))
		}
		dec, err := AppendHuffmanDecode(nil, enc)
		if err != nil || string(dec) != s {
			t.Errorf("Huffman round trip of %q = %q, %v", s, dec, err)
		}
	}
	if got := hex.EncodeToString(AppendHuffman(nil, "www.example.com")); got != "f1e3c2e5f23a6ba0ab90f4ff" {
		t.Errorf("Huffman(www.example.com) = %s (RFC 7541 C.4.1)", got)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		wire string
		want error
	}{
		{"index zero", "80", ErrInvalidIndex},
		{"index past the tables", "be", ErrInvalidIndex},
		{"truncated string", "400a6375", ErrTruncated},
		{"integer overflow", "ffffffffffffff7f", ErrIntegerOverflow},
		{"EOS in data", "4085ffffffffff00", ErrInvalidHuffman},
		{"padding too long", "0082ffff0000", ErrInvalidHuffman},
		{"size update after field", "823f", ErrTableSizeUpdate},
		{"size update too large", "3fe21f", ErrTableSizeUpdate},
	}
	for _, tt := range tests {
		_, err := NewDecoder(DefaultTableSize).Decode(unhex(t, tt.wire))
		var de *DecodingError
		if !errors.Is(err, tt.want) || !errors.As(err, &de) {
			t.Errorf("%s: Decode(%s) = %v, want %v", tt.name, tt.wire, err, tt.want)
		}
	}
}

// TestHPACKBombBounded: a block that references one large entry many times
// stops at the header list limit instead of expanding without bound.
func TestHPACKBombBounded(t *testing.T) {
	e := NewEncoder()
	big := strings.Repeat("b", 4000)
	first := e.AppendField(nil, HeaderField{Name: "x", Value: big})
	d := NewDecoder(DefaultTableSize)
	if _, err := d.Decode(first); err != nil {
		t.Fatal(err)
	}
	bomb := make([]byte, 0, 10000)
	for range 10000 {
		bomb = append(bomb, 0x80|62) // indexed: the big entry
	}
	_, err := d.Decode(bomb)
	if !errors.Is(err, ErrHeaderListTooLarge) {
		t.Errorf("bomb decoded with %v, want ErrHeaderListTooLarge", err)
	}
	// The table is still in step: the next block decodes.
	if got, err := d.DecodeFull([]byte{0x80 | 62}); err != nil || len(got) != 1 || got[0].Value != big {
		t.Errorf("after the bomb: %v, %v", len(got), err)
	}
}

func TestEncoderSizeUpdateAndEviction(t *testing.T) {
	e := NewEncoder()
	d := NewDecoder(DefaultTableSize)
	fields := []HeaderField{{Name: "a", Value: strings.Repeat("1", 100)}, {Name: "b", Value: strings.Repeat("2", 100)}}
	check := func(block []byte) {
		t.Helper()
		got, err := d.DecodeFull(block)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(fields, got); diff != "" {
			t.Fatalf("mismatch (-want +got):\n%s", diff)
		}
	}
	check(e.AppendHeaderBlock(nil, fields))
	e.SetMaxDynamicTableSize(0)
	e.SetMaxDynamicTableSize(140) // room for one entry: both updates are sent
	block := e.AppendHeaderBlock(nil, fields)
	if block[0] != 0x20 {
		t.Errorf("block starts with %#x, want the size update to 0", block[0])
	}
	check(block)
	if d.TableSize() != e.table.size {
		t.Errorf("decoder table %d bytes, encoder %d", d.TableSize(), e.table.size)
	}
}

// TestStaticPairIndex checks the switch against the static table itself.
func TestStaticPairIndex(t *testing.T) {
	for i, f := range staticTable {
		if f.Value == "" {
			continue
		}
		if got := staticPairIndex(f.Name, f.Value); got != uint32(i+1) {
			t.Errorf("staticPairIndex(%q, %q) = %d, want %d", f.Name, f.Value, got, i+1)
		}
	}
	if staticPairIndex(":method", "PUT") != 0 {
		t.Error(":method PUT found in the static table")
	}
}
