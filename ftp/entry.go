package ftp

import (
	"io/fs"
	"time"
)

// EntryType is the kind of a directory entry: the "type" fact of MLSD
// (RFC 3659 section 7.5.1) and the first letter of an ls -l line.
type EntryType int

// Entry types.
const (
	TypeFile    EntryType = iota // type=file, "-" in ls -l
	TypeDir                      // type=dir, "d"
	TypeCurrent                  // type=cdir: the listed directory itself
	TypeParent                   // type=pdir: its parent
	TypeLink                     // "l" in ls -l; MLSD has no standard link type
	TypeOther                    // anything else (devices, OS.unix=slink, ...)
)

// String returns the MLSD name of the type ("file", "dir", "cdir", "pdir"),
// or "link"/"other".
func (t EntryType) String() string {
	switch t {
	case TypeFile:
		return "file"
	case TypeDir:
		return "dir"
	case TypeCurrent:
		return "cdir"
	case TypeParent:
		return "pdir"
	case TypeLink:
		return "link"
	}
	return "other"
}

// IsDir reports whether the entry is a directory of any kind.
func (t EntryType) IsDir() bool { return t == TypeDir || t == TypeCurrent || t == TypeParent }

// Entry is one line of a directory listing, from LIST (ls -l or DOS style)
// or from MLSD/MLST. Fields the listing did not carry are zero; Size is -1
// when unknown.
//
// The codec functions that fill or write an Entry take "now" as a parameter
// when they need it and never read the clock.
type Entry struct {
	Name    string      // file name (LIST, MLSD) or path (MLST)
	Type    EntryType   // file, directory, link, ...
	Size    int64       // octets; -1 if not known
	ModTime time.Time   // modification time; zero if not known. UTC for MLSD
	Mode    fs.FileMode // permission bits from ls -l or the UNIX.mode fact; 0 if not known
	Owner   string      // ls -l owner column
	Group   string      // ls -l group column
	Target  string      // link target ("name -> target" in ls -l)
	Perm    string      // MLSx perm fact: letters from "acdeflmprw" (RFC 3659 section 7.5.5)
	Unique  string      // MLSx unique fact (RFC 3659 section 7.5.2)
}

// EntryFromFileInfo builds the Entry a server lists for fi.
func EntryFromFileInfo(fi fs.FileInfo) Entry {
	e := Entry{Name: fi.Name(), Size: fi.Size(), ModTime: fi.ModTime(), Mode: fi.Mode().Perm()}
	switch m := fi.Mode(); {
	case m.IsDir():
		e.Type = TypeDir
	case m&fs.ModeSymlink != 0:
		e.Type = TypeLink
	case m.IsRegular():
		e.Type = TypeFile
	default:
		e.Type = TypeOther
	}
	return e
}

// fileModePerm keeps the rwx bits of a numeric Unix mode.
func fileModePerm(n uint64) fs.FileMode { return fs.FileMode(n) & fs.ModePerm }
