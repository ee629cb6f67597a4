package imap

import (
	"bytes"
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"io"
	"time"

	"github.com/applayer/applayer/internal/mailstore"
)

// NewStoreBackend returns a Backend that keeps mail in a durable
// mailstore.Store (the Maildir store the smtp and pop3 servers of this
// module share), so folders, flags and UIDs survive restarts. passwords
// maps user names to passwords.
//
// The store keeps no special-use attributes; the folders named Sent,
// Drafts, Trash, Junk and Archive are listed with the matching attribute
// (RFC 6154).
func NewStoreBackend(store *mailstore.Store, passwords map[string]string) Backend {
	return &storeBackend{store: store, passwords: passwords}
}

// NewStoreServer returns a Server over a mailstore.Store for the users in
// passwords, offering STARTTLS when tlsConfig is not nil: the one line a
// mail server program needs (set Logger and the limits on the result, then
// Serve). Without tlsConfig there is no TLS to wait for, so it allows
// logins in the clear (AllowInsecureAuth), as the pop3 package does; with
// it, logins wait for STARTTLS.
func NewStoreServer(store *mailstore.Store, passwords map[string]string, tlsConfig *tls.Config) *Server {
	return &Server{Backend: NewStoreBackend(store, passwords), TLSConfig: tlsConfig, AllowInsecureAuth: tlsConfig == nil}
}

type storeBackend struct {
	store     *mailstore.Store
	passwords map[string]string
}

func (b *storeBackend) Login(ctx context.Context, username, password string) (User, error) {
	want, ok := b.passwords[username]
	if !ok || subtle.ConstantTimeCompare([]byte(want), []byte(password)) != 1 {
		return nil, &Error{Type: StatusNO, Code: CodeAuthFailed, Text: "invalid credentials"}
	}
	return &storeUser{b: b, name: username}, nil
}

// storeErr maps mailstore errors to IMAP replies.
func storeErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mailstore.ErrNoFolder):
		return ErrNoSuchMailbox
	case errors.Is(err, mailstore.ErrFolderExists):
		return ErrMailboxExists
	case errors.Is(err, mailstore.ErrInbox):
		return &Error{Type: StatusNO, Code: CodeCannot, Text: "not allowed on INBOX"}
	case errors.Is(err, mailstore.ErrBadName):
		return &Error{Type: StatusNO, Code: CodeCannot, Text: "bad mailbox name"}
	case errors.Is(err, mailstore.ErrBadFlag), errors.Is(err, mailstore.ErrTooManyFlags):
		return &Error{Type: StatusNO, Text: "bad or too many flags"}
	case errors.Is(err, mailstore.ErrMessageTooLarge):
		return &Error{Type: StatusNO, Code: CodeTooBig, Text: "message too large"}
	case errors.Is(err, mailstore.ErrNoMessage):
		return &Error{Type: StatusNO, Code: CodeExpungeIssued, Text: "message was expunged"}
	}
	return err
}

type storeUser struct {
	b    *storeBackend
	name string
}

func (u *storeUser) Username() string { return u.name }

func specialUseOf(name string) MailboxAttr {
	switch name {
	case "Sent":
		return AttrSent
	case "Drafts":
		return AttrDrafts
	case "Trash":
		return AttrTrash
	case "Junk":
		return AttrJunk
	case "Archive":
		return AttrArchive
	}
	return ""
}

func (u *storeUser) Mailboxes(ctx context.Context) ([]MailboxInfo, error) {
	names, err := u.b.store.Folders(ctx, u.name)
	if err != nil {
		return nil, storeErr(err)
	}
	subs, err := u.b.store.Subscriptions(ctx, u.name)
	if err != nil {
		return nil, storeErr(err)
	}
	sub := map[string]bool{}
	for _, s := range subs {
		sub[s] = true
	}
	out := make([]MailboxInfo, len(names))
	for i, n := range names {
		out[i] = MailboxInfo{Name: n, Subscribed: sub[n]}
		if a := specialUseOf(n); a != "" {
			out[i].Attrs = []MailboxAttr{a}
		}
	}
	return out, nil
}

func (u *storeUser) CreateMailbox(ctx context.Context, name string, use MailboxAttr) error {
	return storeErr(u.b.store.Create(ctx, u.name, name))
}

func (u *storeUser) DeleteMailbox(ctx context.Context, name string) error {
	return storeErr(u.b.store.Delete(ctx, u.name, name))
}

func (u *storeUser) RenameMailbox(ctx context.Context, oldName, newName string) error {
	return storeErr(u.b.store.Rename(ctx, u.name, oldName, newName))
}

func (u *storeUser) SetSubscribed(ctx context.Context, name string, on bool) error {
	return storeErr(u.b.store.Subscribe(ctx, u.name, name, on))
}

