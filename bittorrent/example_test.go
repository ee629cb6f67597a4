package bittorrent_test

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"testing/fstest"

	"github.com/applayer/applayer/bittorrent"
)

func ExampleNewInfo() {
	fsys := fstest.MapFS{"hello.txt": {Data: []byte("hello, swarm\n")}}
	info, err := bittorrent.NewInfo(context.Background(), fsys, "hello.txt", 16<<10)
	if err != nil {
		panic(err)
	}
	mi, err := bittorrent.NewMetaInfo(*info, []string{"http://127.0.0.1:6969/announce"})
	if err != nil {
		panic(err)
	}
	fmt.Println(info.NumPieces(), "piece of", info.PieceLength, "bytes")
	fmt.Println(mi.Magnet())
	// Output:
	// 1 piece of 16384 bytes
	// magnet:?xt=urn:btih:5a8035fd92a70ee98b1bd04121672a133c7eda1a&dn=hello.txt&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce
}

func ExampleParseMagnet() {
	m, err := bittorrent.ParseMagnet("magnet:?xt=urn:btih:B3KA3TKZ2IY4YIRDWZTSZX3WZO7KYMFE&dn=payload.bin&tr=udp%3A%2F%2F127.0.0.1%3A6969")
	if err != nil {
		panic(err)
	}
	fmt.Println(m.InfoHash, m.Name, m.Trackers)
	// Output: 0ed40dcd59d231cc2223b6672cdf76cbbeac30a4 payload.bin [udp://127.0.0.1:6969]
}

func ExampleAppendMessage() {
	b := bittorrent.AppendMessage(nil, bittorrent.Message{Type: bittorrent.Request, Index: 0, Begin: 0, Length: bittorrent.BlockSize})
	fmt.Printf("% x\n", b)
	m, _ := bittorrent.ParseMessage(b[4:])
	fmt.Println(m)
	// Output:
	// 00 00 00 0d 06 00 00 00 00 00 00 00 00 00 00 40 00
	// request 0+0:16384
}

// Example_swarm seeds a file from one client and downloads it with
// another on loopback.
func Example_swarm() {
	dir, _ := os.MkdirTemp("", "example-swarm")
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, "seed"), 0o755)
	os.WriteFile(filepath.Join(dir, "seed", "notes.txt"), []byte("pieces travel peer to peer\n"), 0o644)
	info, _ := bittorrent.NewInfo(context.Background(), os.DirFS(filepath.Join(dir, "seed")), "notes.txt", 0)
	mi, _ := bittorrent.NewMetaInfo(*info)

	seeder := &bittorrent.Client{}
	seeder.Listen("127.0.0.1:0")
	defer seeder.Close()
	seeder.Add(context.Background(), bittorrent.TorrentSpec{MetaInfo: mi, Dir: filepath.Join(dir, "seed")})

	leecher := &bittorrent.Client{}
	leecher.Listen("127.0.0.1:0")
	defer leecher.Close()
	t, _ := leecher.Add(context.Background(), bittorrent.TorrentSpec{MetaInfo: mi, Dir: filepath.Join(dir, "get"),
		Peers: []netip.AddrPort{netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), seeder.Port())}})
	<-t.Done()
	b, _ := os.ReadFile(filepath.Join(dir, "get", "notes.txt"))
	fmt.Print(string(b))
	// Output: pieces travel peer to peer
}
