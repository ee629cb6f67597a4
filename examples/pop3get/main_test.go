package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/applayer/applayer/pop3"
	"github.com/applayer/applayer/sockets"
)

func serve(t *testing.T, b pop3.Backend) string {
	t.Helper()
	srv := &pop3.Server{Backend: b, Logger: slog.New(slog.DiscardHandler), FailedLoginDelay: -1}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Shutdown(context.Background())
		if err := <-done; !errors.Is(err, sockets.ErrServerClosed) {
			t.Error(err)
		}
	})
	return l.Addr().String()
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

func TestKeepThenDelete(t *testing.T) {
	b := pop3.NewMemoryBackend()
	b.AddUser("bob", "hungry")
	b.Deliver("bob", []byte("Subject: 1\r\n\r\none\r\n"))
	b.Deliver("bob", []byte("Subject: 2\r\n\r\ntwo\r\n"))
	addr := serve(t, b)
	dir := t.TempDir()
	var log strings.Builder
	args := []string{"-server", addr, "-user", "bob", "-pass", "hungry", "-o", dir}
	ctx := context.Background()

	if err := run(ctx, args, &log); err != nil {
		t.Fatal(err, log.String())
	}
	if got := files(t, dir); !slices.Equal(got, []string{".pop3get-seen", "m1.eml", "m2.eml"}) {
		t.Fatalf("files after keep = %v", got)
	}
	body, _ := os.ReadFile(filepath.Join(dir, "m2.eml"))
	if string(body) != "Subject: 2\r\n\r\ntwo\r\n" {
		t.Errorf("m2.eml = %q", body)
	}
	b.Deliver("bob", []byte("Subject: 3\r\n\r\nthree\r\n"))
	log.Reset()
	if err := run(ctx, args, &log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "1 new messages saved") {
		t.Errorf("second keep run: %s", log.String())
	}
	if n := len(b.Messages("bob")); n != 3 {
		t.Errorf("keep mode left %d on the server, want 3", n)
	}

	dir2 := t.TempDir()
	if err := run(ctx, append(args[:len(args)-1], dir2, "-delete"), &log); err != nil {
		t.Fatal(err)
	}
	if got := files(t, dir2); len(got) != 3 {
		t.Errorf("delete run saved %v", got)
	}
	if n := len(b.Messages("bob")); n != 0 {
		t.Errorf("delete mode left %d on the server", n)
	}
}

func TestBadLogin(t *testing.T) {
	b := pop3.NewMemoryBackend()
	b.AddUser("bob", "hungry")
	addr := serve(t, b)
	err := run(context.Background(), []string{"-server", addr, "-user", "bob", "-pass", "x", "-o", t.TempDir()}, &strings.Builder{})
	var pe *pop3.Error
	if !errors.As(err, &pe) || pe.Code != pop3.CodeAuth {
		t.Errorf("run with a wrong password = %v", err)
	}
}
