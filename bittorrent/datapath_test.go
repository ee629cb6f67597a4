package bittorrent

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// TestPickerClaim checks the claim that lets a block be read straight
// into its piece's buffer: one claim per block at a time, a copy from
// another peer refused meanwhile, and a given-up claim leaving the block
// wanted.
func TestPickerClaim(t *testing.T) {
	pk, all := seededPicker(1, 1, 1)
	bls := pk.pick(all, 2, func(block) bool { return false })
	if len(bls) != 2 {
		t.Fatalf("picked %v", bls)
	}
	first := pk.claim(bls[0])
	if len(first) != BlockSize {
		t.Fatalf("claim = %d bytes, want %d", len(first), BlockSize)
	}
	if again := pk.claim(bls[0]); again != nil {
		t.Error("a landing block was claimed twice")
	}
	if ok, _ := pk.receive(bls[0], make([]byte, BlockSize), 9); ok {
		t.Error("a copy of a landing block was stored")
	}
	pk.landed(bls[0], 1, false) // the connection failed mid-block
	if first = pk.claim(bls[0]); first == nil {
		t.Fatal("a given-up block cannot be claimed again")
	}
	copy(first, bytes.Repeat([]byte{'a'}, BlockSize))
	if ok, complete := pk.landed(bls[0], 1, true); !ok || complete {
		t.Errorf("landed = %v, %v; want recorded, not complete", ok, complete)
	}
	if pk.claim(bls[0]) != nil {
		t.Error("a received block was claimed")
	}
	if ok, complete := pk.receive(bls[1], bytes.Repeat([]byte{'b'}, BlockSize), 2); !ok || !complete {
		t.Errorf("receive = %v, %v; want recorded, complete", ok, complete)
	}
	want := append(bytes.Repeat([]byte{'a'}, BlockSize), bytes.Repeat([]byte{'b'}, BlockSize)...)
	if !bytes.Equal(pk.partial[0].data, want) {
		t.Error("the piece buffer does not hold both blocks")
	}
}

// TestFileRange checks which block ranges FileStorage can hand to
// sendfile: those inside one file.
func TestFileRange(t *testing.T) {
	info := &Info{Name: "d", PieceLength: 32 << 10, Files: []FileInfo{
		{Length: 20000, Path: []string{"a"}}, {Length: 0, Path: []string{"empty"}}, {Length: 30000, Path: []string{"b"}},
	}}
	st, err := NewFileStorage(t.TempDir(), info)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tests := []struct {
		off     int64
		n       int
		ok      bool
		fileOff int64
		name    string
	}{
		{0, 16384, true, 0, "a"},
		{16384, 3616, true, 16384, "a"},
		{16384, 16384, false, 0, ""}, // spans a and b
		{20000, 16384, true, 0, "b"},
		{33616, 16384, true, 13616, "b"},
		{49999, 2, false, 0, ""}, // beyond the end
	}
	for _, tt := range tests {
		f, fo, ok := st.fileRange(tt.off, tt.n)
		if ok != tt.ok || fo != tt.fileOff || ok && filepath.Base(f.Name()) != tt.name {
			t.Errorf("fileRange(%d, %d) = %v, %d, %v; want %s, %d, %v", tt.off, tt.n, f, fo, ok, tt.name, tt.fileOff, tt.ok)
		}
	}
}

