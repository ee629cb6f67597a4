package mime

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/corpus")

// dumpMessage describes a parsed message for the golden files: its
// outline, its envelope with decoded names and subject, and each leaf's
// decoded content.
func dumpMessage(m *Message) string {
	var b strings.Builder
	WriteOutline(&b, m)
	env := m.Header.Envelope()
	fmt.Fprintf(&b, "subject: %q\n", m.Header.Text("Subject"))
	if d, err := ParseDate(env.Date); err == nil {
		fmt.Fprintf(&b, "date: %s\n", d.UTC().Format("2006-01-02 15:04:05Z"))
	} else if env.Date != "" {
		fmt.Fprintf(&b, "date: %v\n", err)
	}
	for _, l := range []struct {
		name string
		list []Address
	}{{"from", env.From}, {"sender", env.Sender}, {"reply-to", env.ReplyTo}, {"to", env.To}, {"cc", env.Cc}} {
		if l.list != nil {
			fmt.Fprintf(&b, "%s: %s\n", l.name, dumpAddresses(l.list))
		}
	}
	if ids, err := ParseMessageIDList(env.InReplyTo); err == nil {
		fmt.Fprintf(&b, "in-reply-to: %q\n", ids)
	}
	m.Walk(func(p *Part) error {
		if p.IsMultipart() || p.Message != nil {
			return nil
		}
		label := p.Section
		if label == "" {
			label = "-"
		}
		if p.Type == "text" {
			r, err := p.Text()
			if err != nil {
				fmt.Fprintf(&b, "%s: %v\n", label, err)
				return nil
			}
			t, err := io.ReadAll(r)
			fmt.Fprintf(&b, "%s: %q", label, t)
			if err != nil {
				fmt.Fprintf(&b, " (%v)", err)
			}
			b.WriteString("\n")
			return nil
		}
		data, err := io.ReadAll(p.Body())
		fmt.Fprintf(&b, "%s: %d octets % x", label, len(data), data[:min(len(data), 8)])
		if err != nil {
			fmt.Fprintf(&b, " (%v)", err)
		}
		b.WriteString("\n")
		return nil
	})
	return b.String()
}

func dumpAddresses(list []Address) string {
	var parts []string
	for _, a := range list {
		if a.Group {
			parts = append(parts, fmt.Sprintf("group %q: [%s]", a.Name, dumpAddresses(a.Members)))
			continue
		}
		parts = append(parts, fmt.Sprintf("%q <%s>", a.Name, a.Addr))
	}
	return strings.Join(parts, ", ")
}

// TestCorpus parses each message of testdata/corpus (real-world oddities)
// and compares the result with its .golden file. Run with -update to
// rewrite them after a deliberate change, then review the diff.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/corpus/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m := ParseBytes(data)
			checkInvariants(t, m)
			got := dumpMessage(m)
			golden := strings.TrimSuffix(f, ".eml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestCorpus -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s mismatch (-golden +got):\n%s", f, diff)
			}
			// The same through an io.ReaderAt.
			m2, err := Parse(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			if got2 := dumpMessage(m2); got2 != got {
				t.Errorf("ReaderAt parse differs:\n%s", cmp.Diff(got, got2))
			}
		})
	}
}
