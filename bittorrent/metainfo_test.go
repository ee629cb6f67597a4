package bittorrent

import (
	"bytes"
	"context"
	"crypto/sha1"
	"errors"
	"github.com/applayer/applayer/internal/interop"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestNewInfoSingleAndMulti(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 5000) // 80000 bytes
	fsys := fstest.MapFS{
		"one.bin":       {Data: data},
		"dir/a.txt":     {Data: data[:100]},
		"dir/sub/b.txt": {Data: data[:40000]},
	}
	ctx := context.Background()
	info, err := NewInfo(ctx, fsys, "one.bin", 32<<10)
	if err != nil {
		t.Fatal(err)
	}
	if info.NumPieces() != 3 || info.PieceLen(2) != 80000-65536 || info.PieceHash(0) != sha1.Sum(data[:32<<10]) {
		t.Errorf("single-file pieces wrong: n=%d last=%d", info.NumPieces(), info.PieceLen(2))
	}
	multi, err := NewInfo(ctx, fsys, "dir", 16<<10)
	if err != nil {
		t.Fatal(err)
	}
	want := []File{
		{Path: []string{"dir", "a.txt"}, Length: 100},
		{Path: []string{"dir", "sub", "b.txt"}, Length: 40000, Offset: 100},
	}
	if diff := cmp.Diff(want, multi.Layout()); diff != "" {
		t.Errorf("Layout mismatch (-want +got):\n%s", diff)
	}
	stream := append(append([]byte{}, data[:100]...), data[:40000]...)
	if multi.PieceHash(1) != sha1.Sum(stream[16<<10:32<<10]) {
		t.Error("multi-file piece 1 hash does not span files correctly")
	}
	mi, err := NewMetaInfo(*multi, []string{"http://a/announce"}, []string{"udp://b:1/announce", "http://c/announce"})
	if err != nil {
		t.Fatal(err)
	}
	mi.URLList = URLList{"http://seed/"}
	b, err := mi.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseMetaInfo(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(mi, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("metainfo round trip (-want +got):\n%s", diff)
	}
	if got.InfoHash() != mi.InfoHash() || len(got.Trackers()) != 2 {
		t.Errorf("info-hash or tiers changed")
	}
}

func TestPieceLengthFor(t *testing.T) {
	for _, tt := range []struct{ total, want int64 }{
		{0, 16 << 10}, {4 << 20, 16 << 10}, {400 << 20, 512 << 10}, {1 << 30, 1 << 20}, {1 << 50, 16 << 20},
	} {
		if got := PieceLengthFor(tt.total); got != tt.want {
			t.Errorf("PieceLengthFor(%d) = %d, want %d", tt.total, got, tt.want)
		}
	}
}

func TestParseMetaInfoInvalid(t *testing.T) {
	hash20 := string(bytes.Repeat([]byte{1}, 20))
	tests := []struct{ name, in string }{
		{"not bencode", "hello"},
		{"no info", "d8:announce1:xe"},
		{"dotdot name", "d4:infod6:lengthi1e4:name2:..12:piece lengthi1e6:pieces20:" + hash20 + "ee"},
		{"slash in path", "d4:infod5:filesld6:lengthi1e4:pathl3:a/beee4:name1:x12:piece lengthi1e6:pieces20:" + hash20 + "ee"},
		{"wrong piece count", "d4:infod6:lengthi2e4:name1:x12:piece lengthi1e6:pieces20:" + hash20 + "ee"},
		{"zero piece length", "d4:infod6:lengthi1e4:name1:x12:piece lengthi0e6:pieces20:" + hash20 + "ee"},
		{"bad pieces length", "d4:infod6:lengthi1e4:name1:x12:piece lengthi1e6:pieces3:abcee"},
	}
	for _, tt := range tests {
		if _, err := ParseMetaInfo([]byte(tt.in)); !errors.Is(err, ErrInvalidMetaInfo) {
			t.Errorf("%s: ParseMetaInfo = %v, want ErrInvalidMetaInfo", tt.name, err)
		}
	}
}

func TestURLListString(t *testing.T) {
	hash20 := string(bytes.Repeat([]byte{1}, 20))
	mi, err := ParseMetaInfo([]byte("d4:infod6:lengthi1e4:name1:x12:piece lengthi1e6:pieces20:" + hash20 + "e8:url-list13:http://seed/xe"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(URLList{"http://seed/x"}, mi.URLList); diff != "" {
		t.Error(diff)
	}
}

func TestMagnet(t *testing.T) {
	h, _ := ParseInfoHash("0ed40dcd59d231cc2223b6672cdf76cbbeac30a4")
	tests := []struct {
		in   string
		want Magnet
	}{
		{"magnet:?xt=urn:btih:0ed40dcd59d231cc2223b6672cdf76cbbeac30a4&dn=payload.bin&tr=http%3A%2F%2F127.0.0.1%3A31969%2Fannounce",
			Magnet{InfoHash: h, Name: "payload.bin", Trackers: []string{"http://127.0.0.1:31969/announce"}}},
		{"magnet:?xt=urn:btih:B3KA3TKZ2IY4YIRDWZTSZX3WZO7KYMFE&tr=udp://a:1&tr=http://b/&x.pe=127.0.0.1:6881",
			Magnet{InfoHash: h, Trackers: []string{"udp://a:1", "http://b/"}, Peers: []string{"127.0.0.1:6881"}}},
		{"magnet:?xt=urn:btih:b3ka3tkz2iy4yirdwztszx3wzo7kymfe", Magnet{InfoHash: h}},
	}
	for _, tt := range tests {
		got, err := ParseMagnet(tt.in)
		if err != nil {
			t.Fatalf("ParseMagnet(%q): %v", tt.in, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseMagnet(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
		again, err := ParseMagnet(got.String())
		if err != nil || !cmp.Equal(got, again) {
			t.Errorf("ParseMagnet(%q.String()) = %+v, %v", got, again, err)
		}
	}
	for _, bad := range []string{"http://x/", "magnet:?dn=x", "magnet:?xt=urn:btih:zz", "magnet:?xt=urn:btih:" + string(bytes.Repeat([]byte("0"), 39))} {
		if _, err := ParseMagnet(bad); !errors.Is(err, ErrInvalidMagnet) {
			t.Errorf("ParseMagnet(%q) = %v, want ErrInvalidMagnet", bad, err)
		}
	}
}

// TestMktorrentInterop checks that our info-hash equals the one of a
// torrent made by mktorrent for the same file and piece length.
func TestMktorrentInterop(t *testing.T) {
	bin := interop.Require(t, "mktorrent")
	dir := t.TempDir()
	data := bytes.Repeat([]byte("applayer"), 40000)
	if err := os.WriteFile(filepath.Join(dir, "f.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "f.torrent")
	cmd := exec.Command(bin, "-a", "http://127.0.0.1:1/announce", "-l", "16", "-o", out, filepath.Join(dir, "f.bin"))
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mktorrent: %v\n%s", err, b)
	}
	raw, _ := os.ReadFile(out)
	theirs, err := ParseMetaInfo(raw)
	if err != nil {
		t.Fatal(err)
	}
	info, err := NewInfo(context.Background(), os.DirFS(dir), "f.bin", 64<<10)
	if err != nil {
		t.Fatal(err)
	}
	ours, _ := NewMetaInfo(*info, []string{"http://127.0.0.1:1/announce"})
	if ours.InfoHash() != theirs.InfoHash() {
		t.Errorf("info-hash ours %v, mktorrent %v", ours.InfoHash(), theirs.InfoHash())
	}
}
