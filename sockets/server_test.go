package sockets

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// startServer serves h on a loopback port and shuts the server down at the
// end of the test.
func startServer(t *testing.T, s *Server) string {
	t.Helper()
	if s.Logger == nil {
		s.Logger = quietLogger()
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return l.Addr().String()
}

// checkNoGoroutineLeak fails the test if goroutines started during it are
// still running shortly after it ends.
func checkNoGoroutineLeak(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<20)
			t.Errorf("%d goroutines before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
		}
	})
}

func TestServeUppercaseTCP(t *testing.T) {
	addr := startServer(t, &Server{Handler: UppercaseHandler()})
	ctx := t.Context()
	c, err := DialUppercase(ctx, "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, tt := range []struct{ in, want string }{
		{"hello", "HELLO"},
		{"straße", "STRASSE"},
		{"ﬁne ǆ", "FINE Ǆ"},
		{"", ""},
		{"αβγ 123", "ΑΒΓ 123"},
	} {
		got, err := c.Ask(ctx, tt.in)
		if err != nil {
			t.Fatalf("Ask(%q): %v", tt.in, err)
		}
		if got != tt.want {
			t.Errorf("Ask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestServerRecoversFromPanic(t *testing.T) {
	var served atomic.Int32
	addr := startServer(t, &Server{Handler: HandlerFunc(func(ctx context.Context, c *Conn) {
		if served.Add(1) == 1 {
			panic("boom")
		}
		io.WriteString(c, "ok\n")
	})})
	for i := range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		line, _ := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if want := []string{"", "ok\n"}[i]; line != want {
			t.Errorf("connection %d read %q, want %q", i, line, want)
		}
	}
}

func TestServerConnectionLimitCallsOnBusy(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	addr := startServer(t, &Server{
		MaxConns: 1,
		Handler: HandlerFunc(func(ctx context.Context, c *Conn) {
			entered <- struct{}{}
			<-release
		}),
		OnBusy: func(c net.Conn) { io.WriteString(c, "421 busy\r\n") },
	})
	defer close(release)
	first, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	<-entered
	second, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	got, err := io.ReadAll(second)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "421 busy\r\n" {
		t.Errorf("refused connection read %q, want the busy greeting", got)
	}
}

func TestShutdownInterruptsIdleAndWaitsForBusy(t *testing.T) {
	checkNoGoroutineLeak(t)
	inRequest := make(chan struct{})
	finish := make(chan struct{})
	var goodbyes atomic.Int32
	s := &Server{Logger: quietLogger(), Handler: HandlerFunc(func(ctx context.Context, c *Conn) {
		r := bufio.NewReader(c)
		for {
			c.SetIdle()
			line, err := r.ReadString('\n')
			if errors.Is(err, ErrIdleInterrupted) {
				goodbyes.Add(1)
				io.WriteString(c, "bye\n")
				return
			}
			if err != nil {
				return
			}
			if line == "slow\n" {
				inRequest <- struct{}{}
				<-finish
			}
			io.WriteString(c, "done\n")
		}
	})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()

	idle, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	busy, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	io.WriteString(busy, "slow\n")
	<-inRequest
	for s.NumConns() != 2 {
		time.Sleep(time.Millisecond)
	}

	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(context.Background()) }()

	if line, _ := bufio.NewReader(idle).ReadString('\n'); line != "bye\n" {
		t.Errorf("idle connection read %q, want bye", line)
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v while a request was in progress", err)
	default:
	}
	close(finish)
	busyReader := bufio.NewReader(busy)
	if line, _ := busyReader.ReadString('\n'); line != "done\n" {
		t.Errorf("busy connection read %q, want its reply", line)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown = %v", err)
	}
	if err := <-served; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve = %v, want ErrServerClosed", err)
	}
	if _, err := net.Dial("tcp", l.Addr().String()); err == nil {
		t.Error("listener still accepts after Shutdown")
	}
	// The idle connection says goodbye at once; the busy one after its
	// request, when it goes idle again.
	if goodbyes.Load() != 2 {
		t.Errorf("%d goodbyes, want 2", goodbyes.Load())
	}
}

func TestShutdownDeadlineClosesStuckConnections(t *testing.T) {
	checkNoGoroutineLeak(t)
	entered := make(chan struct{})
	s := &Server{Logger: quietLogger(), Handler: HandlerFunc(func(ctx context.Context, c *Conn) {
		close(entered)
		io.Copy(io.Discard, c) // never idle, never done until closed
	})}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want DeadlineExceeded", err)
	}
	if s.NumConns() != 0 {
		t.Errorf("%d connections left after Shutdown", s.NumConns())
	}
	<-served
}

