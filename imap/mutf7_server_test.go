package imap

import (
	"context"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/applayer/applayer/internal/interop"
	"github.com/applayer/applayer/internal/mailstore"
)

// userMailboxes returns the names bob's mailboxes have in the backend.
func userMailboxes(t *testing.T, be Backend) []string {
	t.Helper()
	ctx := context.Background()
	u, err := be.Login(ctx, "bob", "hungry")
	if err != nil {
		t.Fatal(err)
	}
	boxes, err := u.Mailboxes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range boxes {
		names = append(names, b.Name)
	}
	return names
}

// TestServerModifiedUTF7 checks RFC 3501 section 5.1.3 at the server's
// edge: an IMAP4rev1 client names mailboxes in modified UTF-7, the
// Backend sees UTF-8, and an IMAP4rev2 client uses UTF-8 itself.
func TestServerModifiedUTF7(t *testing.T) {
	be, srv := testServer(t)
	v1, v2 := login(t, srv), login(t, srv)
	v1.expect(`a1 CREATE Re&AOc-us/&ZeVnLIqe-`, `a1 OK CREATE completed`)
	v1.expect(`a2 LIST "" Re&AOc-us*`, `\* LIST \(\\HasChildren\) "/" Re&AOc-us`, `\* LIST \(\\HasNoChildren\) "/" Re&AOc-us/&ZeVnLIqe-`, `a2 OK LIST completed`)
	v1.expect(`a3 STATUS Re&AOc-us (MESSAGES)`, `\* STATUS Re&AOc-us \(MESSAGES 0\)`, `a3 OK STATUS completed`)
	v1.expect(`a4 SUBSCRIBE Re&AOc-us`, `a4 OK SUBSCRIBE completed`)
	v1.expect(`a5 LSUB "" R*`, `\* LSUB \(\\HasChildren\) "/" Re&AOc-us`, `a5 OK LSUB completed`)
	v1.expect(`a6 SELECT Re&AOc-us/&ZeVnLIqe-`, `.*`, `.*`, `\* 0 EXISTS`, `.*`, `.*`, `.*`, `a6 OK \[READ-WRITE\] SELECT completed`)
	v1.expect(`a7 RENAME &-x T&AOk-`, `a7 NO .*`)
	// Malformed modified UTF-7 is a syntax error, not a name.
	v1.expect(`a8 CREATE "Re`+"\xc3\xa7"+`us"`, `a8 BAD mailbox name is not modified UTF-7 .*`)
	v1.expect(`a9 CREATE &AGE-`, `a9 BAD mailbox name is not modified UTF-7 .*`)
	v1.expect(`b1 LIST "" &Ze`, `b1 BAD mailbox name is not modified UTF-7 .*`)
	if diff := cmp.Diff([]string{Inbox, "Reçus", "Reçus/日本語"}, userMailboxes(t, be)); diff != "" {
		t.Errorf("backend mailboxes (-want +got):\n%s", diff)
	}

	v2.expect(`c1 ENABLE IMAP4rev2`, `\* ENABLED IMAP4rev2`, `c1 OK ENABLE completed`)
	v2.expect(`c2 LIST "" R*`, `\* LIST \(\\HasChildren\) "/" \{6\}`, `Reçus`, `\* LIST \(\\HasNoChildren\) "/" \{16\}`, `Reçus/日本語`, `c2 OK LIST completed`)
	v2.expect(`c3 STATUS "Reçus/日本語" (MESSAGES)`, `\* STATUS \{16\}`, `Reçus/日本語 \(MESSAGES 0\)`, `c3 OK STATUS completed`)
	v2.expect(`c4 CREATE "Tom & Jerry"`, `c4 OK CREATE completed`)
	v1.expect(`b2 LIST "" Tom*`, `\* LIST \(\\HasNoChildren\) "/" "Tom &- Jerry"`, `b2 OK LIST completed`)
}

