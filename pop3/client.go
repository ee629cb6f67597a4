package pop3

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/applayer/applayer/internal/textwire"
)

// DefaultMaxBodyLineLength is the longest line of a message a Client accepts
// in RETR and TOP, CRLF included, when Client.MaxBodyLineLength is zero.
// RFC 5322 allows 1000, but real mail sometimes has longer lines.
const DefaultMaxBodyLineLength = 64 << 10

// ErrClientClosed is returned by the methods of a Client after Close or
// Quit, or after an I/O failure left the connection unusable.
var ErrClientClosed = errors.New("pop3: client closed")

// Client is a POP3 client: one method per command, in the order of RFC 1939.
// A Client runs one command at a time; its methods may be called from
// several goroutines but they wait for each other. Close may be called at
// any time. A method's ctx bounds the command (and, for Retr and Top, the
// reading of the message); when it ends, the connection is closed.
type Client struct {
	// MaxLineLength limits status and listing lines. Zero means
	// DefaultMaxLineLength. Set it before the first command.
	MaxLineLength int
	// MaxBodyLineLength limits a line of a retrieved message. Zero means
	// DefaultMaxBodyLineLength.
	MaxBodyLineLength int

	mu       sync.Mutex // one command at a time
	conn     net.Conn
	r        *textwire.Reader
	w        *textwire.Writer
	greeting Status
	body     atomic.Pointer[bodyReader] // open RETR/TOP body, drained before the next command
	err      error                      // sticky: the connection is unusable
	isTLS    bool
}

// Dial connects to a POP3 server at addr ("host:port") and reads its
// greeting.
func Dial(ctx context.Context, addr string) (*Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return newClientCtx(ctx, conn)
}

// DialTLS connects to a POP3-over-TLS server (port 995) and reads its
// greeting.
func DialTLS(ctx context.Context, addr string, cfg *tls.Config) (*Client, error) {
	d := tls.Dialer{Config: cfg}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	c, err := newClientCtx(ctx, conn)
	if c != nil {
		c.isTLS = true
	}
	return c, err
}

// NewClient returns a Client over conn, after reading the server's greeting.
func NewClient(conn net.Conn) (*Client, error) {
	return newClientCtx(context.Background(), conn)
}

