package mailstore

import (
	"errors"
	"fmt"
)

// Sentinel errors returned by [Store] operations; test with [errors.Is].
var (
	// ErrNoFolder means the folder does not exist.
	ErrNoFolder = errors.New("mailstore: no such folder")
	// ErrFolderExists means Create or Rename found the target name taken.
	ErrFolderExists = errors.New("mailstore: folder already exists")
	// ErrNoMessage means no message has the given UID (it may have been expunged).
	ErrNoMessage = errors.New("mailstore: no such message")
	// ErrBadName means a user or folder name is not acceptable (see [NameError]).
	ErrBadName = errors.New("mailstore: bad name")
	// ErrBadFlag means a flag is not a valid IMAP flag or keyword (see [FlagError]).
	ErrBadFlag = errors.New("mailstore: bad flag")
	// ErrMessageTooLarge means a message exceeded [Store.MaxMessageBytes]; nothing was stored.
	ErrMessageTooLarge = errors.New("mailstore: message too large")
	// ErrInbox means the operation is not allowed on INBOX (Delete).
	ErrInbox = errors.New("mailstore: operation not permitted on INBOX")
	// ErrClosed means the Store or Watcher was closed.
	ErrClosed = errors.New("mailstore: closed")
)

// NameError reports an unacceptable user or folder name. It matches [ErrBadName].
type NameError struct {
	Name   string // the name, as given
	Reason string // what is wrong with it
}

func (e *NameError) Error() string {
	return fmt.Sprintf("mailstore: bad name %q: %s", clip(e.Name), e.Reason)
}

// Is reports whether target is [ErrBadName].
func (e *NameError) Is(target error) bool { return target == ErrBadName }

// FlagError reports an unacceptable flag. It matches [ErrBadFlag].
type FlagError struct {
	Flag string
}

func (e *FlagError) Error() string {
	return fmt.Sprintf("mailstore: bad flag %q", clip(e.Flag))
}

// Is reports whether target is [ErrBadFlag].
func (e *FlagError) Is(target error) bool { return target == ErrBadFlag }

// errorLimit caps how much of a caller's input an error message quotes.
const errorLimit = 80

func clip(s string) string {
	if len(s) > errorLimit {
		return s[:errorLimit] + "..."
	}
	return s
}
