package ftp

import (
	"bufio"
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/netip"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/applayer/applayer/internal/textwire"
	"github.com/applayer/applayer/sockets"
)

// session is the state of one control connection: who is logged in, the
// current directory, the transfer parameters, and the data connection being
// set up or used. It is owned by the serveConn goroutine, except for the
// fields under wmu and the transfer, which has its own goroutine.
type session struct {
	srv    *Server
	ctx    context.Context
	sc     *sockets.Conn
	log    *slog.Logger
	remote netip.Addr // client address of the control connection
	local  netip.Addr // our address on it

	r *textwire.Reader

	wmu sync.Mutex // guards w: the transfer goroutine writes its final reply
	w   *bufio.Writer

	// Login state (RFC 959 section 5.4 sequencing).
	user     string // from USER, waiting for PASS
	loggedIn bool
	anon     bool
	failed   int

	fsys fs.FS   // what this user sees
	wfs  WriteFS // nil when read-only
	cwd  string  // virtual absolute path, "/" at the root of fsys

	// Transfer parameters.
	binary     bool   // TYPE I; false is TYPE A
	rest       int64  // REST offset for the next RETR/STOR
	renameFrom string // RNFR path waiting for RNTO

	// Security (RFC 4217).
	tlsOn bool
	pbsz  bool
	protP bool

	data dataSetup // set by PORT/EPRT/PASV/EPSV, used by the next transfer
	xfer *transfer // transfer in progress, if any
}

func (s *Server) serveConn(ctx context.Context, sc *sockets.Conn) {
	ss := &session{
		srv:  s,
		ctx:  ctx,
		sc:   sc,
		log:  s.logger().With("remote", sc.RemoteAddr().String()),
		w:    bufio.NewWriter(sc),
		cwd:  "/",
		fsys: s.FS,
	}
	ss.r = newCommandReader(sc, s.MaxLineLength)
	if ap, err := netip.ParseAddrPort(sc.RemoteAddr().String()); err == nil {
		ss.remote = ap.Addr().Unmap()
	}
	if ap, err := netip.ParseAddrPort(sc.LocalAddr().String()); err == nil {
		ss.local = ap.Addr().Unmap()
	}
	defer ss.cleanup()
	defer func() {
		if v := recover(); v != nil {
			ss.log.Error("ftp: panic serving connection", "panic", v, "stack", string(debug.Stack()))
			ss.reply(StatusNotAvailable, "Internal error, closing control connection.")
		}
	}()
	if s.FS == nil {
		ss.log.Error("ftp: Server.FS is nil")
		ss.reply(StatusNotAvailable, "Service not available.")
		return
	}
	greeting := s.Greeting
	if greeting == "" {
		greeting = DefaultGreeting
	}
	ss.reply(StatusReady, greeting)
	for {
		if ss.transferring() {
			// The control connection stays quiet during a transfer; a read
			// timeout then is not idleness.
		} else if ss.r.Buffered() == 0 {
			sc.SetIdle()
		}
		line, err := ss.r.ReadLine()
		if err != nil {
			if errors.Is(err, textwire.ErrLineTooLong) {
				ss.reply(StatusSyntaxError, "Command line too long.")
				continue
			}
			timeout := errors.Is(err, os.ErrDeadlineExceeded)
			if timeout && ss.transferring() && ctx.Err() == nil {
				continue
			}
			if errors.Is(err, sockets.ErrIdleInterrupted) || ctx.Err() != nil {
				ss.waitTransfer()
				ss.reply(StatusNotAvailable, "Service closing control connection.")
				return
			}
			if timeout {
				ss.waitTransfer()
				ss.reply(StatusNotAvailable, "Timeout, closing control connection.")
			}
			return
		}
		cmd, err := ParseCommand(line)
		if err != nil {
			ss.reply(StatusSyntaxError, "Syntax error, command unrecognized.")
			continue
		}
		if ss.transferring() {
			switch cmd.Verb {
			case ABOR:
				ss.abortTransfer()
				continue
			case STAT:
				if cmd.Arg == "" {
					ss.reply(StatusSystem, "Transfer in progress.",
						"Bytes transferred: "+itoa(ss.xfer.bytes.Load()), "End of status.")
					continue
				}
			}
			// Anything else waits for the transfer to end (RFC 959
			// section 5.4: commands are processed in order).
			ss.waitTransfer()
		}
		if quit := ss.dispatch(cmd); quit {
			return
		}
	}
}

