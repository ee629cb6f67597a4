package smtp

import (
	"log/slog"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/applayer/applayer/internal/textwire"
	"pgregory.net/rapid"
)

// smtpModel is what a client can know of the server's transaction state.
type smtpModel struct {
	helo, mail bool
	rcpts      int
	delivered  int
}

// TestSessionStateMachine drives a live server with random command
// sequences and checks every reply code against a model of RFC 5321's
// sequencing rules (section 4.1.4) and the recipient limit.
func TestSessionStateMachine(t *testing.T) {
	const maxRcpts = 3
	rapid.Check(t, func(rt *rapid.T) {
		b := &memBackend{}
		addr := startServer(t, &Server{Backend: b, Limits: Limits{MaxRecipients: maxRcpts}, Logger: slog.New(slog.DiscardHandler)})
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			rt.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(20 * time.Second))
		r := textwire.NewReader(conn, 4096)
		w := textwire.NewWriter(conn)
		send := func(line string) int {
			w.WriteLine(line)
			w.Flush()
			rep, err := r.ReadReply()
			if err != nil {
				rt.Fatalf("after %q: %v", line, err)
			}
			return rep.Code
		}
		expect := func(line string, want int) {
			if got := send(line); got != want {
				rt.Fatalf("%s: reply %d, want %d", line, got, want)
			}
		}
		if _, err := r.ReadReply(); err != nil {
			rt.Fatal(err)
		}
		var m smtpModel
		reset := func() { m.mail, m.rcpts = false, 0 }
		rt.Repeat(map[string]func(*rapid.T){
			"HELO": func(t *rapid.T) {
				verb := rapid.SampledFrom([]string{"HELO", "EHLO"}).Draw(t, "verb")
				expect(verb+" client", 250)
				m.helo = true
				reset()
			},
			"MAIL": func(t *rapid.T) {
				want := 250
				if !m.helo || m.mail {
					want = 503
				}
				expect("MAIL FROM:<a@b.c>", want)
				if want == 250 {
					m.mail = true
				}
			},
			"RCPT": func(t *rapid.T) {
				want := 250
				switch {
				case !m.mail:
					want = 503
				case m.rcpts >= maxRcpts:
					want = 452
				}
				expect("RCPT TO:<r"+strconv.Itoa(m.rcpts)+"@x.y>", want)
				if want == 250 {
					m.rcpts++
				}
			},
			"DATA": func(t *rapid.T) {
				want := 354
				switch {
				case !m.mail:
					want = 503
				case m.rcpts == 0:
					want = 554
				}
				expect("DATA", want)
				if want == 354 {
					expect(".", 250)
					m.delivered++
					reset()
				}
			},
			"RSET": func(t *rapid.T) {
				expect("RSET", 250)
				reset()
			},
			"NOOP": func(t *rapid.T) { expect("NOOP", 250) },
			"": func(t *rapid.T) {
				if n := len(b.messages()); n != m.delivered {
					t.Fatalf("server stored %d messages, model %d", n, m.delivered)
				}
			},
		})
	})
}
