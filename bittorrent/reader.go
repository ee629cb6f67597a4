package bittorrent

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// DefaultMaxMessageLength bounds a peer message, length prefix excluded:
// a 16 KiB block plus its header fits easily, as does the bitfield of a
// torrent with two million pieces.
const DefaultMaxMessageLength = 256 << 10

// readBufferSize is the read buffer of a peer connection: one block.
// Larger messages are read straight into the message buffer, so a bigger
// buffer costs memory per connection without speeding up transfers.
const readBufferSize = 16 << 10

// A MessageReader reads length-prefixed peer messages from a stream,
// checking each length against MaxLength before reading the body.
type MessageReader struct {
	R *bufio.Reader
	// MaxLength bounds the length prefix. If zero, DefaultMaxMessageLength
	// is used.
	MaxLength int
	buf       []byte
}

// NewMessageReader returns a reader with the default limit.
func NewMessageReader(r io.Reader) *MessageReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, readBufferSize)
	}
	return &MessageReader{R: br}
}

// ReadMessage reads the next message. Byte slices in the result are valid
// only until the next call.
func (mr *MessageReader) ReadMessage() (Message, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(mr.R, hdr[:]); err != nil {
		return Message{}, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	limit := mr.MaxLength
	if limit <= 0 {
		limit = DefaultMaxMessageLength
	}
	if uint64(n) > uint64(limit) {
		return Message{}, fmt.Errorf("%w: %d bytes, limit %d", ErrMessageTooLarge, n, limit)
	}
	if cap(mr.buf) < int(n) {
		mr.buf = make([]byte, n)
	}
	body := mr.buf[:n]
	if _, err := io.ReadFull(mr.R, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return Message{}, err
	}
	return ParseMessage(body)
}

// ReadHandshake reads one handshake from r.
func ReadHandshake(r io.Reader) (Handshake, error) {
	var buf [HandshakeLen]byte
	if _, err := io.ReadFull(r, buf[:]); err != nil {
		return Handshake{}, err
	}
	return ParseHandshake(buf[:])
}
