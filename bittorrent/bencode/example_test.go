package bencode_test

import (
	"crypto/sha1"
	"fmt"

	"github.com/applayer/applayer/bittorrent/bencode"
)

func ExampleMarshal() {
	type announce struct {
		Interval int    `bencode:"interval"`
		Peers    []byte `bencode:"peers"`
		Warning  string `bencode:"warning message,omitempty"`
	}
	b, err := bencode.Marshal(announce{Interval: 1800, Peers: []byte{127, 0, 0, 1, 0x1a, 0xe1}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%q\n", b)
	// Output: "d8:intervali1800e5:peers6:\x7f\x00\x00\x01\x1a\xe1e"
}

func ExampleRawMessage() {
	// The info dictionary's keys are out of order; the info-hash must still
	// be taken over the bytes as written.
	torrent := []byte("d8:announce9:http://x/4:infod4:name1:a6:lengthi1eee")
	var mi struct {
		Announce string             `bencode:"announce"`
		Info     bencode.RawMessage `bencode:"info"`
	}
	if err := bencode.Unmarshal(torrent, &mi); err != nil {
		panic(err)
	}
	fmt.Printf("%s\n%x\n", mi.Info, sha1.Sum(mi.Info))
	// Output:
	// d4:name1:a6:lengthi1ee
	// 85a3a9249062df75b75ada08228c85924add19df
}

func ExampleDecoder_Strict() {
	d := bencode.Decoder{Strict: true}
	var v any
	err := d.Unmarshal([]byte("d1:bi1e1:ai2ee"), &v)
	fmt.Println(err)
	// Output: bencode: non-canonical encoding at offset 7: key "a" out of order
}
