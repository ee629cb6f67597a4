package pop3

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/applayer/applayer/internal/textwire"
	"github.com/applayer/applayer/sockets"
)

// state is the session state of RFC 1939 section 3.
type state int

const (
	stateAuthorization state = iota
	stateTransaction
	stateUpdate
)

// conn is one session. Everything here is owned by the connection's goroutine.
type conn struct {
	srv   *Server
	sc    *sockets.Conn
	nc    net.Conn // sc, or the tls.Conn over it after STLS
	r     *textwire.Reader
	w     *textwire.Writer
	buf   []byte
	log   func(msg string, args ...any)
	tls   bool
	stamp string // APOP timestamp, "" if APOP is not offered

	st       state
	user     string // from USER, waiting for PASS
	failures int

	drop      Maildrop
	msgs      []MessageInfo
	deleted   []bool
	retrieved []bool
}

// errClose ends the session after the reply has been sent.
var errClose = errors.New("pop3: closing connection")

func (s *Server) serveConn(ctx context.Context, sc *sockets.Conn) {
	c := &conn{srv: s, sc: sc, nc: sc}
	c.log = func(msg string, args ...any) {
		s.logger().Error(msg, append(args, "remote", sc.RemoteAddr().String())...)
	}
	_, c.tls = sc.NetConn().(*tls.Conn)
	c.setIO()
	defer func() {
		if c.drop != nil {
			c.drop.Close() // not QUIT: nothing is deleted
		}
		if p := recover(); p != nil {
			c.log("pop3: panic serving connection", "panic", p, "stack", string(debug.Stack()))
			c.status(StatusErr, CodeSysTemp, "internal server error")
			c.w.Flush()
		}
		sc.Close()
	}()
	sc.SetReadTimeout(s.idleTimeout())

	greeting := "POP3 server ready"
	if _, ok := s.Backend.(APOPBackend); ok {
		c.stamp = fmt.Sprintf("<%d.%d@%s>", time.Now().UnixNano(), s.seq.Add(1), s.hostname())
		greeting += " " + c.stamp
	}
	c.status(StatusOK, "", greeting)
	if c.w.Flush() != nil {
		return
	}
	for {
		if c.r.Buffered() == 0 {
			sc.SetIdle()
		}
		line, err := c.r.ReadLine()
		if err != nil {
			if errors.Is(err, textwire.ErrLineTooLong) {
				c.status(StatusErr, "", "line too long")
				if c.flush() != nil {
					return
				}
				continue
			}
			if errors.Is(err, sockets.ErrIdleInterrupted) || ctx.Err() != nil {
				c.status(StatusErr, CodeSysTemp, "server shutting down")
				c.w.Flush()
			}
			return
		}
		err = c.handle(ctx, line)
		if errors.Is(err, errClose) {
			c.w.Flush()
			return
		}
		if err != nil {
			c.replyErr(err)
		}
		if c.flush() != nil {
			return
		}
	}
}

// setIO (re)builds the line reader and writer over c.nc.
func (c *conn) setIO() {
	c.r = textwire.NewReader(c.nc, c.srv.maxLine())
	c.r.AllowBareLF = true // commands come from people with telnet too
	c.w = textwire.NewWriter(bufio.NewWriter(c.nc))
}

// flush sends buffered replies unless more pipelined commands are waiting
// (RFC 2449 section 6.6).
func (c *conn) flush() error {
	if c.r.Buffered() > 0 {
		return nil
	}
	return c.w.Flush()
}

func (c *conn) status(kind StatusKind, code ResponseCode, text string) {
	c.buf = AppendStatus(c.buf[:0], Status{Kind: kind, Code: code, Text: text})
	c.w.W.Write(c.buf)
}

func (c *conn) ok(text string) error {
	c.status(StatusOK, "", text)
	return nil
}

// replyErr is the one place where an error becomes a reply: an *Error goes
// out as it is, anything else is logged and the client hears only that
// something went wrong on our side.
func (c *conn) replyErr(err error) {
	var pe *Error
	switch {
	case errors.As(err, &pe):
		c.status(StatusErr, pe.Code, pe.Text)
	case errors.Is(err, ErrSyntax), errors.Is(err, ErrUnknownCommand):
		var se *SyntaxError
		text := "syntax error"
		if errors.As(err, &se) {
			text = se.Reason
		}
		c.status(StatusErr, "", text)
	default:
		c.log("pop3: session error", "err", err)
		c.status(StatusErr, CodeSysTemp, "internal server error")
	}
}

