package imap

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/applayer/applayer/sockets"
)

// conn is the state machine of one server connection. Everything in it is
// owned by the goroutine running serve, except where noted.
type conn struct {
	srv    *Server
	nc     net.Conn
	idle   func() // marks the connection idle for graceful shutdown; may be nil
	r      *Reader
	bw     *bufio.Writer
	log    *slog.Logger
	state  ConnState
	isTLS  bool
	user   User
	sel    *selected
	rev2   bool // ENABLE IMAP4rev2 was accepted
	buf    []byte
	okCode string  // response code for the tagged OK of the current command
	okArgs []Value // its arguments
	okText string  // text for the tagged OK, "" for the default
}

func newConn(srv *Server, nc net.Conn, idle func()) *conn {
	c := &conn{srv: srv, nc: nc, idle: idle, log: srv.logger().With("remote", nc.RemoteAddr().String())}
	_, c.isTLS = nc.(*tls.Conn)
	c.setupIO()
	return c
}

func (c *conn) setupIO() {
	var rd io.Reader = c.nc
	var wr io.Writer = c.nc
	if c.srv.DebugWriter != nil {
		rd = io.TeeReader(rd, newPrefixWriter(c.srv.DebugWriter, "C: "))
		wr = io.MultiWriter(wr, newPrefixWriter(c.srv.DebugWriter, "S: "))
	}
	c.r = NewReader(bufio.NewReader(rd))
	c.r.MaxLineLength = c.srv.MaxLineLength
	c.r.MaxLiteralSize = c.srv.maxLiteral()
	c.r.Continue = func(int64) error {
		c.bw.WriteString("+ Ready for literal data\r\n")
		return c.bw.Flush()
	}
	c.bw = bufio.NewWriter(wr)
}

// prefixWriter copies a stream to W with prefix at the start of every
// line, for the debug trace.
type prefixWriter struct {
	W      io.Writer
	prefix string
	mu     sync.Mutex
	mid    bool // the last write ended inside a line
}

func newPrefixWriter(w io.Writer, prefix string) *prefixWriter {
	return &prefixWriter{W: w, prefix: prefix}
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []byte
	for _, c := range b {
		if !p.mid {
			out = append(out, p.prefix...)
			p.mid = true
		}
		out = append(out, c)
		if c == '\n' {
			p.mid = false
		}
	}
	p.W.Write(out)
	return len(b), nil
}

// serve runs the connection until LOGOUT, an I/O error or shutdown.
func (c *conn) serve(ctx context.Context) {
	defer func() {
		if v := recover(); v != nil {
			c.log.Error("imap: panic serving connection", "panic", v, "stack", string(debug.Stack()))
			c.bw.WriteString("* BYE [SERVERBUG] internal error\r\n")
			c.bw.Flush()
		}
		c.closeSelected()
		c.nc.Close()
	}()
	c.writeStatus("*", StatusOK, CodeCapability, c.capValues(), "applayer IMAP server ready")
	if err := c.bw.Flush(); err != nil {
		return
	}
	for c.state != StateLogout {
		if c.idle != nil && c.r.Buffered() == 0 {
			c.idle()
		}
		c.r.MaxLiteralSize = c.srv.maxLiteral()
		cmd, err := ReadCommand(c.r)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, sockets.ErrIdleInterrupted) {
				c.bw.WriteString("* BYE server shutting down\r\n")
				c.bw.Flush()
				return
			}
			if !c.readError(cmd, err) {
				return
			}
			continue
		}
		c.okCode, c.okArgs, c.okText = "", nil, ""
		err = c.dispatch(ctx, cmd)
		if err != errHandled {
			c.finish(cmd, err)
		}
		if err := c.bw.Flush(); err != nil {
			return
		}
	}
}

// readError answers a command that could not be read and reports whether
// the connection can go on.
func (c *conn) readError(cmd *Command, err error) bool {
	var lit *LiteralTooLargeError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return false
	case errors.As(err, &lit) && lit.Sync && cmd != nil && cmd.Tag != "":
		// The client waits for "+" and sends nothing more (RFC 7888 section 4).
		c.writeStatus(cmd.Tag, StatusNO, CodeTooBig, nil, "literal too large")
		return c.bw.Flush() == nil
	case IsLimit(err):
		c.writeStatus("*", StatusBYE, CodeTooBig, nil, strings.TrimPrefix(err.Error(), "imap: "))
		c.bw.Flush()
		return false
	case errors.Is(err, ErrSyntax):
		// Skip the rest of the broken line, so the next read starts afresh
		// (and always makes progress).
		if c.r.DiscardLine() != nil {
			return false
		}
		tag := "*"
		if cmd != nil && cmd.Tag != "" {
			tag = cmd.Tag
		}
		c.writeStatus(tag, StatusBAD, "", nil, strings.TrimPrefix(err.Error(), "imap: "))
		return c.bw.Flush() == nil
	}
	c.log.Debug("imap: read error", "err", err)
	return false
}

