package bittorrent

import (
	"bytes"
	"context"
	"net/netip"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAllowedFastSetBEP6 is the example of BEP 6: 1313 pieces, info-hash
// of 0xAA bytes, peer 80.4.4.200.
func TestAllowedFastSetBEP6(t *testing.T) {
	var ih InfoHash
	copy(ih[:], bytes.Repeat([]byte{0xaa}, 20))
	ip := netip.MustParseAddr("80.4.4.200")
	if diff := cmp.Diff([]uint32{1059, 431, 808, 1217, 287, 376, 1188}, AllowedFastSet(ip, ih, 1313, 7)); diff != "" {
		t.Errorf("k=7 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]uint32{1059, 431, 808, 1217, 287, 376, 1188, 353, 508}, AllowedFastSet(ip, ih, 1313, 9)); diff != "" {
		t.Errorf("k=9 (-want +got):\n%s", diff)
	}
	if AllowedFastSet(netip.MustParseAddr("::1"), ih, 1313, 7) != nil {
		t.Error("IPv6 has no allowed-fast set")
	}
}

// TestAllowedFastWhileChoked: a choked Fast peer gets blocks of the pieces
// the seeder allowed fast, and a REJECT for others.
func TestAllowedFastWhileChoked(t *testing.T) {
	dir, mi, data := testTorrent(t, 64*16<<10, 16<<10) // 64 pieces
	seeder := fastClient(t, nil)
	if _, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: dir}); err != nil {
		t.Fatal(err)
	}
	p := dialRaw(t, addrOf(seeder), mi.InfoHash(), true)
	want := AllowedFastSet(netip.MustParseAddr("127.0.0.1"), mi.InfoHash(), 64, AllowedFastSetSize)
	var allowed []uint32
	for len(allowed) < len(want) {
		m, err := p.mr.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if m.Type == AllowedFast {
			allowed = append(allowed, m.Index)
		}
	}
	if diff := cmp.Diff(want, allowed); diff != "" {
		t.Fatalf("allowed fast (-want +got):\n%s", diff)
	}
	other := uint32(0)
	for slices.Contains(allowed, other) {
		other++
	}
	// Not interested, so never unchoked: both requests arrive while choked.
	p.conn.Write(AppendMessage(nil, Message{Type: Request, Index: other, Begin: 0, Length: BlockSize}))
	p.conn.Write(AppendMessage(nil, Message{Type: Request, Index: allowed[0], Begin: 0, Length: BlockSize}))
	gotReject, gotPiece := false, false
	for !gotReject || !gotPiece {
		m, err := p.mr.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case m.Type == Reject && m.Index == other:
			gotReject = true
		case m.Type == Piece && m.Index == allowed[0]:
			off := int(allowed[0]) * 16 << 10
			if !bytes.Equal(m.Block, data[off:off+BlockSize]) {
				t.Fatal("allowed-fast block has wrong data")
			}
			gotPiece = true
		case m.Type == Piece || m.Type == Unchoke:
			t.Fatalf("unexpected %v", m)
		}
	}
}
