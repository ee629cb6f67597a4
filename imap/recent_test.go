package imap

import "testing"

// TestRecentOneSession follows RFC 3501 section 2.3.2: a message is recent
// in exactly one session, the first to SELECT its mailbox after it
// arrived; EXAMINE only looks; IMAP4rev2 sessions never see \Recent.
func TestRecentOneSession(t *testing.T) {
	be, srv := testServer(t)
	be.Deliver("bob", Inbox, []byte(testMsg))
	a, b, ex, v2 := login(t, srv), login(t, srv), login(t, srv), login(t, srv)

	// Before anyone selects INBOX its one message is recent for STATUS,
	// and EXAMINE sees it as recent without taking it.
	a.expect(`a1 STATUS INBOX (MESSAGES RECENT)`, `\* STATUS INBOX \(MESSAGES 1 RECENT 1\)`, `a1 OK STATUS completed`)
	ex.expect(`e1 EXAMINE INBOX`, `.*`, `.*`, `\* 1 EXISTS`, `\* 1 RECENT`, `.*`, `.*`, `.*`, `e1 OK \[READ-ONLY\] EXAMINE completed`)
	ex.expect(`e2 FETCH 1 FLAGS`, `\* 1 FETCH \(FLAGS \(\\Recent\)\)`, `e2 OK FETCH completed`)

	// a selects first and takes it; b, selecting next, does not see it.
	a.expect(`a2 SELECT INBOX`, `.*`, `.*`, `\* 1 EXISTS`, `\* 1 RECENT`, `.*`, `.*`, `.*`, `a2 OK \[READ-WRITE\] SELECT completed`)
	b.expect(`b1 SELECT INBOX`, `.*`, `.*`, `\* 1 EXISTS`, `\* 0 RECENT`, `.*`, `.*`, `.*`, `b1 OK \[READ-WRITE\] SELECT completed`)
	v2.expect(`v1 STATUS INBOX (RECENT)`, `\* STATUS INBOX \(RECENT 0\)`, `v1 OK STATUS completed`)

	// A delivery goes to whichever selected session looks first: here b.
	be.Deliver("bob", Inbox, []byte(testMsg))
	b.expect(`b2 NOOP`, `\* 2 EXISTS`, `\* 1 RECENT`, `b2 OK NOOP completed`)
	a.expect(`a3 NOOP`, `\* 2 EXISTS`, `\* 1 RECENT`, `a3 OK NOOP completed`)
	a.expect(`a4 FETCH 1:* FLAGS`, `\* 1 FETCH \(FLAGS \(\\Recent\)\)`, `\* 2 FETCH \(FLAGS \(\)\)`, `a4 OK FETCH completed`)
	b.expect(`b3 FETCH 1:* FLAGS`, `\* 1 FETCH \(FLAGS \(\)\)`, `\* 2 FETCH \(FLAGS \(\\Recent\)\)`, `b3 OK FETCH completed`)
	b.expect(`b4 SEARCH RECENT`, `\* SEARCH 2`, `b4 OK SEARCH completed`)
	b.expect(`b5 SEARCH OLD`, `\* SEARCH 1`, `b5 OK SEARCH completed`)
	b.expect(`b6 STATUS INBOX (RECENT)`, `\* STATUS INBOX \(RECENT 1\)`, `b6 OK STATUS completed`)

	// NEW is RECENT UNSEEN: reading the message takes it out of NEW.
	b.expect(`b7 SEARCH NEW`, `\* SEARCH 2`, `b7 OK SEARCH completed`)
	b.expect(`b8 STORE 2 +FLAGS (\Seen)`, `\* 2 FETCH \(FLAGS \(\\Seen \\Recent\)\)`, `b8 OK STORE completed`)
	b.expect(`b9 SEARCH NEW`, `\* SEARCH`, `b9 OK SEARCH completed`)
	b.expect(`c1 SEARCH RECENT SEEN`, `\* SEARCH 2`, `c1 OK SEARCH completed`)

	// A client cannot set or clear \Recent.
	b.expect(`c2 STORE 2 FLAGS (\Recent)`, `\* 2 FETCH \(FLAGS \(\\Recent\)\)`, `c2 OK STORE completed`)

	// Everything is claimed: a new SELECT finds nothing recent.
	ex.expect(`e3 SELECT INBOX`, `\* OK \[CLOSED\] .*`, `.*`, `.*`, `\* 2 EXISTS`, `\* 0 RECENT`, `.*`, `.*`, `.*`, `e3 OK \[READ-WRITE\] SELECT completed`)
}

// TestRecentRev2 checks that a session that ENABLEs IMAP4rev2 neither
// reports nor claims \Recent (RFC 9051 removed it): the next IMAP4rev1
// session still gets the message as recent.
func TestRecentRev2(t *testing.T) {
	be, srv := testServer(t)
	be.Deliver("bob", Inbox, []byte(testMsg))
	v2, v1 := login(t, srv), login(t, srv)
	v2.expect(`a1 ENABLE IMAP4rev2`, `\* ENABLED IMAP4rev2`, `a1 OK ENABLE completed`)
	v2.expect(`a2 SELECT INBOX`, `.*`, `.*`, `\* 1 EXISTS`, `.*`, `.*`, `\* LIST .*`, `a2 OK \[READ-WRITE\] SELECT completed`)
	v2.expect(`a3 FETCH 1 FLAGS`, `\* 1 FETCH \(FLAGS \(\)\)`, `a3 OK FETCH completed`)
	be.Deliver("bob", Inbox, []byte(testMsg))
	v2.expect(`a4 NOOP`, `\* 2 EXISTS`, `a4 OK NOOP completed`)
	v1.expect(`b1 SELECT INBOX`, `.*`, `.*`, `\* 2 EXISTS`, `\* 2 RECENT`, `.*`, `.*`, `.*`, `b1 OK \[READ-WRITE\] SELECT completed`)
}
