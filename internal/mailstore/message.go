package mailstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// ErrTooManyFlags means a message would carry more than [MaxFlags] flags.
var ErrTooManyFlags = errors.New("mailstore: too many flags on one message")

// ErrUIDsExhausted means a folder has handed out its last UID (4294967294);
// it is renumbered with a new UIDVALIDITY the next time it is loaded.
var ErrUIDsExhausted = errors.New("mailstore: folder has no UIDs left")

// AppendOptions are the optional attributes of a message given to
// [Store.Append] (IMAP APPEND's flag list and date-time).
type AppendOptions struct {
	Flags []string  // initial flags; nil for none
	Date  time.Time // internal date; zero means now
}

// MessageReader reads one stored message. It supports random access for
// partial fetches. Close it when done; a message expunged while open stays
// readable until closed.
type MessageReader interface {
	io.Reader
	io.ReaderAt
	io.Seeker
	io.Closer
}

// Snapshot is the state of a folder at one moment, as IMAP SELECT needs it.
type Snapshot struct {
	UIDValidity uint32
	UIDNext     uint32
	Messages    []Message // sorted by UID
}

// FolderStatus summarises a folder (IMAP STATUS, POP3 STAT).
type FolderStatus struct {
	UIDValidity uint32
	UIDNext     uint32
	Messages    int    // number of messages
	Unseen      int    // messages without \Seen
	Deleted     int    // messages with \Deleted
	Size        int64  // total octets
	Recent      int    // messages not yet taken as \Recent (see TakeRecent)
	SpecialUse  string // RFC 6154 attribute (see SetSpecialUse), "" for none
}

// CopyResult says which messages a Copy or Move created: Src[i] was copied to
// Dst[i] in the destination folder, whose UIDVALIDITY is UIDValidity (the
// COPYUID response code of RFC 4315). UIDs that did not exist are left out.
type CopyResult struct {
	UIDValidity uint32
	Src, Dst    []uint32
}

// Deliver stores the message read from r in user's folder (INBOX for local
// delivery) and returns its UID. When Deliver returns nil the message is on
// disk: it was written to tmp/, fsynced, renamed into new/ and the directory
// fsynced. A crash before that leaves no trace of it.
func (s *Store) Deliver(ctx context.Context, userName, folderName string, r io.Reader) (uint32, error) {
	m, err := s.Append(ctx, userName, folderName, r, AppendOptions{})
	return m.UID, err
}

// Append is Deliver with initial flags and an internal date (IMAP APPEND).
func (s *Store) Append(ctx context.Context, userName, folderName string, r io.Reader, opts AppendOptions) (Message, error) {
	flags, err := normFlags(opts.Flags)
	if err != nil {
		return Message{}, err
	}
	if len(flags) > MaxFlags {
		return Message{}, ErrTooManyFlags
	}
	f, err := s.folder(userName, folderName)
	if err != nil {
		return Message{}, err
	}
	tmp, size, err := s.writeTmp(f, r)
	if err != nil {
		return Message{}, err
	}
	date := opts.Date
	if date.IsZero() {
		date = time.Now()
	}
	date = date.Round(0)
	dir := newDir
	if len(flags) > 0 {
		dir = curDir
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone {
		os.Remove(tmp)
		return Message{}, ErrNoFolder
	}
	if f.uidNext > maxUID {
		os.Remove(tmp)
		return Message{}, ErrUIDsExhausted
	}
	rec := record{Message: Message{UID: f.uidNext, Flags: flags, InternalDate: date, Size: size}, dir: dir}
	if err := os.Rename(tmp, f.file(&rec)); err != nil {
		os.Remove(tmp)
		return Message{}, err
	}
	if err := syncDir(filepath.Join(f.path, dir), f.sync); err != nil {
		return Message{}, err
	}
	f.uidNext++
	f.msgs = append(f.msgs, rec)
	// The message is safe now; an index that fails to save is rebuilt from
	// the files on the next load, so this is worth a log line, not a failure.
	if err := f.writeIndex(); err != nil {
		s.logf("mailstore: saving index", "folder", f.path, "err", err)
	}
	f.notify(ctx, Event{Kind: EventNew, Message: rec.Message})
	return cloneMsg(rec.Message), nil
}

// writeTmp copies r into a new file in f's tmp/ directory and fsyncs it.
func (s *Store) writeTmp(f *folder, r io.Reader) (path string, size int64, err error) {
	path = filepath.Join(f.path, tmpDir, fmt.Sprintf("%d.%d", time.Now().UnixNano(), s.seq.Add(1)))
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", 0, err
	}
	limit := s.maxBytes()
	src := r
	if limit >= 0 {
		src = io.LimitReader(r, limit+1)
	}
	size, err = io.Copy(out, src)
	if err == nil && limit >= 0 && size > limit {
		err = ErrMessageTooLarge
	}
	if err == nil && f.sync {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", 0, err
	}
	return path, size, nil
}

func cloneMsg(m Message) Message {
	m.Flags = slices.Clone(m.Flags)
	if m.Flags == nil {
		m.Flags = []string{}
	}
	return m
}