func (c *conn) handle(ctx context.Context, line []byte) error {
	cmd, err := ParseCommand(line)
	if err != nil {
		return err
	}
	switch cmd.Verb {
	case CAPA:
		return c.capa()
	case QUIT:
		return c.quit(ctx)
	}
	if c.st == stateAuthorization {
		switch cmd.Verb {
		case USER:
			return c.userCmd(cmd.Args[0])
		case PASS:
			return c.pass(ctx, cmd.Args[0])
		case APOP:
			return c.apop(ctx, cmd.Args[0], cmd.Args[1])
		case AUTH:
			return c.auth(ctx, cmd.Args)
		case STLS:
			return c.stls()
		}
		return &Error{Text: "command not valid before login"}
	}
	switch cmd.Verb {
	case STAT:
		return c.stat()
	case LIST:
		return c.list(cmd)
	case UIDL:
		return c.uidl(cmd)
	case RETR:
		n, _ := cmd.MsgArg(0)
		return c.retr(ctx, n, -1)
	case TOP:
		n, _ := cmd.MsgArg(0)
		lines, _ := cmd.MsgArg(1)
		return c.retr(ctx, n, lines)
	case DELE:
		return c.dele(cmd)
	case NOOP:
		return c.ok("")
	case RSET:
		return c.rset()
	}
	return &Error{Text: "command not valid in this state"}
}

// loginAllowed reports whether plaintext credentials may be sent now.
func (c *conn) loginAllowed() bool {
	return c.tls || c.srv.TLSConfig == nil || c.srv.AllowInsecureAuth
}

var errTLSRequired = &Error{Code: CodeAuth, Text: "TLS required: use STLS first"}

