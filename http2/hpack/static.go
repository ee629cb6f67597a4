package hpack

import "sync"

// staticTable is the static table of RFC 7541 Appendix A: 61 fields that
// are common enough to be referenced by index from the first request on.
// Index 1 is staticTable[0].
var staticTable = [...]HeaderField{
	{Name: ":authority"},
	{Name: ":method", Value: "GET"},
	{Name: ":method", Value: "POST"},
	{Name: ":path", Value: "/"},
	{Name: ":path", Value: "/index.html"},
	{Name: ":scheme", Value: "http"},
	{Name: ":scheme", Value: "https"},
	{Name: ":status", Value: "200"},
	{Name: ":status", Value: "204"},
	{Name: ":status", Value: "206"},
	{Name: ":status", Value: "304"},
	{Name: ":status", Value: "400"},
	{Name: ":status", Value: "404"},
	{Name: ":status", Value: "500"},
	{Name: "accept-charset"},
	{Name: "accept-encoding", Value: "gzip, deflate"},
	{Name: "accept-language"},
	{Name: "accept-ranges"},
	{Name: "accept"},
	{Name: "access-control-allow-origin"},
	{Name: "age"},
	{Name: "allow"},
	{Name: "authorization"},
	{Name: "cache-control"},
	{Name: "content-disposition"},
	{Name: "content-encoding"},
	{Name: "content-language"},
	{Name: "content-length"},
	{Name: "content-location"},
	{Name: "content-range"},
	{Name: "content-type"},
	{Name: "cookie"},
	{Name: "date"},
	{Name: "etag"},
	{Name: "expect"},
	{Name: "expires"},
	{Name: "from"},
	{Name: "host"},
	{Name: "if-match"},
	{Name: "if-modified-since"},
	{Name: "if-none-match"},
	{Name: "if-range"},
	{Name: "if-unmodified-since"},
	{Name: "last-modified"},
	{Name: "link"},
	{Name: "location"},
	{Name: "max-forwards"},
	{Name: "proxy-authenticate"},
	{Name: "proxy-authorization"},
	{Name: "range"},
	{Name: "referer"},
	{Name: "refresh"},
	{Name: "retry-after"},
	{Name: "server"},
	{Name: "set-cookie"},
	{Name: "strict-transport-security"},
	{Name: "transfer-encoding"},
	{Name: "user-agent"},
	{Name: "vary"},
	{Name: "via"},
	{Name: "www-authenticate"},
}

// staticIndex maps the names of the static table to their lowest index,
// for the encoder. It is built once and never changed. (Name-value pairs
// are found by staticPairIndex.)
type staticIndex struct {
	byName map[string]uint32
}

var staticLookup = sync.OnceValue(func() *staticIndex {
	s := &staticIndex{byName: map[string]uint32{}}
	for i, f := range staticTable {
		if _, ok := s.byName[f.Name]; !ok {
			s.byName[f.Name] = uint32(i + 1)
		}
	}
	return s
})

// staticFieldBytes holds the static table as byte slices, so decoding an
// indexed static field hands out slices without allocating.
var staticFieldBytes = sync.OnceValue(func() *[len(staticTable)][2][]byte {
	var t [len(staticTable)][2][]byte
	for i, f := range staticTable {
		t[i] = [2][]byte{[]byte(f.Name), []byte(f.Value)}
	}
	return &t
})
