package imap

import (
	"context"
	"io"
	"net"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// smallReader uses tiny limits so the fuzzer reaches the limit paths.
func smallReader(b []byte) *Reader {
	r := readerOf(b)
	r.MaxLineLength = 256
	r.MaxLiteralSize = 128
	r.MaxCommandSize = 1024
	r.MaxDepth = 8
	return r
}

func FuzzReadCommand(f *testing.F) {
	for _, s := range []string{
		"a1 NOOP\r\n", "a2 LOGIN bob \"p a\\\"ss\"\r\n", "a3 LOGIN {3}\r\nbob {4+}\r\npass\r\n",
		"a4 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100>)\r\n",
		"a5 STORE 2 +FLAGS.SILENT (\\Seen \\Deleted)\r\n", "a6 LIST \"\" %/*\r\n",
		"a7 SEARCH OR (FROM bob SINCE 1-Feb-1994) NOT 1:3\r\n", "a9 X ~{2}\r\na\x00\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cmd, err := ReadCommand(smallReader(b))
		if err != nil {
			return
		}
		// Exercise the typed parsers; they must not panic.
		if len(cmd.Args) > 0 {
			ParseSearch(cmd.Args, 8)
			ParseFetchItems(cmd.Args[len(cmd.Args)-1])
			ParseStoreAction(cmd.Args[1:])
		}
		if !validTag(cmd.Tag) {
			return
		}
		out := AppendCommand(nil, cmd, true)
		again, err := ReadCommand(readerOf(out))
		if err != nil {
			t.Fatalf("re-reading %q (from %q): %v", out, b, err)
		}
		if diff := cmp.Diff(cmd, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip of %q mismatch (-want +got):\n%s", b, diff)
		}
	})
}

func FuzzReadResponse(f *testing.F) {
	for _, s := range []string{
		"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n", "* 172 EXISTS\r\n", "+ Ready\r\n",
		"* 12 FETCH (FLAGS (\\Seen) BODY[1] {5}\r\nhello UID 9)\r\n",
		"* 1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)(\"IMAGE\" \"PNG\" NIL NIL NIL \"BASE64\" 4554) \"MIXED\"))\r\n",
		"* 2 FETCH (ENVELOPE (\"date\" \"subj\" ((\"Bob\" NIL \"bob\" \"example.org\")) NIL NIL NIL NIL NIL NIL \"<id>\"))\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		resp, err := ReadResponse(smallReader(b))
		if err != nil {
			return
		}
		if resp.Name == "FETCH" {
			ParseFetchData(resp.Num, resp.Args)
		}
		_ = AppendResponse(nil, resp)
	})
}

func FuzzParseFetchItem(f *testing.F) {
	for _, s := range []string{"FLAGS", "BODY.PEEK[1.2]<0.512>", "BODY[HEADER.FIELDS (From To)]", "BINARY[1]", "BODY[2.MIME]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		it, err := ParseFetchItem(s)
		if err != nil {
			return
		}
		again, err := ParseFetchItem(it.String())
		if err != nil {
			t.Fatalf("ParseFetchItem(%q) of %q: %v", it.String(), s, err)
		}
		if diff := cmp.Diff(it, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip of %q mismatch (-want +got):\n%s", s, diff)
		}
	})
}

// FuzzServerSession feeds arbitrary client input to a logged-in server
// session with a selected mailbox: it must answer and end, never panic or
// hang, whatever the bytes.
func FuzzServerSession(f *testing.F) {
	for _, s := range []string{
		"a1 FETCH 1:* (FLAGS BODY.PEEK[1.MIME] BODYSTRUCTURE ENVELOPE BINARY[2] BODY[HEADER.FIELDS (FROM)]<0.10>)\r\n",
		"a2 SEARCH OR (FROM alice SINCE 1-Feb-1994) NOT 1:3 TEXT {3}\r\nfoo\r\n",
		"a3 STORE 1 +FLAGS (\\Deleted)\r\na4 EXPUNGE\r\na5 UID MOVE 1:* INBOX\r\n",
		"a6 APPEND INBOX {5+}\r\nhello\r\na7 LIST \"\" *\r\na8 IDLE\r\nDONE\r\n",
		"a9 RENAME INBOX X\r\nb1 CREATE a/b/c\r\nb2 DELETE a\r\nb3 STATUS X (MESSAGES SIZE)\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		be := NewMemBackend()
		be.AddUser("bob", "hungry")
		be.Deliver("bob", Inbox, []byte(mixedMsg))
		srv := &Server{Backend: be, AllowInsecureAuth: true, MaxMessageBytes: 4096, MaxLineLength: 1024}
		cc, sc := net.Pipe()
		done := make(chan struct{})
		go func() { srv.ServeConn(context.Background(), sc); close(done) }()
		go io.Copy(io.Discard, cc)
		cc.Write([]byte("l1 LOGIN bob hungry\r\nl2 SELECT INBOX\r\n"))
		cc.Write(in)
		cc.Write([]byte("\r\nDONE\r\nz9 LOGOUT\r\n"))
		cc.Close()
		<-done
	})
}
