package ftp

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"time"
)

// Client data connections and transfers.

func (c *Client) dataTimeout() time.Duration {
	switch {
	case c.DataTimeout == 0:
		return DefaultDataTimeout
	case c.DataTimeout < 0:
		return 0
	}
	return c.DataTimeout
}

// pendingData is a data connection being set up: dialled already (passive)
// or waiting for the server to connect (active).
type pendingData struct {
	conn net.Conn
	ln   net.Listener
}

func (p *pendingData) close() {
	if p.conn != nil {
		p.conn.Close()
	}
	if p.ln != nil {
		p.ln.Close()
	}
}

// prepare sends PORT/EPRT or EPSV/PASV and, in passive mode, connects.
func (c *Client) prepare(ctx context.Context) (*pendingData, error) {
	switch c.DataMode {
	case Active, ExtendedActive:
		ln, err := net.Listen("tcp", netip.AddrPortFrom(c.local, 0).String())
		if err != nil {
			return nil, err
		}
		ap := netip.AddrPortFrom(c.local, uint16(ln.Addr().(*net.TCPAddr).Port))
		var perr error
		if c.DataMode == ExtendedActive || !c.local.Is4() {
			_, perr = c.cmd(ctx, 2, EPRT, string(AppendEPRT(nil, ap)))
		} else {
			arg, _ := AppendPORT(nil, ap)
			_, perr = c.cmd(ctx, 2, PORT, string(arg))
		}
		if perr != nil {
			ln.Close()
			return nil, perr
		}
		return &pendingData{ln: ln}, nil
	}
	var port uint16
	useEPSV := c.DataMode == ExtendedPassive || (c.DataMode == Passive && !c.noEPSV)
	if useEPSV {
		r, err := c.cmd(ctx, 2, EPSV, "")
		switch {
		case err == nil:
			if port, err = ParseEPSVReply(r.Text()); err != nil {
				return nil, err
			}
		case r != nil && r.Code.Permanent() && c.DataMode == Passive:
			c.noEPSV = true
			useEPSV = false
		default:
			return nil, err
		}
	}
	if !useEPSV {
		r, err := c.cmd(ctx, 2, PASV, "")
		if err != nil {
			return nil, err
		}
		ap, err := ParsePASVReply(r.Text())
		if err != nil {
			return nil, err
		}
		// Connect to the control connection's host, not the address in
		// the reply: a server behind NAT often announces a private address,
		// and a hostile one could point us at a third host.
		port = ap.Port()
	}
	d := net.Dialer{Timeout: c.dataTimeout()}
	conn, err := d.DialContext(ctx, "tcp", netip.AddrPortFrom(c.host, port).String())
	if err != nil {
		return nil, err
	}
	return &pendingData{conn: conn}, nil
}

// open finishes the data connection after the server's 1xx reply.
func (c *Client) open(ctx context.Context, p *pendingData) (net.Conn, error) {
	conn := p.conn
	if p.ln != nil {
		stop := context.AfterFunc(ctx, func() { p.ln.Close() })
		defer stop()
		if t := c.dataTimeout(); t > 0 {
			p.ln.(*net.TCPListener).SetDeadline(time.Now().Add(t))
		}
		for {
			dc, err := p.ln.Accept()
			if err != nil {
				return nil, c.ctxErr(ctx, err)
			}
			if ap, err := netip.ParseAddrPort(dc.RemoteAddr().String()); err == nil && ap.Addr().Unmap() == c.host {
				conn = dc
				break
			}
			dc.Close() // not the server: refuse
		}
		p.ln.Close()
		p.ln = nil
		p.conn = conn
	}
	if c.protP {
		tc := tls.Client(conn, c.tlsConf)
		hctx := ctx
		if t := c.dataTimeout(); t > 0 {
			var cancel context.CancelFunc
			hctx, cancel = context.WithTimeout(ctx, t)
			defer cancel()
		}
		if err := tc.HandshakeContext(hctx); err != nil {
			return nil, err
		}
		p.conn = tc
		conn = tc
	}
	return conn, nil
}

