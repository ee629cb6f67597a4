package mailstore

import (
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Message describes one stored message. The body is read with [Store.Open].
type Message struct {
	UID          uint32    // unique within the folder while UIDValidity stays
	Flags        []string  // sorted; system flags in canonical case
	InternalDate time.Time // when the message arrived (or the date given to Append)
	Size         int64     // octets, exactly as stored
}

// On-disk layout of a folder directory (see the package doc):
const (
	indexName = "index" // JSON metadata, replaced atomically
	tmpDir    = "tmp"   // messages being written; emptied when the folder loads
	newDir    = "new"   // delivered messages
	curDir    = "cur"   // messages copied or appended with flags
)

// indexVersion is the format version written to the index file.
const indexVersion = 1

type indexFile struct {
	Version     int           `json:"version"`
	UIDValidity uint32        `json:"uidvalidity"`
	UIDNext     uint32        `json:"uidnext"`
	RecentFrom  uint32        `json:"recent_from,omitempty"`
	SpecialUse  string        `json:"special_use,omitempty"`
	Messages    []indexRecord `json:"messages"`
}

type indexRecord struct {
	UID   uint32    `json:"uid"`
	Dir   string    `json:"dir"`
	Flags []string  `json:"flags,omitempty"`
	Date  time.Time `json:"date"`
	Size  int64     `json:"size"`
}

// record is a message as the folder keeps it in memory.
type record struct {
	Message
	dir string // newDir or curDir
}

// folder is one loaded folder. Lock order: user.mu before folder.mu.
type folder struct {
	name string
	path string
	sync bool // fsync (always, except in tests of logic)

	mu          sync.Mutex
	uidValidity uint32
	uidNext     uint32
	recentFrom  uint32   // first UID not yet announced as \Recent (see TakeRecent)
	specialUse  string   // RFC 6154 attribute, "" for none
	msgs        []record // sorted by UID
	watchers    map[*Watcher]struct{}
	gone        bool // deleted or renamed away; operations fail with ErrNoFolder
}

func (f *folder) file(r *record) string {
	return filepath.Join(f.path, r.dir, strconv.FormatUint(uint64(r.UID), 10))
}

// find returns the index of uid in f.msgs, or -1.
func (f *folder) find(uid uint32) int {
	i, ok := slices.BinarySearchFunc(f.msgs, uid, func(r record, u uint32) int {
		switch {
		case r.UID < u:
			return -1
		case r.UID > u:
			return 1
		}
		return 0
	})
	if !ok {
		return -1
	}
	return i
}

// writeIndex persists the folder's metadata atomically. f.mu is held.
func (f *folder) writeIndex() error {
	idx := indexFile{Version: indexVersion, UIDValidity: f.uidValidity, UIDNext: f.uidNext,
		RecentFrom: f.recentFrom, SpecialUse: f.specialUse,
		Messages: make([]indexRecord, len(f.msgs))}
	for i, r := range f.msgs {
		idx.Messages[i] = indexRecord{UID: r.UID, Dir: r.dir, Flags: r.Flags, Date: r.InternalDate, Size: r.Size}
	}
	data, err := json.Marshal(&idx)
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(f.path, indexName), data, f.sync)
}

// makeFolderDir creates a folder directory atomically: it is built under a
// ".creating" name, with its index, and renamed into place.
func makeFolderDir(path string, uidValidity uint32, sync bool) error {
	build := path + ".creating"
	os.RemoveAll(build)
	for _, d := range []string{tmpDir, newDir, curDir} {
		if err := os.MkdirAll(filepath.Join(build, d), 0o700); err != nil {
			return err
		}
	}
	f := &folder{path: build, uidValidity: uidValidity, uidNext: 1, sync: sync}
	if err := f.writeIndex(); err != nil {
		os.RemoveAll(build)
		return err
	}
	if err := os.Rename(build, path); err != nil {
		os.RemoveAll(build)
		return err
	}
	return syncDir(filepath.Dir(path), sync)
}

