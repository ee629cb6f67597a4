package bittorrent

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// rawPeer is a hand-driven peer for misbehaviour tests.
type rawPeer struct {
	conn net.Conn
	mr   *MessageReader
}

func dialRaw(t *testing.T, addr netip.AddrPort, ih InfoHash, fast bool) *rawPeer {
	t.Helper()
	conn, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	h := Handshake{InfoHash: ih, PeerID: NewPeerID()}
	if fast {
		h.Reserved.Set(ReservedFast)
	}
	conn.Write(AppendHandshake(nil, h))
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := ReadHandshake(conn); err != nil {
		t.Fatal(err)
	}
	return &rawPeer{conn: conn, mr: NewMessageReader(conn)}
}

// drain reads messages until the connection ends and returns their types.
func (p *rawPeer) drain() ([]MessageType, error) {
	var types []MessageType
	for {
		m, err := p.mr.ReadMessage()
		if err != nil {
			return types, err
		}
		if !m.KeepAlive {
			types = append(types, m.Type)
		}
	}
}

func TestMaliciousOversizedMessage(t *testing.T) {
	dir, mi, _ := testTorrent(t, 100<<10, 16<<10)
	banned := make(chan error, 10)
	seeder := fastClient(t, func(c *Client) {
		c.OnEvent = func(e Event) {
			if e.Type == EventPeerBanned {
				banned <- e.Err
			}
		}
	})
	if _, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: dir}); err != nil {
		t.Fatal(err)
	}
	p := dialRaw(t, addrOf(seeder), mi.InfoHash(), false)
	p.conn.Write([]byte{0x7f, 0xff, 0xff, 0xff, byte(Piece)})
	if _, err := p.drain(); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("connection not closed after an oversized message: %v", err)
	}
	select {
	case err := <-banned:
		if !errors.Is(err, ErrMessageTooLarge) {
			t.Errorf("banned for %v, want ErrMessageTooLarge", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no ban event")
	}
}

func TestMaliciousRequestForMissingPiece(t *testing.T) {
	_, mi, _ := testTorrent(t, 100<<10, 16<<10)
	leecher := fastClient(t, nil)
	if _, err := leecher.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	p := dialRaw(t, addrOf(leecher), mi.InfoHash(), true)
	p.conn.Write(AppendMessage(nil, Message{Type: Interested}))
	p.conn.Write(AppendMessage(nil, Message{Type: Request, Index: 0, Begin: 0, Length: BlockSize}))
	types, err := p.drain()
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("connection not closed after a request for a missing piece")
	}
	for _, ty := range types {
		if ty == Piece {
			t.Fatal("got a PIECE for a piece the peer does not have")
		}
	}
	if len(types) == 0 || types[len(types)-1] != Reject {
		t.Errorf("messages %v: want a final reject (BEP 6)", types)
	}
}

// TestMaliciousCorruptPiece has a peer that answers every request with
// garbage next to an honest seeder: the leecher bans it and completes.
func TestMaliciousCorruptPiece(t *testing.T) {
	seedDir, mi, data := testTorrent(t, 256<<10, 16<<10)
	seeder := fastClient(t, func(c *Client) { c.PeerUploadRate = 512 << 10 })
	if _, err := seeder.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: seedDir}); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var served sync.WaitGroup
	served.Add(1)
	go func() {
		defer served.Done()
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		if _, err := ReadHandshake(conn); err != nil {
			return
		}
		conn.Write(AppendHandshake(nil, Handshake{InfoHash: mi.InfoHash(), PeerID: NewPeerID()}))
		all := NewBitset(mi.Info.NumPieces())
		all.SetAll()
		conn.Write(AppendMessage(nil, Message{Type: Bitfield, Bitfield: all.Bytes()}))
		conn.Write(AppendMessage(nil, Message{Type: Unchoke}))
		mr := NewMessageReader(conn)
		for {
			m, err := mr.ReadMessage()
			if err != nil {
				return
			}
			if m.Type == Request {
				junk := make([]byte, m.Length)
				for i := range junk {
					junk[i] = 0xAA
				}
				if _, err := conn.Write(AppendMessage(nil, Message{Type: Piece, Index: m.Index, Begin: m.Begin, Block: junk})); err != nil {
					return
				}
			}
		}
	}()
	bad := netip.MustParseAddrPort(l.Addr().String())
	var mu sync.Mutex
	var bannedAddrs []netip.AddrPort
	failed := 0
	banned := make(chan struct{}, 1)
	dir := t.TempDir()
	leecher := fastClient(t, func(c *Client) {
		c.OnEvent = func(e Event) {
			mu.Lock()
			defer mu.Unlock()
			switch e.Type {
			case EventPeerBanned:
				bannedAddrs = append(bannedAddrs, e.Peer.Addr)
				select {
				case banned <- struct{}{}:
				default:
				}
			case EventPieceFailed:
				failed++
			}
		}
	})
	// First the corrupt peer alone: its pieces fail and it is banned.
	tor, err := leecher.Add(context.Background(), TorrentSpec{MetaInfo: mi, Dir: dir, Peers: []netip.AddrPort{bad}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-banned:
	case <-time.After(20 * time.Second):
		t.Fatal("corrupt peer not banned")
	}
	served.Wait() // the bad peer's connection was closed
	if s := tor.Stats(); s.PiecesDone != 0 {
		t.Errorf("%d pieces verified from a peer that sends only garbage", s.PiecesDone)
	}
	// Then the honest seeder: the download completes with the right data,
	// and the banned peer is not dialled again.
	tor.AddPeers(addrOf(seeder), bad)
	waitDone(t, tor, 30*time.Second)
	checkFile(t, filepath.Join(dir, "payload.bin"), data)
	mu.Lock()
	defer mu.Unlock()
	if failed == 0 || len(bannedAddrs) != 1 || bannedAddrs[0] != bad {
		t.Errorf("failed pieces %d, banned %v; want the corrupt peer %v banned once", failed, bannedAddrs, bad)
	}
}
