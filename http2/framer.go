package http2

import (
	"bufio"
	"io"
)

// Framer reads and writes frames on a connection. Reading and writing are
// independent: one goroutine may read while another writes, but each side
// is not safe for concurrent use by itself.
type Framer struct {
	r            io.Reader
	maxReadSize  uint32
	readBuf      []byte
	cache        frameCache
	w            *bufio.Writer
	wbuf         []byte
	maxWriteSize uint32
}

// NewFramer returns a Framer that reads from r and writes to w. Writes are
// buffered: call Flush.
func NewFramer(w io.Writer, r io.Reader) *Framer {
	return &Framer{
		r:            r,
		w:            bufio.NewWriterSize(w, 32<<10),
		maxReadSize:  MinMaxFrameSize,
		maxWriteSize: MinMaxFrameSize,
		readBuf:      make([]byte, FrameHeaderLen+MinMaxFrameSize),
	}
}

// SetMaxReadFrameSize sets the largest payload ReadFrame accepts: the
// SETTINGS_MAX_FRAME_SIZE this side advertised.
func (fr *Framer) SetMaxReadFrameSize(n uint32) {
	fr.maxReadSize = min(max(n, MinMaxFrameSize), MaxMaxFrameSize)
}

// SetMaxWriteFrameSize records the peer's SETTINGS_MAX_FRAME_SIZE.
func (fr *Framer) SetMaxWriteFrameSize(n uint32) { fr.maxWriteSize = n }

// MaxWriteFrameSize returns the largest payload the peer accepts.
func (fr *Framer) MaxWriteFrameSize() uint32 { return fr.maxWriteSize }

// ReadFrameHeader reads the next frame's header and payload into the
// Framer's buffer and returns them unparsed. A payload over the maximum
// is a FRAME_SIZE_ERROR, found before anything is allocated for it.
func (fr *Framer) ReadFrameHeader() (FrameHeader, []byte, error) {
	if _, err := io.ReadFull(fr.r, fr.readBuf[:FrameHeaderLen]); err != nil {
		return FrameHeader{}, nil, err
	}
	h := ParseFrameHeader(fr.readBuf)
	if h.Length > fr.maxReadSize {
		return h, nil, ConnectionError{Code: ErrCodeFrameSize, Reason: ErrFrameTooLarge.Error()}
	}
	if need := FrameHeaderLen + int(h.Length); len(fr.readBuf) < need {
		fr.readBuf = make([]byte, max(need, 2*len(fr.readBuf)))
		copy(fr.readBuf, fr.readBuf[:FrameHeaderLen])
	}
	payload := fr.readBuf[FrameHeaderLen : FrameHeaderLen+int(h.Length)]
	if _, err := io.ReadFull(fr.r, payload); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return h, nil, err
	}
	return h, payload, nil
}

// ReadFrame reads and parses the next frame. The frame is valid only until
// the next call. A malformed frame gives a ConnectionError or StreamError.
func (fr *Framer) ReadFrame() (Frame, error) {
	h, payload, err := fr.ReadFrameHeader()
	if err != nil {
		return nil, err
	}
	return parseFrame(&fr.cache, h, payload)
}

// WriteFrame appends f to the write buffer.
func (fr *Framer) WriteFrame(f Frame) error {
	fr.wbuf = AppendFrame(fr.wbuf[:0], f)
	_, err := fr.w.Write(fr.wbuf)
	return err
}

// WriteRaw writes bytes as they are (the client preface, or a deliberately
// malformed frame in a test).
func (fr *Framer) WriteRaw(b []byte) error {
	_, err := fr.w.Write(b)
	return err
}

// Flush sends the buffered frames.
func (fr *Framer) Flush() error { return fr.w.Flush() }

// Buffered returns the bytes waiting to be flushed.
func (fr *Framer) Buffered() int { return fr.w.Buffered() }
