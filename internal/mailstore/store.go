package mailstore

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxMessageBytes is the message size limit used when
// [Store.MaxMessageBytes] is zero.
const DefaultMaxMessageBytes = 64 << 20

// Store is a durable mail store rooted at one directory. It is safe for
// concurrent use by any number of goroutines; open exactly one Store per
// directory per process and share it (the smtp, pop3 and imap servers of one
// mail server all use the same Store), because the in-memory index and the
// change notifications live in the Store value.
//
// Users need no registration: a user's directory and INBOX are created the
// first time the user is touched. Authentication is the protocol servers'
// business.
type Store struct {
	// MaxMessageBytes limits the size of one message accepted by Deliver,
	// Append; larger messages fail with ErrMessageTooLarge and leave nothing
	// behind. If zero, DefaultMaxMessageBytes is used; negative means no limit.
	// Set it before the first use.
	MaxMessageBytes int64

	// Logger receives reports of repairs made when loading. If nil,
	// slog.Default() is used.
	Logger *slog.Logger

	root   string
	noSync bool          // tests of logic only: skip fsync
	seq    atomic.Uint64 // makes names in tmp/ unique

	mu    sync.Mutex
	users map[string]*user
}

// Open returns the Store rooted at dir, creating dir if needed. Users and
// folders are loaded, and repaired after a crash, when first used.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return &Store{root: abs, users: map[string]*user{}}, nil
}

// Dir returns the directory the Store is rooted at.
func (s *Store) Dir() string { return s.root }

func (s *Store) maxBytes() int64 {
	if s.MaxMessageBytes == 0 {
		return DefaultMaxMessageBytes
	}
	return s.MaxMessageBytes
}

func (s *Store) logf(msg string, args ...any) {
	l := s.Logger
	if l == nil {
		l = slog.Default()
	}
	l.Warn(msg, args...)
}

// userStateName is the per-user file holding subscriptions and the last
// UIDVALIDITY handed out.
const userStateName = "user.json"

type userState struct {
	LastUIDValidity uint32   `json:"last_uidvalidity"`
	Subscribed      []string `json:"subscribed,omitempty"`
}

type user struct {
	name string
	path string
	sync bool

	mu      sync.Mutex // guards everything below; taken before any folder.mu
	state   userState
	folders map[string]*folder
}

// user returns the loaded user, loading (and repairing) it on first use.
func (s *Store) user(name string) (*user, error) {
	if err := checkUser(name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[name]; u != nil {
		return u, nil
	}
	u := &user{name: name, path: filepath.Join(s.root, encodeName(name)), sync: !s.noSync, folders: map[string]*folder{}}
	if err := os.MkdirAll(u.path, 0o700); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(u.path, userStateName))
	if err == nil {
		if jerr := json.Unmarshal(data, &u.state); jerr != nil {
			s.logf("mailstore: resetting unreadable user state", "user", name, "err", jerr)
			u.state = userState{}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	os.Remove(filepath.Join(u.path, userStateName+".tmp"))
	ents, err := os.ReadDir(u.path)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		n := e.Name()
		if !e.IsDir() {
			continue
		}
		if strings.HasSuffix(n, ".creating") || strings.HasSuffix(n, ".deleting") {
			os.RemoveAll(filepath.Join(u.path, n)) // a Create or Delete cut short
			continue
		}
		fname, ok := decodeName(n)
		if !ok || checkFolder(fname) != nil || CanonicalFolder(fname) != fname {
			continue
		}
		f, err := loadFolder(fname, filepath.Join(u.path, n), u.sync, u.newValidity, s.logf)
		if err != nil {
			return nil, err
		}
		u.folders[fname] = f
	}
	if u.folders[Inbox] == nil {
		if _, err := u.create(Inbox); err != nil {
			return nil, err
		}
	}
	s.users[name] = u
	return u, nil
}

// newValidity hands out a UIDVALIDITY never used before by this user: the
// clock in seconds, or one more than the last, whichever is larger. u.mu is
// held (or u is not yet shared).
func (u *user) newValidity() (uint32, error) {
	v := uint32(time.Now().Unix())
	if v <= u.state.LastUIDValidity {
		v = u.state.LastUIDValidity + 1
	}
	u.state.LastUIDValidity = v
	if err := u.saveState(); err != nil {
		return 0, err
	}
	return v, nil
}

func (u *user) saveState() error {
	data, err := json.Marshal(&u.state)
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(u.path, userStateName), data, u.sync)
}

// create makes one folder. u.mu is held.
func (u *user) create(name string) (*folder, error) {
	v, err := u.newValidity()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(u.path, encodeName(name))
	if err := makeFolderDir(path, v, u.sync); err != nil {
		return nil, err
	}
	f := &folder{name: name, path: path, sync: u.sync, uidValidity: v, uidNext: 1, watchers: map[*Watcher]struct{}{}}
	u.folders[name] = f
	return f, nil
}