func newClientCtx(ctx context.Context, conn net.Conn) (*Client, error) {
	c := &Client{conn: conn}
	_, c.isTLS = conn.(*tls.Conn)
	c.setIO()
	stop := c.watch(ctx)
	st, err := c.readStatus()
	stop()
	if err == nil && st.Kind != StatusOK {
		err = st.Err()
		if err == nil {
			err = syntaxError([]byte(st.Text), "unexpected greeting")
		}
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	c.greeting = st
	return c, nil
}

func (c *Client) setIO() {
	limit := c.MaxLineLength
	if limit <= 0 {
		limit = DefaultMaxLineLength
	}
	c.r = textwire.NewReader(c.conn, limit)
	c.w = textwire.NewWriter(c.conn)
}

// watch applies ctx to the connection until the returned stop is called:
// its deadline becomes the connection's, and its cancellation closes the
// connection (a command cannot be abandoned half way and the session kept).
func (c *Client) watch(ctx context.Context) (stop func()) {
	if d, ok := ctx.Deadline(); ok {
		c.conn.SetDeadline(d)
	} else {
		c.conn.SetDeadline(time.Time{})
	}
	unwatch := context.AfterFunc(ctx, func() { c.conn.Close() })
	return func() {
		if !unwatch() && c.err == nil {
			c.err = ctx.Err()
		}
	}
}

// Greeting returns the text of the server's greeting.
func (c *Client) Greeting() string { return c.greeting.Text }

var apopStamp = regexp.MustCompile(`<[^<>@\s]*@[^<>\s]*>`)

// APOPTimestamp returns the timestamp of the greeting ("<pid.clock@host>"),
// or "" when the server does not offer APOP.
func (c *Client) APOPTimestamp() string {
	return apopStamp.FindString(c.greeting.Text)
}

// readStatus reads one status line.
func (c *Client) readStatus() (Status, error) {
	line, err := c.r.ReadLine()
	if err != nil {
		return Status{}, c.broken(err)
	}
	st, err := ParseStatus(line)
	if err != nil {
		return Status{}, c.broken(err)
	}
	return st, nil
}

// broken records an I/O or protocol error after which the session cannot
// go on.
func (c *Client) broken(err error) error {
	if c.err == nil {
		c.err = err
	}
	c.conn.Close()
	return err
}

// begin starts a command: waits its turn, finishes an open body, checks
// the connection. The caller must call c.end(stop).
func (c *Client) begin(ctx context.Context) (stop func(), err error) {
	c.mu.Lock()
	if b := c.body.Load(); b != nil {
		b.drain()
	}
	if c.err != nil {
		c.mu.Unlock()
		return nil, c.err
	}
	return c.watch(ctx), nil
}

func (c *Client) end(stop func()) {
	stop()
	c.mu.Unlock()
}

// cmd sends a command and reads its status line. A -ERR comes back as
// *Error; the status is returned either way.
func (c *Client) cmd(ctx context.Context, cmd Command) (Status, error) {
	stop, err := c.begin(ctx)
	if err != nil {
		return Status{}, err
	}
	defer c.end(stop)
	return c.roundTrip(cmd)
}

func (c *Client) roundTrip(cmd Command) (Status, error) {
	if err := cmd.Validate(); err != nil {
		return Status{}, err
	}
	if _, err := c.w.W.Write(AppendCommand(nil, cmd)); err != nil {
		return Status{}, c.broken(err)
	}
	if err := c.w.Flush(); err != nil {
		return Status{}, c.broken(err)
	}
	st, err := c.readStatus()
	if err != nil {
		return st, err
	}
	if st.Kind == StatusContinue && cmd.Verb != AUTH {
		return st, c.broken(syntaxError([]byte(st.Text), "unexpected continuation"))
	}
	return st, st.Err()
}

// readLines reads the lines of a multi-line reply up to ".", undoing
// byte-stuffing, and calls fn for each.
func (c *Client) readLines(fn func(line []byte) error) error {
	var ferr error
	for {
		line, err := c.r.ReadLine()
		if err != nil {
			return c.broken(err)
		}
		if len(line) == 1 && line[0] == '.' {
			return ferr
		}
		if len(line) > 1 && line[0] == '.' {
			line = line[1:]
		}
		if ferr == nil {
			ferr = fn(line)
		}
	}
}

// Capa asks for the server's capabilities (RFC 2449 section 5).
func (c *Client) Capa(ctx context.Context) (Caps, error) {
	stop, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer c.end(stop)
	if _, err := c.roundTrip(Command{Verb: CAPA}); err != nil {
		return nil, err
	}
	caps := Caps{}
	return caps, c.readLines(caps.ParseCapaLine)
}

// StartTLS upgrades the connection with STLS (RFC 2595 section 4). cfg
// must name the server (ServerName) unless it skips verification.
func (c *Client) StartTLS(ctx context.Context, cfg *tls.Config) error {
	stop, err := c.begin(ctx)
	if err != nil {
		return err
	}
	defer c.end(stop)
	if _, err := c.roundTrip(Command{Verb: STLS}); err != nil {
		return err
	}
	if c.r.Buffered() > 0 {
		return c.broken(errors.New("pop3: server sent data after +OK to STLS"))
	}
	tc := tls.Client(c.conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return c.broken(err)
	}
	c.conn, c.isTLS = tc, true
	c.setIO()
	return nil
}

// TLS reports whether the connection is encrypted.
func (c *Client) TLS() bool { return c.isTLS }

// User sends USER (RFC 1939 section 7).
func (c *Client) User(ctx context.Context, name string) error {
	_, err := c.cmd(ctx, Command{Verb: USER, Args: []string{name}})
	return err
}

// Pass sends PASS (RFC 1939 section 7).
func (c *Client) Pass(ctx context.Context, password string) error {
	_, err := c.cmd(ctx, Command{Verb: PASS, Args: []string{password}})
	return err
}

// Login sends USER and PASS.
func (c *Client) Login(ctx context.Context, user, password string) error {
	if err := c.User(ctx, user); err != nil {
		return err
	}
	return c.Pass(ctx, password)
}

// APOP logs in with the digest of the greeting's timestamp and secret (RFC
// 1939 section 7). It fails if the greeting carried no timestamp.
func (c *Client) APOP(ctx context.Context, user, secret string) error {
	stamp := c.APOPTimestamp()
	if stamp == "" {
		return errors.New("pop3: server does not offer APOP (no timestamp in greeting)")
	}
	_, err := c.cmd(ctx, Command{Verb: APOP, Args: []string{user, APOPDigest(stamp, secret)}})
	return err
}

// AuthPlain logs in with AUTH PLAIN (RFC 5034, RFC 4616), sending the
// credentials as the initial response.
func (c *Client) AuthPlain(ctx context.Context, user, password string) error {
	resp := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + password))
	stop, err := c.begin(ctx)
	if err != nil {
		return err
	}
	defer c.end(stop)
	st, err := c.roundTrip(Command{Verb: AUTH, Args: []string{"PLAIN", resp}})
	if err != nil || st.Kind == StatusOK {
		return err
	}
	// A challenge after an initial response makes no sense for PLAIN:
	// cancel the exchange (RFC 5034 section 4) and report it.
	if _, err := c.w.W.WriteString("*\r\n"); err != nil {
		return c.broken(err)
	}
	if err := c.w.Flush(); err != nil {
		return c.broken(err)
	}
	if _, err := c.readStatus(); err != nil {
		return err
	}
	return errors.New("pop3: server sent a SASL challenge after the PLAIN initial response")
}

