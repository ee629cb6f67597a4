package bittorrent

import (
	"encoding/binary"
	"fmt"
	"io"
)

// DefaultMaxMessageLength bounds a peer message, length prefix excluded:
// a 16 KiB block plus its header fits easily, as does the bitfield of a
// torrent with two million pieces.
const DefaultMaxMessageLength = 256 << 10

// Read buffer sizes of a peer connection. A connection starts with
// readBufferSize, enough for every message but blocks; the first message
// that does not fit (a PIECE, normally) grows the buffer to
// dataReadBufferSize, or to the message if that is larger. A connection
// that carries data then takes several blocks per read system call, while
// the many connections that only exchange HAVEs and requests stay small.
const (
	readBufferSize     = 4 << 10
	dataReadBufferSize = 128 << 10
	// maxEmptyReads bounds the reads in a row that return nothing and no
	// error before the reader gives up with io.ErrNoProgress.
	maxEmptyReads = 100
)

// A MessageReader reads length-prefixed peer messages from a stream,
// checking each length against MaxLength before reading the body. It
// reads as much as the stream has ready into its own buffer and returns
// messages that point into it, so a steady stream of blocks is framed
// without copying or allocating.
type MessageReader struct {
	r io.Reader
	// MaxLength bounds the length prefix. If zero, DefaultMaxMessageLength
	// is used.
	MaxLength int

	buf        []byte
	start, end int // buf[start:end] is read but not yet returned
	// streaming is set while blocks arrive one after another and are
	// read straight into their destinations: the reader then takes no
	// more from the stream than the message header it needs, so the next
	// block is not read into the buffer (and copied out) first.
	streaming bool
}

// NewMessageReader returns a reader of r with the default limit.
func NewMessageReader(r io.Reader) *MessageReader {
	return &MessageReader{r: r}
}

// ReadMessage reads the next message. Byte slices in the result are valid
// only until the next call.
func (mr *MessageReader) ReadMessage() (Message, error) {
	m, _, err := mr.readMessageInto(nil)
	return m, err
}

// pieceHeaderLen is the part of a PIECE message before its block: length
// prefix, type, index and begin.
const pieceHeaderLen = 4 + 1 + 4 + 4

// readMessageInto is ReadMessage for a connection's read loop. When the
// message is a PIECE and dst (if not nil) returns a buffer of the block's
// length for its index and begin, the block is read into that buffer:
// what was already buffered is copied and the rest read from the stream
// straight into place. direct reports whether dst's buffer was used;
// m.Block is then that buffer, and with an error its content is partial.
func (mr *MessageReader) readMessageInto(dst func(index, begin uint32, n int) []byte) (m Message, direct bool, err error) {
	want := readAhead
	if mr.streaming {
		want = pieceHeaderLen
	}
	if err := mr.fill(4, want); err != nil {
		return Message{}, false, err
	}
	n := int(binary.BigEndian.Uint32(mr.buf[mr.start:]))
	limit := mr.MaxLength
	if limit <= 0 {
		limit = DefaultMaxMessageLength
	}
	if uint64(n) > uint64(limit) {
		return Message{}, false, fmt.Errorf("%w: %d bytes, limit %d", ErrMessageTooLarge, n, limit)
	}
	if dst != nil && n > pieceHeaderLen-4 {
		if err := mr.fill(pieceHeaderLen, want); err != nil {
			return Message{}, false, eofInside(err)
		}
		h := mr.buf[mr.start:]
		if MessageType(h[4]) == Piece {
			index, begin := binary.BigEndian.Uint32(h[5:]), binary.BigEndian.Uint32(h[9:])
			if d := dst(index, begin, n-(pieceHeaderLen-4)); d != nil && len(d) == n-(pieceHeaderLen-4) {
				mr.start += pieceHeaderLen
				k := copy(d, mr.buf[mr.start:mr.end])
				mr.start += k
				m := Message{Type: Piece, Index: index, Begin: begin, Block: d}
				if _, err := io.ReadFull(mr.r, d[k:]); err != nil {
					return m, true, eofInside(err) // the caller still owns d
				}
				mr.streaming = true
				return m, true, nil
			}
		}
	}
	mr.streaming = false
	if err := mr.fill(4+n, readAhead); err != nil {
		return Message{}, false, eofInside(err)
	}
	body := mr.buf[mr.start+4 : mr.start+4+n]
	mr.start += 4 + n
	m, err = ParseMessage(body)
	return m, false, err
}

// eofInside turns io.EOF in the middle of a message into
// io.ErrUnexpectedEOF.
func eofInside(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// readAhead is fill's want for reading as much as the stream has ready.
const readAhead = -1

// fill reads until at least n unreturned bytes are buffered, moving them
// to the front or growing the buffer when they would not fit. It stops
// reading at want buffered bytes (readAhead: as many as the buffer
// holds). It returns io.EOF only when the stream ends before any of the n
// bytes.
func (mr *MessageReader) fill(n, want int) error {
	if mr.end-mr.start >= n {
		return nil
	}
	if len(mr.buf)-mr.start < n {
		if len(mr.buf) < n {
			size := readBufferSize
			if len(mr.buf) > 0 {
				size = dataReadBufferSize
			}
			grown := make([]byte, max(size, n))
			mr.end = copy(grown, mr.buf[mr.start:mr.end])
			mr.buf = grown
		} else {
			mr.end = copy(mr.buf, mr.buf[mr.start:mr.end])
		}
		mr.start = 0
	}
	for empty := 0; mr.end-mr.start < n; {
		into := mr.buf[mr.end:]
		if want != readAhead && mr.start+want < len(mr.buf) {
			into = mr.buf[mr.end : mr.start+max(want, n)]
		}
		k, err := mr.r.Read(into)
		mr.end += k
		if k == 0 && err == nil {
			if empty++; empty >= maxEmptyReads {
				return io.ErrNoProgress
			}
		}
		if err != nil {
			if mr.end-mr.start >= n {
				return nil
			}
			if err == io.EOF && mr.end > mr.start {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}

// ReadHandshake reads one handshake from r.
func ReadHandshake(r io.Reader) (Handshake, error) {
	var buf [HandshakeLen]byte
	if _, err := io.ReadFull(r, buf[:]); err != nil {
		return Handshake{}, err
	}
	return ParseHandshake(buf[:])
}
