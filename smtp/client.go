package smtp

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/applayer/applayer/internal/textwire"
)

// The client timeouts of RFC 5321 section 4.5.3.2, used when the context
// has no earlier deadline.
const (
	GreetingTimeout   = 5 * time.Minute  // 4.5.3.2.1, initial 220
	MailTimeout       = 5 * time.Minute  // 4.5.3.2.2, MAIL
	RcptTimeout       = 5 * time.Minute  // 4.5.3.2.3, RCPT
	DataInitTimeout   = 2 * time.Minute  // 4.5.3.2.4, DATA until 354
	DataBlockTimeout  = 3 * time.Minute  // 4.5.3.2.5, each write of message data
	DataTermTimeout   = 10 * time.Minute // 4.5.3.2.6, "." until 250
	defaultCmdTimeout = 5 * time.Minute
	bdatChunkSize     = 1 << 20
)

// Client is an SMTP (or LMTP) client connection. Methods are one per
// command; each takes a context whose deadline and cancellation bound it.
// A Client is not safe for concurrent use, except Close.
type Client struct {
	conn       net.Conn
	r          *textwire.Reader
	w          *textwire.Writer
	serverName string // for TLS verification
	lmtp       bool
	ext        map[string]string // EHLO keywords (upper case) -> parameters
	esmtp      bool
	helloDone  bool
	isTLS      bool
	closeOnce  sync.Once
	greeting   *Reply

	// LocalName is the name given in EHLO/HELO; "localhost" if empty.
	// Set it before the first command.
	LocalName string
}

// Dial connects to an SMTP server at addr ("host:port") and reads its
// greeting.
func Dial(ctx context.Context, addr string) (*Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	host, _, _ := net.SplitHostPort(addr)
	c, err := NewClient(ctx, conn, host)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return c, nil
}

// DialTLS connects with implicit TLS (submissions, port 465, RFC 8314).
func DialTLS(ctx context.Context, addr string, cfg *tls.Config) (*Client, error) {
	d := tls.Dialer{Config: cfg}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	host, _, _ := net.SplitHostPort(addr)
	c, err := NewClient(ctx, conn, host)
	if err != nil {
		conn.Close()
		return nil, err
	}
	c.isTLS = true
	return c, nil
}

// NewClient reads the greeting of the server on conn. serverName is used
// to verify its certificate after STARTTLS.
func NewClient(ctx context.Context, conn net.Conn, serverName string) (*Client, error) {
	c := &Client{conn: conn, serverName: serverName}
	c.setStream(conn)
	if _, ok := conn.(*tls.Conn); ok {
		c.isTLS = true
	}
	done := c.deadline(ctx, GreetingTimeout)
	r, err := c.readReply()
	done()
	if err != nil {
		return nil, err
	}
	if r.Code != 220 {
		return nil, r
	}
	c.greeting = r
	return c, nil
}

// NewLMTPClient is NewClient for an LMTP server (RFC 2033): Hello sends
// LHLO and the data phase returns one result per recipient.
func NewLMTPClient(ctx context.Context, conn net.Conn, serverName string) (*Client, error) {
	c, err := NewClient(ctx, conn, serverName)
	if c != nil {
		c.lmtp = true
	}
	return c, err
}

func (c *Client) setStream(rw io.ReadWriter) {
	c.r = textwire.NewReader(rw, DefaultMaxReplyLine) // RFC 5321 4.5.3.1.5
	c.w = textwire.NewWriter(rw)
}

// Greeting returns the server's 220 greeting.
func (c *Client) Greeting() *Reply { return c.greeting }

// deadline bounds the I/O of one exchange by ctx and by the RFC timeout d,
// and makes ctx cancellation interrupt it. Call the returned func after.
func (c *Client) deadline(ctx context.Context, d time.Duration) func() {
	dl := time.Now().Add(d)
	if cd, ok := ctx.Deadline(); ok && cd.Before(dl) {
		dl = cd
	}
	c.conn.SetDeadline(dl)
	stop := context.AfterFunc(ctx, func() { c.conn.SetDeadline(time.Unix(1, 0)) })
	return func() { stop() }
}

