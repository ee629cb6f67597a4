package hpack_test

import (
	"encoding/hex"
	"fmt"

	"github.com/applayer/applayer/http2/hpack"
)

// The first two requests of RFC 7541 Appendix C.4 on one connection: the
// second costs four bytes for the four fields it repeats.
func ExampleEncoder() {
	enc := hpack.NewEncoder()
	req := []hpack.HeaderField{
		{Name: ":method", Value: "GET"},
		{Name: ":scheme", Value: "http"},
		{Name: ":path", Value: "/"},
		{Name: ":authority", Value: "www.example.com"},
	}
	fmt.Println(hex.EncodeToString(enc.AppendHeaderBlock(nil, req)))
	req = append(req, hpack.HeaderField{Name: "cache-control", Value: "no-cache"})
	fmt.Println(hex.EncodeToString(enc.AppendHeaderBlock(nil, req)))
	// Output:
	// 828684418cf1e3c2e5f23a6ba0ab90f4ff
	// 828684be5886a8eb10649cbf
}

func ExampleDecoder() {
	block, _ := hex.DecodeString("828684418cf1e3c2e5f23a6ba0ab90f4ff")
	dec := hpack.NewDecoder(hpack.DefaultTableSize)
	fields, err := dec.Decode(block)
	if err != nil {
		panic(err)
	}
	for _, f := range fields {
		fmt.Printf("%s: %s\n", f.Name, f.Value)
	}
	fmt.Println("dynamic table:", dec.TableSize(), "bytes")
	// Output:
	// :method: GET
	// :scheme: http
	// :path: /
	// :authority: www.example.com
	// dynamic table: 57 bytes
}