func (u *storeUser) Mailbox(ctx context.Context, name string) (Mailbox, error) {
	st, err := u.b.store.Status(ctx, u.name, name)
	if err != nil {
		return nil, storeErr(err)
	}
	return &storeMailbox{u: u, name: name, validity: st.UIDValidity}, nil
}

type storeMailbox struct {
	u        *storeUser
	name     string
	validity uint32
}

func (m *storeMailbox) store() *mailstore.Store { return m.u.b.store }

func (m *storeMailbox) UIDValidity() uint32 { return m.validity }

func toFlags(fs []string) []Flag {
	out := make([]Flag, len(fs))
	for i, f := range fs {
		out[i] = Flag(f)
	}
	return out
}

func fromFlags(fs []Flag) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		if f == FlagRecent || f == FlagWildcard {
			continue // session properties, not stored
		}
		out = append(out, string(f))
	}
	return out
}

func (m *storeMailbox) Messages(ctx context.Context) ([]MessageInfo, uint32, error) {
	snap, err := m.store().List(ctx, m.u.name, m.name)
	if err != nil {
		return nil, 0, storeErr(err)
	}
	out := make([]MessageInfo, len(snap.Messages))
	for i, msg := range snap.Messages {
		out[i] = MessageInfo{UID: msg.UID, Flags: toFlags(msg.Flags), InternalDate: msg.InternalDate, Size: msg.Size}
	}
	return out, snap.UIDNext, nil
}

func (m *storeMailbox) Body(ctx context.Context, uid uint32) ([]byte, error) {
	r, err := m.store().Open(ctx, m.u.name, m.name, uid)
	if err != nil {
		return nil, storeErr(err)
	}
	defer r.Close()
	return io.ReadAll(r)
}

func (m *storeMailbox) Append(ctx context.Context, body []byte, flags []Flag, date time.Time) (uint32, error) {
	msg, err := m.store().Append(ctx, m.u.name, m.name, bytes.NewReader(body), mailstore.AppendOptions{Flags: fromFlags(flags), Date: date})
	return msg.UID, storeErr(err)
}

func (m *storeMailbox) StoreFlags(ctx context.Context, uids []uint32, op StoreOp, flags []Flag) error {
	sop := mailstore.FlagsReplace
	switch op {
	case StoreAdd:
		sop = mailstore.FlagsAdd
	case StoreRemove:
		sop = mailstore.FlagsRemove
	}
	_, err := m.store().SetFlags(ctx, m.u.name, m.name, uids, sop, fromFlags(flags))
	return storeErr(err)
}

func (m *storeMailbox) Expunge(ctx context.Context, uids []uint32) error {
	_, err := m.store().Expunge(ctx, m.u.name, m.name, uids)
	return storeErr(err)
}

func (m *storeMailbox) CopyTo(ctx context.Context, uids []uint32, dest string) (uint32, []uint32, error) {
	res, err := m.store().Copy(ctx, m.u.name, m.name, uids, dest)
	if err != nil {
		if errors.Is(err, mailstore.ErrNoFolder) {
			return 0, nil, &Error{Type: StatusNO, Code: CodeTryCreate, Text: "no such mailbox"}
		}
		return 0, nil, storeErr(err)
	}
	return res.UIDValidity, res.Dst, nil
}

// MoveTo implements Mover with the store's atomic move.
func (m *storeMailbox) MoveTo(ctx context.Context, uids []uint32, dest string) (uint32, []uint32, error) {
	res, err := m.store().Move(ctx, m.u.name, m.name, uids, dest)
	if err != nil {
		if errors.Is(err, mailstore.ErrNoFolder) {
			return 0, nil, &Error{Type: StatusNO, Code: CodeTryCreate, Text: "no such mailbox"}
		}
		return 0, nil, storeErr(err)
	}
	return res.UIDValidity, res.Dst, nil
}

func (m *storeMailbox) Watch(fn func()) func() {
	w, err := m.store().Watch(context.Background(), m.u.name, m.name)
	if err != nil {
		return func() {}
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-w.C:
				w.Events() // the session re-reads the folder; the events only wake it
				fn()
			case <-stop:
				return
			}
		}
	}()
	return func() {
		w.Close()
		close(stop)
		<-done
	}
}

// ClaimRecent implements RecentMailbox with the store's persistent mark
// (mailstore.Store.TakeRecent), so a message stays recent across restarts
// until a session claims it.
func (m *storeMailbox) ClaimRecent(ctx context.Context) (uint32, error) {
	from, err := m.store().TakeRecent(ctx, m.u.name, m.name)
	return from, storeErr(err)
}

// CountRecent implements RecentMailbox.
func (m *storeMailbox) CountRecent(ctx context.Context) (int, error) {
	st, err := m.store().Status(ctx, m.u.name, m.name)
	if err != nil {
		return 0, storeErr(err)
	}
	return st.Recent, nil
}
