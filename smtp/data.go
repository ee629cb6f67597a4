package smtp

import (
	"context"
	"errors"
	"io"
	"math"

	"github.com/applayer/applayer/internal/textwire"
)

// dataReader passes the message through to the Session and remembers the
// first error, so the server knows afterwards whether the message was too
// large or the connection broke, whatever the Session returned.
type dataReader struct {
	r   io.Reader
	err error
}

func (d *dataReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		if errors.Is(err, textwire.ErrMessageTooLarge) {
			err = ErrMessageTooLarge
		}
		if d.err == nil {
			d.err = err
		}
	}
	return n, err
}

func (c *Conn) maxData() int64 {
	if m := c.srv.maxMessageBytes(); m > 0 {
		return m
	}
	return math.MaxInt64
}

// deliver hands the message to the Session and returns one result per
// reply to send: one for SMTP, one per recipient for LMTP.
func (c *Conn) deliver(ctx context.Context, r io.Reader) []error {
	if !c.srv.LMTP {
		return []error{c.sess.Data(ctx, r)}
	}
	if ls, ok := c.sess.(LMTPSession); ok {
		res := ls.LMTPData(ctx, r)
		if len(res) != len(c.rcpts) {
			c.log.Error("smtp: LMTPData returned the wrong number of results", "got", len(res), "want", len(c.rcpts))
			res = make([]error, len(c.rcpts))
			for i := range res {
				res[i] = ErrInternal
			}
		}
		return res
	}
	err := c.sess.Data(ctx, r)
	res := make([]error, len(c.rcpts))
	for i := range res {
		res[i] = err
	}
	return res
}

// checkDataStart returns the reply that refuses DATA or BDAT now, or nil.
func (c *Conn) checkDataStart() *Reply {
	if c.mail == nil {
		return &Reply{Code: 503, Enhanced: EnhancedCode{5, 5, 1}, Lines: []string{"Need MAIL command"}}
	}
	if len(c.rcpts) == 0 {
		return &Reply{Code: 554, Enhanced: EnhancedCode{5, 5, 1}, Lines: []string{"No valid recipients"}}
	}
	return nil
}

// handleData runs DATA (RFC 5321 section 4.1.1.4): 354, the dot-stuffed
// text streamed to the Session with the size checked as it arrives, then
// the final reply (or one per recipient in LMTP).
func (c *Conn) handleData(ctx context.Context) (quit bool) {
	if r := c.checkDataStart(); r != nil {
		c.reply(r)
		return false
	}
	if c.binary {
		c.reply(&Reply{Code: 503, Enhanced: EnhancedCode{5, 5, 1}, Lines: []string{"BODY=BINARYMIME needs BDAT"}})
		return false
	}
	c.reply(&Reply{Code: 354, Lines: []string{`Enter mail, end with "." on a line by itself`}})
	if err := c.w.Flush(); err != nil {
		return true
	}
	c.sc.SetReadTimeout(c.dataTimeout())
	c.r.MaxLineLength = c.lim.MaxTextLine
	dr := &dataReader{r: c.r.DotReader(c.maxData())}
	results := c.deliver(ctx, dr)
	// Whatever the Session read, consume the rest up to the final dot.
	if _, err := io.Copy(io.Discard, dr); err != nil && dr.err == nil {
		dr.err = err
	}
	var lineErr *Reply
	switch {
	case errors.Is(dr.err, textwire.ErrLineTooLong):
		lineErr = ErrTextLineTooLong
	case errors.Is(dr.err, textwire.ErrBareLF):
		lineErr = ErrBareLF
	}
	if lineErr != nil {
		// The data reader stopped at the bad line: find the end of the
		// message, where only CRLF.CRLF counts (no bare-LF "smuggling").
		if err := c.drainData(); err != nil {
			dr.err = err
		} else {
			dr.err = lineErr
		}
	}
	c.r.MaxLineLength = c.lim.MaxCommandLine
	c.sc.SetReadTimeout(timeoutOr(c.srv.CommandTimeout, DefaultCommandTimeout))
	if dr.err != nil && !errors.Is(dr.err, ErrMessageTooLarge) && (lineErr == nil || dr.err != error(lineErr)) {
		c.log.Info("smtp: reading message data", "err", dr.err)
		c.reset()
		return true
	}
	c.finish(results, dr.err)
	return false
}

