package textwire

import (
	"bufio"
	"io"
	"strings"
)

// Writer writes CRLF-terminated lines. Call Flush to send what is
// buffered.
type Writer struct {
	W *bufio.Writer

	scratch []byte
}

// NewWriter returns a Writer to w, reusing w when it is a *bufio.Writer.
func NewWriter(w io.Writer) *Writer {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriter(w)
	}
	return &Writer{W: bw}
}

// WriteLine writes s followed by CRLF. It refuses a string holding CR or
// LF, which would let an argument smuggle in a command of its own.
func (w *Writer) WriteLine(s string) error {
	if strings.ContainsAny(s, "\r\n") {
		return ErrBadLine
	}
	if _, err := w.W.WriteString(s); err != nil {
		return err
	}
	_, err := w.W.WriteString("\r\n")
	return err
}

// WriteReply writes a reply with AppendReply.
func (w *Writer) WriteReply(code int, lines ...string) error {
	w.scratch = AppendReply(w.scratch[:0], code, lines...)
	_, err := w.W.Write(w.scratch)
	return err
}

// Flush sends the buffered bytes.
func (w *Writer) Flush() error { return w.W.Flush() }

// DotWriter returns a writer of a dot-terminated data block: it doubles a
// dot that starts a line, turns a bare LF into CRLF, and on Close ends the
// last line if needed and writes the ".\r\n" terminator. Close does not
// flush.
func (w *Writer) DotWriter() io.WriteCloser {
	return &dotWriter{w: w.W, state: stateLineStart}
}

type dotWriterState int

const (
	stateLineStart dotWriterState = iota // at the start of a line
	stateInLine                          // inside a line
	stateCR                              // just after a CR
)

type dotWriter struct {
	w     *bufio.Writer
	state dotWriterState
}

func (d *dotWriter) Write(p []byte) (int, error) {
	for i, c := range p {
		var err error
		switch {
		case d.state == stateLineStart && c == '.':
			_, err = d.w.WriteString("..")
			d.state = stateInLine
		case c == '\n' && d.state != stateCR:
			_, err = d.w.WriteString("\r\n")
			d.state = stateLineStart
		case c == '\n':
			err = d.w.WriteByte('\n')
			d.state = stateLineStart
		case c == '\r':
			err = d.w.WriteByte('\r')
			d.state = stateCR
		default:
			if d.state == stateCR {
				// A CR not followed by LF: keep it, the line goes on.
				d.state = stateInLine
			}
			err = d.w.WriteByte(c)
			if d.state == stateLineStart {
				d.state = stateInLine
			}
		}
		if err != nil {
			return i, err
		}
	}
	return len(p), nil
}

func (d *dotWriter) Close() error {
	var end string
	switch d.state {
	case stateInLine:
		end = "\r\n.\r\n"
	case stateCR:
		end = "\n.\r\n"
	default:
		end = ".\r\n"
	}
	d.state = stateLineStart
	_, err := d.w.WriteString(end)
	return err
}
