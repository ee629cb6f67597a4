package imap

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/textproto"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fetchBodyStructureResponse is a FETCH response as a server sends it for
// the crepe message: flags, size, envelope and BODYSTRUCTURE.
func fetchBodyStructureResponse() []byte {
	m := parseForTest(mixedMsg)
	resp := &Response{Tag: "*", Num: 1, Name: "FETCH", Args: []Value{List{
		Atom("UID"), Atom("1"), Atom("FLAGS"), List{Atom(`\Seen`)}, Atom("RFC822.SIZE"), Atom("650"),
		Atom("ENVELOPE"), envelopeOf(m.Header).Value(),
		Atom("BODYSTRUCTURE"), bodyStructure([]byte(mixedMsg), m.Part).Value(true),
	}}}
	return AppendResponse(nil, resp)
}

// BenchmarkParseFetchBodyStructure parses a FETCH response with ENVELOPE
// and BODYSTRUCTURE into FetchData. The stdlib has no IMAP parser; the
// reference is net/textproto reading the same bytes as a line, the floor
// any parser pays.
func BenchmarkParseFetchBodyStructure(b *testing.B) {
	data := fetchBodyStructureResponse()
	b.Run("imap", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		br := bufio.NewReader(nil)
		rd := bytes.NewReader(data)
		for b.Loop() {
			rd.Reset(data)
			br.Reset(rd)
			r := NewReader(br)
			resp, err := ReadResponse(r)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := ParseFetchData(resp.Num, resp.Args); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("textproto-line", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		br := bufio.NewReader(nil)
		rd := bytes.NewReader(data)
		for b.Loop() {
			rd.Reset(data)
			br.Reset(rd)
			if _, err := textproto.NewReader(br).ReadLine(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

const benchMessages = 10000

// BenchmarkFetchHeaders10k fetches BODY.PEEK[HEADER] of 10,000 messages in
// one command through our client: from our server (in-memory backend) and,
// when installed, from Dovecot with the same messages.
func BenchmarkFetchHeaders10k(b *testing.B) {
	msg := func(i int) []byte {
		return fmt.Appendf(nil, "From: Alice <alice@crepes.fr>\r\nTo: bob@hamburger.edu\r\nSubject: message %d\r\nMessage-ID: <%d@crepes.fr>\r\nDate: Mon, 18 Sep 2006 19:40:19 -0400\r\n\r\nDo you like ketchup?\r\n", i, i)
	}
	run := func(b *testing.B, addr, user, pass string) {
		ctx := context.Background()
		c, err := Dial(ctx, addr, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		if err := c.Login(ctx, user, pass); err != nil {
			b.Fatal(err)
		}
		sd, err := c.Select(ctx, Inbox, true)
		if err != nil {
			b.Fatal(err)
		}
		if sd.Messages != benchMessages {
			b.Fatalf("mailbox has %d messages", sd.Messages)
		}
		item := FetchItem{Name: FetchBody, Peek: true, Section: &Section{Specifier: "HEADER"}}
		c.Fetch(ctx, SeqSet{{1, 0}}, false, item) // warm caches and indexes
		b.ReportAllocs()
		for b.Loop() {
			got, err := c.Fetch(ctx, SeqSet{{1, 0}}, false, item)
			if err != nil || len(got) != benchMessages {
				b.Fatalf("Fetch: %d messages, %v", len(got), err)
			}
		}
	}
	b.Run("applayer", func(b *testing.B) {
		be := NewMemBackend()
		be.AddUser("bob", "hungry")
		mb, _ := be.users["bob"].Mailbox(context.Background(), Inbox)
		for i := range benchMessages {
			mb.Append(context.Background(), msg(i), nil, time.Time{})
		}
		srv := &Server{Backend: be, AllowInsecureAuth: true}
		run(b, serveLoopback(b, srv), "bob", "hungry")
	})
	b.Run("dovecot", func(b *testing.B) {
		addr := startDovecotSeeded(b, func(dir string) {
			for i := range benchMessages {
				os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.M%dP1.bench", 1700000000+i, i)), msg(i), 0o644)
			}
		})
		run(b, addr, "alice", "secret")
	})
}
