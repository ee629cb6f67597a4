package mime

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestParseReaderAtMatchesBytes parses the same inputs from memory and
// through an io.ReaderAt (with lines longer than the scan buffer) and
// expects identical trees.
func TestParseReaderAtMatchesBytes(t *testing.T) {
	longLine := strings.Repeat("x", scanBufferSize*2+17)
	inputs := []string{
		crlf(nestedMsg),
		"Subject: " + longLine + "\r\n\r\nbody",
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\n\r\n" +
			longLine + "\r\n--b" + longLine + "\r\n--b--\r\n",
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n" + longLine + "--b\r\n--b--",
	}
	for _, tt := range lenientTests {
		inputs = append(inputs, tt.in)
	}
	for i, in := range inputs {
		fromBytes := ParseBytes([]byte(in))
		fromReader, err := Parse(strings.NewReader(in), int64(len(in)))
		if err != nil {
			t.Fatalf("input %d: Parse: %v", i, err)
		}
		opts := cmp.Options{
			cmpopts.IgnoreUnexported(Part{}, Message{}),
			cmpopts.IgnoreFields(Part{}, "Parent"),
			cmp.Transformer("Error", func(p *Problem) string { return p.Error() }),
		}
		if diff := cmp.Diff(fromBytes, fromReader, opts); diff != "" {
			t.Errorf("input %d: trees differ (-bytes +reader):\n%s", i, diff)
		}
		checkInvariants(t, fromReader)
	}
}

// synthReader is an io.ReaderAt over a large generated message that is
// never held in memory: a header, then a multipart with a text part and a
// base64 part made of one repeated line.
type synthReader struct {
	head, tail []byte
	line       []byte
	lines      int64
}

func newSynth(size int64) *synthReader {
	head := []byte("From: alice@crepes.fr\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n" +
		"--zz\r\nContent-Type: text/plain\r\n\r\nHello Bob.\r\n--zz\r\nContent-Type: image/jpeg\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n")
	tail := []byte("--zz--\r\n")
	line := []byte(strings.Repeat("QUJD", 19) + "\r\n") // "ABC" x 19 per line
	n := (size - int64(len(head)) - int64(len(tail))) / int64(len(line))
	return &synthReader{head: head, tail: tail, line: line, lines: n}
}

func (s *synthReader) Size() int64 {
	return int64(len(s.head)) + s.lines*int64(len(s.line)) + int64(len(s.tail))
}

func (s *synthReader) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		o := off + int64(n)
		var src []byte
		switch bodyStart, bodyEnd := int64(len(s.head)), int64(len(s.head))+s.lines*int64(len(s.line)); {
		case o < bodyStart:
			src = s.head[o:]
		case o < bodyEnd:
			src = s.line[(o-bodyStart)%int64(len(s.line)):]
		case o < s.Size():
			src = s.tail[o-bodyEnd:]
		default:
			return n, io.EOF
		}
		n += copy(p[n:], src)
	}
	return n, nil
}

// TestParseLargeMessage parses a 100 MiB message (16 MiB with -short)
// through an io.ReaderAt and checks that memory use stays small: bodies
// are not held.
func TestParseLargeMessage(t *testing.T) {
	size := int64(100 << 20)
	if testing.Short() {
		size = 16 << 20
	}
	s := newSynth(size)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err := Parse(s, s.Size())
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("parsing allocated %d bytes, want under 1 MiB", alloc)
	}
	if len(m.Problems) != 0 || len(m.Parts) != 2 {
		t.Fatalf("problems %v, %d parts", m.Problems, len(m.Parts))
	}
	img := m.Parts[1]
	if img.BodySize != s.lines*int64(len(s.line))-2 || img.Lines != s.lines {
		t.Errorf("image body size %d, lines %d; want %d, %d", img.BodySize, img.Lines, s.lines*int64(len(s.line))-2, s.lines)
	}
	if testing.Short() {
		return
	}
	n, err := io.Copy(io.Discard, img.Body())
	if err != nil || n != s.lines*57 {
		t.Errorf("decoded %d bytes, %v; want %d", n, err, s.lines*57)
	}
}