// TestWriteBatch sends blocks of a two-file torrent over loopback TCP,
// once through the splice pipe (with a block that spans the files and so
// is copied, and more blocks than the pipe holds, so it drains midway)
// and once by copying every block, and reads them back.
func TestWriteBatch(t *testing.T) {
	dir := t.TempDir()
	const lenA, lenB = 20000, 3 << 20
	content := make([]byte, lenA+lenB)
	for i := range content {
		content[i] = byte(i * 7)
	}
	info := &Info{Name: "d", PieceLength: 32 << 10, Files: []FileInfo{
		{Length: lenA, Path: []string{"a"}}, {Length: lenB, Path: []string{"b"}},
	}}
	if err := os.MkdirAll(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, part := range map[string][]byte{"a": content[:lenA], "b": content[lenA:]} {
		if err := os.WriteFile(filepath.Join(dir, "d", name), part, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st, err := NewFileStorage(dir, info)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var reqs []block
	for off := 0; off < len(content); off += BlockSize {
		reqs = append(reqs, block{uint32(off / (32 << 10)), uint32(off % (32 << 10)), uint32(min(BlockSize, len(content)-off))})
	}
	for _, spliced := range []bool{true, false} {
		pc, client, fr, bp := batchWriter(t, st, spliced)
		done := make(chan error, 1)
		go func() {
			_, sent, err := pc.writeBatch(AppendMessage(nil, Message{Type: Unchoke}), reqs, st, fr, bp, info.PieceLength)
			if err == nil && sent != int64(len(content)) {
				err = fmt.Errorf("sent %d block bytes, want %d", sent, len(content))
			}
			done <- err
		}()
		mr := NewMessageReader(client)
		if m, err := mr.ReadMessage(); err != nil || m.Type != Unchoke {
			t.Fatalf("spliced %v: first message %v, %v; want unchoke", spliced, m.Type, err)
		}
		for _, bl := range reqs {
			m, err := mr.ReadMessage()
			if err != nil {
				t.Fatalf("spliced %v: %v", spliced, err)
			}
			off := int64(bl.piece)*info.PieceLength + int64(bl.begin)
			if m.Type != Piece || m.Index != bl.piece || m.Begin != bl.begin || !bytes.Equal(m.Block, content[off:off+int64(bl.length)]) {
				t.Fatalf("spliced %v: got %v %d/%d (%d bytes), want block %v with its bytes", spliced, m.Type, m.Index, m.Begin, len(m.Block), bl)
			}
		}
		if err := <-done; err != nil {
			t.Errorf("spliced %v: writeBatch: %v", spliced, err)
		}
	}
}

// batchWriter connects two ends over loopback TCP and returns the
// server's as a peer connection that can write batches, the client's, and
// with spliced (where the system has it) a block pipe on the server's end
// with st to find the blocks' files. Everything is closed at the end of
// the test.
func batchWriter(t *testing.T, st *FileStorage, spliced bool) (pc *peerConn, client net.Conn, fr fileRanger, bp *blockPipe) {
	client, server := tcpPair(t)
	pc = &peerConn{t: &Torrent{ctx: context.Background(), c: &Client{}}, conn: server}
	if !spliced {
		return pc, client, nil, nil
	}
	var pool pipePool
	var err error
	if bp, err = pool.get(server); err != nil {
		if runtime.GOOS == "linux" {
			t.Fatalf("no pipe for a TCP connection: %v", err)
		}
		t.Logf("no splice pipe on %s: %v", runtime.GOOS, err)
		return pc, client, nil, nil
	}
	t.Cleanup(func() {
		pool.put(bp)
		pool.close()
	})
	return pc, client, st, bp
}

// TestPickerEndgameClaims checks that endgame stops reads straight into
// place (a fast peer's copy must be able to overtake a slow one's) and
// does not ask a second peer for a block already arriving.
func TestPickerEndgameClaims(t *testing.T) {
	pk, all := seededPicker(1, 2, 3)
	fromA := pk.pick(all, 2, func(block) bool { return false })
	if len(fromA) != 2 {
		t.Fatalf("peer A got %v", fromA)
	}
	if pk.claim(fromA[0]) == nil {
		t.Fatal("no claim before endgame")
	}
	fromB := pk.pick(all, 2, func(block) bool { return false })
	if diff := cmp.Diff([]block{fromA[1]}, fromB, cmp.AllowUnexported(block{})); diff != "" {
		t.Errorf("endgame duplicates (-want +got):\n%s", diff)
	}
	if pk.claim(fromA[1]) != nil {
		t.Error("a block was claimed in endgame")
	}
	if ok, _ := pk.receive(fromA[1], make([]byte, BlockSize), 2); !ok {
		t.Error("a copy was refused in endgame")
	}
	if ok, complete := pk.landed(fromA[0], 1, true); !ok || !complete {
		t.Errorf("landed = %v, %v; want the piece complete", ok, complete)
	}
}

// TestBlockDestRate checks that only a fast peer's blocks are read
// straight into place: a slow peer's block would close its place to
// faster copies for as long as it trickles in.
func TestBlockDestRate(t *testing.T) {
	pk, all := seededPicker(1, 1, 5)
	tor := &Torrent{pk: pk}
	bls := tor.pk.pick(all, 2, func(block) bool { return false })
	pc := &peerConn{t: tor, requests: map[block]time.Time{bls[0]: {}, bls[1]: {}}}
	pc.dnRate = directReadRate / 2
	if pc.blockDest(bls[0].piece, bls[0].begin, int(bls[0].length)) != nil {
		t.Error("a slow peer's block is read into place")
	}
	pc.dnRate = directReadRate
	if pc.blockDest(bls[1].piece, bls[1].begin, int(bls[1].length)) == nil {
		t.Error("a fast peer's block is not read into place")
	}
}

// TestPropChooseRarest checks choose against its definition after any
// history of peers' bitfields arriving and leaving, HAVEs, pieces started
// and completed: the piece is one the peer has and we neither have nor
// started, with the lowest availability among those; -1 only when there
// is none. The availability levels stay a partition of the pieces.
func TestPropChooseRarest(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "pieces")
		pk := newPicker(testInfo(n, BlockSize), NewBitset(n), rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 1)))
		pk.randomFirst = 0
		bitset := func(label string) Bitset {
			s := NewBitset(n)
			for _, i := range rapid.SliceOf(rapid.IntRange(0, n-1)).Draw(t, label) {
				s.Set(i)
			}
			return s
		}
		var peers []Bitset
		for range rapid.IntRange(1, 30).Draw(t, "steps") {
			switch rapid.IntRange(0, 4).Draw(t, "op") {
			case 0: // a peer's bitfield arrives
				s := bitset("bitfield")
				peers = append(peers, s)
				pk.addAvail(s, 1)
			case 1: // a peer leaves
				if len(peers) > 0 {
					k := rapid.IntRange(0, len(peers)-1).Draw(t, "leaver")
					pk.addAvail(peers[k], -1)
					peers = slices.Delete(peers, k, k+1)
				}
			case 2: // a HAVE
				if len(peers) > 0 {
					k := rapid.IntRange(0, len(peers)-1).Draw(t, "haver")
					i := rapid.IntRange(0, n-1).Draw(t, "have")
					if !peers[k].Has(i) {
						peers[k].Set(i)
						pk.setAvail(i, pk.avail[i]+1)
					}
				}
			case 3: // we complete a piece
				pk.have.Set(rapid.IntRange(0, n-1).Draw(t, "completed"))
			case 4: // choose for a peer, and start the piece
				has := bitset("has")
				got := pk.choose(has)
				best := -1
				for i := range n {
					if has.Has(i) && !pk.have.Has(i) && !pk.started.Has(i) && (best < 0 || pk.avail[i] < pk.avail[best]) {
						best = i
					}
				}
				switch {
				case best < 0 && got != -1:
					t.Fatalf("chose %d with no candidate", got)
				case best >= 0 && (got < 0 || !has.Has(got) || pk.have.Has(got) || pk.started.Has(got) || pk.avail[got] != pk.avail[best]):
					t.Fatalf("chose %d, want a piece of availability %d like %d", got, pk.avail[best], best)
				case got >= 0:
					pk.start(got)
				}
			}
			for i := range n {
				want := 0
				for _, s := range peers {
					if s.Has(i) {
						want++
					}
				}
				if pk.avail[i] != want {
					t.Fatalf("piece %d: availability %d, want %d", i, pk.avail[i], want)
				}
				for a, level := range pk.levels {
					if level.Has(i) != (a == want) {
						t.Fatalf("piece %d of availability %d: level %d says %v", i, want, a, level.Has(i))
					}
				}
			}
		}
	})
}

// TestWriteBatchShortFile checks that a file shorter than the torrent says
// (truncated behind the seeder's back) fails the batch with an error
// instead of sending a short block or hanging, with and without the pipe.
func TestWriteBatchShortFile(t *testing.T) {
	dir := t.TempDir()
	info := &Info{Name: "f", PieceLength: 32 << 10, Length: 64 << 10}
	if err := os.WriteFile(filepath.Join(dir, "f"), make([]byte, 40<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := NewFileStorage(dir, info)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reqs := []block{{1, 0, BlockSize}, {1, BlockSize, BlockSize}} // the second lies past 40 KiB
	for _, spliced := range []bool{true, false} {
		pc, client, fr, bp := batchWriter(t, st, spliced)
		go io.Copy(io.Discard, client)
		if _, _, err := pc.writeBatch(nil, reqs, st, fr, bp, info.PieceLength); err == nil {
			t.Errorf("spliced %v: a block past the end of the file was sent", spliced)
		}
	}
}

// tcpPair returns the two ends of a loopback TCP connection, closed at
// the end of the test.
func tcpPair(t *testing.T) (client, server net.Conn) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	client, err = net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	server, err = l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })
	return client, server
}
