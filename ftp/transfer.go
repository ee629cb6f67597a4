package ftp

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path"
	"sync"
	"sync/atomic"
	"time"
)

// Transfers: RETR, STOR, STOU, APPE, LIST, NLST, MLSD. The command is
// checked and answered with 150 on the control goroutine; the data
// connection and the copy run on a transfer goroutine, so that the control
// connection can still read ABOR (RFC 959 section 4.1.3) and STAT. The
// transfer goroutine sends the final 226, 425, 426, 451 or 452 reply.

// copyChunk is how much is copied between two refreshes of the data
// connection's deadline. A chunk goes through sendfile/splice when both
// ends are plain files and TCP connections.
const copyChunk = 4 << 20

// transfer is one transfer in progress.
type transfer struct {
	cancel  context.CancelFunc
	done    chan struct{} // closed when the final reply has been sent
	aborted atomic.Bool
	bytes   atomic.Int64

	mu   sync.Mutex
	conn net.Conn
}

func (x *transfer) setConn(c net.Conn) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.aborted.Load() {
		return false
	}
	x.conn = c
	return true
}

// abort stops the transfer: the data connection is closed under it.
func (x *transfer) abort() {
	x.aborted.Store(true)
	x.cancel()
	x.mu.Lock()
	if x.conn != nil {
		x.conn.Close()
	}
	x.mu.Unlock()
}

// transferring reports whether a transfer is still running, and forgets a
// finished one.
func (ss *session) transferring() bool {
	if ss.xfer == nil {
		return false
	}
	select {
	case <-ss.xfer.done:
		ss.xfer = nil
		return false
	default:
		return true
	}
}

func (ss *session) waitTransfer() {
	if ss.xfer != nil {
		<-ss.xfer.done
		ss.xfer = nil
	}
}

// abortTransfer answers ABOR during a transfer: the transfer replies 426,
// then ABOR replies 226 (RFC 959 section 4.1.3).
func (ss *session) abortTransfer() {
	ss.xfer.abort()
	ss.waitTransfer()
	ss.reply(StatusClosingData, "ABOR command successful.")
}

// checkData replies and returns false when no data connection can be made.
func (ss *session) checkData() bool {
	if !ss.data.ready() {
		ss.reply(StatusCantOpenData, "Use PORT, PASV, EPRT or EPSV first.")
		return false
	}
	if ss.srv.RequireTLS && !ss.protP {
		ss.reply(StatusProtRequired, "Data connections must be protected: use PROT P.")
		return false
	}
	return true
}

// runFunc does the copy of one transfer and returns the final reply.
type runFunc func(ctx context.Context, conn net.Conn, x *transfer) (Code, string)

// startTransfer sends the 150 reply and starts the transfer goroutine.
// cleanup runs if the data connection cannot be opened (or the transfer is
// aborted before it is).
func (ss *session) startTransfer(opening string, run runFunc, cleanup func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ss.ctx))
	x := &transfer{cancel: cancel, done: make(chan struct{})}
	ss.xfer = x
	// In passive mode the client may wait for 150 before it connects, so
	// 150 comes first. In active mode we connect first, as vsftpd does, so
	// that a failed connect is a plain 425 and the client is not left
	// waiting for a connection that will never come.
	setup, protP := ss.data, ss.protP
	ss.data = dataSetup{} // one data connection per transfer
	passive := setup.ln != nil
	if passive {
		ss.reply(StatusAboutToSend, opening)
	}
	go func() {
		defer close(x.done)
		defer cancel()
		fail := func(err error) {
			ss.log.Debug("ftp: opening data connection", "err", err)
			cleanup()
			if x.aborted.Load() {
				ss.reply(StatusTransferAborted, "Connection closed; transfer aborted.")
			} else {
				ss.reply(StatusCantOpenData, "Can't open data connection.")
			}
		}
		conn, err := ss.openData(ctx, setup)
		if err == nil && !x.setConn(conn) {
			conn.Close()
			err = context.Canceled
		}
		if err != nil {
			fail(err)
			return
		}
		if !passive {
			ss.reply(StatusAboutToSend, opening)
		}
		// The client starts its TLS handshake once it has the 150.
		if conn, err = ss.protect(ctx, conn, protP); err != nil || !x.setConn(conn) {
			if err == nil {
				conn.Close()
				err = context.Canceled
			}
			fail(err)
			return
		}
		code, text := run(ctx, conn, x)
		if code.Completed() {
			if err := conn.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				ss.log.Debug("ftp: closing data connection", "err", err)
			}
		} else {
			conn.Close()
		}
		ss.reply(code, text)
		// The control connection was quiet during the transfer: give the
		// client a full idle period from now, or, if the server is shutting
		// down, interrupt the command read so the session ends with 421.
		if ss.ctx.Err() != nil {
			ss.sc.NetConn().SetReadDeadline(time.Unix(1, 0))
		} else if d := ss.srv.IdleTimeout; d >= 0 {
			if d == 0 {
				d = DefaultIdleTimeout
			}
			ss.sc.NetConn().SetReadDeadline(time.Now().Add(d))
		}
	}()
}