// newCommandReader reads command lines. RFC 959 asks for CRLF, but people
// typing at telnet or nc send LF alone; both are accepted.
func newCommandReader(r io.Reader, max int) *textwire.Reader {
	tr := textwire.NewReader(r, orDefaultInt(max, DefaultMaxLineLength))
	tr.AllowBareLF = true
	return tr
}

func orDefaultInt(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// reply writes one reply and flushes it.
func (ss *session) reply(code Code, lines ...string) {
	ss.wmu.Lock()
	defer ss.wmu.Unlock()
	ss.w.Write(AppendReply(nil, code, lines...))
	if err := ss.w.Flush(); err != nil {
		ss.log.Debug("ftp: writing reply", "err", err)
	}
}

// cleanup runs when the control connection ends: a running transfer is
// aborted (its upload discarded) and a passive listener closed.
func (ss *session) cleanup() {
	if ss.xfer != nil {
		ss.xfer.abort()
		<-ss.xfer.done
	}
	ss.data.close()
	ss.sc.Close()
}

// fsError maps a file system error to a reply without revealing details to
// the client; the details are logged.
func (ss *session) fsError(op string, err error) {
	ss.log.Debug("ftp: file system", "op", op, "err", err)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		ss.reply(StatusFileUnavailable, "No such file or directory.")
	case errors.Is(err, fs.ErrPermission):
		ss.reply(StatusFileUnavailable, "Permission denied.")
	case errors.Is(err, fs.ErrExist):
		ss.reply(StatusFileUnavailable, "File exists.")
	default:
		ss.reply(StatusFileUnavailable, "Requested action not taken.")
	}
}

// allowedBeforeLogin lists the commands a client may send before PASS.
func allowedBeforeLogin(v Verb) bool {
	switch v {
	case USER, PASS, ACCT, QUIT, AUTH, PBSZ, PROT, FEAT, SYST, HELP, NOOP, OPTS, STAT:
		return true
	}
	return false
}

// canonicalVerb maps the obsolete X-commands of RFC 775, still sent by
// some clients, to their RFC 959 names.
func canonicalVerb(v Verb) Verb {
	switch v {
	case "XPWD":
		return PWD
	case "XCWD":
		return CWD
	case "XCUP":
		return CDUP
	case "XMKD":
		return MKD
	case "XRMD":
		return RMD
	}
	return v
}

