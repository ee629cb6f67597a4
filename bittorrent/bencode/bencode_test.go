package bencode

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUnmarshalGeneric(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want any
	}{
		{"zero", "i0e", int64(0)},
		{"negative", "i-42e", int64(-42)},
		{"int64 max", "i9223372036854775807e", int64(9223372036854775807)},
		{"int64 min", "i-9223372036854775808e", int64(-9223372036854775808)},
		{"empty string", "0:", ""},
		{"string", "4:spam", "spam"},
		{"binary string", "3:\x00\xff\n", "\x00\xff\n"},
		{"empty list", "le", []any{}},
		{"list", "l4:spami42ee", []any{"spam", int64(42)}},
		{"empty dict", "de", map[string]any{}},
		{"dict", "d3:bar4:spam3:fooi42ee", map[string]any{"bar": "spam", "foo": int64(42)}},
		{"nested", "d1:ald1:bleeee", map[string]any{"a": []any{map[string]any{"b": []any{}}}}},
		{"unsorted lenient", "d1:bi1e1:ai2ee", map[string]any{"a": int64(2), "b": int64(1)}},
		{"duplicate lenient last wins", "d1:ai1e1:ai2ee", map[string]any{"a": int64(2)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got any
			if err := Unmarshal([]byte(tt.in), &got); err != nil {
				t.Fatalf("Unmarshal(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Unmarshal(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestUnmarshalErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		dec     Decoder
		wantErr error
		wantOff int
	}{
		{"empty", "", Decoder{}, ErrUnexpectedEOF, 0},
		{"bad start", "x", Decoder{}, ErrInvalid, 0},
		{"leading zero", "i03e", Decoder{}, ErrInvalid, 1},
		{"negative zero", "i-0e", Decoder{}, ErrInvalid, 2},
		{"empty int", "ie", Decoder{}, ErrInvalid, 1},
		{"minus only", "i-e", Decoder{}, ErrInvalid, 2},
		{"unterminated int", "i12", Decoder{}, ErrUnexpectedEOF, 3},
		{"int overflow", "i9223372036854775808e", Decoder{}, ErrIntegerRange, 0},
		{"huge int", "i" + strings.Repeat("9", 30) + "e", Decoder{}, ErrIntegerRange, 0},
		{"string short", "5:abc", Decoder{}, ErrUnexpectedEOF, 5},
		{"string length leading zero", "03:abc", Decoder{}, ErrInvalid, 0},
		{"string no colon", "3abc", Decoder{}, ErrInvalid, 1},
		{"string too long", "11:hello world", Decoder{MaxStringLength: 10}, ErrStringLength, 0},
		{"huge declared string", "99999999999999999999:", Decoder{}, ErrStringLength, 0},
		{"unterminated list", "li1e", Decoder{}, ErrUnexpectedEOF, 4},
		{"non-string key", "di1ei2ee", Decoder{}, ErrInvalid, 1},
		{"depth", "lllll" + "eeeee", Decoder{MaxDepth: 4}, ErrDepth, 4},
		{"strict unsorted", "d1:bi1e1:ai2ee", Decoder{Strict: true}, ErrNonCanonical, 7},
		{"strict duplicate", "d1:ai1e1:ai2ee", Decoder{Strict: true}, ErrNonCanonical, 7},
		{"trailing", "i1ei2e", Decoder{}, ErrTrailingData, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got any
			err := tt.dec.Unmarshal([]byte(tt.in), &got)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Unmarshal(%q) = %v, want %v", tt.in, err, tt.wantErr)
			}
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset != tt.wantOff {
				t.Errorf("Unmarshal(%q) error %v, want offset %d", tt.in, err, tt.wantOff)
			}
		})
	}
}

type inner struct {
	Length int64    `bencode:"length"`
	Path   []string `bencode:"path"`
}

type embedded struct {
	Comment string `bencode:"comment,omitempty"`
}

type outer struct {
	embedded
	Announce string     `bencode:"announce"`
	List     [][]string `bencode:"announce-list,omitempty"`
	Files    []inner    `bencode:"files"`
	Hash     [4]byte    `bencode:"hash"`
	Private  bool       `bencode:"private,omitempty"`
	Ptr      *inner     `bencode:"ptr,omitempty"`
	Raw      RawMessage `bencode:"raw,omitempty"`
	Skip     string     `bencode:"-"`
	Count    uint16
}

func TestStructRoundTrip(t *testing.T) {
	v := outer{
		embedded: embedded{Comment: "hi"},
		Announce: "http://t/announce",
		List:     [][]string{{"a", "b"}, {"c"}},
		Files:    []inner{{Length: 5, Path: []string{"d", "f"}}},
		Hash:     [4]byte{1, 2, 3, 4},
		Private:  true,
		Ptr:      &inner{Length: 1, Path: []string{}},
		Raw:      RawMessage("d1:xi1ee"),
		Skip:     "not encoded",
		Count:    7,
	}
	b, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	want := "d5:Counti7e8:announce17:http://t/announce13:announce-listll1:a1:bel1:cee7:comment2:hi" +
		"5:filesld6:lengthi5e4:pathl1:d1:feee4:hash4:\x01\x02\x03\x047:privatei1e3:ptrd6:lengthi1e4:pathlee3:rawd1:xi1eee"
	if string(b) != want {
		t.Fatalf("Marshal = %q\nwant      %q", b, want)
	}
	var got outer
	if err := (&Decoder{Strict: true, DisallowUnknownFields: true}).Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	v.Skip = ""
	if diff := cmp.Diff(v, got, cmp.AllowUnexported(outer{})); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestUnmarshalTypeErrors(t *testing.T) {
	var s struct {
		N    int8    `bencode:"n"`
		U    uint    `bencode:"u"`
		H    [2]byte `bencode:"h"`
		Name string  `bencode:"name"`
	}
	tests := []struct {
		in      string
		wantErr error
	}{
		{"d1:ni300ee", ErrIntegerRange},
		{"d1:ui-1ee", ErrIntegerRange},
		{"d1:h3:abce", ErrType},
		{"d4:namei1ee", ErrType},
		{"d4:nameli1eee", ErrType},
		{"i1e", ErrType},
	}
	for _, tt := range tests {
		err := Unmarshal([]byte(tt.in), &s)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("Unmarshal(%q) = %v, want %v", tt.in, err, tt.wantErr)
		}
	}
	if err := (&Decoder{DisallowUnknownFields: true}).Unmarshal([]byte("d1:zi1ee"), &s); !errors.Is(err, ErrUnknownField) {
		t.Errorf("unknown field: got %v", err)
	}
	var ia *InvalidUnmarshalError
	if err := Unmarshal([]byte("i1e"), s); !errors.As(err, &ia) {
		t.Errorf("non-pointer: got %v", err)
	}
}

func TestUnmarshalPrefix(t *testing.T) {
	msg := []byte("d8:msg_typei1e5:piecei0eeRAW PIECE DATA")
	var h struct {
		Type  int `bencode:"msg_type"`
		Piece int `bencode:"piece"`
	}
	var d Decoder
	n, err := d.UnmarshalPrefix(msg, &h)
	if err != nil || string(msg[n:]) != "RAW PIECE DATA" || h.Type != 1 {
		t.Errorf("UnmarshalPrefix = %d, %v, %+v", n, err, h)
	}
}

func TestMarshalErrors(t *testing.T) {
	for _, v := range []any{nil, 1.5, map[int]int{1: 1}, make(chan int), (*int)(nil)} {
		var ut *UnsupportedTypeError
		if _, err := Marshal(v); !errors.As(err, &ut) {
			t.Errorf("Marshal(%#v) = %v, want UnsupportedTypeError", v, err)
		}
	}
}