var errDrainLimit = errors.New("smtp: too much data after a bad line")

// drainData reads and discards lines up to the "." that ends the message,
// at most textwire.MaxDrainBytes worth.
func (c *Conn) drainData() error {
	limit := int64(textwire.MaxDrainBytes)
	for n := int64(0); n < limit; {
		line, err := c.r.ReadLine()
		switch {
		case err == nil && len(line) == 1 && line[0] == '.':
			return nil
		case err == nil:
			n += int64(len(line)) + 2
		case errors.Is(err, textwire.ErrLineTooLong) || errors.Is(err, textwire.ErrBareLF):
			n += int64(c.r.MaxLineLength)
		default:
			return err
		}
	}
	return errDrainLimit
}

// finish sends the replies that end a transaction and resets it.
func (c *Conn) finish(results []error, readErr error) {
	for _, err := range results {
		switch {
		case readErr != nil:
			c.replyErr(readErr)
		case err != nil:
			c.replyErr(err)
		default:
			c.reply(&Reply{Code: 250, Enhanced: EnhancedCode{2, 0, 0}, Lines: []string{"Message accepted for delivery"}})
		}
	}
	c.reset()
}

// chunkState is a BDAT transfer in progress (RFC 3030): the chunks are
// written into a pipe that the Session's Data reads from another goroutine.
type chunkState struct {
	pw    *io.PipeWriter
	done  chan []error
	total int64
}

// handleBDAT reads one chunk (RFC 3030 section 2). The chunk's octets follow
// the command line at once, so they are read (or discarded) even when the
// command is refused.
func (c *Conn) handleBDAT(ctx context.Context, arg string) (quit bool) {
	size, last, err := ParseBDAT(arg)
	if err != nil {
		// Without a size the chunk's end cannot be found: close.
		c.replyErr(err)
		return true
	}
	c.sc.SetReadTimeout(c.dataTimeout())
	defer c.sc.SetReadTimeout(timeoutOr(c.srv.CommandTimeout, DefaultCommandTimeout))
	if r := c.checkDataStart(); r != nil {
		if size > textwire.MaxDrainBytes {
			c.reply(r)
			return true
		}
		if _, err := io.CopyN(io.Discard, c.r.R, size); err != nil {
			return true
		}
		c.reply(r)
		return false
	}
	if c.chunked == nil {
		pr, pw := io.Pipe()
		cs := &chunkState{pw: pw, done: make(chan []error, 1)}
		c.chunked = cs
		go func() {
			res := c.deliver(ctx, pr)
			pr.CloseWithError(errDataDone)
			cs.done <- res
		}()
	}
	cs := c.chunked
	max := c.maxData()
	allowed := size
	if rem := max - cs.total; allowed > rem {
		allowed = rem
	}
	n, err := io.CopyN(cs.pw, c.r.R, allowed)
	cs.total += n
	if err != nil && !errors.Is(err, errDataDone) && !errors.Is(err, io.ErrClosedPipe) {
		// The connection broke mid-chunk.
		c.abortChunks()
		c.reset()
		return true
	}
	// Discard what was not written: the part over the limit, or what the
	// Session did not want; a chunk far over the limit ends the session.
	if rest := size - n; rest > textwire.MaxDrainBytes {
		c.abortChunks()
		c.reset()
		c.reply(ErrMessageTooLarge)
		return true
	} else if rest > 0 {
		if _, err := io.CopyN(io.Discard, c.r.R, rest); err != nil {
			c.abortChunks()
			c.reset()
			return true
		}
	}
	tooLarge := size > allowed
	if tooLarge {
		cs.pw.CloseWithError(ErrMessageTooLarge)
		res := <-cs.done
		c.chunked = nil
		c.finish(res, ErrMessageTooLarge)
		return false
	}
	if !last {
		c.replyf(250, EnhancedCode{2, 0, 0}, "%d octets received", size)
		return false
	}
	cs.pw.Close()
	res := <-cs.done
	c.chunked = nil
	c.finish(res, nil)
	return false
}

var errDataDone = errors.New("smtp: session finished reading")

// abortChunks ends a BDAT transfer in progress, waiting for the Session's
// Data to return.
func (c *Conn) abortChunks() {
	if c.chunked == nil {
		return
	}
	c.chunked.pw.CloseWithError(errors.New("smtp: transaction aborted"))
	<-c.chunked.done
	c.chunked = nil
}
