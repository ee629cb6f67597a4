package ftp

import (
	"errors"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Directory and file commands that answer on the control connection.

// resolve turns a client path into the virtual absolute path and the io/fs
// name. path.Clean on a rooted path removes every "..", so no argument can
// climb above "/"; the file system (os.Root for DirFS) stops symbolic links.
func (ss *session) resolve(arg string) (vpath, name string) {
	p := arg
	if !strings.HasPrefix(p, "/") {
		p = ss.cwd + "/" + p
	}
	vpath = path.Clean("/" + p)
	name = strings.TrimPrefix(vpath, "/")
	if name == "" {
		name = "."
	}
	return vpath, name
}

// quotePath writes a path for a 257 reply: in double quotes, with embedded
// quotes doubled (RFC 959 appendix II).
func quotePath(p string) string { return `"` + strings.ReplaceAll(p, `"`, `""`) + `"` }

func (ss *session) cmdCWD(arg string) {
	if arg == "" {
		arg = "/"
	}
	vpath, name := ss.resolve(arg)
	fi, err := fs.Stat(ss.fsys, name)
	if err != nil {
		ss.fsError("cwd", err)
		return
	}
	if !fi.IsDir() {
		ss.reply(StatusFileUnavailable, "Not a directory.")
		return
	}
	ss.cwd = vpath
	ss.reply(StatusFileOK, "CWD command successful.")
}

func (ss *session) cmdMKD(arg string) {
	w := ss.writable()
	if w == nil {
		return
	}
	vpath, name := ss.resolve(arg)
	if err := w.Mkdir(name); err != nil {
		ss.fsError("mkd", err)
		return
	}
	ss.reply(StatusPathCreated, quotePath(vpath)+" created.")
}

func (ss *session) cmdRMD(arg string) {
	w := ss.writable()
	if w == nil {
		return
	}
	vpath, name := ss.resolve(arg)
	if fi, err := fs.Stat(ss.fsys, name); err != nil || !fi.IsDir() || name == "." || vpath == ss.cwd {
		if err != nil {
			ss.fsError("rmd", err)
		} else {
			ss.reply(StatusFileUnavailable, "Not a removable directory.")
		}
		return
	}
	if err := w.Remove(name); err != nil {
		ss.fsError("rmd", err)
		return
	}
	ss.reply(StatusFileOK, "RMD command successful.")
}

func (ss *session) cmdDELE(arg string) {
	w := ss.writable()
	if w == nil {
		return
	}
	_, name := ss.resolve(arg)
	fi, err := fs.Stat(ss.fsys, name)
	if err != nil {
		ss.fsError("dele", err)
		return
	}
	if fi.IsDir() {
		ss.reply(StatusFileUnavailable, "Is a directory; use RMD.")
		return
	}
	if err := w.Remove(name); err != nil {
		ss.fsError("dele", err)
		return
	}
	ss.reply(StatusFileOK, "DELE command successful.")
}

func (ss *session) cmdRNFR(arg string) {
	if ss.writable() == nil {
		return
	}
	_, name := ss.resolve(arg)
	if name == "." {
		ss.reply(StatusFileUnavailable, "Cannot rename the root.")
		return
	}
	if _, err := fs.Stat(ss.fsys, name); err != nil {
		ss.fsError("rnfr", err)
		return
	}
	ss.renameFrom = name
	ss.reply(StatusPending, "Ready for RNTO.")
}

func (ss *session) cmdRNTO(from, arg string) {
	if from == "" {
		ss.reply(StatusBadSequence, "RNFR required first.")
		return
	}
	w := ss.writable()
	if w == nil {
		return
	}
	_, name := ss.resolve(arg)
	if err := w.Rename(from, name); err != nil {
		ss.fsError("rnto", err)
		return
	}
	ss.reply(StatusFileOK, "Rename successful.")
}

// statFile stats a regular file for SIZE, MDTM and RETR.
func (ss *session) statFile(arg string) (fs.FileInfo, string, bool) {
	_, name := ss.resolve(arg)
	fi, err := fs.Stat(ss.fsys, name)
	if err != nil {
		ss.fsError("stat", err)
		return nil, "", false
	}
	if !fi.Mode().IsRegular() {
		ss.reply(StatusFileUnavailable, "Not a regular file.")
		return nil, "", false
	}
	return fi, name, true
}

func (ss *session) cmdSIZE(arg string) {
	if fi, _, ok := ss.statFile(arg); ok {
		ss.reply(StatusFile, strconv.FormatInt(fi.Size(), 10))
	}
}

func (ss *session) cmdMDTM(arg string) {
	if fi, _, ok := ss.statFile(arg); ok {
		ss.reply(StatusFile, string(AppendTimeVal(nil, fi.ModTime().Truncate(time.Second))))
	}
}

// cmdMLST answers with the facts of one path on the control connection
// (RFC 3659 section 7.2): the entry line starts with a space.
func (ss *session) cmdMLST(arg string) {
	vpath, name := ss.resolve(arg)
	fi, err := fs.Stat(ss.fsys, name)
	if err != nil {
		ss.fsError("mlst", err)
		return
	}
	e := ss.entry(fi)
	e.Name = vpath
	ss.reply(StatusFileOK, "Listing "+vpath, " "+string(AppendFacts(nil, e)), "End")
}

// entry converts a FileInfo into what this user is told about it.
func (ss *session) entry(fi fs.FileInfo) Entry {
	e := EntryFromFileInfo(fi)
	e.ModTime = e.ModTime.Truncate(time.Second) // whole seconds suit every client's parser
	switch {
	case e.Type.IsDir():
		e.Perm = "el"
		if ss.wfs != nil {
			e.Perm = "cdeflmp"
		}
		e.Size = -1
	default:
		e.Perm = "r"
		if ss.wfs != nil {
			e.Perm = "adfrw"
		}
	}
	return e
}

// listEntries returns the entries of a directory, or of a single file. A
// last path element with wildcards that names no file ("*.txt") lists the
// matching entries of its directory, for clients that send "NLST *.txt".
func (ss *session) listEntries(name string) ([]Entry, error) {
	fi, err := fs.Stat(ss.fsys, name)
	if errors.Is(err, fs.ErrNotExist) && strings.ContainsAny(path.Base(name), "*?[") {
		pattern := path.Base(name)
		all, derr := ss.listEntries(path.Dir(name))
		if derr != nil {
			return nil, err
		}
		var matched []Entry
		for _, e := range all {
			if ok, _ := path.Match(pattern, e.Name); ok {
				matched = append(matched, e)
			}
		}
		if len(matched) == 0 {
			return nil, err
		}
		return matched, nil
	}
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return []Entry{ss.entry(fi)}, nil
	}
	des, err := fs.ReadDir(ss.fsys, name)
	if err != nil && len(des) == 0 {
		return nil, err
	}
	entries := make([]Entry, 0, len(des))
	for _, de := range des {
		if strings.ContainsAny(de.Name(), "\r\n") {
			continue // a name a listing line cannot carry
		}
		fi, err := de.Info()
		if err != nil {
			continue
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			// Show what the link points to when it resolves inside the
			// file system, as ls -L does; a dangling link stays a link.
			if target, err := fs.Stat(ss.fsys, path.Join(name, de.Name())); err == nil {
				fi = renamedInfo{target, de.Name()}
			}
		}
		entries = append(entries, ss.entry(fi))
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	return entries, nil
}

// renamedInfo reports another FileInfo under a different name.
type renamedInfo struct {
	fs.FileInfo
	name string
}

func (r renamedInfo) Name() string { return r.name }

// stripListOptions drops the ls options ("-la") that clients put before
// the path of LIST and NLST.
func stripListOptions(arg string) string {
	for strings.HasPrefix(arg, "-") {
		_, rest, _ := strings.Cut(arg, " ")
		arg = strings.TrimLeft(rest, " ")
	}
	return arg
}

// Small string helpers shared by the server files.

func cutSpace(s string) (before, after string, found bool) { return strings.Cut(s, " ") }

func upper(s string) string { return strings.ToUpper(s) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func parseInt64(s string) (int64, error) {
	if s == "" || s[0] == '+' || s[0] == '-' {
		return 0, errors.New("not a number")
	}
	return strconv.ParseInt(s, 10, 64)
}
