package smtp

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// postfixMainCf is the configuration of /work/shared/PEERS.md section 3.4
// without SASL: one smtpd on a loopback port, virtual mailboxes for
// example.test, and nothing ever delivered off the machine.
const postfixMainCf = `compatibility_level = 3.6
config_directory = {P}
queue_directory = {P}/spool
data_directory = {P}/data
maillog_file = {P}/postfix.log
maillog_file_prefixes = /var, /dev/stdout, /tmp
myhostname = mx.example.test
mydomain = example.test
myorigin = example.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
virtual_mailbox_domains = example.test
virtual_mailbox_base = {P}/vmail
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
default_transport = error:no external delivery in tests
relay_transport = error:no external delivery in tests
smtpd_relay_restrictions = reject_unauth_destination
smtputf8_enable = yes
`

// TestInteropPostfix sends with our client to a real Postfix on loopback
// and finds the message in its mailbox; relaying is refused.
func TestInteropPostfix(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Postfix instance")
	}
	postfix := requirePeer(t, "postfix")
	if os.Geteuid() != 0 {
		if os.Getenv("APPLAYER_INTEROP") == "require" {
			t.Fatal("the Postfix test needs root")
		}
		t.Skip("the Postfix test needs root")
	}
	base, err := os.MkdirTemp("", "applayer-postfix-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	os.Chmod(base, 0o755) // the postfix user must reach its files
	P := filepath.Join(base, "postfix")
	for _, d := range []string{"spool", "data", "vmail"} {
		if err := os.MkdirAll(filepath.Join(P, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	runPeer(t, "chown", "nobody:nogroup", filepath.Join(P, "vmail"))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	master, err := os.ReadFile("/etc/postfix/master.cf")
	if err != nil {
		t.Fatal(err)
	}
	var mlines []string
	for _, line := range strings.Split(string(master), "\n") {
		if strings.HasPrefix(line, "smtp      inet") {
			line = addr + " inet n - n - - smtpd"
		}
		mlines = append(mlines, line)
	}
	os.WriteFile(filepath.Join(P, "master.cf"), []byte(strings.Join(mlines, "\n")), 0o644)
	os.WriteFile(filepath.Join(P, "main.cf"), []byte(strings.ReplaceAll(postfixMainCf, "{P}", P)), 0o644)
	runPeer(t, "postconf", "-c", P, "-F", "*/*/chroot = n")
	runPeer(t, postfix, "-c", P, "set-permissions")
	runPeer(t, postfix, "-c", P, "start")
	t.Cleanup(func() { exec.Command(postfix, "-c", P, "stop").Run() })

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var c *Client
	for i := 0; i < 100; i++ {
		if c, err = Dial(ctx, addr); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond) // postfix has no readiness signal
	}
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.LocalName = "client.test"
	if err := c.Hello(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension(ExtPipelining); !ok {
		t.Errorf("postfix did not offer PIPELINING")
	}
	res, err := c.Send(ctx, Mail{From: "alice@crepes.test", Options: MailOptions{Body: Body8BitMIME, EnvelopeID: "env-1"}},
		[]Rcpt{{To: "bob@example.test", Options: RcptOptions{Notify: NotifyFailure}}, {To: "eve@elsewhere.test"}},
		strings.NewReader("Subject: from applayer\r\n\r\n.dot line\r\nDo you like ketchup?\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	var r *Reply
	if res[0] != nil || !errors.As(res[1], &r) || r.Code != 554 {
		t.Errorf("results = %v; want bob accepted and relaying refused with 554", res)
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	newDir := filepath.Join(P, "vmail", "inbox", "new")
	for i := 0; i < 200; i++ {
		ents, _ := os.ReadDir(newDir)
		if len(ents) > 0 {
			b, _ := os.ReadFile(filepath.Join(newDir, ents[0].Name()))
			if !strings.Contains(string(b), "\n.dot line\n") || !strings.Contains(string(b), "Subject: from applayer") {
				t.Errorf("delivered message:\n%s", b)
			}
			return
		}
		time.Sleep(50 * time.Millisecond) // delivery is asynchronous inside postfix
	}
	log, _ := os.ReadFile(filepath.Join(P, "postfix.log"))
	t.Fatalf("no message in %s after 10s; postfix log:\n%s", newDir, log)
}
