package imap

import (
	"context"
	"time"
)

// Backend is the mail store behind a [Server]: it checks credentials and
// gives each logged-in connection its [User]. The server does the IMAP
// bookkeeping (sequence numbers, search, fetch sections, change reporting);
// the backend only stores mailboxes and messages.
//
// A Backend must be safe for concurrent use: every connection calls it.
type Backend interface {
	// Login checks a user name and password (LOGIN, AUTHENTICATE PLAIN).
	// A wrong password is reported with an *Error of code
	// AUTHENTICATIONFAILED, or any error, which the server turns into one.
	Login(ctx context.Context, username, password string) (User, error)
}

// User is one user's set of mailboxes (RFC 9051 section 5.1).
type User interface {
	// Username returns the name the user logged in with.
	Username() string
	// Mailboxes lists every mailbox; the server applies LIST patterns.
	Mailboxes(ctx context.Context) ([]MailboxInfo, error)
	// CreateMailbox creates a mailbox; use is a special-use attribute
	// (RFC 6154) or "". An existing name gives ErrMailboxExists.
	CreateMailbox(ctx context.Context, name string, use MailboxAttr) error
	// DeleteMailbox deletes a mailbox and its messages.
	DeleteMailbox(ctx context.Context, name string) error
	// RenameMailbox renames a mailbox and its children. Renaming INBOX
	// moves its messages to the new mailbox and leaves INBOX empty (RFC
	// 9051 section 6.3.6).
	RenameMailbox(ctx context.Context, oldName, newName string) error
	// SetSubscribed adds or removes a name from the subscription list.
	SetSubscribed(ctx context.Context, name string, subscribed bool) error
	// Mailbox opens a mailbox, or returns ErrNoSuchMailbox.
	Mailbox(ctx context.Context, name string) (Mailbox, error)
}

// MailboxInfo describes a mailbox in a listing.
type MailboxInfo struct {
	Name       string
	Attrs      []MailboxAttr // \Noselect, special-use attributes ...
	Subscribed bool
}

// MessageInfo is the metadata of one message in a mailbox.
type MessageInfo struct {
	UID          uint32
	Flags        []Flag
	InternalDate time.Time
	Size         int64
}

// Mailbox is an open mailbox. Its methods must be safe for concurrent use:
// several connections may have the same mailbox open.
type Mailbox interface {
	// UIDValidity returns the mailbox's UIDVALIDITY (RFC 9051 section 2.3.1.1).
	UIDValidity() uint32
	// Messages returns every message in ascending UID order, and the
	// UIDNEXT value: a consistent snapshot.
	Messages(ctx context.Context) (msgs []MessageInfo, uidNext uint32, err error)
	// Body returns the raw message (RFC 5322 octets) with the given UID.
	Body(ctx context.Context, uid uint32) ([]byte, error)
	// Append adds a message and returns its UID.
	Append(ctx context.Context, body []byte, flags []Flag, date time.Time) (uid uint32, err error)
	// StoreFlags changes the flags of the given messages.
	StoreFlags(ctx context.Context, uids []uint32, op StoreOp, flags []Flag) error
	// Expunge removes the given messages for good.
	Expunge(ctx context.Context, uids []uint32) error
	// CopyTo copies messages, in the given order, to the named mailbox and
	// returns that mailbox's UIDVALIDITY and the new UIDs.
	CopyTo(ctx context.Context, uids []uint32, dest string) (destValidity uint32, destUIDs []uint32, err error)
	// Watch calls fn (from any goroutine, without blocking for long)
	// after each change to the mailbox by anyone, until stop is called.
	Watch(fn func()) (stop func())
}

// Mover is an optional interface of a Mailbox that moves messages
// atomically (RFC 6851). Without it the server copies, then expunges.
type Mover interface {
	MoveTo(ctx context.Context, uids []uint32, dest string) (destValidity uint32, destUIDs []uint32, err error)
}

// RecentMailbox is an optional interface of a Mailbox that keeps
// IMAP4rev1's \Recent flag (RFC 3501 section 2.3.2): a message is recent
// in exactly one session, the first to SELECT the mailbox after the
// message arrived. IMAP4rev2 removed the flag (RFC 9051 appendix E), so a
// Backend for rev2 clients only can leave it out; without it the server
// reports no recent messages.
type RecentMailbox interface {
	// ClaimRecent marks every message now in the mailbox as no longer
	// recent for later callers and returns the first UID that is recent
	// for this caller: the messages at or above it are its to report.
	ClaimRecent(ctx context.Context) (from uint32, err error)
	// CountRecent returns how many messages no session has claimed yet
	// (STATUS RECENT, EXAMINE), without claiming them.
	CountRecent(ctx context.Context) (int, error)
}
