package textwire

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

func TestReadLine(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		limit   int
		bareLF  bool
		want    []string
		wantErr error // error after the wanted lines
	}{
		{name: "two lines", in: "a\r\nbc\r\n", want: []string{"a", "bc"}, wantErr: io.EOF},
		{name: "empty line", in: "\r\n", want: []string{""}, wantErr: io.EOF},
		{name: "bare LF strict", in: "a\n", wantErr: ErrBareLF},
		{name: "bare LF lenient", in: "a\nb\r\n", bareLF: true, want: []string{"a", "b"}, wantErr: io.EOF},
		{name: "at the limit", in: "12345678\r\n", limit: 10, want: []string{"12345678"}, wantErr: io.EOF},
		{name: "over the limit", in: "123456789\r\nok\r\n", limit: 10, wantErr: ErrLineTooLong},
		{name: "unterminated", in: "abc", wantErr: io.ErrUnexpectedEOF},
		{name: "CR inside kept", in: "a\rb\r\n", want: []string{"a\rb"}, wantErr: io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in), tt.limit)
			r.AllowBareLF = tt.bareLF
			var got []string
			var err error
			for {
				var line string
				line, err = r.ReadLineString()
				if err != nil {
					break
				}
				got = append(got, line)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("lines mismatch (-want +got):\n%s", diff)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("final error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestReadLineResyncsAfterLongLine(t *testing.T) {
	long := strings.Repeat("x", 10000)
	r := NewReader(strings.NewReader(long+"\r\nnext\r\n"), 100)
	if _, err := r.ReadLine(); !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("ReadLine = %v, want ErrLineTooLong", err)
	}
	if line, err := r.ReadLineString(); err != nil || line != "next" {
		t.Errorf("after a long line: %q, %v; want next", line, err)
	}
	if r.R.Size() > 4096 {
		t.Errorf("buffer grew to %d", r.R.Size())
	}
}

func TestReadReply(t *testing.T) {
	tests := []struct {
		in   string
		want *Reply
	}{
		{"220 mx.example ESMTP\r\n", &Reply{Code: 220, Lines: []string{"mx.example ESMTP"}}},
		{"250-mx.example\r\n250-SIZE 100\r\n250 PIPELINING\r\n", &Reply{Code: 250, Lines: []string{"mx.example", "SIZE 100", "PIPELINING"}}},
		{"221\r\n", &Reply{Code: 221, Lines: []string{""}}},
		// RFC 959: middle lines need not carry the code.
		{"211-Features:\r\n MDTM\r\n SIZE\r\n211 End\r\n", &Reply{Code: 211, Lines: []string{"Features:", " MDTM", " SIZE", "End"}}},
	}
	for _, tt := range tests {
		got, err := NewReader(strings.NewReader(tt.in), 0).ReadReply()
		if err != nil {
			t.Errorf("ReadReply(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ReadReply(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
	for _, bad := range []string{"2x0 hi\r\n", "25\r\n", "250_x\r\n", "650 no\r\n", "hello\r\n"} {
		_, err := NewReader(strings.NewReader(bad), 0).ReadReply()
		var se *ReplySyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ReadReply(%q) = %v, want ReplySyntaxError", bad, err)
		}
	}
}

func TestAppendReply(t *testing.T) {
	tests := []struct {
		code  int
		lines []string
		want  string
	}{
		{250, []string{"OK"}, "250 OK\r\n"},
		{250, []string{"a", "b"}, "250-a\r\n250 b\r\n"},
		{221, nil, "221\r\n"},
		{500, []string{"evil\r\n250 injected"}, "500 evil  250 injected\r\n"},
	}
	for _, tt := range tests {
		if got := string(AppendReply(nil, tt.code, tt.lines...)); got != tt.want {
			t.Errorf("AppendReply(%d, %q) = %q, want %q", tt.code, tt.lines, got, tt.want)
		}
	}
}

func TestDotReader(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		max     int64
		want    string
		wantErr error
		rest    string
	}{
		{name: "simple", in: "Hi\r\n.\r\nQUIT\r\n", want: "Hi\r\n", rest: "QUIT"},
		{name: "unstuffed", in: "..leading\r\n.\r\n", want: ".leading\r\n"},
		{name: "empty", in: ".\r\n", want: ""},
		{name: "too large drains", in: "aaaa\r\nbbbb\r\n.\r\nNEXT\r\n", max: 7, want: "", wantErr: ErrMessageTooLarge, rest: "NEXT"},
		{name: "unterminated", in: "abc\r\n", wantErr: io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in), 0)
			got, err := io.ReadAll(r.DotReader(tt.max))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if tt.rest != "" {
				if line, _ := r.ReadLineString(); line != tt.rest {
					t.Errorf("next line %q, want %q", line, tt.rest)
				}
			}
		})
	}
}

