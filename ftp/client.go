package ftp

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/applayer/applayer/internal/textwire"
)

// DataMode says how a [Client] sets up data connections.
type DataMode int

// Data connection modes.
const (
	// Passive sends EPSV, and PASV if the server does not know EPSV: the
	// client connects to the server (works through client-side NAT and
	// firewalls). The default.
	Passive DataMode = iota
	// PassiveOnly sends only PASV (RFC 959), never EPSV.
	PassiveOnly
	// ExtendedPassive sends only EPSV (RFC 2428).
	ExtendedPassive
	// Active sends PORT (or EPRT over IPv6) and the server connects back to
	// a port the client listens on: the lesson's original mode.
	Active
	// ExtendedActive sends EPRT (RFC 2428) for IPv4 too.
	ExtendedActive
)

// Client is an FTP client. It runs one command at a time: methods are safe
// for concurrent use but serialize. Negative replies come back as *Reply
// errors (errors.As(err, &reply) gives the code).
type Client struct {
	// DataMode picks active or passive data connections; change it between
	// commands.
	DataMode DataMode

	// MaxListEntries caps the entries of one listing. If zero,
	// DefaultMaxListEntries.
	MaxListEntries int

	// Trace, if set, receives the control-channel dialogue as "C: ..." and
	// "S: ..." lines (PASS arguments are masked). Set it before use.
	Trace io.Writer

	// DataTimeout bounds opening a data connection and each read or write on
	// it. If zero, DefaultDataTimeout; negative, none (ctx still applies).
	DataTimeout time.Duration

	raw net.Conn // the TCP connection, set once: Close may run at any time

	mu      sync.Mutex
	conn    net.Conn // raw, or TLS over it after AuthTLS
	r       *textwire.Reader
	parser  ReplyParser
	w       *bufio.Writer
	host    netip.Addr // the server's address, for EPSV and PASV
	local   netip.Addr // our address, for PORT and EPRT
	tlsConf *tls.Config
	protP   bool
	binary  bool
	noEPSV  bool // the server refused EPSV once
}

// Dial connects to an FTP server at addr ("host:port") and reads its 220
// greeting. trace may be nil; see [Client.Trace].
func Dial(ctx context.Context, addr string, trace io.Writer) (*Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	c, err := NewClient(ctx, conn, trace)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return c, nil
}

// NewClient starts a client on an open control connection and reads the
// greeting.
func NewClient(ctx context.Context, conn net.Conn, trace io.Writer) (*Client, error) {
	c := &Client{raw: conn, conn: conn, w: bufio.NewWriter(conn), Trace: trace}
	c.setReader(conn)
	if ap, err := netip.ParseAddrPort(conn.RemoteAddr().String()); err == nil {
		c.host = ap.Addr().Unmap()
	}
	if ap, err := netip.ParseAddrPort(conn.LocalAddr().String()); err == nil {
		c.local = ap.Addr().Unmap()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	stop := c.watch(ctx)
	defer stop()
	r, err := c.readReply()
	for err == nil && r.Code == StatusServiceReadySoon { // 120, then 220 (RFC 959 section 5.4)
		r, err = c.readReply()
	}
	if err != nil {
		return nil, c.ctxErr(ctx, err)
	}
	if r.Code != StatusReady {
		return nil, r
	}
	return c, nil
}

func (c *Client) setReader(conn net.Conn) {
	c.r = textwire.NewReader(conn, DefaultMaxLineLength)
	c.r.AllowBareLF = true
}

// watch makes ctx's end interrupt blocking I/O on the control connection.
// It returns the function that stops watching; once that returns, the
// interruption can no longer happen (so a new deadline set afterwards
// stays). Calling it more than once is fine.
func (c *Client) watch(ctx context.Context) func() {
	if dl, ok := ctx.Deadline(); ok {
		c.conn.SetDeadline(dl)
	} else {
		c.conn.SetDeadline(time.Time{})
	}
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		c.conn.SetDeadline(time.Unix(1, 0))
		close(fired)
	})
	stopped := false
	return func() {
		if stopped {
			return
		}
		stopped = true
		if !stop() {
			<-fired
		}
	}
}

func (c *Client) trace(dir string, line string) {
	if c.Trace != nil {
		io.WriteString(c.Trace, dir+line+"\n")
	}
}