// folder returns the named folder of user.
func (s *Store) folder(userName, name string) (*folder, error) {
	name = CanonicalFolder(name)
	if err := checkFolder(name); err != nil {
		return nil, err
	}
	u, err := s.user(userName)
	if err != nil {
		return nil, err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	f := u.folders[name]
	if f == nil {
		return nil, ErrNoFolder
	}
	return f, nil
}

// Folders returns the names of user's folders, sorted; INBOX is always among them.
func (s *Store) Folders(ctx context.Context, userName string) ([]string, error) {
	u, err := s.user(userName)
	if err != nil {
		return nil, err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	names := make([]string, 0, len(u.folders))
	for n := range u.folders {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, nil
}

// Create makes the folder name for user, and any missing parent folders
// ("a/b/c" also creates "a" and "a/b"), as RFC 9051 6.3.4 recommends. It
// fails with ErrFolderExists if name itself exists.
func (s *Store) Create(ctx context.Context, userName, name string) error {
	name = CanonicalFolder(name)
	if err := checkFolder(name); err != nil {
		return err
	}
	u, err := s.user(userName)
	if err != nil {
		return err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.folders[name] != nil {
		return ErrFolderExists
	}
	return u.createWithParents(name)
}

// createWithParents creates name and any missing parents. u.mu is held.
func (u *user) createWithParents(name string) error {
	parts := strings.Split(name, Separator)
	for i := range parts {
		n := strings.Join(parts[:i+1], Separator)
		if u.folders[n] != nil {
			continue
		}
		if _, err := u.create(n); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes the folder and its messages. Child folders ("a/b" when
// deleting "a") are left alone. INBOX cannot be deleted. Watchers of the
// folder receive EventFolderGone.
func (s *Store) Delete(ctx context.Context, userName, name string) error {
	name = CanonicalFolder(name)
	if err := checkFolder(name); err != nil {
		return err
	}
	if name == Inbox {
		return ErrInbox
	}
	u, err := s.user(userName)
	if err != nil {
		return err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	f := u.folders[name]
	if f == nil {
		return ErrNoFolder
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	// Rename first, so that a crash mid-way leaves a ".deleting" directory
	// that the next load removes, never half a folder.
	gone := f.path + ".deleting"
	if err := os.Rename(f.path, gone); err != nil {
		return err
	}
	if err := syncDir(u.path, u.sync); err != nil {
		return err
	}
	os.RemoveAll(gone)
	delete(u.folders, name)
	f.retire()
	return nil
}

// retire marks f gone and tells its watchers. f.mu is held.
func (f *folder) retire() {
	f.gone = true
	for w := range f.watchers {
		w.push(Event{Kind: EventFolderGone})
		delete(f.watchers, w)
	}
}

// Rename renames a folder and its children ("a" to "b" also renames "a/x" to
// "b/x"); missing parents of the new name are created. UIDs and UIDVALIDITY
// are kept. Renaming INBOX moves all its messages into a new folder and leaves
// INBOX empty (RFC 9051, 6.3.6). Watchers of renamed folders receive
// EventFolderGone.
func (s *Store) Rename(ctx context.Context, userName, oldName, newName string) error {
	oldName, newName = CanonicalFolder(oldName), CanonicalFolder(newName)
	for _, n := range []string{oldName, newName} {
		if err := checkFolder(n); err != nil {
			return err
		}
	}
	u, err := s.user(userName)
	if err != nil {
		return err
	}
	u.mu.Lock()
	if u.folders[oldName] == nil {
		u.mu.Unlock()
		return ErrNoFolder
	}
	if u.folders[newName] != nil || newName == Inbox {
		u.mu.Unlock()
		return ErrFolderExists
	}
	if oldName == Inbox {
		if err := u.createWithParents(newName); err != nil {
			u.mu.Unlock()
			return err
		}
		u.mu.Unlock()
		return s.moveAll(ctx, userName, Inbox, newName)
	}
	if strings.HasPrefix(newName, oldName+Separator) {
		u.mu.Unlock()
		return &NameError{Name: newName, Reason: "cannot move a folder inside itself"}
	}
	defer u.mu.Unlock()
	// The folder and its children, each to its new name.
	moves := map[string]string{oldName: newName}
	for n := range u.folders {
		if strings.HasPrefix(n, oldName+Separator) {
			nn := newName + strings.TrimPrefix(n, oldName)
			if u.folders[nn] != nil || checkFolder(nn) != nil {
				return ErrFolderExists
			}
			moves[n] = nn
		}
	}
	for from, to := range moves {
		f := u.folders[from]
		f.mu.Lock()
		path := filepath.Join(u.path, encodeName(to))
		err := os.Rename(f.path, path)
		if err == nil {
			nf := &folder{name: to, path: path, sync: f.sync, uidValidity: f.uidValidity, uidNext: f.uidNext,
				recentFrom: f.recentFrom, specialUse: f.specialUse, msgs: f.msgs, watchers: map[*Watcher]struct{}{}}
			u.folders[to] = nf
			delete(u.folders, from)
			f.retire()
		}
		f.mu.Unlock()
		if err != nil {
			return err
		}
	}
	if err := syncDir(u.path, u.sync); err != nil {
		return err
	}
	// Parents of the new name.
	if i := strings.LastIndex(newName, Separator); i > 0 {
		return u.createWithParents(newName[:i])
	}
	return nil
}

// Subscribe adds (on) or removes (!on) name from user's subscriptions
// (IMAP SUBSCRIBE/UNSUBSCRIBE). A name need not exist to be subscribed.
func (s *Store) Subscribe(ctx context.Context, userName, name string, on bool) error {
	name = CanonicalFolder(name)
	if err := checkFolder(name); err != nil {
		return err
	}
	u, err := s.user(userName)
	if err != nil {
		return err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	i, found := slices.BinarySearch(u.state.Subscribed, name)
	switch {
	case on && !found:
		u.state.Subscribed = slices.Insert(u.state.Subscribed, i, name)
	case !on && found:
		u.state.Subscribed = slices.Delete(u.state.Subscribed, i, i+1)
	default:
		return nil
	}
	return u.saveState()
}

// Subscriptions returns user's subscribed names, sorted.
func (s *Store) Subscriptions(ctx context.Context, userName string) ([]string, error) {
	u, err := s.user(userName)
	if err != nil {
		return nil, err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.state.Subscribed), nil
}
