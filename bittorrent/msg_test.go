package bittorrent

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"

	"github.com/applayer/applayer/bittorrent/bencode"
)

func bencodeMarshal(v any) ([]byte, error) { return bencode.Marshal(v) }

var msgTests = []struct {
	name string
	m    Message
	wire string
}{
	{"keep-alive", Message{KeepAlive: true}, "\x00\x00\x00\x00"},
	{"choke", Message{Type: Choke}, "\x00\x00\x00\x01\x00"},
	{"unchoke", Message{Type: Unchoke}, "\x00\x00\x00\x01\x01"},
	{"interested", Message{Type: Interested}, "\x00\x00\x00\x01\x02"},
	{"not interested", Message{Type: NotInterested}, "\x00\x00\x00\x01\x03"},
	{"have", Message{Type: Have, Index: 258}, "\x00\x00\x00\x05\x04\x00\x00\x01\x02"},
	{"bitfield", Message{Type: Bitfield, Bitfield: []byte{0xf0}}, "\x00\x00\x00\x02\x05\xf0"},
	{"request", Message{Type: Request, Index: 1, Begin: 16384, Length: 16384}, "\x00\x00\x00\x0d\x06\x00\x00\x00\x01\x00\x00\x40\x00\x00\x00\x40\x00"},
	{"piece", Message{Type: Piece, Index: 1, Begin: 2, Block: []byte("abc")}, "\x00\x00\x00\x0c\x07\x00\x00\x00\x01\x00\x00\x00\x02abc"},
	{"cancel", Message{Type: Cancel, Index: 1, Begin: 0, Length: 16384}, "\x00\x00\x00\x0d\x08\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x40\x00"},
	{"port", Message{Type: Port, Port: 6881}, "\x00\x00\x00\x03\x09\x1a\xe1"},
	{"suggest", Message{Type: Suggest, Index: 3}, "\x00\x00\x00\x05\x0d\x00\x00\x00\x03"},
	{"have all", Message{Type: HaveAll}, "\x00\x00\x00\x01\x0e"},
	{"have none", Message{Type: HaveNone}, "\x00\x00\x00\x01\x0f"},
	{"reject", Message{Type: Reject, Index: 1, Begin: 0, Length: 16384}, "\x00\x00\x00\x0d\x10\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x40\x00"},
	{"allowed fast", Message{Type: AllowedFast, Index: 7}, "\x00\x00\x00\x05\x11\x00\x00\x00\x07"},
	{"extended", Message{Type: Extended, ExtendedID: 0, Payload: []byte("de")}, "\x00\x00\x00\x04\x14\x00de"},
}

func TestMessageWire(t *testing.T) {
	for _, tt := range msgTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AppendMessage(nil, tt.m); string(got) != tt.wire {
				t.Errorf("AppendMessage(%v) = %q, want %q", tt.m, got, tt.wire)
			}
			got, err := NewMessageReader(bytes.NewReader([]byte(tt.wire))).ReadMessage()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.m, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ReadMessage(%q) mismatch (-want +got):\n%s", tt.wire, diff)
			}
		})
	}
}

func TestMessageErrors(t *testing.T) {
	tests := []struct {
		name    string
		wire    string
		max     int
		wantErr error
	}{
		{"oversized", "\x7f\xff\xff\xff\x07", 0, ErrMessageTooLarge},
		{"over small limit", "\x00\x00\x00\x11\x07", 16, ErrMessageTooLarge},
		{"have short", "\x00\x00\x00\x03\x04\x00\x00", 0, ErrBadMessage},
		{"choke with payload", "\x00\x00\x00\x02\x00\x00", 0, ErrBadMessage},
		{"unknown type", "\x00\x00\x00\x01\x63", 0, ErrBadMessage},
		{"piece short", "\x00\x00\x00\x05\x07\x00\x00\x00\x01", 0, ErrBadMessage},
		{"truncated body", "\x00\x00\x00\x05\x04\x00", 0, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		mr := NewMessageReader(bytes.NewReader([]byte(tt.wire)))
		mr.MaxLength = tt.max
		if _, err := mr.ReadMessage(); !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: ReadMessage = %v, want %v", tt.name, err, tt.wantErr)
		}
	}
}

func TestHandshake(t *testing.T) {
	h := Handshake{InfoHash: InfoHash{1, 2, 3}, PeerID: NewPeerID()}
	h.Reserved.Set(ReservedExtended)
	h.Reserved.Set(ReservedFast)
	b := AppendHandshake(nil, h)
	if len(b) != HandshakeLen || b[25] != 0x10 || b[27] != 0x04 {
		t.Fatalf("handshake bytes %x", b)
	}
	got, err := ParseHandshake(b)
	if err != nil || got != h || !got.Reserved.Has(ReservedFast) || got.Reserved.Has(ReservedDHT) {
		t.Errorf("ParseHandshake = %+v, %v", got, err)
	}
	b[1] = 'b'
	if _, err := ParseHandshake(b); !errors.Is(err, ErrBadHandshake) {
		t.Errorf("bad protocol: %v", err)
	}
}

