package ftp

import (
	"bufio"
	"context"
	"crypto/tls"
)

// Login (RFC 959 section 4.1.1) and explicit FTPS (RFC 4217).

func (ss *session) cmdUSER(name string) {
	if ss.srv.RequireTLS && !ss.tlsOn {
		ss.reply(StatusNotLoggedIn, "Use AUTH TLS first.")
		return
	}
	if name == "" {
		ss.reply(StatusArgumentSyntaxError, "USER needs a name.")
		return
	}
	if ss.loggedIn {
		// A new USER starts a new login (per-user state is reset).
		ss.loggedIn, ss.anon, ss.wfs, ss.fsys, ss.cwd = false, false, nil, ss.srv.FS, "/"
	}
	ss.user = name
	if ss.srv.Anonymous && isAnonymousName(name) {
		ss.reply(StatusNeedPassword, "Guest login ok, send your e-mail address as password.")
		return
	}
	ss.reply(StatusNeedPassword, "Password required for "+name+".")
}

func (ss *session) cmdPASS(pass string) (quit bool) {
	if ss.loggedIn {
		ss.reply(StatusLoggedIn, "Already logged in.")
		return false
	}
	if ss.user == "" {
		ss.reply(StatusBadSequence, "Login with USER first.")
		return false
	}
	user := ss.user
	ss.user = ""
	switch {
	case ss.srv.Anonymous && isAnonymousName(user):
		ss.loggedIn, ss.anon = true, true
		ss.user = user
		ss.reply(StatusLoggedIn, "Guest login ok, access restrictions apply.")
		return false
	case ss.srv.checkPassword(user, pass):
		ss.loggedIn = true
		ss.user = user
		if w, ok := ss.srv.FS.(WriteFS); ok {
			ss.wfs = w
		}
		ss.reply(StatusLoggedIn, "User "+user+" logged in.")
		return false
	}
	ss.failed++
	ss.log.Info("ftp: failed login", "user", user)
	if ss.failed >= orDefaultInt(ss.srv.MaxLoginAttempts, DefaultMaxLoginAttempts) {
		ss.reply(StatusNotAvailable, "Too many failed logins, closing control connection.")
		return true
	}
	ss.reply(StatusNotLoggedIn, "Login incorrect.")
	return false
}

func (ss *session) cmdAUTH(arg string) (quit bool) {
	switch upper(arg) {
	case "TLS", "TLS-C", "SSL":
	default:
		ss.reply(StatusNotImplementedParameter, "AUTH type not supported.")
		return false
	}
	if ss.srv.TLSConfig == nil {
		ss.reply(StatusNotImplemented, "TLS not configured.")
		return false
	}
	if ss.tlsOn {
		ss.reply(StatusBadSequence, "Already using TLS.")
		return false
	}
	if ss.r.Buffered() > 0 {
		// Plain text pipelined after AUTH would be taken as coming through
		// TLS: refuse it (the STARTTLS command injection, CVE-2011-0411).
		ss.reply(StatusBadSequence, "Commands pipelined after AUTH.")
		return true
	}
	ss.reply(StatusAuthOK, "AUTH TLS successful.")
	tc := tls.Server(ss.sc, ss.srv.TLSConfig)
	ctx, cancel := context.WithTimeout(ss.ctx, ss.srv.handshakeTimeout())
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		ss.log.Info("ftp: TLS handshake on control connection", "err", err)
		return true
	}
	ss.tlsOn = true
	ss.r = newCommandReader(tc, ss.srv.MaxLineLength)
	ss.wmu.Lock()
	ss.w = bufio.NewWriter(tc)
	ss.wmu.Unlock()
	return false
}

func (ss *session) cmdPBSZ(arg string) {
	if !ss.tlsOn {
		ss.reply(StatusBadSequence, "PBSZ needs AUTH TLS first.")
		return
	}
	if _, err := parseInt64(arg); err != nil {
		ss.reply(StatusArgumentSyntaxError, "PBSZ needs a number.")
		return
	}
	ss.pbsz = true
	ss.reply(StatusCommandOK, "PBSZ=0") // TLS needs no buffer size (RFC 4217 section 9)
}

func (ss *session) cmdPROT(arg string) {
	if !ss.tlsOn || !ss.pbsz {
		ss.reply(StatusBadSequence, "PROT needs AUTH TLS and PBSZ first.")
		return
	}
	switch upper(arg) {
	case "P":
		ss.protP = true
		ss.reply(StatusCommandOK, "Protection level set to P.")
	case "C":
		if ss.srv.RequireTLS {
			ss.reply(StatusProtNotSupported, "Data connections must be protected.")
			return
		}
		ss.protP = false
		ss.reply(StatusCommandOK, "Protection level set to C.")
	case "S", "E":
		ss.reply(StatusProtNotSupported, "Protection level not supported.")
	default:
		ss.reply(StatusNotImplementedParameter, "Protection level not understood.")
	}
}

// writable returns the WriteFS for a change, or replies 550 and returns nil.
func (ss *session) writable() WriteFS {
	if ss.wfs == nil {
		ss.reply(StatusFileUnavailable, "Permission denied.")
	}
	return ss.wfs
}
