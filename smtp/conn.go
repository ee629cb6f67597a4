package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/applayer/applayer/internal/textwire"
	"github.com/applayer/applayer/sockets"
)

// Conn is one client connection as the Backend and Session see it. Its
// methods are safe to call from the Session's methods.
type Conn struct {
	srv  *Server
	sc   *sockets.Conn
	nc   net.Conn // sc, or the TLS connection over it
	r    *textwire.Reader
	w    *textwire.Writer
	log  *slog.Logger
	lim  Limits
	sess Session

	helo     string // domain from HELO/EHLO/LHLO; "" before
	esmtp    bool   // EHLO or LHLO was used: send enhanced codes
	tlsState *tls.ConnectionState
	authUser string

	// The transaction.
	mail    *Mail
	rcpts   []Rcpt
	binary  bool // BODY=BINARYMIME: only BDAT may carry the content
	chunked *chunkState
}

func newConn(s *Server, sc *sockets.Conn) *Conn {
	c := &Conn{srv: s, sc: sc, nc: sc, lim: s.Limits.withDefaults()}
	c.log = s.logger().With("remote", sc.RemoteAddr().String())
	c.setStream(sc)
	return c
}

func (c *Conn) setStream(rw io.ReadWriter) {
	c.r = textwire.NewReader(rw, c.lim.MaxCommandLine)
	c.w = textwire.NewWriter(rw)
}

// RemoteAddr returns the client's address.
func (c *Conn) RemoteAddr() net.Addr { return c.sc.RemoteAddr() }

// LocalAddr returns the server's address of the connection.
func (c *Conn) LocalAddr() net.Addr { return c.sc.LocalAddr() }

// Hostname returns the domain the client gave in HELO, EHLO or LHLO, or ""
// before it has given one.
func (c *Conn) Hostname() string { return c.helo }

// TLS returns the state of the TLS connection after STARTTLS, or nil.
func (c *Conn) TLS() *tls.ConnectionState { return c.tlsState }

// AuthUser returns the username the client authenticated as, or "".
func (c *Conn) AuthUser() string { return c.authUser }

// Server returns the server the connection belongs to.
func (c *Conn) Server() *Server { return c.srv }