func TestReadTimeout(t *testing.T) {
	got := make(chan error, 1)
	addr := startServer(t, &Server{ReadTimeout: 30 * time.Millisecond, Handler: HandlerFunc(func(ctx context.Context, c *Conn) {
		_, err := c.Read(make([]byte, 1))
		got <- err
	})})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var ne net.Error
	if err := <-got; !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("Read with a silent peer = %v, want a timeout", err)
	}
}

func TestServeAfterShutdown(t *testing.T) {
	s := &Server{Handler: UppercaseHandler()}
	s.Shutdown(context.Background())
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	if err := s.Serve(l); !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve after Shutdown = %v", err)
	}
}

// TestStressShutdownUnderLoad opens thousands of short connections, shuts
// the server down in the middle, and checks that every connection the
// server accepted was either served or closed, and that no goroutine is
// left behind.
func TestStressShutdownUnderLoad(t *testing.T) {
	checkNoGoroutineLeak(t)
	total := 3000
	if testing.Short() {
		total = 500
	}
	var accepted, finished atomic.Int64
	s := &Server{Logger: quietLogger(), MaxConns: -1, Handler: HandlerFunc(func(ctx context.Context, c *Conn) {
		accepted.Add(1)
		defer finished.Add(1)
		r := bufio.NewReader(c)
		c.SetIdle()
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		io.WriteString(c, strings.ToUpper(line))
	})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()

	var ok, refused atomic.Int64
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	shutdownAt := total / 2
	shut := make(chan error, 1)
	for i := range total {
		if i == shutdownAt {
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				shut <- s.Shutdown(ctx)
			}()
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := net.DialTimeout("tcp", l.Addr().String(), 5*time.Second)
			if err != nil {
				refused.Add(1)
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			io.WriteString(c, "ping\n")
			line, err := bufio.NewReader(c).ReadString('\n')
			switch {
			case err == nil && line == "PING\n":
				ok.Add(1)
			case err != nil:
				refused.Add(1) // closed by the shutdown: allowed
			default:
				t.Errorf("wrong reply %q", line)
			}
		}()
	}
	wg.Wait()
	if err := <-shut; err != nil {
		t.Errorf("Shutdown = %v", err)
	}
	if err := <-served; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve = %v", err)
	}
	if accepted.Load() != finished.Load() {
		t.Errorf("handlers: %d started, %d finished", accepted.Load(), finished.Load())
	}
	if ok.Load()+refused.Load() != int64(total) {
		t.Errorf("%d served + %d refused != %d", ok.Load(), refused.Load(), total)
	}
	if ok.Load() == 0 {
		t.Error("no connection was served before the shutdown")
	}
	t.Logf("%d served, %d refused or closed by shutdown", ok.Load(), refused.Load())
}

func TestConnPrepend(t *testing.T) {
	got := make(chan string, 1)
	addr := startServer(t, &Server{Handler: HandlerFunc(func(ctx context.Context, c *Conn) {
		head := make([]byte, 3)
		io.ReadFull(c, head) // sniff the first bytes
		c.Prepend(head)      // and give them back
		line, _ := bufio.NewReader(c).ReadString('\n')
		got <- line
	})})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "PRI * rest\n")
	if line := <-got; line != "PRI * rest\n" {
		t.Errorf("after Prepend read %q", line)
	}
}