// List returns a snapshot of the folder: UIDVALIDITY, UIDNEXT and every message.
func (s *Store) List(ctx context.Context, userName, folderName string) (Snapshot, error) {
	f, err := s.folder(userName, folderName)
	if err != nil {
		return Snapshot{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	snap := Snapshot{UIDValidity: f.uidValidity, UIDNext: f.uidNext, Messages: make([]Message, len(f.msgs))}
	for i, r := range f.msgs {
		snap.Messages[i] = cloneMsg(r.Message)
	}
	return snap, nil
}

// Status summarises the folder without copying its message list.
func (s *Store) Status(ctx context.Context, userName, folderName string) (FolderStatus, error) {
	f, err := s.folder(userName, folderName)
	if err != nil {
		return FolderStatus{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	st := FolderStatus{UIDValidity: f.uidValidity, UIDNext: f.uidNext, Messages: len(f.msgs), SpecialUse: f.specialUse}
	for _, r := range f.msgs {
		if r.UID >= f.recentFrom {
			st.Recent++
		}
		if !hasFlag(r.Flags, FlagSeen) {
			st.Unseen++
		}
		if hasFlag(r.Flags, FlagDeleted) {
			st.Deleted++
		}
		st.Size += r.Size
	}
	return st, nil
}

// Message returns the attributes of the message with the given UID.
func (s *Store) Message(ctx context.Context, userName, folderName string, uid uint32) (Message, error) {
	f, err := s.folder(userName, folderName)
	if err != nil {
		return Message{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.find(uid)
	if i < 0 {
		return Message{}, ErrNoMessage
	}
	return cloneMsg(f.msgs[i].Message), nil
}

// Open returns a reader for the body of the message with the given UID.
func (s *Store) Open(ctx context.Context, userName, folderName string, uid uint32) (MessageReader, error) {
	f, err := s.folder(userName, folderName)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.find(uid)
	if i < 0 {
		return nil, ErrNoMessage
	}
	return os.Open(f.file(&f.msgs[i]))
}

// SetFlags changes the flags of the messages with the given UIDs (UIDs that
// do not exist are skipped) and returns those messages as they are now. The
// change is saved before SetFlags returns; watchers get EventFlags for each
// message whose flags really changed.
func (s *Store) SetFlags(ctx context.Context, userName, folderName string, uids []uint32, op FlagOp, flags []string) ([]Message, error) {
	fl, err := normFlags(flags)
	if err != nil {
		return nil, err
	}
	f, err := s.folder(userName, folderName)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Message
	var evs []Event
	old := make(map[int][]string)
	for _, uid := range uids {
		i := f.find(uid)
		if i < 0 {
			continue
		}
		cur := f.msgs[i].Flags
		nf := applyFlags(cur, op, fl)
		if len(nf) > MaxFlags {
			for j, fl := range old {
				f.msgs[j].Flags = fl
			}
			return nil, ErrTooManyFlags
		}
		if !slices.Equal(cur, nf) {
			if _, ok := old[i]; !ok {
				old[i] = cur
			}
			f.msgs[i].Flags = nf
			evs = append(evs, Event{Kind: EventFlags, Message: f.msgs[i].Message})
		}
		out = append(out, cloneMsg(f.msgs[i].Message))
	}
	if len(evs) > 0 {
		if err := f.writeIndex(); err != nil {
			for j, fl := range old {
				f.msgs[j].Flags = fl
			}
			return nil, err
		}
		f.notify(ctx, evs...)
	}
	return out, nil
}

// Expunge permanently removes the messages flagged \Deleted and returns their
// UIDs in ascending order. With uids non-nil, only those of them that are
// flagged \Deleted are removed (IMAP UID EXPUNGE). The index is saved before
// the files are removed, so a crash in between cannot bring a message back.
func (s *Store) Expunge(ctx context.Context, userName, folderName string, uids []uint32) ([]uint32, error) {
	f, err := s.folder(userName, folderName)
	if err != nil {
		return nil, err
	}
	var only map[uint32]bool
	if uids != nil {
		only = make(map[uint32]bool, len(uids))
		for _, u := range uids {
			only[u] = true
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.remove(ctx, func(r *record) bool {
		return hasFlag(r.Flags, FlagDeleted) && (only == nil || only[r.UID])
	})
}

// remove deletes the messages for which drop is true. f.mu is held.
func (f *folder) remove(ctx context.Context, drop func(*record) bool) ([]uint32, error) {
	if f.gone {
		return nil, ErrNoFolder
	}
	var keep []record
	var gone []record
	for i := range f.msgs {
		if drop(&f.msgs[i]) {
			gone = append(gone, f.msgs[i])
		} else {
			keep = append(keep, f.msgs[i])
		}
	}
	if len(gone) == 0 {
		return nil, nil
	}
	before := f.msgs
	f.msgs = keep
	if err := f.writeIndex(); err != nil {
		f.msgs = before
		return nil, err
	}
	uids := make([]uint32, len(gone))
	evs := make([]Event, len(gone))
	for i := range gone {
		os.Remove(f.file(&gone[i]))
		uids[i] = gone[i].UID
		evs[i] = Event{Kind: EventExpunge, Message: Message{UID: gone[i].UID}}
	}
	f.notify(ctx, evs...)
	return uids, nil
}

// Copy copies the messages with the given UIDs, with their flags and internal
// dates, from folder src to folder dst (IMAP COPY). Message files are
// hard-linked where the file system allows, copied otherwise.
func (s *Store) Copy(ctx context.Context, userName, src string, uids []uint32, dst string) (CopyResult, error) {
	sf, err := s.folder(userName, src)
	if err != nil {
		return CopyResult{}, err
	}
	df, err := s.folder(userName, dst)
	if err != nil {
		return CopyResult{}, err
	}
	// Take what to copy under the source lock, then link without it, so
	// that no two folder locks are ever held together.
	sf.mu.Lock()
	var recs []record
	var paths []string
	for _, uid := range uids {
		if i := sf.find(uid); i >= 0 {
			r := sf.msgs[i]
			r.Flags = slices.Clone(r.Flags)
			recs = append(recs, r)
			paths = append(paths, sf.file(&r))
		}
	}
	sf.mu.Unlock()

	var tmps []string
	var srcs []record
	defer func() {
		for _, t := range tmps {
			os.Remove(t) // no-op for those renamed into place
		}
	}()
	for i, p := range paths {
		t := filepath.Join(df.path, tmpDir, fmt.Sprintf("%d.%d.copy", time.Now().UnixNano(), s.seq.Add(1)))
		err := os.Link(p, t)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			err = copyFile(p, t)
		}
		if errors.Is(err, fs.ErrNotExist) {
			continue // expunged meanwhile
		}
		if err != nil {
			return CopyResult{}, err
		}
		tmps = append(tmps, t)
		srcs = append(srcs, recs[i])
	}

	df.mu.Lock()
	defer df.mu.Unlock()
	if df.gone {
		return CopyResult{}, ErrNoFolder
	}
	res := CopyResult{UIDValidity: df.uidValidity}
	var evs []Event
	if df.uidNext+uint32(len(tmps)) > maxUID+1 || df.uidNext+uint32(len(tmps)) < df.uidNext {
		return CopyResult{}, ErrUIDsExhausted
	}
	for i, t := range tmps {
		rec := srcs[i]
		rec.UID, rec.dir = df.uidNext, curDir
		if err := os.Rename(t, df.file(&rec)); err != nil {
			return CopyResult{}, err
		}
		df.uidNext++
		df.msgs = append(df.msgs, rec)
		res.Src = append(res.Src, srcs[i].UID)
		res.Dst = append(res.Dst, rec.UID)
		evs = append(evs, Event{Kind: EventNew, Message: rec.Message})
	}
	if len(evs) == 0 {
		return res, nil
	}
	if err := syncDir(filepath.Join(df.path, curDir), df.sync); err != nil {
		return CopyResult{}, err
	}
	if err := df.writeIndex(); err != nil {
		return CopyResult{}, err
	}
	df.notify(ctx, evs...)
	return res, nil
}

// Move moves messages from src to dst (RFC 6851): Copy, then removal from
// src whatever their flags. Watchers of src see EventExpunge.
func (s *Store) Move(ctx context.Context, userName, src string, uids []uint32, dst string) (CopyResult, error) {
	if CanonicalFolder(src) == CanonicalFolder(dst) {
		return CopyResult{}, &NameError{Name: dst, Reason: "move into the same folder"}
	}
	res, err := s.Copy(ctx, userName, src, uids, dst)
	if err != nil || len(res.Src) == 0 {
		return res, err
	}
	sf, err := s.folder(userName, src)
	if err != nil {
		return res, err
	}
	moved := make(map[uint32]bool, len(res.Src))
	for _, u := range res.Src {
		moved[u] = true
	}
	sf.mu.Lock()
	defer sf.mu.Unlock()
	_, err = sf.remove(ctx, func(r *record) bool { return moved[r.UID] })
	return res, err
}

// moveAll moves every message of src into dst (INBOX rename).
func (s *Store) moveAll(ctx context.Context, userName, src, dst string) error {
	snap, err := s.List(ctx, userName, src)
	if err != nil {
		return err
	}
	uids := make([]uint32, len(snap.Messages))
	for i, m := range snap.Messages {
		uids[i] = m.UID
	}
	_, err = s.Move(ctx, userName, src, uids, dst)
	return err
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// Watch returns a Watcher for the changes of a folder. Close it when done.
func (s *Store) Watch(ctx context.Context, userName, folderName string) (*Watcher, error) {
	f, err := s.folder(userName, folderName)
	if err != nil {
		return nil, err
	}
	c := make(chan struct{}, 1)
	w := &Watcher{C: c, c: c, folder: f}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone {
		return nil, ErrNoFolder
	}
	f.watchers[w] = struct{}{}
	return w, nil
}
