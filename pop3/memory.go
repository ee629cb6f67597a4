package pop3

import (
	"bytes"
	"context"
	"crypto/subtle"
	"io"
	"slices"
	"strconv"
	"sync"
)

// MemoryBackend is an [APOPBackend] that keeps users and their messages in
// memory, for tests and examples. It is safe for concurrent use.
type MemoryBackend struct {
	mu      sync.Mutex
	users   map[string]*memUser
	nextUID int
}

type memUser struct {
	password string
	msgs     []memMsg
	locked   bool
}

type memMsg struct {
	uid  string
	data []byte
	seen bool
}

var _ APOPBackend = (*MemoryBackend)(nil)

// NewMemoryBackend returns an empty MemoryBackend.
func NewMemoryBackend() *MemoryBackend {
	return &MemoryBackend{users: map[string]*memUser{}}
}

// AddUser creates a user (or changes an existing user's password).
func (b *MemoryBackend) AddUser(name, password string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if u := b.users[name]; u != nil {
		u.password = password
		return
	}
	b.users[name] = &memUser{password: password}
}

// Deliver appends a message to user's maildrop; the user must exist.
func (b *MemoryBackend) Deliver(user string, msg []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	u := b.users[user]
	if u == nil {
		return ErrAuthFailed
	}
	b.nextUID++
	u.msgs = append(u.msgs, memMsg{uid: "m" + strconv.Itoa(b.nextUID), data: bytes.Clone(msg)})
	return nil
}

// Messages returns copies of the messages in user's maildrop.
func (b *MemoryBackend) Messages(user string) [][]byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	u := b.users[user]
	if u == nil {
		return nil
	}
	out := make([][]byte, len(u.msgs))
	for i, m := range u.msgs {
		out[i] = bytes.Clone(m.data)
	}
	return out
}

// Login implements [Backend].
func (b *MemoryBackend) Login(ctx context.Context, user, password string) (Maildrop, error) {
	return b.login(user, func(u *memUser) bool {
		return subtle.ConstantTimeCompare([]byte(u.password), []byte(password)) == 1
	})
}

// LoginAPOP implements [APOPBackend].
func (b *MemoryBackend) LoginAPOP(ctx context.Context, user, timestamp, digest string) (Maildrop, error) {
	return b.login(user, func(u *memUser) bool { return CheckAPOP(timestamp, u.password, digest) })
}

func (b *MemoryBackend) login(user string, ok func(*memUser) bool) (Maildrop, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	u := b.users[user]
	if u == nil || !ok(u) {
		return nil, ErrAuthFailed
	}
	if u.locked {
		return nil, ErrInUse
	}
	u.locked = true
	d := &memDrop{b: b, u: u}
	for _, m := range u.msgs {
		d.msgs = append(d.msgs, m)
	}
	return d, nil
}

// memDrop is a session's view: the messages as they were at login.
type memDrop struct {
	b    *MemoryBackend
	u    *memUser
	msgs []memMsg
	done bool
}

func (d *memDrop) Messages(ctx context.Context) ([]MessageInfo, error) {
	out := make([]MessageInfo, len(d.msgs))
	for i, m := range d.msgs {
		out[i] = MessageInfo{Number: i + 1, Size: int64(len(m.data)), UID: m.uid}
	}
	return out, nil
}

func (d *memDrop) Open(ctx context.Context, n int) (io.ReadCloser, error) {
	if n < 1 || n > len(d.msgs) {
		return nil, &Error{Text: "no such message"}
	}
	return io.NopCloser(bytes.NewReader(d.msgs[n-1].data)), nil
}

func (d *memDrop) Commit(ctx context.Context, deleted, retrieved []int) error {
	d.b.mu.Lock()
	defer d.b.mu.Unlock()
	if d.done {
		return nil
	}
	d.done = true
	d.u.locked = false
	gone := map[string]bool{}
	for _, n := range deleted {
		gone[d.msgs[n-1].uid] = true
	}
	seen := map[string]bool{}
	for _, n := range retrieved {
		seen[d.msgs[n-1].uid] = true
	}
	d.u.msgs = slices.DeleteFunc(d.u.msgs, func(m memMsg) bool { return gone[m.uid] })
	for i := range d.u.msgs {
		if seen[d.u.msgs[i].uid] {
			d.u.msgs[i].seen = true
		}
	}
	return nil
}

func (d *memDrop) Close() error {
	d.b.mu.Lock()
	defer d.b.mu.Unlock()
	if !d.done {
		d.done = true
		d.u.locked = false
	}
	return nil
}
