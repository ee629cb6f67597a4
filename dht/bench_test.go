package dht

import "testing"

var benchResponse = []byte("d1:rd2:id20:abcdefghij01234567895:nodes208:" + string(make([]byte, 208)) + "5:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re")

func BenchmarkParseMsg(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchResponse)))
	for b.Loop() {
		if _, err := ParseMsg(benchResponse); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendMsg(b *testing.B) {
	m, _ := ParseMsg(benchResponse)
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = AppendMsg(buf[:0], m)
	}
}
