package sockets

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func startPacketServer(t *testing.T, s *PacketServer) string {
	t.Helper()
	if s.Logger == nil {
		s.Logger = quietLogger()
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(pc) }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve = %v, want ErrServerClosed", err)
		}
	})
	return pc.LocalAddr().String()
}

func TestServeUppercaseUDP(t *testing.T) {
	addr := startPacketServer(t, &PacketServer{Handler: UppercasePacketHandler()})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	c, err := DialUppercase(ctx, "udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := c.Ask(ctx, "grüße aus udp")
	if err != nil {
		t.Fatal(err)
	}
	if want := "GRÜSSE AUS UDP"; got != want {
		t.Errorf("Ask = %q, want %q", got, want)
	}
}

func TestReadPacketReportsTruncation(t *testing.T) {
	for _, network := range []string{"udp", "generic"} {
		t.Run(network, func(t *testing.T) {
			pc, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			var reader net.PacketConn = pc
			if network == "generic" {
				reader = struct{ net.PacketConn }{pc} // hides *net.UDPConn
			}
			sender, err := net.Dial("udp", pc.LocalAddr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer sender.Close()
			sender.Write(bytes.Repeat([]byte("x"), 100))
			sender.Write([]byte("fits"))
			pc.SetReadDeadline(time.Now().Add(5 * time.Second))

			buf := make([]byte, 10)
			_, _, err = ReadPacket(reader, buf)
			var te *TruncatedError
			if !errors.Is(err, ErrTruncated) || !errors.As(err, &te) || te.BufferSize != 10 {
				t.Fatalf("ReadPacket of 100 bytes into 10 = %v, want TruncatedError", err)
			}
			n, _, err := ReadPacket(reader, buf)
			if err != nil || string(buf[:n]) != "fits" {
				t.Errorf("ReadPacket = %q, %v; want fits", buf[:n], err)
			}
		})
	}
}

func TestPacketServerDropsOversized(t *testing.T) {
	var served atomic.Int32
	addr := startPacketServer(t, &PacketServer{MaxPacketSize: 8, Workers: 1, Handler: PacketHandlerFunc(
		func(ctx context.Context, w PacketWriter, p *Packet) {
			served.Add(1)
			w.WriteTo(p.Data, p.Addr)
		})})
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte(strings.Repeat("y", 50)))
	c.Write([]byte("small"))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "small" {
		t.Fatalf("got %q, %v; want only the small datagram echoed", buf[:n], err)
	}
	if served.Load() != 1 {
		t.Errorf("handler ran %d times, want 1", served.Load())
	}
}

func TestPacketServerShutdownWaitsForHandlers(t *testing.T) {
	checkNoGoroutineLeak(t)
	entered := make(chan struct{})
	release := make(chan struct{})
	var finished atomic.Bool
	s := &PacketServer{Logger: quietLogger(), Workers: 2, Handler: PacketHandlerFunc(func(ctx context.Context, w PacketWriter, p *Packet) {
		close(entered)
		<-release
		finished.Store(true)
	})}
	pc, _ := net.ListenPacket("udp", "127.0.0.1:0")
	done := make(chan error, 1)
	go func() { done <- s.Serve(pc) }()
	c, _ := net.Dial("udp", pc.LocalAddr().String())
	defer c.Close()
	c.Write([]byte("x"))
	<-entered
	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(context.Background()) }()
	select {
	case <-shut:
		t.Fatal("Shutdown returned before the handler finished")
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	if err := <-shut; err != nil {
		t.Errorf("Shutdown = %v", err)
	}
	if !finished.Load() {
		t.Error("handler did not finish")
	}
	if err := <-done; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve = %v", err)
	}
}

func TestPacketServerRecoversFromPanic(t *testing.T) {
	var n atomic.Int32
	addr := startPacketServer(t, &PacketServer{Workers: 1, Handler: PacketHandlerFunc(func(ctx context.Context, w PacketWriter, p *Packet) {
		if n.Add(1) == 1 {
			panic("boom")
		}
		w.WriteTo([]byte("alive"), p.Addr)
	})})
	c, _ := net.Dial("udp", addr)
	defer c.Close()
	c.Write([]byte("1"))
	c.Write([]byte("2"))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 16)
	k, err := c.Read(buf)
	if err != nil || string(buf[:k]) != "alive" {
		t.Errorf("after a panic: %q, %v", buf[:k], err)
	}
}

func TestUpper(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"abc", "ABC"},
		{"Straße", "STRASSE"},
		{"ﬃ", "FFI"},
		{"ǉ", "Ǉ"},
		{"ÿ", "Ÿ"},
		{"日本", "日本"},
		{"\xff", "\uFFFD"},
	} {
		if got := Upper(tt.in); got != tt.want {
			t.Errorf("Upper(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