func (c *Client) readReply() (*Reply, error) {
	tr, err := c.r.ReadReply()
	if err != nil {
		return nil, err
	}
	return NewReply(tr.Code, tr.Lines), nil
}

// cmd sends one command line and reads its reply. A reply with a code
// outside 2yz/3yz is returned as the error.
func (c *Client) cmd(ctx context.Context, timeout time.Duration, line string) (*Reply, error) {
	done := c.deadline(ctx, timeout)
	defer done()
	if err := c.w.WriteLine(line); err != nil {
		return nil, err
	}
	if err := c.w.Flush(); err != nil {
		return nil, err
	}
	r, err := c.readReply()
	if err != nil {
		return nil, err
	}
	if !r.Positive() {
		return r, r
	}
	return r, nil
}

// Hello sends EHLO, or HELO if the server refuses EHLO (RFC 5321 section
// 3.2), or LHLO for LMTP. Other methods call it when it has not been called.
func (c *Client) Hello(ctx context.Context) error {
	name := c.LocalName
	if name == "" {
		name = "localhost"
	}
	verb := VerbEHLO
	if c.lmtp {
		verb = VerbLHLO
	}
	r, err := c.cmd(ctx, defaultCmdTimeout, string(verb)+" "+name)
	if err != nil {
		var rr *Reply
		if c.lmtp || !errors.As(err, &rr) || rr.Code/100 != 5 {
			return err
		}
		if _, err := c.cmd(ctx, defaultCmdTimeout, "HELO "+name); err != nil {
			return err
		}
		c.ext, c.esmtp, c.helloDone = map[string]string{}, false, true
		return nil
	}
	c.ext = map[string]string{}
	for _, l := range r.Lines[1:] {
		k, v, _ := strings.Cut(l, " ")
		c.ext[strings.ToUpper(k)] = v
	}
	c.esmtp, c.helloDone = true, true
	return nil
}

func (c *Client) hello(ctx context.Context) error {
	if c.helloDone {
		return nil
	}
	return c.Hello(ctx)
}

// Extension reports whether the server advertised ext, and its parameters
// ("PLAIN LOGIN" for AUTH, the size for SIZE).
func (c *Client) Extension(ext Extension) (bool, string) {
	v, ok := c.ext[string(ext)]
	return ok, v
}