// finish sends the tagged completion of cmd: the one place where errors
// become replies (P7). A typed *Error goes out as it is, a syntax error is
// BAD, anything else is logged and the client gets a generic NO.
func (c *conn) finish(cmd *Command, err error) {
	if err == nil {
		text := c.okText
		if text == "" {
			text = cmd.Name + " completed"
			if cmd.UID {
				text = "UID " + text
			}
		}
		c.writeStatus(cmd.Tag, StatusOK, c.okCode, c.okArgs, text)
		return
	}
	var ie *Error
	switch {
	case errors.As(err, &ie):
		text := ie.Text
		if text == "" {
			text = cmd.Name + " failed"
		}
		c.writeStatus(cmd.Tag, ie.Type, ie.Code, ie.Args, text)
		if ie.Type == StatusBYE {
			c.state = StateLogout
		}
	case errors.Is(err, ErrSyntax):
		c.writeStatus(cmd.Tag, StatusBAD, "", nil, strings.TrimPrefix(err.Error(), "imap: "))
	default:
		c.log.Error("imap: command failed", "command", cmd.Name, "err", err)
		c.writeStatus(cmd.Tag, StatusNO, CodeServerBug, nil, "internal error")
	}
}

func (c *conn) writeStatus(tag string, st StatusType, code string, args []Value, text string) {
	c.write(&Response{Tag: tag, Status: st, Code: code, CodeArgs: args, Text: text})
}

// untagged writes "* name args...".
func (c *conn) untagged(name string, args ...Value) {
	c.write(&Response{Tag: "*", Name: name, Args: args})
}

// untaggedNum writes "* n name args...".
func (c *conn) untaggedNum(n uint32, name string, args ...Value) {
	c.write(&Response{Tag: "*", Num: n, Name: name, Args: args})
}

// maxKeptBuffer is the largest response buffer a connection keeps between
// responses; a larger one (a fetched attachment) is dropped after use.
const maxKeptBuffer = 64 << 10

func (c *conn) write(resp *Response) {
	c.buf = AppendResponse(c.buf[:0], resp)
	c.bw.Write(c.buf)
	if cap(c.buf) > maxKeptBuffer {
		c.buf = nil
	}
}

// errHandled is returned by a command that has written its own tagged
// completion (STARTTLS, which must answer before the handshake).
var errHandled = errors.New("imap: completion already sent")

// tlsHandshakeTimeout bounds the STARTTLS handshake.
const tlsHandshakeTimeout = 30 * time.Second

// bad returns a BAD error with text.
func bad(text string) error { return &Error{Type: StatusBAD, Text: text} }

// no returns a NO error with text.
func no(text string) error { return &Error{Type: StatusNO, Text: text} }

// handler is one command's implementation.
type handler struct {
	states []ConnState
	fn     func(c *conn, ctx context.Context, cmd *Command) error
}

func handlerFor(name string) (handler, bool) {
	all := []ConnState{StateNotAuthenticated, StateAuthenticated, StateSelected}
	notAuth := []ConnState{StateNotAuthenticated}
	auth := []ConnState{StateAuthenticated, StateSelected}
	sel := []ConnState{StateSelected}
	switch name {
	case CmdCapability:
		return handler{all, (*conn).cmdCapability}, true
	case CmdNoop, CmdCheck:
		return handler{all, (*conn).cmdNoop}, true
	case CmdLogout:
		return handler{all, (*conn).cmdLogout}, true
	case CmdID:
		return handler{all, (*conn).cmdID}, true
	case CmdStartTLS:
		return handler{notAuth, (*conn).cmdStartTLS}, true
	case CmdAuthenticate:
		return handler{notAuth, (*conn).cmdAuthenticate}, true
	case CmdLogin:
		return handler{notAuth, (*conn).cmdLogin}, true
	case CmdEnable:
		return handler{auth, (*conn).cmdEnable}, true
	case CmdSelect, CmdExamine:
		return handler{auth, (*conn).cmdSelect}, true
	case CmdCreate:
		return handler{auth, (*conn).cmdCreate}, true
	case CmdDelete:
		return handler{auth, (*conn).cmdDelete}, true
	case CmdRename:
		return handler{auth, (*conn).cmdRename}, true
	case CmdSubscribe, CmdUnsubscribe:
		return handler{auth, (*conn).cmdSubscribe}, true
	case CmdList, CmdLsub:
		return handler{auth, (*conn).cmdList}, true
	case CmdNamespace:
		return handler{auth, (*conn).cmdNamespace}, true
	case CmdStatus:
		return handler{auth, (*conn).cmdStatus}, true
	case CmdAppend:
		return handler{auth, (*conn).cmdAppend}, true
	case CmdIdle:
		return handler{auth, (*conn).cmdIdle}, true
	case CmdClose, CmdUnselect:
		return handler{sel, (*conn).cmdClose}, true
	case CmdExpunge:
		return handler{sel, (*conn).cmdExpunge}, true
	case CmdSearch:
		return handler{sel, (*conn).cmdSearch}, true
	case CmdFetch:
		return handler{sel, (*conn).cmdFetch}, true
	case CmdStore:
		return handler{sel, (*conn).cmdStore}, true
	case CmdCopy, CmdMove:
		return handler{sel, (*conn).cmdCopy}, true
	}
	return handler{}, false
}