// loadFolder reads a folder directory and repairs what a crash can leave
// behind:
//   - files in tmp/ are half-written messages never acknowledged: removed;
//   - a numbered file in new/ or cur/ missing from the index with UID at or
//     above UIDNEXT was delivered after the last index write: adopted;
//   - one with a lower UID is the leftover of an expunge: removed;
//   - an index record without its file is dropped;
//   - a file with a name that is not a UID (dropped in by hand) gets the next UID.
//
// A missing or unreadable index is rebuilt with a fresh UIDVALIDITY from
// newValidity, keeping every message file.
func loadFolder(name, path string, sync bool, newValidity func() (uint32, error), log func(msg string, args ...any)) (*folder, error) {
	f := &folder{name: name, path: path, sync: sync, watchers: map[*Watcher]struct{}{}}
	for _, d := range []string{tmpDir, newDir, curDir} {
		if err := os.MkdirAll(filepath.Join(path, d), 0o700); err != nil {
			return nil, err
		}
	}
	// tmp/ and a stale index.tmp hold nothing anybody was promised.
	if ents, err := os.ReadDir(filepath.Join(path, tmpDir)); err == nil {
		for _, e := range ents {
			os.RemoveAll(filepath.Join(path, tmpDir, e.Name()))
		}
	}
	os.Remove(filepath.Join(path, indexName+".tmp"))

	changed := false
	var idx indexFile
	data, err := os.ReadFile(filepath.Join(path, indexName))
	if err == nil {
		err = json.Unmarshal(data, &idx)
		if err == nil && (idx.UIDValidity == 0 || idx.UIDNext == 0) {
			err = errors.New("zero uidvalidity or uidnext")
		}
	}
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			log("mailstore: rebuilding unreadable index", "folder", path, "err", err)
		}
		v, verr := newValidity()
		if verr != nil {
			return nil, verr
		}
		idx = indexFile{UIDValidity: v, UIDNext: 1}
		changed = true
	}
	f.uidValidity, f.uidNext = idx.UIDValidity, idx.UIDNext
	f.recentFrom, f.specialUse = idx.RecentFrom, idx.SpecialUse
	if f.specialUse != "" && !slices.Contains(specialUses, f.specialUse) {
		f.specialUse, changed = "", true
	}

	// What is really on disk.
	onDisk := map[uint32]string{}
	var foreign []string // paths relative to f.path
	for _, d := range []string{newDir, curDir} {
		ents, err := os.ReadDir(filepath.Join(path, d))
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			if !e.Type().IsRegular() {
				continue
			}
			n, err := strconv.ParseUint(e.Name(), 10, 32)
			if err != nil || n == 0 || n > maxUID || strconv.FormatUint(n, 10) != e.Name() {
				foreign = append(foreign, filepath.Join(d, e.Name()))
				continue
			}
			onDisk[uint32(n)] = d
		}
	}

	for _, r := range idx.Messages {
		d, ok := onDisk[r.UID]
		if !ok || r.UID >= f.uidNext {
			changed = true
			continue
		}
		delete(onDisk, r.UID)
		flags, err := normFlags(r.Flags)
		if err != nil {
			flags, changed = []string{}, true
		}
		if d != r.Dir {
			changed = true
		}
		f.msgs = append(f.msgs, record{Message: Message{UID: r.UID, Flags: flags, InternalDate: r.Date, Size: r.Size}, dir: d})
	}
	for uid, d := range onDisk {
		p := filepath.Join(path, d, strconv.FormatUint(uint64(uid), 10))
		changed = true
		if uid < f.uidNext {
			os.Remove(p) // expunged; the index already said so
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		f.msgs = append(f.msgs, record{Message: Message{UID: uid, Flags: []string{}, InternalDate: st.ModTime(), Size: st.Size()}, dir: d})
	}
	slices.SortFunc(f.msgs, func(a, b record) int { return cmpUID(a.UID, b.UID) })
	if n := len(f.msgs); n > 0 && f.msgs[n-1].UID >= f.uidNext {
		f.uidNext = f.msgs[n-1].UID + 1
	}
	slices.Sort(foreign)
	for _, rel := range foreign {
		src := filepath.Join(path, rel)
		st, err := os.Stat(src)
		if err != nil {
			return nil, err
		}
		if f.uidNext > maxUID {
			if err := f.renumber(newValidity); err != nil {
				return nil, err
			}
		}
		uid := f.uidNext
		d := filepath.Dir(rel)
		if err := os.Rename(src, filepath.Join(path, d, strconv.FormatUint(uint64(uid), 10))); err != nil {
			return nil, err
		}
		f.uidNext++
		f.msgs = append(f.msgs, record{Message: Message{UID: uid, Flags: []string{}, InternalDate: st.ModTime(), Size: st.Size()}, dir: d})
		changed = true
	}
	if changed {
		for _, d := range []string{newDir, curDir} {
			if err := syncDir(filepath.Join(path, d), sync); err != nil {
				return nil, err
			}
		}
		if err := f.writeIndex(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// maxUID is the largest UID handed out, so that UIDNEXT always fits in 32
// bits (RFC 9051 2.3.1.1: nz-number).
const maxUID = math.MaxUint32 - 1

// renumber gives the folder a new UIDVALIDITY and the UIDs 1 to n, as a
// server must when UIDs run out. Files are renamed in ascending order, which
// never overwrites one: the i-th smallest UID is at least i.
func (f *folder) renumber(newValidity func() (uint32, error)) error {
	v, err := newValidity()
	if err != nil {
		return err
	}
	for i := range f.msgs {
		old := f.file(&f.msgs[i])
		f.msgs[i].UID = uint32(i + 1)
		if err := os.Rename(old, f.file(&f.msgs[i])); err != nil {
			return err
		}
	}
	f.uidValidity, f.uidNext, f.recentFrom = v, uint32(len(f.msgs)+1), 0
	return nil
}

func cmpUID(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