// readReply reads one complete reply.
func (c *Client) readReply() (*Reply, error) {
	for {
		line, err := c.r.ReadLine()
		if err != nil {
			return nil, err
		}
		r, err := c.parser.Feed(line)
		if err != nil {
			return nil, err
		}
		if r == nil {
			continue
		}
		if c.Trace != nil {
			wire := AppendReply(nil, r.Code, r.Lines...)
			for _, l := range strings.Split(strings.TrimSuffix(string(wire), "\r\n"), "\r\n") {
				c.trace("S: ", l)
			}
		}
		return r, nil
	}
}

// send writes one command.
func (c *Client) send(verb Verb, arg string) error {
	cmd := Command{Verb: verb, Arg: arg}
	if err := cmd.Validate(); err != nil {
		return err
	}
	if verb == PASS {
		c.trace("C: ", "PASS ****")
	} else {
		c.trace("C: ", cmd.String()[:len(cmd.String())-2])
	}
	c.w.Write(AppendCommand(nil, cmd))
	return c.w.Flush()
}

// cmd sends a command and reads its reply; a reply outside want's class
// (1..5, the first digit) is returned as an error.
func (c *Client) cmd(ctx context.Context, want int, verb Verb, arg string) (*Reply, error) {
	stop := c.watch(ctx)
	defer stop()
	if err := c.send(verb, arg); err != nil {
		return nil, c.ctxErr(ctx, err)
	}
	r, err := c.readReply()
	if err != nil {
		return nil, c.ctxErr(ctx, err)
	}
	if int(r.Code)/100 != want {
		return r, r
	}
	return r, nil
}

// ctxErr prefers the context's error when it caused err.
func (c *Client) ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// Cmd sends any command and returns the server's reply, positive or not.
// The error is only for failures to talk to the server.
func (c *Client) Cmd(ctx context.Context, verb Verb, arg string) (*Reply, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, err := c.cmd(ctx, 0, verb, arg)
	if r != nil {
		return r, nil
	}
	return nil, err
}

// Login sends USER and, when asked for it, PASS (RFC 959 section 4.1.1).
// For anonymous FTP use "anonymous" and an e-mail address.
func (c *Client) Login(ctx context.Context, user, pass string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, err := c.cmd(ctx, 0, USER, user)
	if err != nil && r == nil {
		return err
	}
	switch {
	case r.Code == StatusLoggedIn:
		return nil
	case r.Code != StatusNeedPassword:
		return r
	}
	_, err = c.cmd(ctx, 2, PASS, pass)
	return err
}

// AuthTLS protects the control connection with TLS (AUTH TLS, RFC 4217) and
// then the data connections (PBSZ 0, PROT P). Call it before Login so the
// password is encrypted.
func (c *Client) AuthTLS(ctx context.Context, cfg *tls.Config) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.cmd(ctx, 2, AUTH, "TLS"); err != nil {
		return err
	}
	cfg = cfg.Clone()
	if cfg.ClientSessionCache == nil {
		// Servers such as vsftpd may require the data connection to
		// resume the control connection's TLS session.
		cfg.ClientSessionCache = tls.NewLRUClientSessionCache(4)
	}
	tc := tls.Client(c.conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return err
	}
	c.conn = tc
	c.setReader(tc)
	c.w = bufio.NewWriter(tc)
	c.tlsConf = cfg
	if _, err := c.cmd(ctx, 2, PBSZ, "0"); err != nil {
		return err
	}
	if _, err := c.cmd(ctx, 2, PROT, "P"); err != nil {
		return err
	}
	c.protP = true
	return nil
}

// Quit sends QUIT and closes the connection.
func (c *Client) Quit(ctx context.Context) error {
	c.mu.Lock()
	_, err := c.cmd(ctx, 2, QUIT, "")
	c.mu.Unlock()
	c.Close()
	return err
}

// Close closes the control connection at once. It is safe to call at any
// time, also while another method is running.
func (c *Client) Close() error { return c.raw.Close() }

// Noop sends NOOP (keeps the connection from going idle).
func (c *Client) Noop(ctx context.Context) error { return c.simple(ctx, 2, NOOP, "") }