// uidCommands are the commands that take the UID prefix (RFC 9051 section
// 6.4.9, RFC 4315 for UID EXPUNGE, RFC 6851 for UID MOVE).
func uidAllowed(name string) bool {
	switch name {
	case CmdFetch, CmdStore, CmdSearch, CmdCopy, CmdMove, CmdExpunge:
		return true
	}
	return false
}

func (c *conn) dispatch(ctx context.Context, cmd *Command) error {
	h, ok := handlerFor(cmd.Name)
	if !ok || (cmd.UID && !uidAllowed(cmd.Name)) {
		return bad("unknown command")
	}
	allowed := false
	for _, s := range h.states {
		if s == c.state {
			allowed = true
		}
	}
	if !allowed {
		return bad(cmd.Name + " not allowed in the " + c.state.String() + " state")
	}
	err := h.fn(c, ctx, cmd)
	// Report other sessions' changes at the end of the command (RFC 9051
	// section 7.5.1 forbids EXPUNGE during FETCH, STORE and SEARCH).
	if c.sel != nil && c.state == StateSelected {
		if serr := c.sync(ctx, cmd.UID || !noExpungeDuring(cmd.Name)); serr != nil && err == nil {
			err = serr
		}
	}
	return err
}

func noExpungeDuring(name string) bool {
	return name == CmdFetch || name == CmdStore || name == CmdSearch
}

func (c *conn) closeSelected() {
	if c.sel != nil {
		c.sel.stop()
		c.sel = nil
	}
}

func wantArgs(cmd *Command, n int) error {
	if len(cmd.Args) != n {
		return bad(cmd.Name + ": wrong number of arguments")
	}
	return nil
}

func stringArg(v Value) (string, error) {
	s, ok := AsString(v)
	if !ok {
		return "", bad("expected a string")
	}
	return s, nil
}

// mailboxArg reads a mailbox name as the Backend sees it, in UTF-8:
// an IMAP4rev1 client sends it in modified UTF-7 (RFC 3501 section 5.1.3),
// which is decoded here; INBOX in any case is INBOX (RFC 9051
// section 5.1).
func (c *conn) mailboxArg(v Value) (string, error) {
	s, err := stringArg(v)
	if err != nil {
		return "", err
	}
	if s, err = c.decodeName(s); err != nil {
		return "", err
	}
	return canonicalMailbox(s), nil
}

// utf8Names reports whether the client uses UTF-8 mailbox names, as
// IMAP4rev2 clients do (RFC 9051 section 5.1), rather than modified UTF-7.
func (c *conn) utf8Names() bool { return c.rev2 }

// decodeName turns a mailbox name or LIST pattern from the client into
// UTF-8; a malformed one is refused with BAD.
func (c *conn) decodeName(s string) (string, error) {
	if c.utf8Names() {
		return s, nil
	}
	d, err := DecodeMailboxName(s)
	if err != nil {
		return "", &Error{Type: StatusBAD, Text: "mailbox name is not modified UTF-7 (RFC 3501 section 5.1.3)"}
	}
	return d, nil
}

// mailboxValue returns a mailbox name from the Backend as the client
// expects it: UTF-8 for IMAP4rev2, modified UTF-7 for IMAP4rev1.
func (c *conn) mailboxValue(name string) Value {
	if !c.utf8Names() {
		enc, err := EncodeMailboxName(name)
		if err == nil {
			name = enc
		} // a name that is not UTF-8 goes out as it is
	}
	return mailboxValue(name)
}

func canonicalMailbox(s string) string {
	if equalFold(s, Inbox) {
		return Inbox
	}
	if len(s) > len(Inbox) && s[len(Inbox)] == Delimiter && equalFold(s[:len(Inbox)], Inbox) {
		return Inbox + s[len(Inbox):]
	}
	return s
}
