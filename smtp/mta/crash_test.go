package mta

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/applayer/applayer/smtp"
)

// blockingTransport never finishes a delivery: the child process is killed
// while the message is accepted but not yet relayed.
type blockingTransport struct{}

func (b blockingTransport) Deliver(ctx context.Context, domain string, mail smtp.Mail, rcpts []smtp.Rcpt, msg io.ReaderAt, size int64) ([]error, error) {
	fmt.Println("relaying")
	<-ctx.Done()
	return nil, ctx.Err()
}

// crashChild runs in the child process: a server whose queue blocks in
// the relay step. It prints its address and serves until killed.
func crashChild(dir string) {
	sp, err := OpenSpool(dir)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	q := &Queue{Spool: sp, Transport: blockingTransport{}, LocalDomains: []string{"crepes.fr"}}
	srv := &smtp.Server{Backend: &Backend{Queue: q, Users: map[string]string{"alice": "secret"}}, AllowInsecureAuth: true}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("listening", l.Addr())
	go q.Run(context.Background())
	srv.Serve(l)
}

// TestCrashBetweenAcceptAndRelay kills a server process (SIGKILL) after it
// said 250 and while it relays; after a restart on the same spool the
// message is delivered exactly once.
func TestCrashBetweenAcceptAndRelay(t *testing.T) {
	if dir := os.Getenv("APPLAYER_MTA_CRASH_CHILD"); dir != "" {
		crashChild(dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashBetweenAcceptAndRelay$")
	cmd.Env = append(os.Environ(), "APPLAYER_MTA_CRASH_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	lines := bufio.NewScanner(out)
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), "listening ") {
		t.Fatalf("child said %q", lines.Text())
	}
	addr := strings.TrimPrefix(lines.Text(), "listening ")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := smtp.Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(ctx, "alice", "secret"); err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail(ctx, "alice@crepes.fr", []string{"bob@hamburger.edu"}, strings.NewReader("Subject: once\r\n\r\nexactly once\r\n")); err != nil {
		t.Fatal(err)
	}
	c.Close()
	// Wait until the child is inside the relay step, then kill it.
	if !lines.Scan() || lines.Text() != "relaying" {
		t.Fatalf("child said %q, want relaying", lines.Text())
	}
	cmd.Process.Kill()
	cmd.Wait()

	tr := &fakeTransport{}
	sp, err := OpenSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	q := &Queue{Spool: sp, Transport: tr, LocalDomains: []string{"crepes.fr"}}
	q.RunOnce(ctx)
	q.RunOnce(ctx)
	if len(tr.calls) != 1 || !strings.HasSuffix(tr.bodies[0], "Subject: once\r\n\r\nexactly once\r\n") {
		t.Fatalf("after restart: calls %v bodies %q; want one delivery of the message", tr.calls, tr.bodies)
	}
	if envs, _ := sp.Load(); len(envs) != 0 {
		t.Errorf("spool still holds %d messages", len(envs))
	}
}