// MaxMessageSize returns the SIZE the server advertised, 0 if none.
func (c *Client) MaxMessageSize() int64 {
	ok, v := c.Extension(ExtSize)
	if !ok {
		return 0
	}
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

// StartTLS upgrades the connection (RFC 3207). A nil cfg verifies the
// server's name given to NewClient. After it, the client says EHLO again.
func (c *Client) StartTLS(ctx context.Context, cfg *tls.Config) error {
	if err := c.hello(ctx); err != nil {
		return err
	}
	if ok, _ := c.Extension(ExtStartTLS); !ok {
		return errors.New("smtp: server does not offer STARTTLS")
	}
	if _, err := c.cmd(ctx, defaultCmdTimeout, "STARTTLS"); err != nil {
		return err
	}
	if cfg == nil {
		cfg = &tls.Config{ServerName: c.serverName}
	} else if cfg.ServerName == "" {
		cfg = cfg.Clone()
		cfg.ServerName = c.serverName
	}
	tc := tls.Client(c.conn, cfg)
	done := c.deadline(ctx, defaultCmdTimeout)
	err := tc.HandshakeContext(ctx)
	done()
	if err != nil {
		return err
	}
	c.conn, c.isTLS = tc, true
	c.setStream(tc)
	c.helloDone, c.ext = false, nil
	return c.Hello(ctx)
}

// TLSConnectionState returns the TLS state, ok false without TLS.
func (c *Client) TLSConnectionState() (tls.ConnectionState, bool) {
	tc, ok := c.conn.(*tls.Conn)
	if !ok {
		return tls.ConnectionState{}, false
	}
	return tc.ConnectionState(), true
}

// Auth authenticates with PLAIN, or LOGIN when the server offers only that
// (RFC 4954). It refuses to send the password without TLS unless the
// server is on a loopback address.
func (c *Client) Auth(ctx context.Context, username, password string) error {
	if err := c.hello(ctx); err != nil {
		return err
	}
	ok, mechs := c.Extension(ExtAuth)
	if !ok {
		return errors.New("smtp: server does not offer AUTH")
	}
	if !c.isTLS && !isLoopback(c.conn.RemoteAddr()) {
		return errors.New("smtp: refusing to send a password without TLS")
	}
	offered := strings.Fields(strings.ToUpper(mechs))
	has := func(m string) bool {
		for _, o := range offered {
			if o == m {
				return true
			}
		}
		return false
	}
	enc := base64.StdEncoding.EncodeToString
	switch {
	case has(MechPlain):
		_, err := c.cmd(ctx, defaultCmdTimeout, "AUTH PLAIN "+enc([]byte("\x00"+username+"\x00"+password)))
		return err
	case has(MechLogin):
		r, err := c.cmd(ctx, defaultCmdTimeout, "AUTH LOGIN "+enc([]byte(username)))
		if err != nil {
			return err
		}
		if r.Code != 334 {
			return fmt.Errorf("smtp: unexpected reply to AUTH LOGIN: %w", r)
		}
		_, err = c.cmd(ctx, defaultCmdTimeout, enc([]byte(password)))
		return err
	}
	return fmt.Errorf("smtp: no supported AUTH mechanism in %q", mechs)
}

func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// Mail sends MAIL FROM. Parameters the server did not advertise are
// dropped, except that SMTPUTF8 and BINARYMIME fail without the extension.
func (c *Client) Mail(ctx context.Context, from string, opts *MailOptions) error {
	if err := c.hello(ctx); err != nil {
		return err
	}
	m, err := c.mailArg(from, opts)
	if err != nil {
		return err
	}
	_, err = c.cmd(ctx, MailTimeout, "MAIL FROM:"+m.Arg())
	return err
}

func (c *Client) mailArg(from string, opts *MailOptions) (Mail, error) {
	m := Mail{From: from}
	if opts != nil {
		m.Options = *opts
	}
	o := &m.Options
	has := func(e Extension) bool { ok, _ := c.Extension(e); return ok }
	if !isASCII(from) && has(ExtSMTPUTF8) {
		o.UTF8 = true // RFC 6531 section 3.4: an internationalized address needs it
	}
	if !has(ExtSize) {
		o.Size = 0
	}
	if o.UTF8 && !has(ExtSMTPUTF8) {
		return m, errors.New("smtp: server does not offer SMTPUTF8")
	}
	switch o.Body {
	case Body8BitMIME:
		if !has(Ext8BitMIME) {
			o.Body = ""
		}
	case BodyBinaryMIME:
		if !has(ExtBinaryMIME) || !has(ExtChunking) {
			return m, errors.New("smtp: server does not offer BINARYMIME")
		}
	}
	if !has(ExtDSN) {
		o.Return, o.EnvelopeID = "", ""
	}
	if !has(ExtAuth) {
		o.Auth = ""
	}
	return m, nil
}

func (c *Client) rcptArg(to string, opts *RcptOptions) Rcpt {
	r := Rcpt{To: to}
	if opts != nil {
		r.Options = *opts
	}
	if ok, _ := c.Extension(ExtDSN); !ok {
		r.Options = RcptOptions{}
	}
	return r
}

// Rcpt sends RCPT TO.
func (c *Client) Rcpt(ctx context.Context, to string, opts *RcptOptions) error {
	_, err := c.cmd(ctx, RcptTimeout, "RCPT TO:"+c.rcptArg(to, opts).Arg())
	return err
}

// Data sends DATA and returns a writer for the message; Close sends the
// final dot and returns the server's verdict. Text is dot-stuffed and bare
// LF becomes CRLF as it is written. For LMTP use [Client.SendMail] or
// [Client.Send], which read one reply per recipient.
func (c *Client) Data(ctx context.Context) (io.WriteCloser, error) {
	r, err := c.cmd(ctx, DataInitTimeout, "DATA")
	if err != nil {
		return nil, err
	}
	if r.Code != 354 {
		return nil, r
	}
	return &dataWriter{c: c, ctx: ctx, dw: c.w.DotWriter(), replies: 1}, nil
}

type dataWriter struct {
	c       *Client
	ctx     context.Context
	dw      io.WriteCloser
	replies int
	results []error
}

func (d *dataWriter) Write(p []byte) (int, error) {
	done := d.c.deadline(d.ctx, DataBlockTimeout)
	defer done()
	return d.dw.Write(p)
}

func (d *dataWriter) Close() error {
	done := d.c.deadline(d.ctx, DataTermTimeout)
	defer done()
	if err := d.dw.Close(); err != nil {
		return err
	}
	if err := d.c.w.Flush(); err != nil {
		return err
	}
	var first error
	for i := 0; i < d.replies; i++ {
		r, err := d.c.readReply()
		if err != nil {
			return err
		}
		var res error
		if r.Code/100 != 2 {
			res = r
		}
		d.results = append(d.results, res)
		if first == nil {
			first = res
		}
	}
	return first
}

// Bdat sends one BDAT chunk (RFC 3030).
func (c *Client) Bdat(ctx context.Context, chunk []byte, last bool) error {
	_, err := c.bdat(ctx, chunk, last, 1)
	return err
}

func (c *Client) bdat(ctx context.Context, chunk []byte, last bool, replies int) ([]error, error) {
	done := c.deadline(ctx, DataBlockTimeout)
	defer done()
	if err := c.w.WriteLine("BDAT " + FormatBDAT(int64(len(chunk)), last)); err != nil {
		return nil, err
	}
	if _, err := c.w.W.Write(chunk); err != nil {
		return nil, err
	}
	if err := c.w.Flush(); err != nil {
		return nil, err
	}
	if !last {
		replies = 1
	}
	var res []error
	for i := 0; i < replies; i++ {
		r, err := c.readReply()
		if err != nil {
			return nil, err
		}
		if r.Code/100 != 2 {
			if !last {
				return nil, r
			}
			res = append(res, r)
			continue
		}
		res = append(res, nil)
	}
	return res, nil
}

// Reset sends RSET.
func (c *Client) Reset(ctx context.Context) error {
	_, err := c.cmd(ctx, defaultCmdTimeout, "RSET")
	return err
}

// Noop sends NOOP.
func (c *Client) Noop(ctx context.Context) error {
	_, err := c.cmd(ctx, defaultCmdTimeout, "NOOP")
	return err
}

// Verify sends VRFY; most servers answer 252 (neither yes nor no).
func (c *Client) Verify(ctx context.Context, addr string) (*Reply, error) {
	if err := c.hello(ctx); err != nil {
		return nil, err
	}
	return c.cmd(ctx, defaultCmdTimeout, "VRFY "+addr)
}

// Quit sends QUIT and closes the connection.
func (c *Client) Quit(ctx context.Context) error {
	_, err := c.cmd(ctx, defaultCmdTimeout, "QUIT")
	c.Close()
	return err
}

// Close closes the connection without QUIT. It is safe to call at any time
// and more than once.
func (c *Client) Close() error {
	var err error
	c.closeOnce.Do(func() { err = c.conn.Close() })
	return err
}
