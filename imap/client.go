package imap

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// literalMinusMax is the largest non-synchronizing literal LITERAL- allows
// (RFC 7888 section 5).
const literalMinusMax = 4096

// ClientOptions are the optional settings of a [Client].
type ClientOptions struct {
	// UnilateralHandler receives the untagged responses no command asked
	// for: new mail (EXISTS), EXPUNGE, flag changes (FETCH), alerts, and
	// everything pushed during IDLE. It runs on the goroutine reading the
	// connection and must not call the Client.
	UnilateralHandler func(*Response)
	// MaxLiteralSize caps a literal the server sends (a fetched body). If
	// zero, DefaultMaxLiteralSize is used.
	MaxLiteralSize int64
	// DebugWriter, if set, receives everything sent ("C: ") and received
	// ("S: "), passwords included.
	DebugWriter io.Writer
	// ModifiedUTF7 makes the client send mailbox names (and LIST
	// patterns) in modified UTF-7 and decode the names the server sends
	// (LIST, LSUB, STATUS), as IMAP4rev1 servers expect (RFC 3501 section
	// 5.1.3), until IMAP4rev2 or UTF8=ACCEPT is enabled; the caller then
	// works in UTF-8 throughout. Without it names go out and come back as
	// they are.
	ModifiedUTF7 bool
}

// Client is an IMAP client (RFC 9051, RFC 3501). Its methods send one
// command each and wait for its completion; they are safe for concurrent
// use (commands are serialized). Close may be called at any time.
//
// The context of a method bounds that command: its deadline applies to the
// connection, and cancelling it interrupts the command. A command cut off
// in the middle leaves the connection out of step with the server, so the
// client should then be closed.
type Client struct {
	opts ClientOptions
	// utf8Names is set once IMAP4rev2 or UTF8=ACCEPT is enabled: names
	// are UTF-8 from then on (RFC 9051 section 5.1, RFC 6855).
	utf8Names atomic.Bool

	mu   sync.Mutex // held while a command runs; guards everything below
	nc   net.Conn
	r    *Reader
	bw   *bufio.Writer
	tagN int
	caps CapSet
	idle bool // an IDLE is running
}

// Dial connects to an IMAP server on addr (port 143) and reads its greeting.
func Dial(ctx context.Context, addr string, opts *ClientOptions) (*Client, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return newClientCtx(ctx, nc, opts)
}

// DialTLS connects with implicit TLS (port 993).
func DialTLS(ctx context.Context, addr string, cfg *tls.Config, opts *ClientOptions) (*Client, error) {
	d := tls.Dialer{Config: cfg}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return newClientCtx(ctx, nc, opts)
}

// NewClient starts a client on an open connection and reads the greeting.
func NewClient(nc net.Conn, opts *ClientOptions) (*Client, error) {
	return newClientCtx(context.Background(), nc, opts)
}

func newClientCtx(ctx context.Context, nc net.Conn, opts *ClientOptions) (*Client, error) {
	c := &Client{nc: nc}
	if opts != nil {
		c.opts = *opts
	}
	c.setupIO()
	stop := c.watch(ctx)
	defer stop()
	resp, err := ReadResponse(c.r)
	if err != nil {
		nc.Close()
		return nil, err
	}
	if resp.Status != StatusOK && resp.Status != StatusPREAUTH {
		nc.Close()
		if resp.Status == "" {
			return nil, fmt.Errorf("imap: bad greeting %q", resp.Name)
		}
		return nil, resp.Err()
	}
	c.noteCaps(resp)
	return c, nil
}

func (c *Client) setupIO() {
	var rd io.Reader = c.nc
	var wr io.Writer = c.nc
	if c.opts.DebugWriter != nil {
		rd = io.TeeReader(rd, newPrefixWriter(c.opts.DebugWriter, "S: "))
		wr = io.MultiWriter(wr, newPrefixWriter(c.opts.DebugWriter, "C: "))
	}
	c.r = NewReader(bufio.NewReader(rd))
	c.r.MaxLiteralSize = c.opts.MaxLiteralSize
	c.bw = bufio.NewWriter(wr)
}