func (c *Client) simple(ctx context.Context, want int, verb Verb, arg string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.cmd(ctx, want, verb, arg)
	return err
}

// Pwd returns the current directory (PWD; the path in quotes of the 257
// reply, with doubled quotes undone).
func (c *Client) Pwd(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, err := c.cmd(ctx, 2, PWD, "")
	if err != nil {
		return "", err
	}
	return parseQuotedPath(r.Lines[0])
}

func parseQuotedPath(s string) (string, error) {
	i := strings.IndexByte(s, '"')
	if i < 0 {
		return "", newSyntaxError(ErrReplySyntax, "no quoted path in 257 reply", []byte(s))
	}
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		if s[j] == '"' {
			if j+1 < len(s) && s[j+1] == '"' {
				b.WriteByte('"')
				j++
				continue
			}
			return b.String(), nil
		}
		b.WriteByte(s[j])
	}
	return "", newSyntaxError(ErrReplySyntax, "unterminated quoted path", []byte(s))
}

// Cwd changes the current directory.
func (c *Client) Cwd(ctx context.Context, dir string) error { return c.simple(ctx, 2, CWD, dir) }

// Cdup changes to the parent directory.
func (c *Client) Cdup(ctx context.Context) error { return c.simple(ctx, 2, CDUP, "") }

// Mkdir creates a directory (MKD).
func (c *Client) Mkdir(ctx context.Context, dir string) error { return c.simple(ctx, 2, MKD, dir) }

// Rmdir removes an empty directory.
func (c *Client) Rmdir(ctx context.Context, dir string) error { return c.simple(ctx, 2, RMD, dir) }

// Delete deletes a file.
func (c *Client) Delete(ctx context.Context, name string) error { return c.simple(ctx, 2, DELE, name) }

// Rename renames from to to (RNFR, RNTO).
func (c *Client) Rename(ctx context.Context, from, to string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.cmd(ctx, 3, RNFR, from); err != nil {
		return err
	}
	_, err := c.cmd(ctx, 2, RNTO, to)
	return err
}

// SetBinary selects TYPE I (true) or TYPE A (false). Use binary for
// anything but text: TYPE A rewrites line ends.
func (c *Client) SetBinary(ctx context.Context, binary bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.setType(ctx, binary)
}

func (c *Client) setType(ctx context.Context, binary bool) error {
	arg := "A"
	if binary {
		arg = "I"
	}
	if _, err := c.cmd(ctx, 2, TYPE, arg); err != nil {
		return err
	}
	c.binary = binary
	return nil
}

// Binary reports whether TYPE I is selected.
func (c *Client) Binary() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.binary
}

// Size returns the size of a file in octets (SIZE, RFC 3659 section 4).
// Servers count in the current TYPE; use binary mode for the stored size.
func (c *Client) Size(ctx context.Context, name string) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, err := c.cmd(ctx, 2, SIZE, name)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(r.Lines[0]), 10, 64)
	if err != nil || n < 0 {
		return 0, newSyntaxError(ErrReplySyntax, "SIZE reply not a number", []byte(r.Lines[0]))
	}
	return n, nil
}

// ModTime returns the modification time of a file (MDTM, RFC 3659
// section 3).
func (c *Client) ModTime(ctx context.Context, name string) (time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, err := c.cmd(ctx, 2, MDTM, name)
	if err != nil {
		return time.Time{}, err
	}
	return ParseTimeVal(strings.TrimSpace(r.Lines[0]))
}

// MLST returns the facts of one path (RFC 3659 section 7).
func (c *Client) MLST(ctx context.Context, name string) (Entry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, err := c.cmd(ctx, 2, MLST, name)
	if err != nil {
		return Entry{}, err
	}
	for _, l := range r.Lines[1:] {
		if strings.HasPrefix(l, " ") {
			return ParseFacts(l[1:])
		}
	}
	return Entry{}, newSyntaxError(ErrFactsSyntax, "no entry in MLST reply", []byte(r.Text()))
}

// newDataLineReader reads listing lines; servers end them with CRLF or, some,
// with LF alone.
func newDataLineReader(conn net.Conn) *textwire.Reader {
	r := textwire.NewReader(conn, DefaultMaxLineLength)
	r.AllowBareLF = true
	return r
}
