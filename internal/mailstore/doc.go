// Package mailstore is the durable mailbox store shared by the smtp server
// (local delivery), the pop3 server and the imap server of applayer.
//
// # What it solves
//
// A mail server that answers "250 OK" to a message has promised to keep it.
// The promise holds only if the message is on disk before the reply, and if
// a crash at any moment leaves either the whole message or none of it. The
// same messages are then read by POP3 (download and delete, or keep) and by
// IMAP, which needs folders, flags and unique identifiers (UIDs) that stay
// the same across sessions.
//
// # Layout on disk
//
// The store is Maildir-like. Names of users and folders are percent-encoded
// into single directory names (so "a/b" and ".." cannot climb out):
//
//	ROOT/bob/user.json               subscriptions, last UIDVALIDITY handed out
//	ROOT/bob/INBOX/index             JSON: uidvalidity, uidnext, per message
//	                                 its UID, flags, internal date, size
//	ROOT/bob/INBOX/tmp/              messages being written
//	ROOT/bob/INBOX/new/7             the message with UID 7, as delivered
//	ROOT/bob/INBOX/cur/8             a message copied or appended with flags
//	ROOT/bob/Work%2F2026/...         the folder "Work/2026"
//
// Delivery writes tmp/NAME, fsyncs it, renames it to new/UID and fsyncs the
// directory; only then does [Store.Deliver] return. The index is replaced
// atomically (write index.tmp, fsync, rename, fsync the directory) after
// every change. When a folder is loaded, leftovers of a crash are repaired:
// files in tmp/ are removed, a message file newer than the index is adopted,
// a file the index no longer lists is the rest of an expunge and is removed.
// Folders are created under a ".creating" name and deleted through a
// ".deleting" name, so a crash never leaves half a folder.
//
// # UIDs and flags
//
// Each folder has a UIDVALIDITY and a UIDNEXT (RFC 9051, 2.3.1.1). UIDs are
// assigned in increasing order and never reused while UIDVALIDITY stays the
// same; a deleted and re-created folder gets a new UIDVALIDITY. Message
// sequence numbers are IMAP's business and do not appear here. Flags are the
// system flags (\Seen \Answered \Flagged \Deleted \Draft) and keywords;
// \Recent is a session property and is not a stored flag; [Store.TakeRecent]
// gives IMAP4rev1 servers its "first session to see it" semantics. A folder
// may carry an RFC 6154 special-use attribute ([Store.SetSpecialUse]).
//
// # Change notification
//
// [Store.Watch] returns a [Watcher] that learns, without polling, of every
// message delivered to, flagged in or expunged from a folder, so an IMAP
// session in IDLE can push "* 3 EXISTS" the moment SMTP delivers. A session
// passes [WithOrigin] in the context of its own operations to avoid hearing
// its own changes back.
//
// # Cost of a change
//
// Every change to a folder (delivery, flags, expunge, copy) rewrites that
// folder's index, which lists all its messages, and fsyncs it. Operations
// take slices of UIDs so that one IMAP command is one rewrite: pass all the
// UIDs of a STORE or an EXPUNGE in one call rather than one call each.
//
// # Concurrency
//
// A [Store] is safe for concurrent use. Each folder has its own lock and no
// operation holds two folder locks at once. One process must open a
// directory with one Store only; the pop3 and imap servers of one mail
// server share it.
package mailstore