func TestDotWriter(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hi\r\n", "Hi\r\n.\r\n"},
		{"Hi", "Hi\r\n.\r\n"},
		{".x\n.\n", "..x\r\n..\r\n.\r\n"},
		{"", ".\r\n"},
		{"a\rb\r\n", "a\rb\r\n.\r\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		w := NewWriter(&buf)
		dw := w.DotWriter()
		io.WriteString(dw, tt.in)
		dw.Close()
		w.Flush()
		if buf.String() != tt.want {
			t.Errorf("DotWriter(%q) wrote %q, want %q", tt.in, buf.String(), tt.want)
		}
	}
}

func TestWriteLineRefusesLineBreaks(t *testing.T) {
	w := NewWriter(io.Discard)
	if err := w.WriteLine("RCPT TO:<a>\r\nDATA"); !errors.Is(err, ErrBadLine) {
		t.Errorf("WriteLine with CRLF = %v, want ErrBadLine", err)
	}
}

// Property: any list of lines without CR or LF, each within the limit,
// reads back exactly.
func TestReadLineProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		limit := rapid.IntRange(3, 300).Draw(t, "limit")
		lines := rapid.SliceOf(rapid.StringMatching(`[^\r\n]{0,400}`)).Draw(t, "lines")
		var in bytes.Buffer
		for _, l := range lines {
			in.WriteString(l + "\r\n")
		}
		r := NewReader(&in, limit)
		for i, l := range lines {
			got, err := r.ReadLineString()
			if len(l)+2 > limit {
				if !errors.Is(err, ErrLineTooLong) {
					t.Fatalf("line %d (%d bytes, limit %d): %v, want ErrLineTooLong", i, len(l), limit, err)
				}
				continue
			}
			if err != nil || got != l {
				t.Fatalf("line %d = %q, %v; want %q", i, got, err, l)
			}
		}
		if _, err := r.ReadLine(); err != io.EOF {
			t.Fatalf("after the last line: %v, want EOF", err)
		}
	})
}

// Property: whatever a DotWriter writes, a DotReader reads back, with line
// ends normalised to CRLF.
func TestDotRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lines := rapid.SliceOf(rapid.StringMatching(`\.?[^\r\n]{0,60}`)).Draw(t, "lines")
		body := strings.Join(lines, "\r\n")
		var wire bytes.Buffer
		w := NewWriter(&wire)
		dw := w.DotWriter()
		io.WriteString(dw, body)
		dw.Close()
		w.Flush()
		got, err := io.ReadAll(NewReader(&wire, 0).DotReader(0))
		if err != nil {
			t.Fatal(err)
		}
		// The writer ends an unfinished last line.
		want := body
		if want != "" && !strings.HasSuffix(want, "\r\n") {
			want += "\r\n"
		}
		if string(got) != want {
			t.Fatalf("round trip of %q gave %q", want, got)
		}
	})
}

// Property: AppendReply's output parses back to the same reply.
func TestReplyRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		code := rapid.IntRange(100, 599).Draw(t, "code")
		lines := rapid.SliceOfN(rapid.StringMatching(`[^\r\n]{1,40}`), 1, 5).Draw(t, "lines")
		wire := AppendReply(nil, code, lines...)
		got, err := NewReader(bufio.NewReader(bytes.NewReader(wire)), 0).ReadReply()
		if err != nil {
			t.Fatal(err)
		}
		want := &Reply{Code: code, Lines: lines}
		// Middle lines that themselves look like "NNN text" with another
		// code are still this reply's lines, kept whole.
		if got.Code != want.Code || len(got.Lines) != len(want.Lines) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		if got.Lines[len(got.Lines)-1] != lines[len(lines)-1] {
			t.Fatalf("last line %q, want %q", got.Lines[len(got.Lines)-1], lines[len(lines)-1])
		}
	})
}

// BenchmarkDotReader reads a 1000-line block: steady state must not
// allocate per line.
func BenchmarkDotReader(b *testing.B) {
	var block bytes.Buffer
	for range 1000 {
		block.WriteString("a line of a message body, about sixty characters long....\r\n")
	}
	block.WriteString(".\r\n")
	wire := block.Bytes()
	buf := make([]byte, 4096)
	b.ReportAllocs()
	b.SetBytes(int64(len(wire)))
	for b.Loop() {
		r := NewReader(bytes.NewReader(wire), 0)
		dr := r.DotReader(0)
		for {
			if _, err := dr.Read(buf); err != nil {
				break
			}
		}
	}
}
