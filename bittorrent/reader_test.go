package bittorrent

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

// chunkReader hands out its bytes in the chunk sizes given, cycling, like
// a socket that returns whatever has arrived.
type chunkReader struct {
	data   []byte
	chunks []int
	next   int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(r.data), r.chunks[r.next%len(r.chunks)])
	r.next++
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

// TestPropReadMessageInto checks the read loop's framing: whatever the
// chunking of the stream and whichever blocks get a destination, every
// message comes out as sent, and accepted blocks land in their
// destination buffers.
func TestPropReadMessageInto(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		msgs := rapid.SliceOfN(genMessage(), 1, 12).Draw(t, "msgs")
		for i := range msgs {
			if msgs[i].Type == Piece && rapid.Bool().Draw(t, "big") {
				// Larger than the initial buffer, to make it grow.
				msgs[i].Block = bytes.Repeat([]byte{byte(i)}, rapid.IntRange(readBufferSize, 3*BlockSize).Draw(t, "size"))
			}
		}
		var wire []byte
		for _, m := range msgs {
			wire = AppendMessage(wire, m)
		}
		chunks := rapid.SliceOfN(rapid.IntRange(1, 40000), 1, 8).Draw(t, "chunks")
		mr := NewMessageReader(&chunkReader{data: wire, chunks: chunks})
		var given [][]byte
		dst := func(index, begin uint32, n int) []byte {
			if !rapid.Bool().Draw(t, "accept") {
				return nil
			}
			b := make([]byte, n)
			given = append(given, b)
			return b
		}
		for i, want := range msgs {
			got, direct, err := mr.readMessageInto(dst)
			if err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("message %d mismatch (-want +got):\n%s", i, diff)
			}
			if direct {
				if got.Type != Piece || len(given) == 0 || &given[len(given)-1][0] != &got.Block[0] {
					t.Fatalf("message %d: direct, but the block is not in the destination buffer", i)
				}
				given = given[:0]
			}
		}
		if _, _, err := mr.readMessageInto(dst); err != io.EOF {
			t.Fatalf("after the last message: %v, want io.EOF", err)
		}
	})
}

// TestReadMessageIntoTruncatedBlock checks that a stream ending inside a
// block read into place says so and hands the buffer back to the caller,
// who must release it.
func TestReadMessageIntoTruncatedBlock(t *testing.T) {
	wire := AppendMessage(nil, Message{Type: Piece, Index: 3, Begin: BlockSize, Block: make([]byte, 100)})
	mr := NewMessageReader(bytes.NewReader(wire[:len(wire)-10]))
	buf := make([]byte, 100)
	m, direct, err := mr.readMessageInto(func(index, begin uint32, n int) []byte { return buf })
	if !errors.Is(err, io.ErrUnexpectedEOF) || !direct || m.Index != 3 || m.Begin != BlockSize || len(m.Block) != 100 {
		t.Fatalf("got %v, direct %v, %v; want the block's message, direct, io.ErrUnexpectedEOF", m.Type, direct, err)
	}
}

// TestReadMessageIntoStreaming checks that once blocks are read into
// place, the reader takes no more from the stream than a header needs, so
// the next block is read into its own destination rather than copied.
func TestReadMessageIntoStreaming(t *testing.T) {
	var wire []byte
	for i := range 3 {
		wire = AppendMessage(wire, Message{Type: Piece, Index: 0, Begin: uint32(i * BlockSize), Block: bytes.Repeat([]byte{byte(i)}, BlockSize)})
	}
	r := &countingReader{r: bytes.NewReader(wire)}
	mr := NewMessageReader(r)
	for i := range 3 {
		buf := make([]byte, BlockSize)
		m, direct, err := mr.readMessageInto(func(index, begin uint32, n int) []byte { return buf })
		if err != nil || !direct || !bytes.Equal(m.Block, bytes.Repeat([]byte{byte(i)}, BlockSize)) {
			t.Fatalf("block %d: direct %v, %v", i, direct, err)
		}
	}
	// The first read fills the buffer (a few KiB of block 0 are copied);
	// from then on each block is a header read and a read into place.
	if r.maxAfterFirst > BlockSize {
		t.Errorf("a read after the first asked for %d bytes; want at most a block", r.maxAfterFirst)
	}
}

type countingReader struct {
	r             io.Reader
	reads         int
	maxAfterFirst int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.reads++
	if c.reads > 1 {
		c.maxAfterFirst = max(c.maxAfterFirst, len(p))
	}
	return c.r.Read(p)
}