// watch applies ctx to the connection: its deadline, and cancellation
// interrupts blocked reads and writes.
func (c *Client) watch(ctx context.Context) (stop func()) {
	if ctx.Err() != nil {
		// Already over: interrupt at once, not from AfterFunc's goroutine.
		c.nc.SetDeadline(time.Unix(1, 0))
		return func() {}
	}
	if d, ok := ctx.Deadline(); ok {
		c.nc.SetDeadline(d)
	} else {
		c.nc.SetDeadline(time.Time{})
	}
	cancel := context.AfterFunc(ctx, func() { c.nc.SetDeadline(time.Unix(1, 0)) })
	return func() { cancel() }
}

// noteCaps records a CAPABILITY response code.
func (c *Client) noteCaps(resp *Response) {
	if resp.Code == CodeCapability {
		c.setCaps(resp.CodeArgs)
	}
}

func (c *Client) setCaps(vals []Value) {
	c.caps = CapSet{}
	for _, v := range vals {
		if s, ok := AsString(v); ok {
			c.caps[Cap(s)] = true
		}
	}
}

// Close closes the connection without LOGOUT.
func (c *Client) Close() error { return c.nc.Close() }

// Caps returns the capabilities last announced, or nil if the server has
// not announced any yet (call Capability).
func (c *Client) Caps() CapSet {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.caps
}

func (c *Client) nextTag() string {
	c.tagN++
	return "A" + strconv.Itoa(c.tagN)
}

func (c *Client) maxNonSync() int64 {
	switch {
	case c.caps.Has(CapLiteralPlus):
		return 1<<63 - 1
	case c.caps.Has(CapLiteralMinus) || c.caps.Has(CapIMAP4rev2):
		return literalMinusMax
	}
	return -1
}

// Execute sends a command and reads responses until its completion.
// Untagged responses go to onData first; those it returns false for go to
// the UnilateralHandler. A NO or BAD completion is returned as an *Error,
// with the completion response.
func (c *Client) Execute(ctx context.Context, cmd *Command, onData func(*Response) bool) (*Response, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.idle {
		return nil, errors.New("imap: IDLE is running; call Done first")
	}
	if err := ctx.Err(); err != nil {
		return nil, err // nothing sent: the session stays in step
	}
	stop := c.watch(ctx)
	defer stop()
	return c.execute(cmd, onData)
}

func (c *Client) execute(cmd *Command, onData func(*Response) bool) (*Response, error) {
	cmd.Tag = c.nextTag()
	parts := SplitCommand(cmd, c.maxNonSync())
	for i, p := range parts {
		if _, err := c.bw.Write(p); err != nil {
			return nil, err
		}
		if err := c.bw.Flush(); err != nil {
			return nil, err
		}
		if i == len(parts)-1 {
			break
		}
		// Wait for the continuation request before the literal's octets.
		for {
			resp, err := ReadResponse(c.r)
			if err != nil {
				return nil, err
			}
			if resp.Tag == "+" {
				break
			}
			if resp.Tag == cmd.Tag {
				return resp, resp.Err()
			}
			c.deliver(resp, onData)
		}
	}
	return c.readUntil(cmd.Tag, onData)
}

func (c *Client) readUntil(tag string, onData func(*Response) bool) (*Response, error) {
	for {
		resp, err := ReadResponse(c.r)
		if err != nil {
			return nil, err
		}
		if resp.Tag == tag {
			c.noteCaps(resp)
			return resp, resp.Err()
		}
		if resp.Tag == "+" {
			return nil, errors.New("imap: unexpected continuation request")
		}
		c.deliver(resp, onData)
	}
}

func (c *Client) deliver(resp *Response, onData func(*Response) bool) {
	c.noteCaps(resp)
	if resp.Name == "CAPABILITY" {
		c.setCaps(resp.Args)
	}
	if onData != nil && onData(resp) {
		return
	}
	if c.opts.UnilateralHandler != nil {
		c.opts.UnilateralHandler(resp)
	}
}

// simple runs a command that returns no data.
func (c *Client) simple(ctx context.Context, name string, args ...Value) error {
	_, err := c.Execute(ctx, &Command{Name: name, Args: args}, nil)
	return err
}

// Capability asks for the server's capabilities (RFC 9051 section 6.1.1).
func (c *Client) Capability(ctx context.Context) (CapSet, error) {
	if err := c.simple(ctx, CmdCapability); err != nil {
		return nil, err
	}
	return c.Caps(), nil
}

// Noop does nothing, which lets the server report mailbox changes to the
// UnilateralHandler (RFC 9051 section 6.1.2).
func (c *Client) Noop(ctx context.Context) error { return c.simple(ctx, CmdNoop) }

