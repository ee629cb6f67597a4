package bencode

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// genValue draws a generic bencode value (the shapes Unmarshal produces
// into an empty interface) nested at most depth levels.
func genValue(depth int) *rapid.Generator[any] {
	return rapid.Custom(func(t *rapid.T) any {
		kind := rapid.IntRange(0, 3).Draw(t, "kind")
		if depth <= 0 {
			kind %= 2
		}
		switch kind {
		case 0:
			return rapid.Int64().Draw(t, "int")
		case 1:
			return string(rapid.SliceOfN(rapid.Byte(), 0, 8).Draw(t, "str"))
		case 2:
			return rapid.SliceOfN(genValue(depth-1), 0, 4).Draw(t, "list")
		default:
			return rapid.MapOfN(rapid.String(), genValue(depth-1), 0, 4).Draw(t, "dict")
		}
	})
}

func TestPropRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := genValue(3).Draw(t, "v")
		b, err := Marshal(v)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		var got any
		if err := (&Decoder{Strict: true}).Unmarshal(b, &got); err != nil {
			t.Fatalf("Unmarshal(%q): %v", b, err)
		}
		if diff := cmp.Diff(v, got); diff != "" {
			t.Fatalf("round trip mismatch (-want +got):\n%s", diff)
		}
		b2, _ := Marshal(got)
		if !bytes.Equal(b, b2) {
			t.Fatalf("not canonical: %q then %q", b, b2)
		}
	})
}

// checkCanonical is the fuzz property: whatever decodes re-encodes to a value
// that decodes to the same thing, and strictly decodable input is exactly
// its own canonical encoding.
func checkCanonical(t *testing.T, data []byte) {
	var v any
	if err := Unmarshal(data, &v); err != nil {
		return
	}
	b, err := Marshal(v)
	if err != nil {
		t.Fatalf("Marshal(Unmarshal(%q)): %v", data, err)
	}
	var v2 any
	if err := Unmarshal(b, &v2); err != nil {
		t.Fatalf("Unmarshal(%q): %v", b, err)
	}
	if diff := cmp.Diff(v, v2); diff != "" {
		t.Fatalf("mismatch (-first +second):\n%s", diff)
	}
	var v3 any
	if (&Decoder{Strict: true}).Unmarshal(data, &v3) == nil && !bytes.Equal(b, data) {
		t.Fatalf("strict input %q re-encoded as %q", data, b)
	}
	var raw RawMessage
	if err := Unmarshal(data, &raw); err != nil || !bytes.Equal(raw, data) {
		t.Fatalf("RawMessage(%q) = %q, %v", data, raw, err)
	}
}
