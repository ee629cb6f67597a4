package imap

import (
	"context"
)

// cmdIdle handles IDLE (RFC 2177, RFC 9051 section 6.3.13): the server
// pushes mailbox changes as they happen until the client sends DONE.
func (c *conn) cmdIdle(ctx context.Context, cmd *Command) error {
	c.bw.WriteString("+ idling\r\n")
	if err := c.bw.Flush(); err != nil {
		return err
	}
	type lineResult struct {
		line string
		err  error
	}
	done := make(chan lineResult, 1)
	go func() {
		line, err := c.r.Text()
		if err == nil {
			err = c.r.CRLF()
		}
		done <- lineResult{line, err}
	}()
	var changed chan struct{}
	if c.sel != nil {
		changed = c.sel.changed
	}
	for {
		select {
		case res := <-done:
			if res.err != nil {
				c.state = StateLogout
				return res.err
			}
			if !equalFold(res.line, "DONE") {
				return bad("expected DONE")
			}
			return nil
		case <-changed:
			c.poke()
			if err := c.sync(ctx, true); err != nil {
				return err
			}
			if err := c.bw.Flush(); err != nil {
				return err
			}
		case <-ctx.Done():
			c.state = StateLogout
			c.bw.WriteString("* BYE server shutting down\r\n")
			c.bw.Flush()
			// Wait for the reader to fail on the closed connection.
			c.nc.Close()
			<-done
			return errHandled
		}
	}
}
