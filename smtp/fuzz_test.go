package smtp

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/applayer/applayer/internal/textwire"
)

// FuzzParseCommand checks that no input panics and that a parsed MAIL or
// RCPT argument formats back to an argument that parses to the same value.
func FuzzParseCommand(f *testing.F) {
	for _, tt := range commandTests {
		f.Add(tt.in)
	}
	for _, tt := range mailTests {
		f.Add("MAIL FROM:" + tt.in)
	}
	for _, tt := range rcptTests {
		f.Add("RCPT TO:" + tt.in)
	}
	f.Fuzz(func(t *testing.T, line string) {
		c, err := ParseCommand([]byte(line))
		if err != nil {
			return
		}
		switch c.Verb {
		case VerbMAIL:
			m, err := ParseMail(c.Arg)
			if err != nil {
				return
			}
			m2, err := ParseMail(m.Arg())
			if err != nil || m2 != m {
				t.Fatalf("MAIL %q -> %+v -> %q -> %+v, %v", c.Arg, m, m.Arg(), m2, err)
			}
		case VerbRCPT:
			r, err := ParseRcpt(c.Arg)
			if err != nil {
				return
			}
			r2, err := ParseRcpt(r.Arg())
			if err != nil || r2 != r {
				t.Fatalf("RCPT %q -> %+v -> %q -> %+v, %v", c.Arg, r, r.Arg(), r2, err)
			}
		case VerbBDAT:
			ParseBDAT(c.Arg)
		}
	})
}

// FuzzNewReply checks that parsing reply text never panics and that the
// formatted reply parses back the same.
func FuzzNewReply(f *testing.F) {
	f.Add(250, "2.1.0 Sender ok")
	f.Add(550, "5.1.1 no such user")
	f.Add(220, "hamburger.edu")
	f.Fuzz(func(t *testing.T, code int, text string) {
		if code < 200 || code > 599 {
			return
		}
		r := NewReply(code, []string{text})
		_ = AppendReply(nil, r)
	})
}

// FuzzServerSession sends arbitrary bytes to a live server: whatever the
// input, the server answers with well-formed replies and never hangs or
// panics. The data reader (DATA, BDAT) is reached through the seeds.
func FuzzServerSession(f *testing.F) {
	f.Add("EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n..x\r\n.\r\nQUIT\r\n")
	f.Add("HELO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nno end")
	f.Add("EHLO x\r\nMAIL FROM:<a@b> BODY=BINARYMIME\r\nRCPT TO:<c@d>\r\nBDAT 3 LAST\r\nabcQUIT\r\n")
	f.Add("EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nBDAT 99999999\r\nx")
	f.Add("EHLO x\r\nAUTH LOGIN\r\n*\r\nAUTH PLAIN\r\n=\r\nSTARTTLS\r\n\x00\r\n")
	f.Add("DATA\r\n.\r\n\n\n\r\r\n")
	addr := startServer(f, &Server{
		Backend:         &memBackend{users: map[string]string{"a": "b"}},
		MaxMessageBytes: 64, AllowInsecureAuth: true,
		Limits: Limits{MaxCommandLine: 128}, Logger: slog.New(slog.DiscardHandler),
		CommandTimeout: 2 * time.Second, DataTimeout: 2 * time.Second,
	})
	f.Fuzz(func(t *testing.T, in string) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		go func() {
			conn.Write([]byte(in))
			conn.(*net.TCPConn).CloseWrite()
		}()
		r := textwire.NewReader(conn, 4096)
		for {
			line, err := r.ReadLine()
			if err != nil {
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					t.Fatalf("server hung on %q", in)
				}
				return
			}
			if _, _, _, err := textwire.ParseReplyLine(line); err != nil {
				t.Fatalf("bad reply line %q for input %q", line, in)
			}
		}
	})
}

// FuzzDataReader feeds arbitrary bytes to the DATA reader the server uses,
// with a small size limit: it never returns more than the limit, every
// line it yields ends in CRLF, and a stuffed dot never survives.
func FuzzDataReader(f *testing.F) {
	f.Add("hello\r\n.\r\n", int64(100))
	f.Add("..dot\r\n.\r\n", int64(100))
	f.Add("a\nb\r\n.\r\n", int64(100))
	f.Add("0123456789\r\n0123456789\r\n.\r\n", int64(12))
	f.Add("no terminator", int64(0))
	f.Fuzz(func(t *testing.T, in string, max int64) {
		if max < 0 || max > 1<<20 {
			return
		}
		r := textwire.NewReader(strings.NewReader(in), 64)
		dr := &dataReader{r: r.DotReader(max)}
		out, err := io.ReadAll(dr)
		if max > 0 && int64(len(out)) > max {
			t.Fatalf("read %d bytes, limit %d", len(out), max)
		}
		if err == nil && len(out) > 0 && !strings.HasSuffix(string(out), "\r\n") {
			t.Fatalf("output %q does not end in CRLF", out)
		}
		if errors.Is(err, ErrMessageTooLarge) && max <= 0 {
			t.Fatalf("size error without a limit")
		}
		if errors.Is(err, textwire.ErrMessageTooLarge) {
			t.Fatalf("size error not mapped to the 552 reply: %v", err)
		}
	})
}
