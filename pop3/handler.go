package pop3

import (
	"context"
	"io"
)

// Backend authenticates users and opens their maildrops. Implementations
// must be safe for concurrent use: the [Server] calls them from one goroutine
// per connection.
type Backend interface {
	// Login checks user's password and opens the user's maildrop, taking
	// its exclusive lock (RFC 1939 section 8: one session at a time). It
	// returns ErrAuthFailed (or any *Error with CodeAuth) for wrong
	// credentials, ErrInUse when another session holds the lock, and other
	// errors for system failures (sent as -ERR [SYS/TEMP]).
	Login(ctx context.Context, user, password string) (Maildrop, error)
}

// APOPBackend is a [Backend] that can also check APOP (RFC 1939 section 7):
// digest is the lower-case hex MD5 of timestamp followed by the user's
// shared secret. The server offers APOP (a timestamp in its greeting) only
// when the Backend implements this interface; use [CheckAPOP] to compare.
type APOPBackend interface {
	Backend
	LoginAPOP(ctx context.Context, user, timestamp, digest string) (Maildrop, error)
}

// Maildrop is one user's locked maildrop for the length of a session.
//
// The server, not the Maildrop, keeps the "deleted" marks of DELE and RSET;
// it passes them to Commit only after QUIT (the UPDATE state of RFC 1939
// section 6), so a session that ends any other way (a dropped connection, a
// timeout, a server shutdown) calls Close and deletes nothing.
type Maildrop interface {
	// Messages lists the maildrop as it was when opened: the i-th entry is
	// message number i+1. Size must be the exact number of octets Open
	// returns (with CRLF line ends); UID is the unique-id for UIDL (see
	// ValidUID), or "" if the maildrop has none, in which case UIDL is not
	// offered. It is called once, right after Login.
	Messages(ctx context.Context) ([]MessageInfo, error)

	// Open returns the content of message number n (1-based). The server
	// byte-stuffs it and turns bare LF into CRLF on the way out.
	Open(ctx context.Context, n int) (io.ReadCloser, error)

	// Commit applies the session: it removes the messages whose numbers are
	// in deleted, records which were retrieved if the store keeps such
	// state, and releases the lock. A failure is reported to the client as
	// -ERR (RFC 1939 section 6); the lock is released regardless.
	Commit(ctx context.Context, deleted, retrieved []int) error

	// Close releases the lock without changing anything.
	Close() error
}

// BackendFunc adapts a function to a [Backend].
type BackendFunc func(ctx context.Context, user, password string) (Maildrop, error)

// Login calls f.
func (f BackendFunc) Login(ctx context.Context, user, password string) (Maildrop, error) {
	return f(ctx, user, password)
}

var _ Backend = BackendFunc(nil)
