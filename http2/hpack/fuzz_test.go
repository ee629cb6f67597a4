package hpack

import (
	"encoding/hex"
	"testing"

	xhpack "golang.org/x/net/http2/hpack"
)

// FuzzDecode checks that any block either fails cleanly or decodes to what
// x/net's decoder decodes, and that re-encoding what we decoded gives the
// same fields again.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"828684410f7777772e6578616d706c652e636f6d",
		"828684418cf1e3c2e5f23a6ba0ab90f4ff",
		"100870617373776f726406736563726574",
		"3fe11f", "ffffffffffffff7f", "20",
	} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, block []byte) {
		d := NewDecoder(DefaultTableSize)
		ours, err := d.DecodeFull(block)
		var theirs []xhpack.HeaderField
		xd := xhpack.NewDecoder(DefaultTableSize, func(f xhpack.HeaderField) { theirs = append(theirs, f) })
		xd.SetMaxStringLength(DefaultMaxStringLength)
		_, xerr := xd.Write(block)
		if xerr == nil {
			xerr = xd.Close()
		}
		if err != nil {
			return
		}
		if xerr == nil && len(theirs) != len(ours) {
			t.Fatalf("we decoded %d fields, x/net %d", len(ours), len(theirs))
		}
		for i := range ours {
			if xerr == nil && (ours[i].Name != theirs[i].Name || ours[i].Value != theirs[i].Value || ours[i].Sensitive != theirs[i].Sensitive) {
				t.Fatalf("field %d: ours %+v, x/net %+v", i, ours[i], theirs[i])
			}
		}
		again, err := NewDecoder(DefaultTableSize).DecodeFull(NewEncoder().AppendHeaderBlock(nil, ours))
		if err != nil || len(again) != len(ours) {
			t.Fatalf("re-encoding: %d fields, %v", len(again), err)
		}
	})
}