// TestClientModifiedUTF7 runs our client with ClientOptions.ModifiedUTF7
// against our server: the caller works in UTF-8 and the wire carries
// modified UTF-7; after ENABLE IMAP4rev2 the wire carries UTF-8.
func TestClientModifiedUTF7(t *testing.T) {
	be := NewMemBackend()
	be.AddUser("bob", "hungry")
	srv := &Server{Backend: be, AllowInsecureAuth: true}
	addr := serveLoopback(t, srv)
	ctx := context.Background()
	var wire strings.Builder
	c, err := Dial(ctx, addr, &ClientOptions{ModifiedUTF7: true, DebugWriter: &wire})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "bob", "hungry"); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, "Reçus", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Append(ctx, "Reçus", nil, time.Time{}, []byte(testMsg)); err != nil {
		t.Fatal(err)
	}
	list, err := c.List(ctx, "", "R*")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "Reçus" {
		t.Errorf("List = %+v, want Reçus", list)
	}
	st, err := c.Status(ctx, "Reçus", "MESSAGES")
	if err != nil {
		t.Fatal(err)
	}
	if st.Mailbox != "Reçus" || st.Messages != 1 {
		t.Errorf("Status = %+v", st)
	}
	if sel, err := c.Select(ctx, "Reçus", false); err != nil || sel.Messages != 1 || sel.Recent != 1 {
		t.Errorf("Select = %+v, %v", sel, err)
	}
	if !strings.Contains(wire.String(), "CREATE Re&AOc-us\r\n") || strings.Contains(wire.String(), "ç") {
		t.Errorf("wire does not carry modified UTF-7:\n%s", wire.String())
	}
	if err := c.Create(ctx, "bad\xff", ""); err == nil {
		t.Error("Create with invalid UTF-8 succeeded")
	}
	if _, err := c.Enable(ctx, CapIMAP4rev2); err != nil {
		t.Fatal(err)
	}
	wire.Reset()
	if _, err := c.Status(ctx, "Reçus", "MESSAGES"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(wire.String(), "C: Reçus (MESSAGES)") {
		t.Errorf("after ENABLE IMAP4rev2 the wire should carry UTF-8:\n%s", wire.String())
	}
	if diff := cmp.Diff([]string{Inbox, "Reçus"}, userMailboxes(t, be)); diff != "" {
		t.Errorf("backend mailboxes (-want +got):\n%s", diff)
	}
}

const imaplibUTF7Script = `
import imaplib, sys
host, port = sys.argv[1], int(sys.argv[2])
M = imaplib.IMAP4(host, port)
M.login("bob", "hungry")
print("create", M.create("Re&AOc-us")[0])
typ, data = M.list('""', "Re*")
print("list", typ, [d.decode() for d in data])
typ, data = M.status("Re&AOc-us", "(MESSAGES)")
print("status", typ, data[0].decode())
print("select", M.select("Re&AOc-us")[0])
M.logout()
`

// TestInteropPythonImaplibUTF7 has Python's imaplib, an IMAP4rev1 client
// that sends names as given, create and list "Reçus" in its modified UTF-7
// form; the durable store holds the UTF-8 name.
func TestInteropPythonImaplibUTF7(t *testing.T) {
	py := interop.Require(t, "python3")
	store, err := mailstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := NewStoreServer(store, map[string]string{"bob": "hungry"}, nil)
	addr := serveLoopback(t, srv)
	host, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "-c", imaplibUTF7Script, host, port).CombinedOutput()
	if err != nil {
		t.Fatalf("imaplib: %v\n%s", err, out)
	}
	want := []string{
		"create OK",
		`list OK ['(\\HasNoChildren) "/" Re&AOc-us']`,
		"status OK Re&AOc-us (MESSAGES 0)",
		"select OK",
	}
	if diff := cmp.Diff(want, strings.Split(strings.TrimSpace(string(out)), "\n")); diff != "" {
		t.Errorf("imaplib output (-want +got):\n%s", diff)
	}
	folders, err := store.Folders(ctx, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{Inbox, "Reçus"}, folders); diff != "" {
		t.Errorf("store folders (-want +got):\n%s", diff)
	}
}