// dispatch runs one command. It reports whether the session is over.
func (ss *session) dispatch(cmd Command) (quit bool) {
	cmd.Verb = canonicalVerb(cmd.Verb)
	if !ss.loggedIn && !allowedBeforeLogin(cmd.Verb) {
		if isKnownVerb(cmd.Verb) {
			ss.reply(StatusNotLoggedIn, "Please login with USER and PASS.")
		} else {
			ss.reply(StatusSyntaxError, "Unknown command.")
		}
		return false
	}
	// RNFR must be followed directly by RNTO; REST by the transfer it
	// restarts (RFC 959 section 4.1.3, RFC 3659 section 5.3), though we let
	// parameter commands come in between, as clients send TYPE and EPSV there.
	from, rest := ss.renameFrom, ss.rest
	ss.renameFrom = ""
	if !keepsRest(cmd.Verb) {
		ss.rest = 0
	}
	switch cmd.Verb {
	case USER:
		ss.cmdUSER(cmd.Arg)
	case PASS:
		return ss.cmdPASS(cmd.Arg)
	case ACCT:
		ss.reply(StatusCommandSuperfluous, "ACCT not needed.")
	case QUIT:
		ss.reply(StatusClosing, "Goodbye.")
		return true
	case AUTH:
		return ss.cmdAUTH(cmd.Arg)
	case PBSZ:
		ss.cmdPBSZ(cmd.Arg)
	case PROT:
		ss.cmdPROT(cmd.Arg)
	case FEAT:
		ss.cmdFEAT()
	case OPTS:
		ss.cmdOPTS(cmd.Arg)
	case SYST:
		ss.reply(StatusName, "UNIX Type: L8")
	case HELP:
		ss.cmdHELP()
	case NOOP:
		ss.reply(StatusCommandOK, "NOOP ok.")
	case STAT:
		ss.cmdSTAT(cmd.Arg)
	case PWD:
		ss.reply(StatusPathCreated, quotePath(ss.cwd)+" is the current directory.")
	case CWD:
		ss.cmdCWD(cmd.Arg)
	case CDUP:
		ss.cmdCWD("..")
	case MKD:
		ss.cmdMKD(cmd.Arg)
	case RMD:
		ss.cmdRMD(cmd.Arg)
	case DELE:
		ss.cmdDELE(cmd.Arg)
	case RNFR:
		ss.cmdRNFR(cmd.Arg)
	case RNTO:
		ss.cmdRNTO(from, cmd.Arg)
	case SIZE:
		ss.cmdSIZE(cmd.Arg)
	case MDTM:
		ss.cmdMDTM(cmd.Arg)
	case MLST:
		ss.cmdMLST(cmd.Arg)
	case TYPE:
		ss.cmdTYPE(cmd.Arg)
	case MODE:
		ss.cmdSimpleParam(cmd.Arg, "S", "Mode set to S.")
	case STRU:
		ss.cmdSimpleParam(cmd.Arg, "F", "Structure set to F.")
	case REST:
		ss.cmdREST(cmd.Arg)
	case PORT:
		ss.cmdPORT(cmd.Arg, false)
	case EPRT:
		ss.cmdPORT(cmd.Arg, true)
	case PASV:
		ss.cmdPASV(false, cmd.Arg)
	case EPSV:
		ss.cmdPASV(true, cmd.Arg)
	case RETR:
		ss.cmdRETR(cmd.Arg, rest)
	case STOR:
		ss.cmdSTOR(cmd.Arg, rest, false, false)
	case APPE:
		ss.cmdSTOR(cmd.Arg, 0, true, false)
	case STOU:
		ss.cmdSTOR(cmd.Arg, 0, false, true)
	case LIST, NLST, MLSD:
		ss.cmdLIST(cmd.Verb, cmd.Arg)
	case ABOR:
		ss.reply(StatusDataOpen, "No transfer to abort.")
	case REIN, SITE:
		ss.reply(StatusNotImplemented, "Command not implemented.")
	default:
		ss.reply(StatusSyntaxError, "Unknown command.")
	}
	return false
}

// keepsRest reports whether v leaves a pending REST offset in place for
// the transfer command that follows.
func keepsRest(v Verb) bool {
	switch v {
	case REST, TYPE, MODE, STRU, PORT, PASV, EPRT, EPSV, PROT, PBSZ, SIZE, MDTM, NOOP:
		return true
	}
	return false
}

// isKnownVerb reports whether the server implements (or knowingly
// refuses) v, as opposed to an unknown command.
func isKnownVerb(v Verb) bool {
	switch v {
	case USER, PASS, ACCT, CWD, CDUP, QUIT, REIN, PORT, PASV, TYPE, STRU, MODE, RETR, STOR, STOU, APPE, REST,
		RNFR, RNTO, ABOR, DELE, RMD, MKD, PWD, LIST, NLST, SITE, SYST, STAT, HELP, NOOP, AUTH, PBSZ, PROT,
		FEAT, OPTS, EPRT, EPSV, SIZE, MDTM, MLST, MLSD:
		return true
	}
	return false
}

// implementedVerbs is the HELP list, in RFC order.
const implementedVerbs = "USER PASS ACCT CWD CDUP QUIT PORT PASV TYPE STRU MODE RETR STOR STOU APPE REST " +
	"RNFR RNTO ABOR DELE RMD MKD PWD LIST NLST SYST STAT HELP NOOP AUTH PBSZ PROT FEAT OPTS " +
	"EPRT EPSV SIZE MDTM MLST MLSD"

