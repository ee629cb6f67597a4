package smtp

import (
	"context"
	"io"
)

// Backend opens a [Session] for each connection a [Server] accepts. It is
// called once per connection, before the greeting; an error refuses the
// connection (a *Reply error is sent as the greeting, anything else as 421).
//
// A Backend is called from many goroutines at once.
type Backend interface {
	NewSession(ctx context.Context, c *Conn) (Session, error)
}

// BackendFunc adapts a function to a [Backend].
type BackendFunc func(ctx context.Context, c *Conn) (Session, error)

// NewSession calls f(ctx, c).
func (f BackendFunc) NewSession(ctx context.Context, c *Conn) (Session, error) { return f(ctx, c) }

var _ Backend = BackendFunc(nil)

// Session receives the mail transactions of one connection, one method per
// command. The server checks the order of commands (MAIL before RCPT before
// DATA), the syntax and the limits before it calls a method; a method
// returns nil to accept, a *Reply to send that reply, or another error to
// send 451 (the error is logged, not shown to the client). The methods of
// one Session are called from one goroutine.
type Session interface {
	// Mail starts a transaction with the sender's address ("" for the null
	// reverse-path of a bounce) and the MAIL parameters.
	Mail(ctx context.Context, from string, opts *MailOptions) error
	// Rcpt adds a recipient to the transaction.
	Rcpt(ctx context.Context, to string, opts *RcptOptions) error
	// Data receives the message content, after DATA or in BDAT chunks, with
	// the dot-stuffing removed and CRLF line ends. It must not keep r after
	// it returns. Reading past [Server.MaxMessageBytes] gives an error that
	// matches [ErrMessageTooLarge]; the client then gets 552 whatever Data
	// returns. Accepting the message (returning nil) means taking
	// responsibility for it (RFC 5321 section 6.1): store it durably first.
	Data(ctx context.Context, r io.Reader) error
	// Reset aborts the transaction (RSET, a new EHLO, or the end of DATA).
	Reset()
	// Logout is called once when the connection ends.
	Logout() error
}

// AuthSession is a Session that supports AUTH PLAIN and LOGIN (RFC 4954).
// The server advertises AUTH only when the Session implements it, and only
// on a TLS connection unless [Server.AllowInsecureAuth] is set.
type AuthSession interface {
	Session
	// Auth checks a username and password; identity is the PLAIN
	// authorization identity ("" when not given, or for LOGIN). Return nil
	// to accept, or an error (ErrAuthFailed is sent for any non-*Reply).
	Auth(ctx context.Context, identity, username, password string) error
}

// LMTPSession is a Session that gives a status for each recipient after
// DATA in LMTP mode (RFC 2033 section 4.2). Without it, the result of Data
// is repeated for every recipient.
type LMTPSession interface {
	Session
	// LMTPData is like Data, but returns one result per accepted
	// recipient, in the order of the RCPT commands.
	LMTPData(ctx context.Context, r io.Reader) []error
}