// Stat returns the number of messages and the size of the maildrop.
func (c *Client) Stat(ctx context.Context) (count int, size int64, err error) {
	st, err := c.cmd(ctx, Command{Verb: STAT})
	if err != nil {
		return 0, 0, err
	}
	return ParseStatLine(st.Text)
}

// List returns the number and size of every message not marked deleted.
func (c *Client) List(ctx context.Context) ([]MessageInfo, error) {
	return c.listing(ctx, LIST, ParseListLine)
}

// ListOne returns the size of message n.
func (c *Client) ListOne(ctx context.Context, n int) (MessageInfo, error) {
	st, err := c.cmd(ctx, msgCommand(LIST, n))
	if err != nil {
		return MessageInfo{}, err
	}
	return ParseListLine([]byte(st.Text))
}

// Uidl returns the unique-id of every message not marked deleted.
func (c *Client) Uidl(ctx context.Context) ([]MessageInfo, error) {
	return c.listing(ctx, UIDL, ParseUIDLLine)
}

// UidlOne returns the unique-id of message n.
func (c *Client) UidlOne(ctx context.Context, n int) (MessageInfo, error) {
	st, err := c.cmd(ctx, msgCommand(UIDL, n))
	if err != nil {
		return MessageInfo{}, err
	}
	return ParseUIDLLine([]byte(st.Text))
}

func (c *Client) listing(ctx context.Context, v Verb, parse func([]byte) (MessageInfo, error)) ([]MessageInfo, error) {
	stop, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer c.end(stop)
	if _, err := c.roundTrip(Command{Verb: v}); err != nil {
		return nil, err
	}
	var out []MessageInfo
	err = c.readLines(func(line []byte) error {
		m, err := parse(line)
		if err == nil {
			out = append(out, m)
		}
		return err
	})
	return out, err
}

// Retr retrieves message n. The returned reader streams the message with
// byte-stuffing removed and CRLF line ends; read it to the end or Close it
// before the next command (the next command drains it otherwise).
func (c *Client) Retr(ctx context.Context, n int) (io.ReadCloser, error) {
	return c.openBody(ctx, msgCommand(RETR, n))
}

// Top retrieves the header of message n and the first lines lines of its
// body (RFC 1939 section 7), streamed as by Retr.
func (c *Client) Top(ctx context.Context, n, lines int) (io.ReadCloser, error) {
	return c.openBody(ctx, msgCommand(TOP, n, lines))
}

func (c *Client) openBody(ctx context.Context, cmd Command) (io.ReadCloser, error) {
	stop, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := c.roundTrip(cmd); err != nil {
		c.end(stop)
		return nil, err
	}
	limit := c.MaxBodyLineLength
	if limit <= 0 {
		limit = DefaultMaxBodyLineLength
	}
	b := &bodyReader{c: c, stop: stop, saved: c.r.MaxLineLength}
	c.r.MaxLineLength = limit
	b.dr = c.r.DotReader(0)
	c.body.Store(b)
	c.mu.Unlock() // the body holds the session until it is done
	return b, nil
}

// bodyReader streams a RETR or TOP reply.
type bodyReader struct {
	c     *Client
	dr    io.Reader
	stop  func()
	saved int
	mu    sync.Mutex
	done  bool
	err   error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		if b.err != nil {
			return 0, b.err
		}
		return 0, io.EOF
	}
	n, err := b.dr.Read(p)
	if err != nil {
		b.finish(err)
	}
	return n, err
}

