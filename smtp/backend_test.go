package smtp

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// memBackend is the reference backend of the tests: it keeps every message
// it accepts in memory.
type memBackend struct {
	mu       sync.Mutex
	msgs     []memMsg
	users    map[string]string // username -> password; nil: no AUTH
	rejectTo string            // RCPT of this address gets 550
	failData bool              // Data returns a plain error (451 to the client)
}

type memMsg struct {
	From  string
	To    []string
	Data  string
	Opts  MailOptions
	ROpts []RcptOptions
	User  string
}

func (b *memBackend) NewSession(ctx context.Context, c *Conn) (Session, error) {
	s := &memSession{b: b, c: c}
	if b.users != nil {
		return &memAuthSession{s}, nil
	}
	return s, nil
}

func (b *memBackend) messages() []memMsg {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]memMsg(nil), b.msgs...)
}

type memSession struct {
	b   *memBackend
	c   *Conn
	cur memMsg
}

func (s *memSession) Mail(ctx context.Context, from string, opts *MailOptions) error {
	s.cur = memMsg{From: from, Opts: *opts, User: s.c.AuthUser()}
	return nil
}

func (s *memSession) Rcpt(ctx context.Context, to string, opts *RcptOptions) error {
	if to == s.b.rejectTo {
		return &Reply{Code: 550, Enhanced: EnhancedCode{5, 1, 1}, Lines: []string{"No such user"}}
	}
	s.cur.To = append(s.cur.To, to)
	s.cur.ROpts = append(s.cur.ROpts, *opts)
	return nil
}

func (s *memSession) Data(ctx context.Context, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.b.failData {
		return errors.New("disk on fire")
	}
	s.cur.Data = string(b)
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, s.cur)
	s.b.mu.Unlock()
	return nil
}

func (s *memSession) Reset()        { s.cur = memMsg{} }
func (s *memSession) Logout() error { return nil }

type memAuthSession struct{ *memSession }

func (s *memAuthSession) Auth(ctx context.Context, identity, user, pass string) error {
	if p, ok := s.b.users[user]; ok && p == pass {
		return nil
	}
	return ErrAuthFailed
}

// lmtpSession answers per recipient: "fail@..." gets 550.
type lmtpSession struct{ *memSession }

func (s *lmtpSession) LMTPData(ctx context.Context, r io.Reader) []error {
	err := s.Data(ctx, r)
	res := make([]error, len(s.cur.To))
	for i, to := range s.cur.To {
		res[i] = err
		if strings.HasPrefix(to, "fail@") {
			res[i] = &Reply{Code: 550, Enhanced: EnhancedCode{5, 2, 2}, Lines: []string{"Mailbox full"}}
		}
	}
	return res
}

// startServer serves srv on a free loopback port until the test ends.
func startServer(t testing.TB, srv *Server) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(l)
	}()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			srv.Close()
		}
		<-done
	})
	return l.Addr().String()
}
