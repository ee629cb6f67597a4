package mta

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/applayer/applayer/smtp"
)

// Backend is the smtp.Backend of a mail server: it accepts mail for the
// Queue's local domains from anyone, relays mail for other domains only for
// authenticated users (never an open relay, RFC 5321 section 7.1 and RFC
// 6409), and puts every accepted message into the Queue before it says 250.
// Use one Backend for both the SMTP port (25) and the submission port (587,
// with smtp.Server.RequireAuth).
type Backend struct {
	// Queue stores and delivers accepted mail. Required.
	Queue *Queue
	// Users maps user names to passwords, for AUTH and for the mailboxes
	// of the local domains (user@domain for every local domain).
	Users map[string]string
	// Hostname names this server in Received headers.
	Hostname string
	// Now returns the time for Received headers; nil means time.Now.
	Now func() time.Time
	// RestrictSender makes an authenticated user send as themselves only:
	// MAIL FROM must be their own address in a local domain (RFC 6409
	// section 6.1 lets a submission server enforce this). It does not
	// affect unauthenticated sessions.
	RestrictSender bool
}

var _ smtp.Backend = (*Backend)(nil)

// ErrRelayDenied is the reply to a RCPT for a foreign domain from an
// unauthenticated client.
var ErrRelayDenied = &smtp.Reply{Code: 554, Enhanced: smtp.EnhancedCode{Class: 5, Subject: 7, Detail: 1}, Lines: []string{"Relay access denied"}}

// ErrUserUnknown is the reply to a RCPT for a local user that does not exist.
var ErrUserUnknown = &smtp.Reply{Code: 550, Enhanced: smtp.EnhancedCode{Class: 5, Subject: 1, Detail: 1}, Lines: []string{"User unknown in local recipient table"}}

// NewSession implements smtp.Backend.
func (b *Backend) NewSession(ctx context.Context, c *smtp.Conn) (smtp.Session, error) {
	return &session{b: b, c: c}, nil
}

// IsUser reports whether name has a mailbox.
func (b *Backend) IsUser(name string) bool {
	_, ok := b.Users[strings.ToLower(name)]
	return ok
}

type session struct {
	b     *Backend
	c     *smtp.Conn
	from  string
	opts  smtp.MailOptions
	rcpts []smtp.Rcpt
}

func (s *session) Auth(ctx context.Context, identity, user, pass string) error {
	want, ok := s.b.Users[strings.ToLower(user)]
	if !ok || subtle.ConstantTimeCompare([]byte(want), []byte(pass)) != 1 {
		return smtp.ErrAuthFailed
	}
	if identity != "" && identity != user {
		return &smtp.Reply{Code: 535, Enhanced: smtp.EnhancedCode{Class: 5, Subject: 7, Detail: 8}, Lines: []string{"Cannot act as another user"}}
	}
	return nil
}

// ErrSenderNotOwned is the reply to MAIL FROM an address the authenticated
// user does not own, under RestrictSender.
var ErrSenderNotOwned = &smtp.Reply{Code: 553, Enhanced: smtp.EnhancedCode{Class: 5, Subject: 7, Detail: 1}, Lines: []string{"Sender address not owned by the authenticated user"}}

func (s *session) Mail(ctx context.Context, from string, opts *smtp.MailOptions) error {
	if user := s.c.AuthUser(); s.b.RestrictSender && user != "" {
		if !s.b.Queue.IsLocal(smtp.Domain(from)) || !strings.EqualFold(smtp.LocalPart(from), user) {
			return ErrSenderNotOwned
		}
	}
	s.from, s.opts, s.rcpts = from, *opts, nil
	return nil
}

func (s *session) Rcpt(ctx context.Context, to string, opts *smtp.RcptOptions) error {
	domain := smtp.Domain(to)
	switch {
	case s.b.Queue.IsLocal(domain):
		if !s.b.IsUser(smtp.LocalPart(to)) {
			return ErrUserUnknown
		}
	case s.c.AuthUser() != "":
		// An authenticated user may send anywhere.
	default:
		return ErrRelayDenied
	}
	s.rcpts = append(s.rcpts, smtp.Rcpt{To: to, Options: *opts})
	return nil
}

func (s *session) Data(ctx context.Context, r io.Reader) error {
	hdr := s.receivedHeader()
	body := newLoopDetector(r, MaxReceivedHeaders)
	_, err := s.b.Queue.Enqueue(ctx, s.from, s.opts, s.rcpts, io.MultiReader(strings.NewReader(hdr), body))
	if errors.Is(err, ErrMailLoop) {
		return ErrMailLoop
	}
	return err
}

// receivedHeader returns the trace line this server adds (RFC 5321 section
// 4.4): who handed the message over, to whom, and how.
func (s *session) receivedHeader() string {
	now := time.Now
	if s.b.Now != nil {
		now = s.b.Now
	}
	ip := ""
	if ta, ok := s.c.RemoteAddr().(*net.TCPAddr); ok {
		ip = ta.IP.String()
	}
	with := "ESMTP"
	if s.c.TLS() != nil {
		with += "S"
	}
	if s.c.AuthUser() != "" {
		with += "A"
	}
	host := s.b.Hostname
	if host == "" {
		host = "localhost"
	}
	return fmt.Sprintf("Received: from %s ([%s])\r\n\tby %s with %s;\r\n\t%s\r\n",
		s.c.Hostname(), ip, host, with, now().Format(time.RFC1123Z))
}

func (s *session) Reset()        { s.from, s.opts, s.rcpts = "", smtp.MailOptions{}, nil }
func (s *session) Logout() error { return nil }
