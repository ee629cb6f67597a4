package textwire

import (
	"bufio"
	"errors"
	"io"
)

// DefaultMaxLineLength is the longest line, CRLF included, a Reader accepts
// when its MaxLineLength is zero: SMTP's limit for a command line and a text
// line (RFC 5321, section 4.5.3.1.6), generous for FTP and POP3.
const DefaultMaxLineLength = 1000

// MaxDrainBytes bounds how much of an oversized data block a DotReader reads
// and discards to reach its terminating line, so the session stays in sync.
// A peer that sends more than this past the limit is cut off.
const MaxDrainBytes = 64 << 20

// Reader reads CRLF-terminated lines with a bound on their length.
type Reader struct {
	// R is the buffered source.
	R *bufio.Reader
	// MaxLineLength is the longest line accepted, CRLF included. Zero
	// means DefaultMaxLineLength.
	MaxLineLength int
	// AllowBareLF accepts a line that ends in LF alone. The default is
	// strict: such a line is an ErrBareLF.
	AllowBareLF bool

	line []byte // reused by ReadLine for lines split across buffer fills
}

// NewReader returns a Reader of lines from r, with limit as MaxLineLength.
// It uses r directly when r is already a *bufio.Reader large enough to
// hold a whole line; otherwise it wraps it.
func NewReader(r io.Reader, limit int) *Reader {
	if limit <= 0 {
		limit = DefaultMaxLineLength
	}
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < limit {
		br = bufio.NewReaderSize(r, max(limit, 4096))
	}
	return &Reader{R: br, MaxLineLength: limit}
}

func (r *Reader) limit() int {
	if r.MaxLineLength > 0 {
		return r.MaxLineLength
	}
	return DefaultMaxLineLength
}

// Buffered returns the number of bytes read from the source and not yet
// consumed.
func (r *Reader) Buffered() int { return r.R.Buffered() }

// ReadLine returns the next line without its line end. The slice is valid
// only until the next read. A line longer than MaxLineLength returns a
// *LineTooLongError after the rest of the line has been read and
// discarded, so the next ReadLine starts at the next line; at most a
// buffer's worth is held in memory at any time.
func (r *Reader) ReadLine() ([]byte, error) {
	limit := r.limit()
	r.line = r.line[:0]
	for {
		chunk, err := r.R.ReadSlice('\n')
		if len(r.line)+len(chunk) > limit {
			if err == nil || errors.Is(err, bufio.ErrBufferFull) {
				// Discard the rest of the over-long line.
				for errors.Is(err, bufio.ErrBufferFull) {
					_, err = r.R.ReadSlice('\n')
				}
			}
			r.line = r.line[:0]
			if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				return nil, err
			}
			return nil, &LineTooLongError{Limit: limit}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			r.line = append(r.line, chunk...)
			continue
		}
		if err != nil {
			if err == io.EOF && (len(chunk) > 0 || len(r.line) > 0) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		line := chunk
		if len(r.line) > 0 {
			r.line = append(r.line, chunk...)
			line = r.line
		}
		return r.trimEOL(line)
	}
}

// trimEOL removes CRLF (or LF, when allowed) from the end of line.
func (r *Reader) trimEOL(line []byte) ([]byte, error) {
	line = line[:len(line)-1] // the LF
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1], nil
	}
	if r.AllowBareLF {
		return line, nil
	}
	return nil, ErrBareLF
}

// ReadLineString is ReadLine returning a string that stays valid.
func (r *Reader) ReadLineString() (string, error) {
	line, err := r.ReadLine()
	return string(line), err
}

// ReadReply reads a reply of one or more lines, "NNN-text" continuing and
// "NNN text" ending it (SMTP, RFC 5321 section 4.2; FTP, RFC 959 section
// 4.2). Every line of one reply must carry the same code. FTP's older form,
// where the middle lines of a multi-line reply need not start with the
// code, is accepted too: such lines are kept whole.
func (r *Reader) ReadReply() (*Reply, error) {
	line, err := r.ReadLine()
	if err != nil {
		return nil, err
	}
	code, more, text, err := ParseReplyLine(line)
	if err != nil {
		return nil, err
	}
	reply := &Reply{Code: code, Lines: []string{string(text)}}
	for more {
		line, err := r.ReadLine()
		if err != nil {
			return nil, err
		}
		c, m, t, perr := ParseReplyLine(line)
		if perr != nil || c != code {
			// A middle line without the code (RFC 959 allows it).
			reply.Lines = append(reply.Lines, string(line))
			continue
		}
		reply.Lines = append(reply.Lines, string(t))
		more = m
	}
	return reply, nil
}

// DotReader returns a reader of a dot-terminated data block (SMTP DATA, RFC
// 5321 section 4.5.2; POP3 multi-line responses, RFC 1939 section 3): it
// removes the leading dot that the sender added to lines starting with a
// dot, ends at the line ".", and yields every line with a CRLF ending.
// After maxBytes of content (zero or less: no limit) it reads on to the
// terminator, discarding at most MaxDrainBytes, and then returns
// ErrMessageTooLarge. Lines longer than MaxLineLength fail with
// ErrLineTooLong. The block must be read to its end (io.EOF) before the
// Reader is used again.
func (r *Reader) DotReader(maxBytes int64) io.Reader {
	return &dotReader{r: r, max: maxBytes}
}

type dotReader struct {
	r       *Reader
	max     int64
	n       int64  // content bytes returned so far
	pending []byte // the current line with its CRLF, reused for every line
	off     int    // how much of pending was handed out
	err     error  // sticky
}

func (d *dotReader) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.off == len(d.pending) {
		line, err := d.r.ReadLine()
		if err != nil {
			d.err = err
			if errors.Is(err, io.EOF) {
				d.err = io.ErrUnexpectedEOF
			}
			return 0, d.err
		}
		if len(line) == 1 && line[0] == '.' {
			d.err = io.EOF
			return 0, io.EOF
		}
		if len(line) > 0 && line[0] == '.' {
			line = line[1:]
		}
		if d.max > 0 && d.n+int64(len(line))+2 > d.max {
			d.err = d.drain()
			return 0, d.err
		}
		d.pending = append(append(d.pending[:0], line...), '\r', '\n')
		d.off = 0
	}
	n := copy(p, d.pending[d.off:])
	d.off += n
	d.n += int64(n)
	return n, nil
}

// drain reads to the terminating line of an oversized block.
func (d *dotReader) drain() error {
	var drained int64
	for drained <= MaxDrainBytes {
		line, err := d.r.ReadLine()
		if err != nil && !errors.Is(err, ErrLineTooLong) {
			return err
		}
		if len(line) == 1 && line[0] == '.' {
			return ErrMessageTooLarge
		}
		drained += int64(len(line)) + 2
	}
	return ErrMessageTooLarge
}