func (ss *session) cmdHELP() {
	ss.reply(StatusHelp, "The following commands are recognized:", implementedVerbs, "Help OK.")
}

func (ss *session) cmdFEAT() {
	lines := []string{"Extensions supported:"}
	if ss.srv.TLSConfig != nil {
		lines = append(lines, " AUTH TLS", " PBSZ", " PROT")
	}
	lines = append(lines, " EPRT", " EPSV", " MDTM", " MLST type*;size*;modify*;perm*;UNIX.mode*;",
		" PASV", " REST STREAM", " SIZE", " TVFS", " UTF8", "End")
	ss.reply(StatusSystem, lines...)
}

func (ss *session) cmdOPTS(arg string) {
	opt, val, _ := cutSpace(arg)
	switch upper(opt) {
	case "UTF8":
		if v := upper(val); v == "ON" || v == "" {
			ss.reply(StatusCommandOK, "Always in UTF8 mode.")
			return
		}
		ss.reply(StatusNotImplementedParameter, "UTF8 cannot be turned off.")
	case "MLST":
		ss.reply(StatusCommandOK, "MLST OPTS type;size;modify;perm;UNIX.mode;")
	default:
		ss.reply(StatusArgumentSyntaxError, "Option not understood.")
	}
}

func (ss *session) cmdTYPE(arg string) {
	t, rest, _ := cutSpace(upper(arg))
	switch {
	case t == "I" && rest == "", t == "L" && rest == "8":
		ss.binary = true
		ss.reply(StatusCommandOK, "Type set to I.")
	case t == "A" && (rest == "" || rest == "N"):
		ss.binary = false
		ss.reply(StatusCommandOK, "Type set to A.")
	case t == "A" || t == "E" || t == "L":
		ss.reply(StatusNotImplementedParameter, "Type not supported.")
	default:
		ss.reply(StatusArgumentSyntaxError, "Type not understood.")
	}
}

// cmdSimpleParam answers MODE and STRU, of which only S and F are
// implemented (RFC 959 section 5.1 minimum implementation).
func (ss *session) cmdSimpleParam(arg, only, ok string) {
	switch a := upper(arg); {
	case a == only:
		ss.reply(StatusCommandOK, ok)
	case len(a) == 1:
		ss.reply(StatusNotImplementedParameter, "Only "+only+" is supported.")
	default:
		ss.reply(StatusArgumentSyntaxError, "Parameter not understood.")
	}
}

func (ss *session) cmdREST(arg string) {
	n, err := parseInt64(arg)
	if err != nil || n < 0 {
		ss.reply(StatusArgumentSyntaxError, "REST needs a non-negative byte offset.")
		return
	}
	ss.rest = n
	ss.reply(StatusPending, "Restarting at "+itoa(n)+". Send STORE or RETRIEVE.")
}

func (ss *session) cmdSTAT(arg string) {
	if arg == "" {
		mode := "ASCII"
		if ss.binary {
			mode = "BINARY"
		}
		lines := []string{"applayer FTP server status:"}
		if ss.loggedIn {
			lines = append(lines, "Logged in as "+ss.user)
		} else {
			lines = append(lines, "Not logged in")
		}
		lines = append(lines, "TYPE: "+mode+", STRUcture: File, MODE: Stream",
			"Control connection protected: "+yesNo(ss.tlsOn), "Data connections protected: "+yesNo(ss.protP),
			"End of status.")
		ss.reply(StatusSystem, lines...)
		return
	}
	if !ss.loggedIn {
		ss.reply(StatusNotLoggedIn, "Please login with USER and PASS.")
		return
	}
	// STAT path: the listing over the control connection (RFC 959 4.1.3).
	vpath, name := ss.resolve(stripListOptions(arg))
	entries, err := ss.listEntries(name)
	if err != nil {
		ss.fsError("stat", err)
		return
	}
	now := time.Now()
	lines := []string{"Status of " + vpath + ":"}
	for _, e := range entries {
		lines = append(lines, string(AppendListLine(nil, e, now)))
	}
	ss.reply(StatusFile, append(lines, "End of status.")...)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
