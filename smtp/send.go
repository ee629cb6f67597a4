package smtp

import (
	"context"
	"errors"
	"io"
)

// Send runs one mail transaction: MAIL, RCPT for each recipient, then the
// message with DATA (or BDAT chunks for BODY=BINARYMIME). When the server
// offers PIPELINING (RFC 2920) MAIL, the RCPTs and DATA go out in one
// write and the replies are read afterwards, which saves a round trip per
// command.
//
// results holds one entry per recipient: nil if the message was accepted
// for it, else the reply that refused it (at RCPT, or in the data phase;
// LMTP servers answer per recipient). err is set when the transaction
// failed as a whole (MAIL or DATA refused, I/O error, no recipient
// accepted); results may then be partly filled. After a failed
// transaction the client sends RSET, so the connection can be reused.
func (c *Client) Send(ctx context.Context, mail Mail, rcpts []Rcpt, msg io.Reader) (results []error, err error) {
	if err := c.hello(ctx); err != nil {
		return nil, err
	}
	opts := mail.Options
	for _, r := range rcpts {
		if !isASCII(r.To) {
			if ok, _ := c.Extension(ExtSMTPUTF8); ok {
				opts.UTF8 = true
			}
		}
	}
	m, err := c.mailArg(mail.From, &opts)
	if err != nil {
		return nil, err
	}
	results = make([]error, len(rcpts))
	chunking := m.Options.Body == BodyBinaryMIME
	pipelining, _ := c.Extension(ExtPipelining)

	if pipelining {
		done := c.deadline(ctx, MailTimeout)
		werr := c.w.WriteLine("MAIL FROM:" + m.Arg())
		for _, r := range rcpts {
			if werr == nil {
				werr = c.w.WriteLine("RCPT TO:" + c.rcptArg(r.To, &r.Options).Arg())
			}
		}
		if werr == nil && !chunking {
			werr = c.w.WriteLine("DATA")
		}
		if werr == nil {
			werr = c.w.Flush()
		}
		if werr != nil {
			done()
			return nil, werr
		}
		mailRep, err := c.readReply()
		if err != nil {
			done()
			return nil, err
		}
		accepted := 0
		for i := range rcpts {
			r, err := c.readReply()
			if err != nil {
				done()
				return nil, err
			}
			if r.Code/100 != 2 {
				results[i] = r
			} else {
				accepted++
			}
		}
		var dataRep *Reply
		if !chunking {
			if dataRep, err = c.readReply(); err != nil {
				done()
				return nil, err
			}
		}
		done()
		if dataRep != nil && dataRep.Code == 354 && (mailRep.Code/100 != 2 || accepted == 0) {
			// The server wants the data although the transaction failed:
			// end it with an empty message.
			if _, err := c.dataPhase(ctx, nil, 1); err != nil {
				return nil, err
			}
		}
		if mailRep.Code/100 != 2 {
			c.Reset(ctx)
			return results, mailRep
		}
		if accepted == 0 {
			c.Reset(ctx)
			return results, firstErr(results)
		}
		if dataRep != nil && dataRep.Code != 354 {
			c.Reset(ctx)
			return results, dataRep
		}
		return c.finishSend(ctx, msg, results, accepted, chunking)
	}

	if _, err := c.cmd(ctx, MailTimeout, "MAIL FROM:"+m.Arg()); err != nil {
		return nil, c.resetAfter(ctx, err)
	}
	accepted := 0
	for i, r := range rcpts {
		if err := c.Rcpt(ctx, r.To, &r.Options); err != nil {
			var rr *Reply
			if !errors.As(err, &rr) {
				return nil, err
			}
			results[i] = err
			continue
		}
		accepted++
	}
	if accepted == 0 {
		return results, c.resetAfter(ctx, firstErr(results))
	}
	if !chunking {
		r, err := c.cmd(ctx, DataInitTimeout, "DATA")
		if err == nil && r.Code != 354 {
			err = r
		}
		if err != nil {
			return results, c.resetAfter(ctx, err)
		}
	}
	return c.finishSend(ctx, msg, results, accepted, chunking)
}

// resetAfter sends RSET after a reply error (not after an I/O error) and
// returns err.
func (c *Client) resetAfter(ctx context.Context, err error) error {
	var r *Reply
	if errors.As(err, &r) {
		c.Reset(ctx)
	}
	return err
}

func firstErr(errs []error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// finishSend sends the message after DATA's 354 (or as BDAT chunks) and
// spreads the final replies over the accepted recipients.
func (c *Client) finishSend(ctx context.Context, msg io.Reader, results []error, accepted int, chunking bool) ([]error, error) {
	replies := 1
	if c.lmtp {
		replies = accepted
	}
	var final []error
	var err error
	if chunking {
		final, err = c.sendChunks(ctx, msg, replies)
	} else {
		final, err = c.dataPhase(ctx, msg, replies)
	}
	if err != nil {
		return results, err
	}
	j := 0
	for i := range results {
		if results[i] != nil {
			continue
		}
		if c.lmtp {
			results[i] = final[j]
			j++
		} else {
			results[i] = final[0]
		}
	}
	if !c.lmtp && final[0] != nil {
		return results, final[0]
	}
	return results, nil
}

// dataPhase writes msg dot-stuffed (after 354) and reads the replies.
func (c *Client) dataPhase(ctx context.Context, msg io.Reader, replies int) ([]error, error) {
	d := &dataWriter{c: c, ctx: ctx, dw: c.w.DotWriter(), replies: replies}
	if msg != nil {
		if _, err := io.Copy(d, msg); err != nil {
			return nil, err
		}
	}
	if err := d.Close(); err != nil && len(d.results) != replies {
		return nil, err
	}
	return d.results, nil
}

// sendChunks sends msg as BDAT chunks, the last one marked LAST.
func (c *Client) sendChunks(ctx context.Context, msg io.Reader, replies int) ([]error, error) {
	cur := make([]byte, bdatChunkSize)
	n, err := io.ReadFull(msg, cur)
	for {
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			return nil, err
		}
		last := err != nil
		if !last {
			// Read ahead to learn whether this chunk is the last one.
			next := make([]byte, bdatChunkSize)
			n2, err2 := io.ReadFull(msg, next)
			if n2 == 0 && err2 == io.EOF {
				last = true
			} else {
				if _, e := c.bdat(ctx, cur[:n], false, 1); e != nil {
					return nil, e
				}
				cur, n, err = next, n2, err2
				continue
			}
		}
		return c.bdat(ctx, cur[:n], true, replies)
	}
}

// SendMail sends msg from one sender to the recipients, with pipelining
// when the server offers it. It fails if any recipient is refused.
func (c *Client) SendMail(ctx context.Context, from string, to []string, msg io.Reader) error {
	rcpts := make([]Rcpt, len(to))
	for i, t := range to {
		rcpts[i] = Rcpt{To: t}
	}
	results, err := c.Send(ctx, Mail{From: from}, rcpts, msg)
	if err != nil {
		return err
	}
	return firstErr(results)
}