// transfer runs one data command: set up, REST if offset > 0, the command,
// fn on the data connection, and the final reply. If ctx ends during fn,
// the transfer is aborted with ABOR (RFC 959 section 4.1.3) and ctx.Err()
// returned. upload closes the data connection before the final reply, which
// is how the server learns the file is complete.
func (c *Client) transfer(ctx context.Context, verb Verb, arg string, offset int64, fn func(net.Conn) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	stop := c.watch(ctx)
	defer stop()
	p, err := c.prepare(ctx)
	if err != nil {
		return err
	}
	defer p.close()
	if offset > 0 {
		if _, err := c.cmd(ctx, 3, REST, itoa(offset)); err != nil {
			return err
		}
	}
	if err := c.send(verb, arg); err != nil {
		return c.ctxErr(ctx, err)
	}
	r, err := c.readReply()
	if err != nil {
		return c.ctxErr(ctx, err)
	}
	if !r.Code.Preliminary() {
		if r.Code.Completed() { // some servers answer an empty listing with 226 alone
			return nil
		}
		return r
	}
	conn, err := c.open(ctx, p)
	if err != nil {
		c.readReply() // the server's 425
		return err
	}
	interrupt := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	err = fn(conn)
	interrupt()
	if ctx.Err() != nil {
		stop()
		if verb == STOR || verb == STOU || verb == APPE {
			return c.abort(ctx, func() {})
		}
		// A download's data connection can go at once: it also stops
		// servers that only read ABOR once the transfer has ended.
		return c.abort(ctx, p.close)
	}
	if cerr := conn.Close(); err == nil && cerr != nil && !errors.Is(cerr, net.ErrClosed) {
		err = cerr
	}
	p.conn = nil
	r, rerr := c.readReply()
	if rerr != nil {
		return rerr
	}
	if err != nil {
		return err
	}
	if !r.Code.Completed() {
		return r
	}
	return nil
}

// abortGrace bounds the ABOR exchange after ctx has ended.
const abortGrace = 5 * time.Second

// abort sends ABOR with the data connection still open and reads two final
// replies: the transfer's (426 if ABOR stopped it, or 226 if it had already
// ended) and ABOR's own (226, or 225 when nothing was left to abort), so the
// next command reads its own reply (RFC 959 section 4.1.3). It returns the
// context's error. afterSend runs once ABOR is sent. An upload's data
// connection is closed only after the replies (by the caller's deferred
// close), so the server sees ABOR before the connection ends and discards
// the file instead of keeping a truncated one.
func (c *Client) abort(ctx context.Context, afterSend func()) error {
	c.conn.SetDeadline(time.Now().Add(abortGrace))
	err := c.send(ABOR, "")
	afterSend()
	if err != nil {
		return ctx.Err()
	}
	for finals := 0; finals < 2; {
		r, err := c.readReply()
		if err != nil {
			c.conn.Close() // out of step with the server: unusable
			break
		}
		if !r.Code.Preliminary() {
			finals++
		}
	}
	return ctx.Err()
}

