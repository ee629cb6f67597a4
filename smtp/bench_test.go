package smtp

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	netsmtp "net/smtp"
	"strings"
	"testing"
)

// discardSession accepts everything and reads the data to the end.
type discardSession struct{}

func (discardSession) Mail(context.Context, string, *MailOptions) error { return nil }
func (discardSession) Rcpt(context.Context, string, *RcptOptions) error { return nil }
func (discardSession) Data(ctx context.Context, r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	return err
}
func (discardSession) Reset()        {}
func (discardSession) Logout() error { return nil }

func benchMessage() []byte {
	var b bytes.Buffer
	b.WriteString("From: alice@crepes.fr\r\nTo: bob@hamburger.edu\r\nSubject: bench\r\n\r\n")
	line := strings.Repeat("x", 76) + "\r\n"
	for b.Len() < 10<<10 {
		b.WriteString(line)
	}
	return b.Bytes()[:10<<10]
}

var benchRcpts = []string{"a@hamburger.edu", "b@hamburger.edu", "c@hamburger.edu", "d@hamburger.edu"}

func benchServer(b *testing.B) string {
	return startServer(b, &Server{
		Backend: BackendFunc(func(ctx context.Context, c *Conn) (Session, error) { return discardSession{}, nil }),
		Logger:  slog.New(slog.DiscardHandler),
	})
}

// BenchmarkSendPipelined: our client, PIPELINING (one round trip for MAIL,
// four RCPTs and DATA), 10 KiB messages to 4 recipients, one connection.
func BenchmarkSendPipelined(b *testing.B) {
	addr := benchServer(b)
	msg := benchMessage()
	ctx := context.Background()
	c, err := Dial(ctx, addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.SendMail(ctx, "alice@crepes.fr", benchRcpts, bytes.NewReader(msg)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkSendNetSMTP: the standard library's net/smtp client (no
// pipelining: a round trip per command) against the same server.
func BenchmarkSendNetSMTP(b *testing.B) {
	addr := benchServer(b)
	msg := benchMessage()
	c, err := netsmtp.Dial(addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.Mail("alice@crepes.fr"); err != nil {
			b.Fatal(err)
		}
		for _, r := range benchRcpts {
			if err := c.Rcpt(r); err != nil {
				b.Fatal(err)
			}
		}
		w, err := c.Data()
		if err != nil {
			b.Fatal(err)
		}
		w.Write(msg)
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