func genMessage() *rapid.Generator[Message] {
	return rapid.Custom(func(t *rapid.T) Message {
		types := []MessageType{Choke, Unchoke, Interested, NotInterested, Have, Bitfield, Request, Piece, Cancel, Port, Suggest, HaveAll, HaveNone, Reject, AllowedFast, Extended}
		m := Message{Type: rapid.SampledFrom(types).Draw(t, "type")}
		switch m.Type {
		case Have, Suggest, AllowedFast:
			m.Index = rapid.Uint32().Draw(t, "index")
		case Request, Cancel, Reject:
			m.Index, m.Begin, m.Length = rapid.Uint32().Draw(t, "i"), rapid.Uint32().Draw(t, "b"), rapid.Uint32().Draw(t, "l")
		case Piece:
			m.Index, m.Begin = rapid.Uint32().Draw(t, "i"), rapid.Uint32().Draw(t, "b")
			m.Block = rapid.SliceOfN(rapid.Byte(), 0, 64).Draw(t, "block")
		case Bitfield:
			m.Bitfield = rapid.SliceOfN(rapid.Byte(), 0, 64).Draw(t, "bits")
		case Port:
			m.Port = rapid.Uint16().Draw(t, "port")
		case Extended:
			m.ExtendedID = rapid.Uint8().Draw(t, "id")
			m.Payload = rapid.SliceOfN(rapid.Byte(), 0, 64).Draw(t, "payload")
		}
		return m
	})
}

func TestPropMessageRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		msgs := rapid.SliceOfN(genMessage(), 1, 8).Draw(t, "msgs")
		var wire []byte
		for _, m := range msgs {
			wire = AppendMessage(wire, m)
		}
		mr := NewMessageReader(bytes.NewReader(wire))
		for i, want := range msgs {
			got, err := mr.ReadMessage()
			if err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("message %d mismatch (-want +got):\n%s", i, diff)
			}
		}
	})
}

func TestExtensionMessages(t *testing.T) {
	h := ExtHandshake{M: map[string]int{ExtMetadata: 1, ExtPEX: 2}, V: "applayer", MetadataSize: 31235, Reqq: 250}
	b, err := bencodeMarshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "d1:md11:ut_metadatai1e6:ut_pexi2ee13:metadata_sizei31235e4:reqqi250e1:v8:applayere" {
		t.Errorf("ext handshake = %q", b)
	}
	got, err := ParseExtHandshake(b)
	if err != nil || !cmp.Equal(h, got) {
		t.Errorf("ParseExtHandshake = %+v, %v", got, err)
	}
	md := MetadataMsg{Type: MetadataData, Piece: 0, TotalSize: 3, Data: []byte("abc")}
	wire := AppendMetadataMsg(nil, md)
	if string(wire) != "d8:msg_typei1e5:piecei0e10:total_sizei3eeabc" {
		t.Errorf("metadata msg = %q", wire)
	}
	if got, err := ParseMetadataMsg(wire); err != nil || !cmp.Equal(md, got) {
		t.Errorf("ParseMetadataMsg = %+v, %v", got, err)
	}
	peers := []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:6881"), netip.MustParseAddrPort("[::1]:6882")}
	pb, _ := bencodeMarshal(NewPEXMsg(peers, nil))
	if _, added, err := ParsePEXMsg(pb); err != nil || !cmp.Equal(peers, added, cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })) {
		t.Errorf("ParsePEXMsg = %v, %v", added, err)
	}
}

func FuzzReadMessage(f *testing.F) {
	for _, tt := range msgTests {
		f.Add([]byte(tt.wire))
	}
	f.Add([]byte("\x00\x00\x01\x00\x07"))
	f.Fuzz(func(t *testing.T, data []byte) {
		mr := NewMessageReader(bytes.NewReader(data))
		mr.MaxLength = 0x100
		for {
			m, err := mr.ReadMessage()
			if err != nil {
				return
			}
			again, err := ParseMessage(AppendMessage(nil, m)[4:])
			if err != nil || !cmp.Equal(m, again, cmpopts.EquateEmpty()) {
				t.Fatalf("re-encoding %v gave %v, %v", m, again, err)
			}
			_, _ = ParseMetadataMsg(m.Payload)
			_, _, _ = ParsePEXMsg(m.Payload)
			_, _ = ParseExtHandshake(m.Payload)
		}
	})
}

// FuzzReadMessageInto checks that reading blocks straight into place
// frames a stream exactly as ReadMessage does.
func FuzzReadMessageInto(f *testing.F) {
	var all []byte
	for _, tt := range msgTests {
		f.Add([]byte(tt.wire))
		all = append(all, tt.wire...)
	}
	f.Add(all)
	f.Fuzz(func(t *testing.T, data []byte) {
		plain := NewMessageReader(bytes.NewReader(data))
		plain.MaxLength = 0x100
		into := NewMessageReader(&chunkReader{data: data, chunks: []int{1, 7, 300}})
		into.MaxLength = 0x100
		for {
			want, werr := plain.ReadMessage()
			got, _, gerr := into.readMessageInto(func(index, begin uint32, n int) []byte { return make([]byte, n) })
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("ReadMessage: %v; readMessageInto: %v", werr, gerr)
			}
			if werr != nil {
				return
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("mismatch (-ReadMessage +readMessageInto):\n%s", diff)
			}
		}
	})
}
