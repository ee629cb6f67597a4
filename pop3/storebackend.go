package pop3

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/applayer/applayer/internal/mailstore"
)

// StoreBackend is an [APOPBackend] that serves each user's INBOX from a
// durable mailstore, the store the smtp server delivers into and the imap
// server reads. Unique-ids are "UIDVALIDITY.UID", so they stay the same
// across sessions and are shared with IMAP. At QUIT, retrieved messages are
// flagged \Seen and deleted ones are expunged. The exclusive lock of a
// maildrop is held in this value: use one StoreBackend per Store.
type StoreBackend struct {
	// Store is the mail store.
	Store *mailstore.Store
	// Folder is the folder served; "" means INBOX.
	Folder string
	// Password returns a user's password (for PASS, AUTH PLAIN and APOP);
	// ok is false for unknown users.
	Password func(user string) (password string, ok bool)

	mu     sync.Mutex
	locked map[string]bool
}

var _ APOPBackend = (*StoreBackend)(nil)

// NewStoreBackend returns a StoreBackend serving the INBOX of the users in
// passwords (name to password).
func NewStoreBackend(store *mailstore.Store, passwords map[string]string) *StoreBackend {
	return &StoreBackend{Store: store, Password: func(user string) (string, bool) {
		p, ok := passwords[user]
		return p, ok
	}}
}

func (b *StoreBackend) folder() string {
	if b.Folder == "" {
		return mailstore.Inbox
	}
	return b.Folder
}

// Login implements [Backend].
func (b *StoreBackend) Login(ctx context.Context, user, password string) (Maildrop, error) {
	return b.login(ctx, user, func(secret string) bool {
		return subtle.ConstantTimeCompare([]byte(secret), []byte(password)) == 1
	})
}

// LoginAPOP implements [APOPBackend].
func (b *StoreBackend) LoginAPOP(ctx context.Context, user, timestamp, digest string) (Maildrop, error) {
	return b.login(ctx, user, func(secret string) bool { return CheckAPOP(timestamp, secret, digest) })
}

func (b *StoreBackend) login(ctx context.Context, user string, check func(string) bool) (Maildrop, error) {
	secret, ok := b.Password(user)
	if !ok || !check(secret) {
		return nil, ErrAuthFailed
	}
	b.mu.Lock()
	if b.locked[user] {
		b.mu.Unlock()
		return nil, ErrInUse
	}
	if b.locked == nil {
		b.locked = map[string]bool{}
	}
	b.locked[user] = true
	b.mu.Unlock()
	snap, err := b.Store.List(ctx, user, b.folder())
	if err != nil {
		b.unlock(user)
		return nil, err
	}
	return &storeDrop{b: b, user: user, snap: snap}, nil
}

func (b *StoreBackend) unlock(user string) {
	b.mu.Lock()
	delete(b.locked, user)
	b.mu.Unlock()
}

type storeDrop struct {
	b    *StoreBackend
	user string
	snap mailstore.Snapshot
	once sync.Once
}

func (d *storeDrop) Messages(ctx context.Context) ([]MessageInfo, error) {
	out := make([]MessageInfo, len(d.snap.Messages))
	for i, m := range d.snap.Messages {
		out[i] = MessageInfo{Number: i + 1, Size: m.Size, UID: fmt.Sprintf("%d.%d", d.snap.UIDValidity, m.UID)}
	}
	return out, nil
}

func (d *storeDrop) Open(ctx context.Context, n int) (io.ReadCloser, error) {
	if n < 1 || n > len(d.snap.Messages) {
		return nil, &Error{Text: "no such message"}
	}
	r, err := d.b.Store.Open(ctx, d.user, d.b.folder(), d.snap.Messages[n-1].UID)
	if errors.Is(err, mailstore.ErrNoMessage) {
		return nil, &Error{Text: "message was removed by another session"}
	}
	return r, err
}

func (d *storeDrop) uids(nums []int) []uint32 {
	out := make([]uint32, 0, len(nums))
	for _, n := range nums {
		out = append(out, d.snap.Messages[n-1].UID)
	}
	return out
}

func (d *storeDrop) Commit(ctx context.Context, deleted, retrieved []int) error {
	defer d.Close()
	folder := d.b.folder()
	if len(retrieved) > 0 {
		if _, err := d.b.Store.SetFlags(ctx, d.user, folder, d.uids(retrieved), mailstore.FlagsAdd, []string{mailstore.FlagSeen}); err != nil {
			return err
		}
	}
	if len(deleted) == 0 {
		return nil
	}
	uids := d.uids(deleted)
	if _, err := d.b.Store.SetFlags(ctx, d.user, folder, uids, mailstore.FlagsAdd, []string{mailstore.FlagDeleted}); err != nil {
		return err
	}
	_, err := d.b.Store.Expunge(ctx, d.user, folder, uids)
	return err
}

func (d *storeDrop) Close() error {
	d.once.Do(func() { d.b.unlock(d.user) })
	return nil
}

// NewStoreServer returns a Server that serves the INBOX folders of store to
// the users in passwords (name to password), offering STLS when tlsConfig is
// not nil. It is the one line a mail server program needs; set Addr,
// Hostname or Logger on the result as wanted, then Serve.
func NewStoreServer(store *mailstore.Store, passwords map[string]string, tlsConfig *tls.Config) *Server {
	return &Server{Backend: NewStoreBackend(store, passwords), TLSConfig: tlsConfig}
}
