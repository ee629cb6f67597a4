package imap

import (
	"context"
	"strings"
	"testing"

	"github.com/applayer/applayer/internal/mailstore"
)

// TestStoreBackend runs a session against the durable store, restarts the
// server on the same directory and checks folders, flags and UIDs survived.
func TestStoreBackend(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	store, err := mailstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Deliver(ctx, "bob", Inbox, strings.NewReader(mixedMsg)); err != nil {
		t.Fatal(err)
	}
	srv := NewStoreServer(store, map[string]string{"bob": "hungry"}, nil)
	c := login(t, srv)
	c.expect(`a1 CREATE Sent`, `a1 OK CREATE completed`)
	c.expect(`a2 LIST "" *`, `\* LIST \(\\HasNoChildren\) "/" INBOX`, `\* LIST \(\\HasNoChildren \\Sent\) "/" Sent`, `a2 OK LIST completed`)
	c.expect(`a3 SELECT INBOX`, `.*`, `.*`, `\* 1 EXISTS`, `.*`, `.*`, `\* OK \[UIDVALIDITY \d+\] UIDs valid`, `\* OK \[UIDNEXT 2\] .*`, `a3 OK .*`)
	c.expect(`a4 FETCH 1 (BODYSTRUCTURE BODY.PEEK[1])`,
		`\* 1 FETCH \(BODYSTRUCTURE \(\("TEXT" "PLAIN" \("CHARSET" "us-ascii"\) NIL NIL "7BIT" 40 2 NIL NIL NIL NIL\)\("IMAGE" "JPEG" \("NAME" "crepe.jpg"\) NIL NIL "BASE64" 76 NIL \("attachment" \("FILENAME" "crepe.jpg"\)\) NIL NIL\) "MIXED" \("BOUNDARY" "-------417CBA32DF8945BE748"\) NIL NIL NIL\) BODY\[1\] \{40\}`,
		`Bob,`, `Here's something I collect.`, `Alice\)`, `a4 OK FETCH completed`)
	c.expect(`a5 STORE 1 +FLAGS (\Flagged $Crepe)`, `\* 1 FETCH \(FLAGS \(\$Crepe \\Flagged \\Recent\)\)`, `a5 OK STORE completed`)
	c.expect(`a6 UID COPY 1 Sent`, `a6 OK \[COPYUID \d+ 1 1\] UID COPY completed`)
	c.expect(`a7 UID MOVE 1 Sent`, `\* OK \[COPYUID \d+ 1 2\] moved`, `\* 1 EXPUNGE`, `a7 OK UID MOVE completed`)
	c.expect(`a8 APPEND Sent (\Seen) {12+}`+"\r\nSubject: x\r\n", `a8 OK \[APPENDUID \d+ 3\] APPEND completed`)
	c.expect(`a9 LOGOUT`, `\* BYE .*`, `a9 OK LOGOUT completed`)

	// A second store on the same directory (a restart) sees everything.
	store2, err := mailstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv2 := NewStoreServer(store2, map[string]string{"bob": "hungry"}, nil)
	c2 := login(t, srv2)
	c2.expect(`b1 SELECT Sent`, `.*`, `.*`, `\* 3 EXISTS`, `.*`, `.*`, `.*`, `\* OK \[UIDNEXT 4\] .*`, `b1 OK .*`)
	c2.expect(`b2 UID FETCH 1:* FLAGS`, `\* 1 FETCH \(UID 1 FLAGS \(\$Crepe \\Flagged \\Recent\)\)`, `\* 2 FETCH \(UID 2 FLAGS \(\$Crepe \\Flagged \\Recent\)\)`, `\* 3 FETCH \(UID 3 FLAGS \(\\Seen \\Recent\)\)`, `b2 OK UID FETCH completed`)

	// A delivery through the store reaches an IDLE session.
	c2.c.Write([]byte("b3 IDLE\r\n"))
	if l := c2.line(); l != "+ idling" {
		t.Fatalf("IDLE: %q", l)
	}
	store2.Deliver(ctx, "bob", "Sent", strings.NewReader(testMsg))
	if l := c2.line(); l != "* 4 EXISTS" {
		t.Fatalf("IDLE push: %q", l)
	}
	if l := c2.line(); l != "* 4 RECENT" {
		t.Fatalf("IDLE push: %q", l)
	}
	c2.expectTag("b3", "DONE", `b3 OK IDLE completed`)
}
