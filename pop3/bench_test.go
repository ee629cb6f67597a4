package pop3

import (
	"bytes"
	"context"
	"io"
	"net/textproto"
	"strings"
	"testing"
)

func BenchmarkParseCommand(b *testing.B) {
	lines := [][]byte{[]byte("RETR 1"), []byte("stat"), []byte("TOP 12 10")}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := ParseCommand(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseStatus(b *testing.B) {
	line := []byte("+OK 2 messages (1410 octets)")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseStatus(line); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRetr downloads a 64 KiB message from our server over loopback
// with our Client, and, as the reference, with the standard library's
// net/textproto (Cmd, ReadLine, DotReader) against the same server.
func BenchmarkRetr(b *testing.B) {
	var msg bytes.Buffer
	msg.WriteString("Subject: bench\r\n\r\n")
	for msg.Len() < 64<<10 {
		msg.WriteString(strings.Repeat("x", 70) + "\r\n")
	}
	be := NewMemoryBackend()
	be.AddUser("bob", "hungry")
	be.Deliver("bob", msg.Bytes())
	addr := startServerB(b, &Server{Backend: be})
	ctx := context.Background()

	b.Run("applayer", func(b *testing.B) {
		c, err := Dial(ctx, addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		if err := c.Login(ctx, "bob", "hungry"); err != nil {
			b.Fatal(err)
		}
		defer c.Quit(ctx)
		b.SetBytes(int64(msg.Len()))
		b.ReportAllocs()
		for b.Loop() {
			r, err := c.Retr(ctx, 1)
			if err != nil {
				b.Fatal(err)
			}
			if n, err := io.Copy(io.Discard, r); err != nil || n != int64(msg.Len()) {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("textproto", func(b *testing.B) {
		tc, err := textproto.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		defer tc.Close()
		tc.ReadLine()
		for _, cmd := range []string{"USER bob", "PASS hungry"} {
			tc.Cmd("%s", cmd)
			if l, _ := tc.ReadLine(); !strings.HasPrefix(l, "+OK") {
				b.Fatal(l)
			}
		}
		b.SetBytes(int64(msg.Len()))
		b.ReportAllocs()
		for b.Loop() {
			tc.Cmd("RETR 1")
			if l, _ := tc.ReadLine(); !strings.HasPrefix(l, "+OK") {
				b.Fatal(l)
			}
			n, err := io.Copy(io.Discard, tc.DotReader())
			// textproto's DotReader turns CRLF into LF.
			if err != nil || n == 0 {
				b.Fatal(n, err)
			}
		}
	})
}