// TestMultipartVsStdlib reads every multipart in the corpus with
// mime/multipart as well and compares the parts' raw bodies and headers.
func TestMultipartVsStdlib(t *testing.T) {
	inputs := []string{crlf(nestedMsg)}
	files, _ := filepath.Glob("testdata/corpus/*.eml")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(checkNoProblems(string(b))) == 0 {
			inputs = append(inputs, string(b))
		}
	}
	for _, tt := range lenientTests {
		// mime/multipart fails on a line that starts like a delimiter but
		// has more text; RFC 2046 section 5.1.1 makes it body text.
		if len(checkNoProblems(tt.in)) == 0 && !strings.Contains(tt.in, "--b extra") {
			inputs = append(inputs, tt.in)
		}
	}
	for i, in := range inputs {
		m := ParseBytes([]byte(in))
		m.Walk(func(p *Part) error {
			if !p.IsMultipart() || len(p.Parts) == 0 {
				return nil
			}
			body, _ := io.ReadAll(p.RawBody())
			mr := multipart.NewReader(bytes.NewReader(body), p.Param("boundary"))
			for j := 0; ; j++ {
				sp, err := mr.NextRawPart()
				if err == io.EOF {
					if j != len(p.Parts) {
						t.Errorf("input %d part %q: stdlib found %d parts, we %d", i, p.Section, j, len(p.Parts))
					}
					break
				}
				if err != nil {
					t.Errorf("input %d part %q: stdlib: %v", i, p.Section, err)
					break
				}
				if j >= len(p.Parts) {
					t.Errorf("input %d part %q: stdlib found more than %d parts", i, p.Section, len(p.Parts))
					break
				}
				want, _ := io.ReadAll(sp)
				got, _ := io.ReadAll(p.Parts[j].RawBody())
				if !bytes.Equal(got, want) {
					t.Errorf("input %d part %q: body %q, stdlib %q", i, p.Parts[j].Section, got, want)
				}
				for k, vs := range sp.Header {
					if diff := cmp.Diff(collapseWS(vs), collapseWS(p.Parts[j].Header.Values(k))); diff != "" {
						t.Errorf("input %d part %q field %s (-stdlib +ours):\n%s", i, p.Parts[j].Section, k, diff)
					}
				}
			}
			return nil
		})
	}
}

func checkNoProblems(in string) []*Problem { return ParseBytes([]byte(in)).Problems }

func BenchmarkParseLarge(b *testing.B) {
	s := newSynth(8 << 20)
	b.SetBytes(s.Size())
	for b.Loop() {
		m, _ := Parse(s, s.Size())
		io.Copy(io.Discard, m.Parts[1].Body())
	}
}

// failingReaderAt fails after n octets.
type failingReaderAt struct {
	data []byte
	n    int64
	err  error
}

func (f failingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= f.n {
		return 0, f.err
	}
	k := copy(p, f.data[off:min(int64(len(f.data)), f.n)])
	if off+int64(k) >= f.n {
		return k, f.err
	}
	return k, nil
}

func TestParseReadError(t *testing.T) {
	msg := []byte(crlf(nestedMsg))
	boom := errors.New("disk on fire")
	m, err := Parse(failingReaderAt{msg, 300, boom}, int64(len(msg)))
	if !errors.Is(err, boom) || m == nil {
		t.Errorf("Parse with a failing reader: %v, %v", m, err)
	}
	m, err = Parse(failingReaderAt{msg, 300, io.EOF}, int64(len(msg)))
	if !errors.Is(err, io.ErrUnexpectedEOF) || m == nil {
		t.Errorf("Parse of a short reader: %v, %v", m, err)
	}
	checkInvariants(t, &Message{Part: m.Part, size: m.Size()})
}

// TestConcurrentReads reads every body of one tree from several
// goroutines (run with -race).
func TestConcurrentReads(t *testing.T) {
	m := ParseBytes([]byte(crlf(nestedMsg)))
	want := flatten(t, m)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := flattenLenient(m); !cmp.Equal(got, want) {
				t.Errorf("concurrent read differs: %v", got)
			}
		}()
	}
	wg.Wait()
}
