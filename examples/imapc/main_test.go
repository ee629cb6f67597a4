package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"

	"github.com/applayer/applayer/imap"
)

const crepe = "From: Alice <alice@crepes.fr>\r\nTo: bob@hamburger.edu\r\nSubject: crepe\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
	"--b\r\nContent-Type: text/plain\r\n\r\nBob, look.\r\n" +
	"--b\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment\r\n\r\n/9j/4AAQ\r\n--b--\r\n"

func TestImapc(t *testing.T) {
	be := imap.NewMemBackend()
	be.AddUser("bob", "hungry")
	be.Deliver("bob", imap.Inbox, []byte(crepe))
	be.Deliver("bob", imap.Inbox, []byte("From: carol@example.org\r\nSubject: hi\r\n\r\nhello\r\n"))
	srv := &imap.Server{Backend: be, AllowInsecureAuth: true}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	defer srv.Close()
	base := []string{"-server", l.Addr().String(), "-user", "bob", "-pass", "hungry"}
	imapc := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if err := run(context.Background(), append(base, args...), &out, &errb); err != nil {
			t.Fatalf("imapc %v: %v\n%s", args, err, errb.String())
		}
		return out.String()
	}
	if got := imapc("search", "INBOX", "OR", "FROM", "alice", "SUBJECT", "nothing"); got != "1 match(es): 1\n" {
		t.Errorf("search = %q", got)
	}
	if got := imapc("structure", "INBOX", "1"); !strings.Contains(got, "1          text/plain, 10 octets, 7bit") || !strings.Contains(got, "2          image/jpeg, 8 octets, base64, attachment") {
		t.Errorf("structure = %q", got)
	}
	if got := imapc("fetch", "INBOX", "1", "1"); got != "Bob, look." {
		t.Errorf("fetch = %q", got)
	}
	var errb bytes.Buffer
	if err := run(context.Background(), append(base, "create-nothing"), &bytes.Buffer{}, &errb); err == nil {
		t.Error("unknown command succeeded")
	}
	if _, err := be.Deliver("bob", "Archive", nil); err == nil {
		t.Fatal("Archive exists before the test made it")
	}
	u, _ := be.Login(context.Background(), "bob", "hungry")
	u.CreateMailbox(context.Background(), "Archive", "")
	if got := imapc("move", "INBOX", "2", "Archive"); got != "moved UID 2 of INBOX to UID 1 of Archive\n" {
		t.Errorf("move = %q", got)
	}
	if got := imapc("list"); !strings.Contains(got, "Archive") || !strings.Contains(got, "INBOX") {
		t.Errorf("list = %q", got)
	}
	if got := imapc("select", "Archive"); !strings.Contains(got, "Archive: 1 messages") || !strings.Contains(got, "carol@example.org") {
		t.Errorf("select = %q", got)
	}
}
