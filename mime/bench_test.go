package mime

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	stdmime "mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/applayer/applayer/internal/cputime"
)

// benchMessage returns a message of about 100 KiB with two parts: a
// quoted-printable text part and a base64 attachment.
func benchMessage() []byte {
	var text strings.Builder
	for text.Len() < 20<<10 {
		text.WriteString("Bob, here's something I collect: crêpes, galettes and cidre. Alice\n")
	}
	img := make([]byte, 60<<10)
	for i := range img {
		img[i] = byte(i*7 + i>>8)
	}
	b := Builder{
		From:        []Address{{Name: "Alice", Addr: "alice@crepes.fr"}},
		To:          []Address{{Name: "Bob", Addr: "bob@hamburger.edu"}},
		Subject:     "hello",
		MessageID:   "<1@crepes.fr>",
		Text:        text.String(),
		Attachments: []Attachment{{Filename: "crepe.jpg", ContentType: "image/jpeg", Data: img}},
	}
	msg, err := b.Bytes()
	if err != nil {
		panic(err)
	}
	return msg
}

// BenchmarkTwoPart parses the message and reads both decoded bodies, with
// this package and with net/mail plus mime/multipart (which decodes
// quoted-printable itself; base64 goes through encoding/base64).
func BenchmarkTwoPart(b *testing.B) {
	msg := benchMessage()
	b.Run("mime", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		b.ReportAllocs()
		defer reportCPU(b, cputime.Process())
		for b.Loop() {
			m := ParseBytes(msg)
			for _, p := range m.Parts {
				if _, err := io.Copy(io.Discard, p.Body()); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		b.ReportAllocs()
		defer reportCPU(b, cputime.Process())
		for b.Loop() {
			m, err := mail.ReadMessage(bufio.NewReader(bytes.NewReader(msg)))
			if err != nil {
				b.Fatal(err)
			}
			_, params, err := stdmime.ParseMediaType(m.Header.Get("Content-Type"))
			if err != nil {
				b.Fatal(err)
			}
			mr := multipart.NewReader(m.Body, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				var r io.Reader = p
				if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
					r = base64.NewDecoder(base64.StdEncoding, p)
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// reportCPU adds the process CPU time per operation (cpu-ns/op), which a
// busy machine disturbs less than wall time.
func reportCPU(b *testing.B, start time.Duration) {
	if start > 0 && b.N > 0 {
		b.ReportMetric(float64(cputime.Process()-start)/float64(b.N), "cpu-ns/op")
	}
}

// TestBenchMessage checks that both readers of the benchmark see the same
// bodies.
func TestBenchMessage(t *testing.T) {
	msg := benchMessage()
	if len(msg) < 95<<10 || len(msg) > 110<<10 {
		t.Errorf("message is %d octets, want about 100 KiB", len(msg))
	}
	m := ParseBytes(msg)
	if len(m.Parts) != 2 || len(m.Problems) != 0 {
		t.Fatalf("%d parts, problems %v", len(m.Parts), m.Problems)
	}
	ref, _ := mail.ReadMessage(bufio.NewReader(bytes.NewReader(msg)))
	mr := multipart.NewReader(ref.Body, m.Param("boundary"))
	for i, p := range m.Parts {
		sp, err := mr.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = sp
		if p.Encoding == Base64 {
			r = base64.NewDecoder(base64.StdEncoding, sp)
		}
		want, _ := io.ReadAll(r)
		got, _ := io.ReadAll(p.Body())
		if !bytes.Equal(got, want) {
			t.Errorf("part %d: bodies differ (%d vs %d octets)", i+1, len(got), len(want))
		}
	}
}

// BenchmarkDecode compares the streaming decoders with encoding/base64 and
// mime/quotedprintable on the benchmark message's bodies.
func BenchmarkDecode(b *testing.B) {
	m := ParseBytes(benchMessage())
	qp, _ := io.ReadAll(m.Parts[0].RawBody())
	b64, _ := io.ReadAll(m.Parts[1].RawBody())
	run := func(name string, data []byte, dec func(io.Reader) io.Reader) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			defer reportCPU(b, cputime.Process())
			for b.Loop() {
				if _, err := io.Copy(io.Discard, dec(bytes.NewReader(data))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	run("base64/mime", b64, NewBase64Decoder)
	run("base64/stdlib", b64, func(r io.Reader) io.Reader { return base64.NewDecoder(base64.StdEncoding, r) })
	run("qp/mime", qp, NewQPDecoder)
	run("qp/stdlib", qp, func(r io.Reader) io.Reader { return quotedprintable.NewReader(r) })
}
