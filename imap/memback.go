package imap

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// MemBackend is an in-memory [Backend] for tests and examples. Every user
// starts with an INBOX. The zero value is not usable; call NewMemBackend.
// It is safe for concurrent use.
type MemBackend struct {
	mu    sync.Mutex
	users map[string]*memUser
	// validity is the UIDVALIDITY given to the next mailbox created.
	validity uint32
}

// NewMemBackend returns an empty in-memory backend.
func NewMemBackend() *MemBackend {
	return &MemBackend{users: map[string]*memUser{}, validity: 1}
}

// AddUser creates a user with an empty INBOX.
func (b *MemBackend) AddUser(name, password string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	u := &memUser{b: b, name: name, password: password, boxes: map[string]*memMailbox{}, subscribed: map[string]bool{}}
	u.boxes[Inbox] = b.newMailbox(Inbox, "")
	u.subscribed[Inbox] = true
	b.users[name] = u
}

func (b *MemBackend) newMailbox(name string, use MailboxAttr) *memMailbox {
	v := b.validity
	b.validity++
	return &memMailbox{b: b, name: name, use: use, validity: v, uidNext: 1, watchers: map[int]func(){}}
}

// Deliver adds a message to a user's mailbox as a mail delivery agent would,
// and returns its UID.
func (b *MemBackend) Deliver(user, mailbox string, msg []byte) (uint32, error) {
	b.mu.Lock()
	u := b.users[user]
	b.mu.Unlock()
	if u == nil {
		return 0, &Error{Type: StatusNO, Text: "no such user"}
	}
	m, err := u.Mailbox(context.Background(), mailbox)
	if err != nil {
		return 0, err
	}
	return m.Append(context.Background(), msg, nil, time.Now())
}

// Login implements Backend.
func (b *MemBackend) Login(ctx context.Context, username, password string) (User, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	u := b.users[username]
	if u == nil || u.password != password {
		return nil, &Error{Type: StatusNO, Code: CodeAuthFailed, Text: "invalid credentials"}
	}
	return u, nil
}

type memUser struct {
	b          *MemBackend
	name       string
	password   string
	boxes      map[string]*memMailbox // guarded by b.mu
	subscribed map[string]bool        // guarded by b.mu
}

func (u *memUser) Username() string { return u.name }

func (u *memUser) Mailboxes(ctx context.Context) ([]MailboxInfo, error) {
	u.b.mu.Lock()
	defer u.b.mu.Unlock()
	var out []MailboxInfo
	for name, m := range u.boxes {
		info := MailboxInfo{Name: name, Subscribed: u.subscribed[name]}
		if m.use != "" {
			info.Attrs = append(info.Attrs, m.use)
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (u *memUser) CreateMailbox(ctx context.Context, name string, use MailboxAttr) error {
	u.b.mu.Lock()
	defer u.b.mu.Unlock()
	if _, ok := u.boxes[name]; ok {
		return ErrMailboxExists
	}
	u.boxes[name] = u.b.newMailbox(name, use)
	return nil
}

func (u *memUser) DeleteMailbox(ctx context.Context, name string) error {
	u.b.mu.Lock()
	defer u.b.mu.Unlock()
	if name == Inbox {
		return &Error{Type: StatusNO, Code: CodeCannot, Text: "INBOX cannot be deleted"}
	}
	if _, ok := u.boxes[name]; !ok {
		return ErrNoSuchMailbox
	}
	delete(u.boxes, name)
	return nil
}

func (u *memUser) RenameMailbox(ctx context.Context, oldName, newName string) error {
	u.b.mu.Lock()
	m, ok := u.boxes[oldName]
	if !ok {
		u.b.mu.Unlock()
		return ErrNoSuchMailbox
	}
	if _, ok := u.boxes[newName]; ok {
		u.b.mu.Unlock()
		return ErrMailboxExists
	}
	if oldName == Inbox {
		// RFC 9051 section 6.3.6: move all of INBOX's messages to the new
		// mailbox and leave INBOX empty.
		nm := u.b.newMailbox(newName, "")
		u.boxes[newName] = nm
		u.b.mu.Unlock()
		m.mu.Lock()
		msgs := m.msgs
		m.msgs = nil
		m.mu.Unlock()
		nm.mu.Lock()
		for _, msg := range msgs {
			msg.UID = nm.uidNext
			nm.uidNext++
			nm.msgs = append(nm.msgs, msg)
		}
		nm.mu.Unlock()
		m.notify()
		return nil
	}
	defer u.b.mu.Unlock()
	prefix := oldName + string(Delimiter)
	for name, box := range u.boxes {
		if name == oldName || strings.HasPrefix(name, prefix) {
			nn := newName + name[len(oldName):]
			delete(u.boxes, name)
			box.name = nn
			u.boxes[nn] = box
			if u.subscribed[name] {
				delete(u.subscribed, name)
				u.subscribed[nn] = true
			}
		}
	}
	return nil
}

func (u *memUser) SetSubscribed(ctx context.Context, name string, on bool) error {
	u.b.mu.Lock()
	defer u.b.mu.Unlock()
	if on {
		if _, ok := u.boxes[name]; !ok {
			return ErrNoSuchMailbox
		}
		u.subscribed[name] = true
	} else {
		delete(u.subscribed, name)
	}
	return nil
}

func (u *memUser) Mailbox(ctx context.Context, name string) (Mailbox, error) {
	u.b.mu.Lock()
	defer u.b.mu.Unlock()
	m, ok := u.boxes[name]
	if !ok {
		return nil, ErrNoSuchMailbox
	}
	return m, nil
}

func (u *memUser) lookup(name string) *memMailbox {
	u.b.mu.Lock()
	defer u.b.mu.Unlock()
	return u.boxes[name]
}

type memMessage struct {
	MessageInfo
	body []byte
}

type memMailbox struct {
	b        *MemBackend
	name     string // guarded by b.mu
	use      MailboxAttr
	validity uint32

	mu       sync.Mutex
	msgs     []memMessage // ascending UID
	uidNext  uint32
	recent   uint32 // first UID no session has claimed as \Recent
	watchers map[int]func()
	nextW    int
}

func (m *memMailbox) UIDValidity() uint32 { return m.validity }

func (m *memMailbox) Messages(ctx context.Context) ([]MessageInfo, uint32, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]MessageInfo, len(m.msgs))
	for i, msg := range m.msgs {
		out[i] = msg.MessageInfo
		out[i].Flags = slices.Clone(msg.Flags)
	}
	return out, m.uidNext, nil
}

func (m *memMailbox) find(uid uint32) int {
	i, ok := slices.BinarySearchFunc(m.msgs, uid, func(x memMessage, uid uint32) int {
		return int(int64(x.UID) - int64(uid))
	})
	if !ok {
		return -1
	}
	return i
}

func (m *memMailbox) Body(ctx context.Context, uid uint32) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := m.find(uid)
	if i < 0 {
		return nil, &Error{Type: StatusNO, Code: CodeExpungeIssued, Text: "message was expunged"}
	}
	return m.msgs[i].body, nil
}

