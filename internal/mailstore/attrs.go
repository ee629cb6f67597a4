package mailstore

import (
	"context"
	"slices"
)

// The special-use attributes of RFC 6154 section 2: what a folder is for,
// so that every client files sent mail in the same place.
const (
	UseAll     = `\All`
	UseArchive = `\Archive`
	UseDrafts  = `\Drafts`
	UseFlagged = `\Flagged`
	UseJunk    = `\Junk`
	UseSent    = `\Sent`
	UseTrash   = `\Trash`
)

var specialUses = []string{UseAll, UseArchive, UseDrafts, UseFlagged, UseJunk, UseSent, UseTrash}

// SetSpecialUse records the special-use attribute of a folder (one of the
// Use constants, or "" to clear it); IMAP's LIST reports it and CREATE's
// USE option (RFC 6154 section 3) sets it. It fails with ErrBadFlag for an
// attribute that is not one of RFC 6154's.
func (s *Store) SetSpecialUse(ctx context.Context, userName, folderName, use string) error {
	if use != "" && !slices.Contains(specialUses, use) {
		return &FlagError{Flag: use}
	}
	f, err := s.folder(userName, folderName)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone {
		return ErrNoFolder
	}
	if f.specialUse == use {
		return nil
	}
	old := f.specialUse
	f.specialUse = use
	if err := f.writeIndex(); err != nil {
		f.specialUse = old
		return err
	}
	return nil
}

// TakeRecent implements IMAP4rev1's \Recent flag (RFC 3501 section
// 2.3.2): a message is recent for the first session that selects its folder
// after it arrived, and for no other. TakeRecent returns the first UID that
// is recent for the caller (every message with a UID at or above it, below
// the snapshot's UIDNEXT) and moves the mark to UIDNEXT, so the next caller
// gets only later arrivals. The mark is saved. IMAP4rev2 has no \Recent;
// a server speaking only rev2 need not call it.
func (s *Store) TakeRecent(ctx context.Context, userName, folderName string) (uint32, error) {
	f, err := s.folder(userName, folderName)
	if err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone {
		return 0, ErrNoFolder
	}
	from := max(f.recentFrom, 1)
	if f.recentFrom == f.uidNext {
		return from, nil
	}
	f.recentFrom = f.uidNext
	if err := f.writeIndex(); err != nil {
		f.recentFrom = from
		return 0, err
	}
	return from, nil
}