// finish ends the body: on EOF the session goes on, on any other error it
// is broken.
func (b *bodyReader) finish(err error) {
	if b.done {
		return
	}
	b.done = true
	b.c.r.MaxLineLength = b.saved
	if err != io.EOF {
		b.err = err
		b.c.broken(err)
	}
	b.stop()
	b.c.body.CompareAndSwap(b, nil)
}

// drain reads the rest of the body so the next reply can be read. Called
// with c.mu held.
func (b *bodyReader) drain() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return
	}
	_, err := io.Copy(io.Discard, b.dr)
	if err == nil {
		err = io.EOF
	}
	b.finish(err)
}

// Close reads and discards what is left of the message.
func (b *bodyReader) Close() error {
	b.c.mu.Lock()
	defer b.c.mu.Unlock()
	b.drain()
	if b.err != nil {
		return b.err
	}
	return nil
}

// Dele marks message n deleted; the server removes it at Quit.
func (c *Client) Dele(ctx context.Context, n int) error {
	_, err := c.cmd(ctx, msgCommand(DELE, n))
	return err
}

// Noop does nothing; it keeps the session alive.
func (c *Client) Noop(ctx context.Context) error {
	_, err := c.cmd(ctx, Command{Verb: NOOP})
	return err
}

// Rset unmarks all messages marked deleted.
func (c *Client) Rset(ctx context.Context) error {
	_, err := c.cmd(ctx, Command{Verb: RSET})
	return err
}

// Quit ends the session: the server deletes the messages marked deleted
// (the UPDATE state) and says goodbye; the connection is then closed. An
// error means the deletions may not have happened.
func (c *Client) Quit(ctx context.Context) error {
	_, err := c.cmd(ctx, Command{Verb: QUIT})
	c.Close()
	return err
}

// Close closes the connection without QUIT: messages marked deleted stay.
func (c *Client) Close() error {
	err := c.conn.Close()
	c.mu.Lock()
	if c.err == nil {
		c.err = ErrClientClosed
	}
	c.mu.Unlock()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// FetchOptions choose between the two modes of the POP3 lesson.
type FetchOptions struct {
	// Delete selects "download and delete": each message is marked deleted
	// once it has been handed to the callback without error. Call Quit
	// afterwards to make the server remove them.
	Delete bool
	// Seen, when set, selects "download and keep" bookkeeping: messages
	// whose unique-id (UIDL) it reports as seen are skipped. The server must
	// support UIDL.
	Seen func(uid string) bool
}

// Fetch downloads the maildrop: it lists the messages, skips those
// opts.Seen knows, streams each of the others to deliver (with UID filled in
// when the server has UIDL), and in Delete mode marks it deleted after
// deliver returns nil. It stops at the first error and returns the messages
// delivered so far.
func (c *Client) Fetch(ctx context.Context, opts FetchOptions, deliver func(m MessageInfo, body io.Reader) error) ([]MessageInfo, error) {
	msgs, err := c.List(ctx)
	if err != nil {
		return nil, err
	}
	uids, err := c.Uidl(ctx)
	var pe *Error
	switch {
	case err == nil:
		byNum := make(map[int]string, len(uids))
		for _, u := range uids {
			byNum[u.Number] = u.UID
		}
		for i := range msgs {
			msgs[i].UID = byNum[msgs[i].Number]
		}
	case errors.As(err, &pe) && opts.Seen == nil:
		// No UIDL: fine when not keeping track.
	default:
		return nil, fmt.Errorf("pop3: download-and-keep needs UIDL: %w", err)
	}
	var done []MessageInfo
	for _, m := range msgs {
		if opts.Seen != nil && m.UID != "" && opts.Seen(m.UID) {
			continue
		}
		body, err := c.Retr(ctx, m.Number)
		if err != nil {
			return done, err
		}
		derr := deliver(m, body)
		cerr := body.Close()
		if derr != nil {
			return done, fmt.Errorf("pop3: delivering message %d: %w", m.Number, derr)
		}
		if cerr != nil {
			return done, cerr
		}
		if opts.Delete {
			if err := c.Dele(ctx, m.Number); err != nil {
				return done, err
			}
		}
		done = append(done, m)
	}
	return done, nil
}