func (c *conn) capa() error {
	c.status(StatusOK, "", "capability list follows")
	caps := []string{"TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "EXPIRE NEVER"}
	if c.st == stateAuthorization {
		if c.loginAllowed() {
			caps = append(caps, "USER", "SASL PLAIN")
		}
		if c.srv.TLSConfig != nil && !c.tls {
			caps = append(caps, "STLS")
		}
	}
	if c.srv.LoginDelay > 0 {
		caps = append(caps, "LOGIN-DELAY "+strconv.Itoa(int(c.srv.LoginDelay/time.Second)))
	}
	caps = append(caps, "IMPLEMENTATION applayer")
	for _, cp := range caps {
		c.w.WriteLine(cp)
	}
	return c.w.WriteLine(".")
}

func (c *conn) quit(ctx context.Context) error {
	if c.st != stateTransaction {
		c.status(StatusOK, "", "POP3 server signing off")
		return errClose
	}
	c.st = stateUpdate
	var deleted, retrieved []int
	for i := range c.msgs {
		if c.deleted[i] {
			deleted = append(deleted, i+1)
		}
		if c.retrieved[i] {
			retrieved = append(retrieved, i+1)
		}
	}
	err := c.drop.Commit(ctx, deleted, retrieved)
	c.drop = nil
	if err != nil {
		c.log("pop3: commit failed", "user", c.user, "err", err)
		c.status(StatusErr, CodeSysTemp, "some deleted messages not removed")
		return errClose
	}
	c.status(StatusOK, "", "POP3 server signing off")
	return errClose
}

func (c *conn) userCmd(name string) error {
	if !c.loginAllowed() {
		return errTLSRequired
	}
	c.user = name
	return c.ok("")
}

func (c *conn) pass(ctx context.Context, password string) error {
	if c.user == "" {
		return &Error{Text: "USER first"}
	}
	user := c.user
	c.user = ""
	if !c.loginAllowed() {
		return errTLSRequired
	}
	drop, err := c.srv.Backend.Login(ctx, user, password)
	return c.loggedIn(ctx, user, drop, err)
}

func (c *conn) apop(ctx context.Context, user, digest string) error {
	ab, ok := c.srv.Backend.(APOPBackend)
	if !ok || c.stamp == "" {
		return &Error{Text: "APOP not supported"}
	}
	drop, err := ab.LoginAPOP(ctx, user, c.stamp, digest)
	return c.loggedIn(ctx, user, drop, err)
}

// auth handles AUTH (RFC 5034) with the PLAIN mechanism (RFC 4616).
func (c *conn) auth(ctx context.Context, args []string) error {
	if len(args) == 0 {
		// Not in RFC 5034, but old clients ask this way.
		c.status(StatusOK, "", "SASL mechanisms follow")
		c.w.WriteLine("PLAIN")
		return c.w.WriteLine(".")
	}
	if !bytes.EqualFold([]byte(args[0]), []byte("PLAIN")) {
		return &Error{Text: "unsupported SASL mechanism"}
	}
	if !c.loginAllowed() {
		return errTLSRequired
	}
	var resp string
	if len(args) == 2 {
		resp = args[1]
	} else {
		c.status(StatusContinue, "", "")
		if err := c.w.Flush(); err != nil {
			return err
		}
		line, err := c.r.ReadLine()
		if err != nil {
			if errors.Is(err, textwire.ErrLineTooLong) {
				return &Error{Text: "SASL response too long"}
			}
			return fmt.Errorf("reading SASL response: %w", err)
		}
		resp = string(line)
	}
	if resp == "*" {
		return &Error{Text: "authentication cancelled"}
	}
	if resp == "=" {
		resp = ""
	}
	raw, err := base64.StdEncoding.DecodeString(resp)
	if err != nil {
		return &Error{Text: "invalid base64 in SASL response"}
	}
	parts := bytes.Split(raw, []byte{0})
	if len(parts) != 3 || len(parts[1]) == 0 {
		return &Error{Text: "malformed PLAIN response"}
	}
	authz, user, password := string(parts[0]), string(parts[1]), string(parts[2])
	if authz != "" && authz != user {
		return c.loggedIn(ctx, user, nil, &Error{Code: CodeAuth, Text: "authorization identity not permitted"})
	}
	drop, err := c.srv.Backend.Login(ctx, user, password)
	return c.loggedIn(ctx, user, drop, err)
}

// loggedIn finishes any login: throttling on failure, LOGIN-DELAY, and the
// move to the TRANSACTION state.
func (c *conn) loggedIn(ctx context.Context, user string, drop Maildrop, err error) error {
	var pe *Error
	if err != nil && errors.As(err, &pe) && pe.Code == CodeAuth {
		c.failures++
		factor := max(c.failures, c.srv.throttle.fail(remoteIP(c.sc.RemoteAddr()), time.Now()))
		if d := c.srv.failedDelay(); d > 0 {
			t := time.NewTimer(d * time.Duration(factor))
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
		}
		if max := c.srv.maxFailures(); max > 0 && c.failures >= max {
			c.replyErr(err)
			c.log("pop3: too many failed logins, closing", "user", user)
			return errClose
		}
		return err
	}
	if err != nil {
		if !errors.As(err, &pe) {
			c.log("pop3: opening maildrop", "user", user, "err", err)
			return &Error{Code: CodeSysTemp, Text: "cannot open maildrop"}
		}
		return err
	}
	c.srv.throttle.succeed(remoteIP(c.sc.RemoteAddr()))
	if !c.srv.checkLoginDelay(user, time.Now()) {
		drop.Close()
		return ErrLoginDelay
	}
	msgs, err := drop.Messages(ctx)
	if err != nil {
		drop.Close()
		c.log("pop3: listing maildrop", "user", user, "err", err)
		return &Error{Code: CodeSysTemp, Text: "cannot read maildrop"}
	}
	c.drop, c.msgs, c.user = drop, msgs, user
	c.deleted = make([]bool, len(msgs))
	c.retrieved = make([]bool, len(msgs))
	c.st = stateTransaction
	return c.ok("user successfully logged on")
}

func (c *conn) stls() error {
	if c.srv.TLSConfig == nil {
		return &Error{Text: "STLS not supported"}
	}
	if c.tls {
		return &Error{Text: "TLS already active"}
	}
	c.ok("Begin TLS negotiation")
	if err := c.w.Flush(); err != nil {
		return errClose
	}
	if c.r.Buffered() > 0 {
		// Plaintext sent after STLS would be taken as coming through TLS:
		// the command injection of RFC 2595 section 7 / CVE-2011-0411.
		c.log("pop3: data pipelined after STLS, closing")
		return errClose
	}
	tc := tls.Server(c.sc, c.srv.TLSConfig)
	hctx, cancel := context.WithTimeout(context.Background(), DefaultTLSHandshakeTimeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		c.srv.logger().Debug("pop3: STLS handshake failed", "err", err)
		return errClose
	}
	c.nc, c.tls = tc, true
	c.user = ""
	c.setIO()
	return nil
}

// message checks a message number argument.
func (c *conn) message(n int) (int, error) {
	if n < 1 || n > len(c.msgs) {
		return 0, &Error{Text: "no such message"}
	}
	if c.deleted[n-1] {
		return 0, &Error{Text: "message " + strconv.Itoa(n) + " already deleted"}
	}
	return n - 1, nil
}

func (c *conn) stat() error {
	count, size := 0, int64(0)
	for i, m := range c.msgs {
		if !c.deleted[i] {
			count++
			size += m.Size
		}
	}
	return c.ok(strconv.Itoa(count) + " " + strconv.FormatInt(size, 10))
}

func (c *conn) list(cmd Command) error {
	if n, ok := cmd.MsgArg(0); ok {
		i, err := c.message(n)
		if err != nil {
			return err
		}
		return c.ok(string(AppendListLine(nil, MessageInfo{Number: n, Size: c.msgs[i].Size})))
	}
	count, size := 0, int64(0)
	for i, m := range c.msgs {
		if !c.deleted[i] {
			count++
			size += m.Size
		}
	}
	c.ok(fmt.Sprintf("%d messages (%d octets)", count, size))
	for i, m := range c.msgs {
		if !c.deleted[i] {
			c.buf = append(AppendListLine(c.buf[:0], MessageInfo{Number: i + 1, Size: m.Size}), '\r', '\n')
			c.w.W.Write(c.buf)
		}
	}
	return c.w.WriteLine(".")
}

func (c *conn) uidl(cmd Command) error {
	for _, m := range c.msgs {
		if !ValidUID(m.UID) {
			return &Error{Text: "unique-ids not supported by this maildrop"}
		}
	}
	if n, ok := cmd.MsgArg(0); ok {
		i, err := c.message(n)
		if err != nil {
			return err
		}
		return c.ok(string(AppendUIDLLine(nil, MessageInfo{Number: n, UID: c.msgs[i].UID})))
	}
	c.ok("")
	for i, m := range c.msgs {
		if !c.deleted[i] {
			c.buf = append(AppendUIDLLine(c.buf[:0], MessageInfo{Number: i + 1, UID: m.UID}), '\r', '\n')
			c.w.W.Write(c.buf)
		}
	}
	return c.w.WriteLine(".")
}

// retr sends message n whole (lines < 0) or its header and first lines of
// body (TOP).
func (c *conn) retr(ctx context.Context, n, lines int) error {
	i, err := c.message(n)
	if err != nil {
		return err
	}
	rc, err := c.drop.Open(ctx, n)
	if err != nil {
		return err
	}
	defer rc.Close()
	if lines < 0 {
		c.ok(strconv.FormatInt(c.msgs[i].Size, 10) + " octets")
		c.retrieved[i] = true
	} else {
		c.ok("top of message follows")
	}
	dw := c.w.DotWriter()
	var src io.Reader = rc
	if lines >= 0 {
		src = &topReader{r: bufio.NewReader(rc), lines: lines}
	}
	if _, err := io.Copy(dw, src); err != nil {
		// The +OK is out and the client waits for the message: there is no
		// way to say -ERR now, so close the connection.
		c.log("pop3: reading message", "user", c.user, "msg", n, "err", err)
		return errClose
	}
	return dw.Close()
}

// topReader yields a message's header, the blank line, and the first lines
// lines of its body (RFC 1939 section 7, TOP).
type topReader struct {
	r       *bufio.Reader
	lines   int  // body lines still to send
	inBody  bool // the blank line has been passed
	partial bool // the last chunk was not a whole line
	done    bool
	line    []byte
}

func (t *topReader) Read(p []byte) (int, error) {
	for len(t.line) == 0 {
		if t.done || t.inBody && t.lines <= 0 {
			return 0, io.EOF
		}
		line, err := t.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A long line: pass it on in pieces, count it at its end.
			t.line, t.partial = line, true
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		if err != nil {
			t.done = true
			if len(line) == 0 {
				return 0, io.EOF
			}
		}
		t.line = line
		if t.inBody {
			t.lines--
		} else if !t.partial && len(bytes.TrimRight(line, "\r\n")) == 0 {
			t.inBody = true
		}
		t.partial = false
	}
	n := copy(p, t.line)
	t.line = t.line[n:]
	return n, nil
}

func (c *conn) dele(cmd Command) error {
	n, _ := cmd.MsgArg(0)
	i, err := c.message(n)
	if err != nil {
		return err
	}
	c.deleted[i] = true
	return c.ok("message " + strconv.Itoa(n) + " deleted")
}

func (c *conn) rset() error {
	count, size := 0, int64(0)
	for i, m := range c.msgs {
		c.deleted[i] = false
		count++
		size += m.Size
	}
	return c.ok(fmt.Sprintf("maildrop has %d messages (%d octets)", count, size))
}