// serve greets the client and runs the command loop.
func (c *Conn) serve(ctx context.Context) {
	defer func() {
		if v := recover(); v != nil {
			c.log.Error("smtp: panic serving connection", "panic", v)
			c.reply(ErrServiceClosing)
			c.w.Flush()
		}
	}()
	sess, err := c.srv.Backend.NewSession(ctx, c)
	if err != nil {
		var r *Reply
		if !errors.As(err, &r) {
			c.log.Error("smtp: new session", "err", err)
			r = ErrServiceClosing
		}
		c.esmtp = true
		c.reply(r)
		c.w.Flush()
		return
	}
	c.sess = sess
	defer func() {
		c.abortChunks()
		if err := sess.Logout(); err != nil {
			c.log.Warn("smtp: logout", "err", err)
		}
	}()
	kind := "ESMTP"
	if c.srv.LMTP {
		kind = "LMTP"
	}
	c.replyf(220, EnhancedCode{}, "%s %s ready", c.srv.hostname(), kind)
	cmdTimeout := timeoutOr(c.srv.CommandTimeout, DefaultCommandTimeout)
	for {
		if c.r.Buffered() == 0 {
			// RFC 2920 section 3.2: flush replies when the client has
			// nothing more in flight.
			if err := c.w.Flush(); err != nil {
				return
			}
			c.sc.SetIdle()
		}
		c.sc.SetReadTimeout(cmdTimeout)
		line, err := c.r.ReadLine()
		if err != nil {
			if errors.Is(err, textwire.ErrLineTooLong) {
				c.reply(ErrLineTooLong)
				continue
			}
			if ctx.Err() != nil || c.sc.Closing() {
				c.reply(ErrServiceClosing)
				c.w.Flush()
			} else if isTimeout(err) {
				c.replyf(421, EnhancedCode{4, 4, 2}, "%s Timeout waiting for command, closing connection", c.srv.hostname())
				c.w.Flush()
			}
			return
		}
		cmd, err := ParseCommand(line)
		if err != nil {
			c.replyErr(err)
			continue
		}
		if quit := c.handle(ctx, cmd); quit {
			c.w.Flush()
			return
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// handle runs one command; it returns true when the connection must end.
func (c *Conn) handle(ctx context.Context, cmd Command) (quit bool) {
	if c.chunked != nil && cmd.Verb != VerbBDAT && cmd.Verb != VerbRSET && cmd.Verb != VerbQUIT && cmd.Verb != VerbNOOP {
		// RFC 3030 section 2: only BDAT, RSET, QUIT (and NOOP) in a chunked transfer.
		c.reply(ErrBadSequence)
		return false
	}
	switch cmd.Verb {
	case VerbHELO, VerbEHLO:
		if c.srv.LMTP {
			c.reply(&Reply{Code: 500, Enhanced: EnhancedCode{5, 5, 1}, Lines: []string{"This is an LMTP server: use LHLO"}})
			return false
		}
		c.hello(cmd)
	case VerbLHLO:
		if !c.srv.LMTP {
			c.reply(ErrUnknownCommand)
			return false
		}
		c.hello(cmd)
	case VerbMAIL:
		c.handleMail(ctx, cmd.Arg)
	case VerbRCPT:
		c.handleRcpt(ctx, cmd.Arg)
	case VerbDATA:
		return c.handleData(ctx)
	case VerbBDAT:
		return c.handleBDAT(ctx, cmd.Arg)
	case VerbRSET:
		c.reset()
		c.reply(&Reply{Code: 250, Enhanced: EnhancedCode{2, 0, 0}, Lines: []string{"Reset OK"}})
	case VerbNOOP:
		c.reply(&Reply{Code: 250, Enhanced: EnhancedCode{2, 0, 0}, Lines: []string{"OK"}})
	case VerbVRFY:
		// RFC 5321 section 3.5.3: 252 when we will not verify but will try.
		c.reply(&Reply{Code: 252, Enhanced: EnhancedCode{2, 5, 2}, Lines: []string{"Cannot VRFY user, but will accept message and attempt delivery"}})
	case VerbHELP:
		c.reply(&Reply{Code: 214, Enhanced: EnhancedCode{2, 0, 0}, Lines: []string{"Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP VRFY QUIT STARTTLS AUTH; see RFC 5321"}})
	case VerbQUIT:
		c.replyf(221, EnhancedCode{2, 0, 0}, "%s closing connection", c.srv.hostname())
		return true
	case VerbSTARTTLS:
		return c.handleStartTLS()
	case VerbAUTH:
		return c.handleAuth(ctx, cmd.Arg)
	default: // EXPN
		c.reply(ErrNotImplemented)
	}
	return false
}

func (c *Conn) hello(cmd Command) {
	c.reset()
	c.helo = cmd.Arg
	host := c.srv.hostname()
	if cmd.Verb == VerbHELO {
		c.esmtp = false
		c.replyf(250, EnhancedCode{}, "%s Hello %s, pleased to meet you", host, cmd.Arg)
		return
	}
	c.esmtp = true
	lines := []string{fmt.Sprintf("%s Hello %s", host, cmd.Arg)}
	for _, e := range c.extensions() {
		lines = append(lines, e)
	}
	c.reply(&Reply{Code: 250, Lines: lines})
}

// extensions returns the EHLO keywords with their parameters for this
// connection's state.
func (c *Conn) extensions() []string {
	ext := []string{string(ExtPipelining), string(Ext8BitMIME), string(ExtEnhancedStatusCodes),
		string(ExtChunking), string(ExtBinaryMIME), string(ExtSMTPUTF8), string(ExtDSN)}
	if max := c.srv.maxMessageBytes(); max > 0 {
		ext = append(ext, fmt.Sprintf("%s %d", ExtSize, max))
	} else {
		ext = append(ext, string(ExtSize))
	}
	if c.srv.TLSConfig != nil && c.tlsState == nil {
		ext = append(ext, string(ExtStartTLS))
	}
	if c.authAllowed() {
		ext = append(ext, "AUTH PLAIN LOGIN")
	}
	return ext
}

func (c *Conn) authAllowed() bool {
	_, ok := c.sess.(AuthSession)
	return ok && c.authUser == "" && (c.tlsState != nil || c.srv.AllowInsecureAuth)
}

// reset aborts the transaction.
func (c *Conn) reset() {
	c.abortChunks()
	if c.mail != nil {
		c.sess.Reset()
	}
	c.mail, c.rcpts, c.binary = nil, nil, false
}

func (c *Conn) handleMail(ctx context.Context, arg string) {
	switch {
	case c.helo == "":
		c.reply(&Reply{Code: 503, Enhanced: EnhancedCode{5, 5, 1}, Lines: []string{"Send HELO or EHLO first"}})
		return
	case c.mail != nil:
		c.reply(&Reply{Code: 503, Enhanced: EnhancedCode{5, 5, 1}, Lines: []string{"Nested MAIL command"}})
		return
	case c.srv.RequireTLS && c.tlsState == nil:
		c.reply(ErrTLSRequired)
		return
	case c.srv.RequireAuth && c.authUser == "":
		c.reply(ErrAuthRequired)
		return
	}
	m, err := c.lim.ParseMail(arg)
	if err != nil {
		c.replyErr(err)
		return
	}
	if max := c.srv.maxMessageBytes(); max > 0 && m.Options.Size > max {
		c.reply(ErrMessageTooLarge)
		return
	}
	if !m.Options.UTF8 && !isASCII(m.From) {
		c.reply(&Reply{Code: 553, Enhanced: EnhancedCode{5, 6, 7}, Lines: []string{"Non-ASCII address needs SMTPUTF8"}})
		return
	}
	if err := c.sess.Mail(ctx, m.From, &m.Options); err != nil {
		c.replyErr(err)
		return
	}
	c.mail = &m
	c.binary = m.Options.Body == BodyBinaryMIME
	c.replyf(250, EnhancedCode{2, 1, 0}, "%s... Sender ok", m.From)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func (c *Conn) handleRcpt(ctx context.Context, arg string) {
	if c.mail == nil {
		c.reply(&Reply{Code: 503, Enhanced: EnhancedCode{5, 5, 1}, Lines: []string{"Need MAIL before RCPT"}})
		return
	}
	if over(len(c.rcpts)+1, c.lim.MaxRecipients) {
		c.reply(ErrTooManyRecipients)
		return
	}
	r, err := c.lim.ParseRcpt(arg)
	if err != nil {
		c.replyErr(err)
		return
	}
	if !c.mail.Options.UTF8 && !isASCII(r.To) {
		c.reply(&Reply{Code: 553, Enhanced: EnhancedCode{5, 6, 7}, Lines: []string{"Non-ASCII address needs SMTPUTF8"}})
		return
	}
	if err := c.sess.Rcpt(ctx, r.To, &r.Options); err != nil {
		c.replyErr(err)
		return
	}
	c.rcpts = append(c.rcpts, r)
	c.replyf(250, EnhancedCode{2, 1, 5}, "%s... Recipient ok", r.To)
}

func (c *Conn) handleStartTLS() (quit bool) {
	switch {
	case c.srv.TLSConfig == nil:
		c.reply(ErrNotImplemented)
		return false
	case c.tlsState != nil:
		c.reply(&Reply{Code: 503, Enhanced: EnhancedCode{5, 5, 1}, Lines: []string{"TLS already active"}})
		return false
	}
	c.replyf(220, EnhancedCode{2, 0, 0}, "Ready to start TLS")
	if err := c.w.Flush(); err != nil {
		return true
	}
	// Anything the client pipelined after STARTTLS is dropped with the
	// old reader (RFC 3207 section 4.2; the 2011 injection attacks).
	tc := tls.Server(c.sc, c.srv.TLSConfig)
	hctx, cancel := context.WithTimeout(context.Background(), TLSHandshakeTimeout)
	err := tc.HandshakeContext(hctx)
	cancel()
	if err != nil {
		c.log.Info("smtp: TLS handshake", "err", err)
		return true
	}
	st := tc.ConnectionState()
	c.tlsState = &st
	c.nc = tc
	c.setStream(tc)
	// RFC 3207 section 4.2: forget everything learned before TLS.
	c.reset()
	c.helo, c.esmtp = "", false
	return false
}

// replyErr sends the reply for err: a *Reply as it is, a *SyntaxError as
// its reply, a size error as 552, and anything else as 451 after logging it.
// This is the one place where errors become replies.
func (c *Conn) replyErr(err error) {
	var r *Reply
	var se *SyntaxError
	switch {
	case errors.As(err, &r):
	case errors.As(err, &se):
		r = se.Reply()
	case errors.Is(err, textwire.ErrMessageTooLarge):
		r = ErrMessageTooLarge
	default:
		c.log.Error("smtp: session error", "err", err)
		r = ErrInternal
	}
	c.reply(r)
}

func (c *Conn) replyf(code int, ec EnhancedCode, format string, args ...any) {
	c.reply(&Reply{Code: code, Enhanced: ec, Lines: []string{fmt.Sprintf(format, args...)}})
}

// reply queues r; the command loop flushes. Enhanced codes go only to
// clients that said EHLO (RFC 2034 section 3).
func (c *Conn) reply(r *Reply) {
	rr := *r
	if !c.esmtp {
		rr.Enhanced = EnhancedCode{}
	}
	lines := append([]string(nil), rr.textLines()...)
	for i, l := range lines {
		// Reply text never carries CR or LF: it comes from our own
		// constants or from addresses the codec checked.
		lines[i] = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' {
				return ' '
			}
			return r
		}, l)
	}
	if err := c.w.WriteReply(rr.Code, lines...); err != nil {
		c.log.Debug("smtp: write reply", "err", err)
	}
}

// dataTimeout is the per-read deadline while message data streams in.
func (c *Conn) dataTimeout() time.Duration {
	return timeoutOr(c.srv.DataTimeout, DefaultDataTimeout)
}