// Logout ends the session and closes the connection (RFC 9051 section 6.1.3).
func (c *Client) Logout(ctx context.Context) error {
	err := c.simple(ctx, CmdLogout)
	c.nc.Close()
	return err
}

// StartTLS upgrades the connection to TLS (RFC 9051 section 6.2.1).
func (c *Client) StartTLS(ctx context.Context, cfg *tls.Config) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	stop := c.watch(ctx)
	defer stop()
	if _, err := c.execute(&Command{Name: CmdStartTLS}, nil); err != nil {
		return err
	}
	if c.r.Buffered() > 0 {
		return errors.New("imap: server sent data after STARTTLS")
	}
	tc := tls.Client(c.nc, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return err
	}
	c.nc = tc
	c.setupIO()
	c.caps = nil // RFC 9051 section 6.2.1: forget what was announced before TLS
	return nil
}

// Login logs in with a user name and password (RFC 9051 section 6.2.3).
func (c *Client) Login(ctx context.Context, user, password string) error {
	return c.simple(ctx, CmdLogin, astring(user), astring(password))
}

// AuthenticatePlain logs in with SASL PLAIN (RFC 4616), sending the
// credentials as an initial response when the server has SASL-IR.
func (c *Client) AuthenticatePlain(ctx context.Context, user, password string) error {
	resp := base64Std([]byte("\x00" + user + "\x00" + password))
	c.mu.Lock()
	defer c.mu.Unlock()
	stop := c.watch(ctx)
	defer stop()
	tag := c.nextTag()
	if c.caps.Has(CapSASLIR) {
		fmt.Fprintf(c.bw, "%s AUTHENTICATE PLAIN %s\r\n", tag, resp)
		if err := c.bw.Flush(); err != nil {
			return err
		}
		_, err := c.readUntil(tag, nil)
		return err
	}
	fmt.Fprintf(c.bw, "%s AUTHENTICATE PLAIN\r\n", tag)
	if err := c.bw.Flush(); err != nil {
		return err
	}
	for {
		r, err := ReadResponse(c.r)
		if err != nil {
			return err
		}
		if r.Tag == tag {
			return r.Err()
		}
		if r.Tag == "+" {
			break
		}
		c.deliver(r, nil)
	}
	c.bw.WriteString(resp + "\r\n")
	if err := c.bw.Flush(); err != nil {
		return err
	}
	_, err := c.readUntil(tag, nil)
	return err
}

// Enable turns on extensions such as IMAP4rev2 (RFC 5161) and returns
// those the server enabled.
func (c *Client) Enable(ctx context.Context, caps ...Cap) ([]Cap, error) {
	args := make([]Value, len(caps))
	for i, cp := range caps {
		args[i] = Atom(cp)
	}
	var enabled []Cap
	_, err := c.Execute(ctx, &Command{Name: CmdEnable, Args: args}, func(r *Response) bool {
		if r.Name != "ENABLED" {
			return false
		}
		for _, a := range r.Args {
			s, _ := AsString(a)
			enabled = append(enabled, Cap(s))
			if equalFold(s, string(CapIMAP4rev2)) || equalFold(s, string(CapUTF8Accept)) {
				c.utf8Names.Store(true)
			}
		}
		return true
	})
	return enabled, err
}

// astring returns s as an Atom when it can go as one (an astring in the
// grammar: LOGIN's arguments, mailbox names), otherwise as a String.
func astring(s string) Value {
	if chooseForm(s, true) == formAtom {
		return Atom(s)
	}
	return String(s)
}

// mutf7 reports whether mailbox names travel in modified UTF-7.
func (c *Client) mutf7() bool { return c.opts.ModifiedUTF7 && !c.utf8Names.Load() }

// mailbox returns a mailbox name (or LIST pattern) as the client sends it,
// encoded in modified UTF-7 when ClientOptions.ModifiedUTF7 asks for it.
func (c *Client) mailbox(name string) (Value, error) {
	if c.mutf7() {
		enc, err := EncodeMailboxName(name)
		if err != nil {
			return nil, err
		}
		name = enc
	}
	return astring(name), nil
}

// mailboxName reads a mailbox name the server sent, decoding modified
// UTF-7 when ClientOptions.ModifiedUTF7 asks for it.
func (c *Client) mailboxName(v Value) (string, error) {
	s, _ := AsString(v)
	if !c.mutf7() {
		return s, nil
	}
	return DecodeMailboxName(s)
}
