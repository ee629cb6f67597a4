package bittorrent

import (
	"crypto/sha1"
	"net/netip"
	"time"

	"github.com/applayer/applayer/bittorrent/bencode"
)

// metadataRetry is how long a ut_metadata request may go unanswered before
// the piece is asked of another peer.
const metadataRetry = 5 * time.Second

// metadataFetch assembles the info dictionary of a magnet link from
// ut_metadata pieces (BEP 9).
type metadataFetch struct {
	size int
	buf  []byte
	got  []bool
}

func (f *metadataFetch) pieces() int { return (f.size + MetadataPieceSize - 1) / MetadataPieceSize }

// onExtended handles an extension-protocol message. Called with t.mu held.
func (pc *peerConn) onExtended(m Message) error {
	t := pc.t
	switch m.ExtendedID {
	case ExtHandshakeID:
		h, err := ParseExtHandshake(m.Payload)
		if err != nil {
			return err
		}
		pc.extIDs = h.M
		if h.Port > 0 && h.Port < 1<<16 {
			pc.listenPort = uint16(h.Port)
		}
		if h.Reqq > 0 {
			pc.reqq = h.Reqq
		}
		if t.info == nil && h.M[ExtMetadata] > 0 && h.MetadataSize > 0 && h.MetadataSize <= MaxMetadataSize {
			if t.meta == nil {
				n := (h.MetadataSize + MetadataPieceSize - 1) / MetadataPieceSize
				t.meta = &metadataFetch{size: h.MetadataSize, buf: make([]byte, h.MetadataSize), got: make([]bool, n)}
			}
			t.requestMetadata(pc)
		}
	case ourExtMetadata:
		mm, err := ParseMetadataMsg(m.Payload)
		if err != nil {
			return err
		}
		return pc.onMetadata(mm)
	case ourExtPEX:
		if t.c.DisablePEX || (t.info != nil && t.info.Private != 0) {
			return nil
		}
		_, added, err := ParsePEXMsg(m.Payload)
		if err != nil {
			return err
		}
		t.addCandidates(added)
		t.connectMore()
	}
	return nil
}

// requestMetadata asks pc for the metadata pieces nobody is sending. Called
// with t.mu held.
func (t *Torrent) requestMetadata(pc *peerConn) {
	id := pc.extIDs[ExtMetadata]
	if t.meta == nil || t.info != nil || id <= 0 {
		return
	}
	now := time.Now()
	for i, got := range t.meta.got {
		if got || now.Sub(pc.metaRequested[i]) < metadataRetry {
			continue
		}
		pc.metaRequested[i] = now
		pc.queue(Message{Type: Extended, ExtendedID: uint8(id),
			Payload: AppendMetadataMsg(nil, MetadataMsg{Type: MetadataRequest, Piece: i})})
	}
}

// onMetadata serves or stores ut_metadata pieces. Called with t.mu held.
func (pc *peerConn) onMetadata(mm MetadataMsg) error {
	t := pc.t
	id := pc.extIDs[ExtMetadata]
	switch mm.Type {
	case MetadataRequest:
		if id <= 0 {
			return nil
		}
		reply := MetadataMsg{Type: MetadataReject, Piece: mm.Piece}
		if t.info != nil && mm.Piece*MetadataPieceSize < len(t.infoBytes) {
			start := mm.Piece * MetadataPieceSize
			end := min(start+MetadataPieceSize, len(t.infoBytes))
			reply = MetadataMsg{Type: MetadataData, Piece: mm.Piece, TotalSize: len(t.infoBytes), Data: t.infoBytes[start:end]}
		}
		pc.queue(Message{Type: Extended, ExtendedID: uint8(id), Payload: AppendMetadataMsg(nil, reply)})
	case MetadataData:
		f := t.meta
		if f == nil || t.info != nil || mm.Piece >= len(f.got) || f.got[mm.Piece] || mm.TotalSize != f.size {
			return nil
		}
		start := mm.Piece * MetadataPieceSize
		want := min(MetadataPieceSize, f.size-start)
		if len(mm.Data) != want {
			return protoErr("ut_metadata piece %d of %d bytes, want %d", mm.Piece, len(mm.Data), want)
		}
		copy(f.buf[start:], mm.Data)
		f.got[mm.Piece] = true
		for _, g := range f.got {
			if !g {
				return nil
			}
		}
		t.gotMetadata(pc)
	case MetadataReject:
		delete(pc.metaRequested, mm.Piece)
	}
	return nil
}

// gotMetadata checks the assembled info dictionary against the info-hash
// and, if it matches, starts downloading. Called with t.mu held.
func (t *Torrent) gotMetadata(from *peerConn) {
	f := t.meta
	t.meta = nil
	if sha1.Sum(f.buf) != t.infoHash {
		t.ban(from, protoErr("metadata does not match the info-hash"))
		return
	}
	info, err := ParseInfo(f.buf)
	if err == nil {
		err = t.setInfo(t.ctx, info, f.buf)
	}
	if err != nil {
		t.c.logger().Error("bittorrent: metadata", "infohash", t.infoHash, "err", err)
		return
	}
	n := info.NumPieces()
	for _, pc := range t.peers {
		pc.has = NewBitset(n)
		switch {
		case pc.rawAll:
			pc.has.SetAll()
		case pc.rawBitfield != nil:
			bs, err := ParseBitfield(pc.rawBitfield, n)
			if err != nil {
				pc.closeLocked(err)
				continue
			}
			pc.has = bs
		}
		for _, i := range pc.rawHave {
			pc.has.Set(int(i))
		}
		pc.rawBitfield, pc.rawHave = nil, nil
		t.pk.addAvail(pc.has, 1)
		t.updateInterest(pc)
		t.fillRequests(pc)
	}
	t.emit(Event{Type: EventMetadata})
}

// sendPEX tells pc about peers connected since the last message (BEP 11).
// Called with t.mu held.
func (t *Torrent) sendPEX(pc *peerConn) {
	id := pc.extIDs[ExtPEX]
	if id <= 0 || t.c.DisablePEX || (t.info != nil && t.info.Private != 0) {
		return
	}
	current := map[netip.AddrPort]bool{}
	for _, other := range t.peers {
		if other != pc && (other.outgoing || other.listenPort != 0) {
			current[other.listenAddr()] = true
		}
	}
	var added, dropped []netip.AddrPort
	for ap := range current {
		if !pc.pexSent[ap] && len(added) < 50 {
			added = append(added, ap)
			pc.pexSent[ap] = true
		}
	}
	for ap := range pc.pexSent {
		if !current[ap] && len(dropped) < 50 {
			dropped = append(dropped, ap)
			delete(pc.pexSent, ap)
		}
	}
	if len(added)+len(dropped) == 0 {
		return
	}
	payload, _ := bencode.Marshal(NewPEXMsg(added, dropped))
	pc.queue(Message{Type: Extended, ExtendedID: uint8(id), Payload: payload})
}