// copyData copies src to dst, refreshing conn's deadline every copyChunk
// bytes and counting into x.
func (ss *session) copyData(dst io.Writer, src io.Reader, conn net.Conn, x *transfer) (int64, error) {
	timeout := ss.srv.dataTimeout()
	var total int64
	for {
		if timeout > 0 {
			conn.SetDeadline(time.Now().Add(timeout))
		}
		n, err := io.CopyN(dst, src, copyChunk)
		total += n
		x.bytes.Add(n)
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

func (ss *session) typeName() string {
	if ss.binary {
		return "BINARY"
	}
	return "ASCII"
}

// opening builds the 150 text of the lesson's transcript:
// "ASCII data connection for rfc1261.txt (128.36.12.27,1401) (4318 bytes)."
func (ss *session) opening(name string, size int64) string {
	s := ss.typeName() + " data connection for " + name
	if ap := ss.data.active; ap.IsValid() {
		s += " (" + ap.Addr().String() + "," + itoa(int64(ap.Port())) + ")"
	}
	if size >= 0 {
		s += " (" + itoa(size) + " bytes)"
	}
	return s + "."
}

func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, io.ErrClosedPipe) || errors.Is(err, os.ErrDeadlineExceeded)
}

func (ss *session) cmdRETR(arg string, rest int64) {
	if !ss.checkData() {
		return
	}
	fi, name, ok := ss.statFile(arg)
	if !ok {
		return
	}
	f, err := ss.fsys.Open(name)
	if err != nil {
		ss.fsError("retr", err)
		return
	}
	if rest > 0 {
		s, ok := f.(io.Seeker)
		if !ok {
			f.Close()
			ss.reply(StatusFileUnavailable, "Restart not supported for this file.")
			return
		}
		if _, err := s.Seek(rest, io.SeekStart); err != nil {
			f.Close()
			ss.fsError("rest", err)
			return
		}
	}
	binary := ss.binary
	typ := ss.typeName()
	ss.startTransfer(ss.opening(path.Base(name), fi.Size()-rest), func(ctx context.Context, conn net.Conn, x *transfer) (Code, string) {
		defer f.Close()
		var dst io.Writer = conn
		if !binary {
			dst = NewASCIIEncoder(conn)
		}
		_, err := ss.copyData(dst, f, conn, x)
		switch {
		case x.aborted.Load():
			return StatusTransferAborted, "Connection closed; transfer aborted."
		case err != nil && isNetError(err):
			ss.log.Debug("ftp: RETR", "err", err)
			return StatusTransferAborted, "Connection closed; transfer aborted."
		case err != nil:
			ss.log.Warn("ftp: RETR reading file", "err", err)
			return StatusLocalError, "Local error in processing."
		}
		return StatusClosingData, typ + " Transfer complete."
	}, func() { f.Close() })
}

