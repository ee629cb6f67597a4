package imap

import (
	"context"
	"fmt"
	"github.com/applayer/applayer/internal/interop"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func interopServer(t *testing.T) (string, *MemBackend) {
	be := NewMemBackend()
	be.AddUser("bob", "hungry")
	srv := &Server{Backend: be, AllowInsecureAuth: true}
	return serveLoopback(t, srv), be
}

const imaplibScript = `
import imaplib, sys
host, port = sys.argv[1], int(sys.argv[2])
M = imaplib.IMAP4(host, port)
print("caps", "IMAP4REV1" in M.capabilities, "IDLE" in M.capabilities)
print("login", M.login("bob", "hungry")[0])
print("create", M.create("Crepes")[0])
typ, data = M.append("INBOX", r"(\Flagged)", imaplib.Time2Internaldate(1700000000), sys.stdin.buffer.read())
print("append", typ, data[0].decode())
typ, data = M.list()
print("list", typ, sorted(d.decode() for d in data))
typ, data = M.select("INBOX")
print("select", typ, data[0].decode())
typ, data = M.search(None, "FROM", '"alice"', "FLAGGED")
print("search", typ, data[0].decode())
typ, data = M.fetch("1", "(BODY.PEEK[1] BODYSTRUCTURE)")
print("part1", repr(data[0][1]))
print("bs", data[1].decode()[:40])
typ, data = M.uid("FETCH", "1", "(FLAGS RFC822.SIZE)")
print("uidfetch", typ, data[0].decode())
typ, data = M.store("1", "+FLAGS", r"(\Deleted)")
print("store", typ, data[0].decode())
typ, data = M.copy("1", "Crepes")
print("copy", typ)
typ, data = M.expunge()
print("expunge", typ, data)
typ, data = M.status("Crepes", "(MESSAGES UIDNEXT)")
print("status", typ, data[0].decode())
print("close", M.close()[0])
print("logout", M.logout()[0])
`

// TestInteropPythonImaplib drives our server with Python's imaplib.
func TestInteropPythonImaplib(t *testing.T) {
	py := interop.Require(t, "python3")
	addr, _ := interopServer(t)
	host, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-c", imaplibScript, host, port)
	cmd.Stdin = strings.NewReader(mixedMsg)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("imaplib: %v\n%s", err, out)
	}
	want := []string{
		"caps True True",
		"login OK",
		"create OK",
		"append OK [APPENDUID 1 1] APPEND completed",
		`list OK ['(\\HasNoChildren) "/" Crepes', '(\\HasNoChildren) "/" INBOX']`,
		"select OK 1",
		"search OK 1",
		`part1 b"Bob,\r\nHere's something I collect.\r\nAlice"`,
		`bs  BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSE`,
		`uidfetch OK 1 (UID 1 FLAGS (\Flagged \Recent) RFC822.SIZE 650)`,
		`store OK 1 (FLAGS (\Deleted \Flagged \Recent))`,
		"copy OK",
		"expunge OK [b'1']",
		"status OK Crepes (MESSAGES 1 UIDNEXT 2)",
		"close OK",
		"logout BYE",
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	if !slices.Equal(got, want) {
		t.Errorf("imaplib output:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestInteropCurl fetches a message and lists mailboxes with curl's imap://.
func TestInteropCurl(t *testing.T) {
	curl := interop.Require(t, "curl")
	addr, be := interopServer(t)
	be.Deliver("bob", Inbox, []byte(testMsg))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.CommandContext(ctx, curl, append([]string{"-sS", "--max-time", "20", "-u", "bob:hungry"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("curl %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if got := run("imap://" + addr + "/INBOX/;UID=1"); got != testMsg {
		t.Errorf("curl fetch = %q, want %q", got, testMsg)
	}
	if got := run("imap://" + addr + "/"); !strings.Contains(got, `* LIST (\HasNoChildren) "/" INBOX`) {
		t.Errorf("curl list = %q", got)
	}
	if got := run("imap://"+addr+"/INBOX", "-X", "SEARCH FROM alice"); !strings.Contains(got, "* SEARCH 1") {
		t.Errorf("curl search = %q", got)
	}
	if got := run("imap://"+addr+"/INBOX", "-X", "EXAMINE INBOX"); !strings.Contains(got, "1 EXISTS") {
		t.Errorf("curl examine = %q", got)
	}
}

// startDovecot runs Dovecot on a free loopback port with user alice and
// returns its address (PEERS.md section 3.3).
func startDovecot(t *testing.T) string {
	return startDovecotSeeded(t, nil)
}

// startDovecotSeeded is startDovecot that first lets seed write messages
// into alice's Maildir/new directory.
func startDovecotSeeded(t testing.TB, seed func(maildirNew string)) string {
	bin := interop.Require(t, "dovecot")
	// Dovecot's unprivileged processes must reach the users file, and the
	// parent of t.TempDir() is mode 0700.
	dir, err := os.MkdirTemp("", "imap-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	home := filepath.Join(dir, "home", "alice")
	newDir := filepath.Join(home, "Maildir", "new")
	for _, d := range []string{newDir, filepath.Join(home, "Maildir", "cur"), filepath.Join(home, "Maildir", "tmp"), filepath.Join(dir, "run"), filepath.Join(dir, "state")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if seed != nil {
		seed(newDir)
	}
	exec.Command("chown", "-R", "nobody:nogroup", filepath.Join(dir, "home")).Run()
	users := filepath.Join(dir, "users")
	os.WriteFile(users, []byte(fmt.Sprintf("alice:{PLAIN}secret:65534:65534::%s::\n", home)), 0o644)
	conf := filepath.Join(dir, "dovecot.conf")
	os.WriteFile(conf, []byte(fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[2]s
}
userdb {
  driver = passwd-file
  args = username_format=%%u %[2]s
}
service imap-login {
  inet_listener imap {
    port = %[3]d
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
service auth {
  inet_listener {
    port = 0
  }
}
protocol imap {
  mail_max_userip_connections = 100
}
`, dir, users, port)), 0o644)
	cmd := exec.Command(bin, "-F", "-c", conf)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// SIGTERM lets the master stop its children; SIGKILL if it hangs.
		cmd.Process.Signal(syscall.SIGTERM)
		waited := make(chan struct{})
		go func() { cmd.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-waited
		}
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			t.Logf("dovecot.log:\n%s", log)
		}
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			t.Fatalf("dovecot did not start: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestInteropDovecot runs our client against Dovecot's IMAP server.
func TestInteropDovecot(t *testing.T) {
	addr := startDovecot(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pushed := make(chan string, 16)
	c, err := Dial(ctx, addr, &ClientOptions{UnilateralHandler: func(r *Response) {
		select {
		case pushed <- string(AppendResponse(nil, r)):
		default:
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "alice", "secret"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Capability(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, "Crepes", ""); err != nil {
		t.Fatal(err)
	}
	ad, err := c.Append(ctx, "INBOX", []Flag{FlagFlagged}, time.Date(2026, 11, 21, 15, 31, 0, 0, time.UTC), []byte(mixedMsg))
	if err != nil {
		t.Fatal(err)
	}
	sd, err := c.Select(ctx, "INBOX", false)
	if err != nil {
		t.Fatal(err)
	}
	if sd.Messages != 1 || sd.UIDValidity != ad.UIDValidity {
		t.Errorf("Select = %+v, Append = %+v", sd, ad)
	}
	res, err := c.Search(ctx, true, SearchKey{Op: "FROM", Str: "alice"}, SearchKey{Op: "FLAGGED"})
	if err != nil || !slices.Equal(res.All, []uint32{ad.UID}) {
		t.Fatalf("Search = %+v, %v", res, err)
	}
	msgs, err := c.Fetch(ctx, SeqSetOf(ad.UID), true, FetchItem{Name: FetchBodyStructure}, FetchItem{Name: FetchEnvelope}, FetchItem{Name: FetchInternalDate})
	if err != nil {
		t.Fatal(err)
	}
	bs := msgs[0].BodyStructure
	if bs == nil || len(bs.Parts) != 2 || !equalFold(bs.Parts[1].Subtype, "jpeg") {
		t.Fatalf("Dovecot BODYSTRUCTURE = %+v", bs)
	}
	if e := msgs[0].Envelope; e.Subject != "Picture of yummy crepe" || e.From[0].Host != "crepes.fr" {
		t.Errorf("Dovecot ENVELOPE = %+v", e)
	}
	if !msgs[0].InternalDate.Equal(time.Date(2026, 11, 21, 15, 31, 0, 0, time.UTC)) {
		t.Errorf("INTERNALDATE = %v", msgs[0].InternalDate)
	}
	// Our server must agree with Dovecot on the structure of the same message.
	ours := bodyStructure([]byte(mixedMsg), parseForTest(mixedMsg).Part)
	if got, want := string(AppendValue(nil, ours.Value(false))), string(AppendValue(nil, bs.Value(false))); !equalFold(got, want) {
		t.Errorf("BODY structure differs:\n ours    %s\n dovecot %s", got, want)
	}
	msgs, err = c.Fetch(ctx, SeqSetOf(ad.UID), true, FetchItem{Name: FetchBody, Peek: true, Section: &Section{Part: []int{1}}}, FetchItem{Name: FetchBinary, Peek: true, Section: &Section{Part: []int{2}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(msgs[0].Section("BODY[1]")); got != "Bob,\r\nHere's something I collect.\r\nAlice" {
		t.Errorf("BODY[1] = %q", got)
	}
	if got := len(msgs[0].Section("BINARY[2]")); got != 57 {
		t.Errorf("BINARY[2] is %d octets", got)
	}
	if _, err := c.Store(ctx, SeqSetOf(1), false, StoreAction{Op: StoreAdd, Flags: []Flag{FlagSeen}}); err != nil {
		t.Fatal(err)
	}
	cd, err := c.Move(ctx, SeqSetOf(ad.UID), true, "Crepes")
	if err != nil || len(cd.Dest) != 1 {
		t.Fatalf("Move = %+v, %v", cd, err)
	}
	// IDLE: a second client's APPEND is pushed to the first.
	c2, err := Dial(ctx, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if err := c2.Login(ctx, "alice", "secret"); err != nil {
		t.Fatal(err)
	}
	drain(pushed)
	idle, err := c.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Append(ctx, "INBOX", nil, time.Time{}, []byte(testMsg)); err != nil {
		t.Fatal(err)
	}
	for got := ""; got != "* 1 EXISTS\r\n"; {
		select {
		case got = <-pushed:
		case <-ctx.Done():
			t.Fatal("no EXISTS pushed during IDLE")
		}
	}
	if err := idle.Done(); err != nil {
		t.Fatal(err)
	}
	st, err := c.Status(ctx, "Crepes", "MESSAGES")
	if err != nil || st.Messages != 1 {
		t.Errorf("Status = %+v, %v", st, err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
}

func drain(ch chan string) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}