// copyChunked copies src to dst with conn's deadline refreshed every chunk.
func (c *Client) copyChunked(dst io.Writer, src io.Reader, conn net.Conn, progress func(int64)) (int64, error) {
	timeout := c.dataTimeout()
	var total int64
	for {
		if timeout > 0 {
			conn.SetDeadline(time.Now().Add(timeout))
		}
		n, err := io.CopyN(dst, src, copyChunk/4)
		total += n
		if progress != nil && n > 0 {
			progress(total)
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// Retr downloads name into w (RETR) and returns the octets received on the
// data connection. In ASCII mode CRLF line ends become LF, so w gets fewer
// octets than were received: the lesson's "4488 bytes received" for a
// 4318-octet file.
func (c *Client) Retr(ctx context.Context, name string, w io.Writer) (int64, error) {
	return c.RetrFrom(ctx, name, 0, w, nil)
}

// RetrFrom downloads name starting at offset (REST offset, then RETR), to
// resume an interrupted download: append what it writes to the first offset
// octets you already have. progress, if not nil, is called with the octets
// received so far.
func (c *Client) RetrFrom(ctx context.Context, name string, offset int64, w io.Writer, progress func(int64)) (int64, error) {
	var n int64
	err := c.transfer(ctx, RETR, name, offset, func(conn net.Conn) error {
		dst := w
		var dec io.WriteCloser
		if !c.binary {
			dec = NewASCIIDecoder(w)
			dst = dec
		}
		var err error
		n, err = c.copyChunked(dst, conn, conn, progress)
		if err == nil && dec != nil {
			err = dec.Close()
		}
		return err
	})
	return n, err
}

// Stor uploads r as name (STOR) and returns the octets read from r. In
// ASCII mode LF line ends become CRLF on the wire.
func (c *Client) Stor(ctx context.Context, name string, r io.Reader) (int64, error) {
	return c.StorFrom(ctx, name, 0, r, nil)
}

// StorFrom uploads r into name starting at offset (REST offset, then STOR):
// r must hold the file from offset on. With offset 0 it is Stor.
func (c *Client) StorFrom(ctx context.Context, name string, offset int64, r io.Reader, progress func(int64)) (int64, error) {
	return c.upload(ctx, STOR, name, offset, r, progress)
}

// Append appends r to name (APPE).
func (c *Client) Append(ctx context.Context, name string, r io.Reader) (int64, error) {
	return c.upload(ctx, APPE, name, 0, r, nil)
}

func (c *Client) upload(ctx context.Context, verb Verb, name string, offset int64, r io.Reader, progress func(int64)) (int64, error) {
	var n int64
	err := c.transfer(ctx, verb, name, offset, func(conn net.Conn) error {
		var dst io.Writer = conn
		if !c.binary {
			dst = NewASCIIEncoder(conn)
		}
		var err error
		n, err = c.copyChunked(dst, r, conn, progress)
		return err
	})
	return n, err
}

// readLines reads CRLF (or LF) lines from a data connection.
func (c *Client) readLines(conn net.Conn, each func(string) error) error {
	if t := c.dataTimeout(); t > 0 {
		conn.SetDeadline(time.Now().Add(t))
	}
	r := newDataLineReader(conn)
	max := c.MaxListEntries
	if max <= 0 {
		max = DefaultMaxListEntries
	}
	for n := 0; ; n++ {
		line, err := r.ReadLineString()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if n >= max {
			return ErrTooManyEntries
		}
		if err := each(line); err != nil {
			return err
		}
	}
}

// List returns the parsed LIST of dir ("" for the current directory). Lines
// in neither the Unix nor the DOS style are skipped.
func (c *Client) List(ctx context.Context, dir string) ([]Entry, error) {
	var entries []Entry
	now := time.Now()
	err := c.transfer(ctx, LIST, dir, 0, func(conn net.Conn) error {
		return c.readLines(conn, func(line string) error {
			if IsListNoise(line) {
				return nil
			}
			if e, err := ParseListLine(line, now); err == nil {
				entries = append(entries, e)
			}
			return nil
		})
	})
	return entries, err
}

// NameList returns the names NLST gives for dir.
func (c *Client) NameList(ctx context.Context, dir string) ([]string, error) {
	var names []string
	err := c.transfer(ctx, NLST, dir, 0, func(conn net.Conn) error {
		return c.readLines(conn, func(line string) error {
			if line != "" {
				names = append(names, line)
			}
			return nil
		})
	})
	return names, err
}

// MLSD returns the machine-readable listing of dir (RFC 3659 section 7).
func (c *Client) MLSD(ctx context.Context, dir string) ([]Entry, error) {
	var entries []Entry
	err := c.transfer(ctx, MLSD, dir, 0, func(conn net.Conn) error {
		return c.readLines(conn, func(line string) error {
			e, err := ParseFacts(line)
			if err != nil {
				return err
			}
			entries = append(entries, e)
			return nil
		})
	})
	return entries, err
}

// Progress is called by MGet and MPut as files move: the file's name, the
// octets done so far, and its total (-1 if unknown).
type Progress func(name string, done, total int64)

// MGet downloads the files of the current directory whose names match
// pattern (path.Match syntax, e.g. "*.txt") into localDir, and returns their
// names. Existing local files are resumed if shorter than the remote one
// (binary mode only) and replaced otherwise.
func (c *Client) MGet(ctx context.Context, pattern, localDir string, progress Progress) ([]string, error) {
	names, err := c.NameList(ctx, "")
	if err != nil {
		return nil, err
	}
	var got []string
	for _, n := range names {
		base := path.Base(n)
		if ok, _ := path.Match(pattern, base); !ok || base == "." || base == ".." {
			continue
		}
		size, err := c.Size(ctx, n)
		if err != nil {
			continue // a directory or unreadable entry
		}
		if err := c.GetFile(ctx, n, filepath.Join(localDir, base), size, progress); err != nil {
			return got, err
		}
		got = append(got, base)
	}
	return got, nil
}

// GetFile downloads remote into the local file, resuming when the local
// file is a shorter prefix (binary mode) and size >= 0 is the remote size.
func (c *Client) GetFile(ctx context.Context, remote, local string, size int64, progress Progress) error {
	var offset int64
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if fi, err := os.Stat(local); err == nil && c.Binary() && size > 0 && fi.Size() < size {
		offset = fi.Size()
		flag = os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(local, flag, 0o644)
	if err != nil {
		return err
	}
	var report func(int64)
	if progress != nil {
		report = func(n int64) { progress(remote, offset+n, size) }
		progress(remote, offset, size)
	}
	_, err = c.RetrFrom(ctx, remote, offset, f, report)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// MPut uploads local files into the current remote directory under their
// base names.
func (c *Client) MPut(ctx context.Context, files []string, progress Progress) error {
	for _, name := range files {
		if err := c.PutFile(ctx, name, filepath.Base(name), progress); err != nil {
			return err
		}
	}
	return nil
}

// PutFile uploads one local file as remote.
func (c *Client) PutFile(ctx context.Context, local, remote string, progress Progress) error {
	f, err := os.Open(local)
	if err != nil {
		return err
	}
	defer f.Close()
	size := int64(-1)
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	var report func(int64)
	if progress != nil {
		report = func(n int64) { progress(remote, n, size) }
		progress(remote, 0, size)
	}
	_, err = c.StorFrom(ctx, remote, 0, f, report)
	return err
}