// cmdSTOR handles STOR (atomic unless restarted), APPE and STOU.
func (ss *session) cmdSTOR(arg string, rest int64, appendMode, unique bool) {
	w := ss.writable()
	if w == nil || !ss.checkData() {
		return
	}
	var name string
	if unique {
		dir := ss.cwd
		if arg != "" {
			dir, _ = ss.resolve(arg)
			if fi, err := fs.Stat(ss.fsys, nameOf(dir)); err != nil || !fi.IsDir() {
				dir = ss.cwd
			}
		}
		for range 10 {
			_, n := ss.resolve(path.Join(dir, "ftp"+rand.Text()[:10]))
			if _, err := fs.Stat(ss.fsys, n); errors.Is(err, fs.ErrNotExist) {
				name = n
				break
			}
		}
		if name == "" {
			ss.reply(StatusBadFileName, "Could not choose a unique name.")
			return
		}
	} else {
		if arg == "" {
			ss.reply(StatusArgumentSyntaxError, "File name required.")
			return
		}
		_, name = ss.resolve(arg)
	}
	var up Upload
	var err error
	switch {
	case appendMode:
		up, err = w.OpenWrite(name, -1)
	case rest > 0:
		up, err = w.OpenWrite(name, rest)
	default:
		up, err = w.Create(name)
	}
	if err != nil {
		ss.fsError("stor", err)
		return
	}
	binary := ss.binary
	opening := ss.opening(path.Base(name), -1)
	done := typeNameOf(binary) + " Transfer complete."
	if unique {
		opening = "FILE: " + path.Base(name) // RFC 1123 section 4.1.2.9
		done = "Transfer complete (unique file name: " + path.Base(name) + ")."
	}
	ss.startTransfer(opening, func(ctx context.Context, conn net.Conn, x *transfer) (Code, string) {
		var dst io.Writer = up
		var dec io.WriteCloser
		if !binary {
			dec = NewASCIIDecoder(up)
			dst = dec
		}
		_, err := ss.copyData(dst, conn, conn, x)
		if err == nil && dec != nil {
			err = dec.Close()
		}
		switch {
		case x.aborted.Load():
			up.Abort()
			return StatusTransferAborted, "Connection closed; transfer aborted."
		case err != nil && isNetError(err):
			ss.log.Debug("ftp: STOR", "err", err)
			up.Abort()
			return StatusTransferAborted, "Connection closed; transfer aborted."
		case err != nil:
			ss.log.Warn("ftp: STOR writing file", "err", err)
			up.Abort()
			return StatusInsufficientStorage, "Error writing file."
		}
		if err := up.Commit(); err != nil {
			ss.log.Warn("ftp: STOR commit", "err", err)
			return StatusInsufficientStorage, "Error writing file."
		}
		return StatusClosingData, done
	}, func() { up.Abort() })
}

func typeNameOf(binary bool) string {
	if binary {
		return "BINARY"
	}
	return "ASCII"
}

func nameOf(vpath string) string {
	if vpath == "/" {
		return "."
	}
	return vpath[1:]
}

// cmdLIST sends a listing on the data connection: ls -l lines (LIST), bare
// names (NLST) or facts (MLSD), each ending in CRLF.
func (ss *session) cmdLIST(verb Verb, arg string) {
	if !ss.checkData() {
		return
	}
	if verb != MLSD {
		arg = stripListOptions(arg)
	}
	_, name := ss.resolve(arg)
	if verb == MLSD {
		if fi, err := fs.Stat(ss.fsys, name); err == nil && !fi.IsDir() {
			ss.reply(StatusFileUnavailable, "MLSD needs a directory.")
			return
		}
	}
	entries, err := ss.listEntries(name)
	if err != nil {
		ss.fsError("list", err)
		return
	}
	now := time.Now()
	ss.startTransfer("Here comes the directory listing.", func(ctx context.Context, conn net.Conn, x *transfer) (Code, string) {
		if t := ss.srv.dataTimeout(); t > 0 {
			conn.SetDeadline(time.Now().Add(t))
		}
		bw := bufio.NewWriter(conn)
		var line []byte
		for _, e := range entries {
			line = line[:0]
			switch verb {
			case LIST:
				line = AppendListLine(line, e, now)
			case NLST:
				line = append(line, e.Name...)
			case MLSD:
				line = AppendFacts(line, e)
			}
			line = append(line, '\r', '\n')
			if _, err := bw.Write(line); err != nil {
				break
			}
			x.bytes.Add(int64(len(line)))
		}
		if err := bw.Flush(); err != nil || x.aborted.Load() {
			return StatusTransferAborted, "Connection closed; transfer aborted."
		}
		return StatusClosingData, "Directory send OK."
	}, func() {})
}
