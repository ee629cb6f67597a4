// Package echo_test runs the four programs of the socket lesson as real
// processes, the way the lesson runs them in two terminals.
package echo_test

import (
	"bufio"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func build(t *testing.T, dir, pkg string) string {
	t.Helper()
	bin := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

func TestEchoProgramsAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs four programs")
	}
	dir := t.TempDir()
	for _, network := range []string{"udp", "tcp"} {
		t.Run(network, func(t *testing.T) {
			server := build(t, dir, "github.com/applayer/applayer/examples/echo/"+network+"server")
			client := build(t, dir, "github.com/applayer/applayer/examples/echo/"+network+"client")
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()

			srv := exec.CommandContext(ctx, server, "-addr", "127.0.0.1:0")
			stdout, _ := srv.StdoutPipe()
			if err := srv.Start(); err != nil {
				t.Fatal(err)
			}
			line, err := bufio.NewReader(stdout).ReadString('\n')
			if err != nil {
				t.Fatalf("server printed no listening line: %v", err)
			}
			fields := strings.Fields(line)
			if len(fields) != 4 || fields[0] != "listening" || fields[2] != network {
				t.Fatalf("listening line = %q", line)
			}
			addr := fields[3]

			cl := exec.CommandContext(ctx, client, "-addr", addr)
			cl.Stdin = strings.NewReader("hello\nstraße\n")
			out, err := cl.Output()
			if err != nil {
				t.Fatalf("client: %v", err)
			}
			if got, want := string(out), "HELLO\nSTRASSE\n"; got != want {
				t.Errorf("client printed %q, want %q", got, want)
			}

			srv.Process.Signal(syscall.SIGTERM)
			if err := srv.Wait(); err != nil {
				t.Errorf("server exit after SIGTERM: %v", err)
			}
		})
	}
}

func TestEchoClientFailsWithOneLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	client := build(t, t.TempDir(), "github.com/applayer/applayer/examples/echo/tcpclient")
	cmd := exec.Command(client, "-addr", "127.0.0.1:1")
	cmd.Stdin = strings.NewReader("x\n")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("client to a closed port succeeded")
	}
	if lines := strings.Count(strings.TrimSpace(string(out)), "\n"); lines != 0 || !strings.HasPrefix(string(out), "tcpclient: ") {
		t.Errorf("error output = %q, want one line starting with tcpclient:", out)
	}
}