func (m *memMailbox) Append(ctx context.Context, body []byte, flags []Flag, date time.Time) (uint32, error) {
	m.mu.Lock()
	uid := m.uidNext
	m.uidNext++
	if date.IsZero() {
		date = time.Now()
	}
	m.msgs = append(m.msgs, memMessage{
		MessageInfo: MessageInfo{UID: uid, Flags: normalizeFlags(flags), InternalDate: date, Size: int64(len(body))},
		body:        slices.Clone(body),
	})
	m.mu.Unlock()
	m.notify()
	return uid, nil
}

func (m *memMailbox) StoreFlags(ctx context.Context, uids []uint32, op StoreOp, flags []Flag) error {
	m.mu.Lock()
	for _, uid := range uids {
		if i := m.find(uid); i >= 0 {
			m.msgs[i].Flags = applyFlags(m.msgs[i].Flags, op, flags)
		}
	}
	m.mu.Unlock()
	m.notify()
	return nil
}

func (m *memMailbox) Expunge(ctx context.Context, uids []uint32) error {
	m.mu.Lock()
	m.msgs = slices.DeleteFunc(m.msgs, func(x memMessage) bool { return slices.Contains(uids, x.UID) })
	m.mu.Unlock()
	m.notify()
	return nil
}

func (m *memMailbox) CopyTo(ctx context.Context, uids []uint32, dest string) (uint32, []uint32, error) {
	u := m.owner()
	d := u.lookup(dest)
	if d == nil {
		return 0, nil, &Error{Type: StatusNO, Code: CodeTryCreate, Text: "no such mailbox"}
	}
	m.mu.Lock()
	var copies []memMessage
	for _, uid := range uids {
		if i := m.find(uid); i >= 0 {
			c := m.msgs[i]
			c.Flags = slices.Clone(c.Flags)
			copies = append(copies, c)
		}
	}
	m.mu.Unlock()
	var out []uint32
	d.mu.Lock()
	for _, c := range copies {
		c.UID = d.uidNext
		d.uidNext++
		d.msgs = append(d.msgs, c)
		out = append(out, c.UID)
	}
	d.mu.Unlock()
	d.notify()
	return d.validity, out, nil
}

func (m *memMailbox) owner() *memUser {
	m.b.mu.Lock()
	defer m.b.mu.Unlock()
	for _, u := range m.b.users {
		for _, box := range u.boxes {
			if box == m {
				return u
			}
		}
	}
	return &memUser{b: m.b}
}

func (m *memMailbox) Watch(fn func()) func() {
	m.mu.Lock()
	id := m.nextW
	m.nextW++
	m.watchers[id] = fn
	m.mu.Unlock()
	return func() {
		m.mu.Lock()
		delete(m.watchers, id)
		m.mu.Unlock()
	}
}

func (m *memMailbox) notify() {
	m.mu.Lock()
	fns := make([]func(), 0, len(m.watchers))
	for _, fn := range m.watchers {
		fns = append(fns, fn)
	}
	m.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// normalizeFlags returns flags with system flags canonical, without
// duplicates, sorted, and without \Recent (which clients cannot set).
func normalizeFlags(flags []Flag) []Flag {
	out := make([]Flag, 0, len(flags))
	for _, f := range flags {
		f = canonicalFlag(string(f))
		if f == FlagRecent || f == FlagWildcard || slices.Contains(out, f) {
			continue
		}
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// applyFlags returns cur changed by a STORE operation.
func applyFlags(cur []Flag, op StoreOp, flags []Flag) []Flag {
	switch op {
	case StoreReplace:
		return normalizeFlags(flags)
	case StoreAdd:
		return normalizeFlags(append(slices.Clone(cur), flags...))
	default:
		flags = normalizeFlags(flags)
		return slices.DeleteFunc(slices.Clone(cur), func(f Flag) bool { return slices.Contains(flags, f) })
	}
}

// ClaimRecent implements RecentMailbox.
func (m *memMailbox) ClaimRecent(ctx context.Context) (uint32, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	from := max(m.recent, 1)
	m.recent = m.uidNext
	return from, nil
}

// CountRecent implements RecentMailbox.
func (m *memMailbox) CountRecent(ctx context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, msg := range m.msgs {
		if msg.UID >= m.recent {
			n++
		}
	}
	return n, nil
}
