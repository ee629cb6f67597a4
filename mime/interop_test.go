package mime

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// requirePeer finds a peer program: a missing one skips the test, unless
// APPLAYER_INTEROP=require, where it fails.
func requirePeer(t *testing.T, bin string) string {
	t.Helper()
	path, err := exec.LookPath(bin)
	if err != nil {
		if os.Getenv("APPLAYER_INTEROP") == "require" {
			t.Fatalf("%s not found and APPLAYER_INTEROP=require: %v", bin, err)
		}
		t.Skipf("%s not installed; skipping interop test (set APPLAYER_INTEROP=require to fail instead)", bin)
	}
	return path
}

// pyWalk prints, for each part Python's email package finds, its content
// type, file name and decoded payload.
const pyWalk = `
import email, email.policy, json, sys
msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
out = []
for p in msg.walk():
    body = None
    if not p.is_multipart() and p.get_content_maintype() != "message":
        body = p.get_payload(decode=True).decode("latin-1")
    out.append({"type": p.get_content_type(), "filename": p.get_filename() or "", "body": body,
                "defects": [type(d).__name__ for d in p.defects]})
json.dump({"subject": str(msg["subject"]), "parts": out}, sys.stdout)
`

type pyPart struct {
	Type     string   `json:"type"`
	Filename string   `json:"filename"`
	Body     *string  `json:"body"`
	Defects  []string `json:"defects"`
}

// TestBuilderVsPythonEmail builds messages and has Python's email package
// parse them: it must see the same parts and bodies, and no defects.
func TestBuilderVsPythonEmail(t *testing.T) {
	py := requirePeer(t, "python3")
	b := Builder{
		From:    []Address{{Name: "Alice Crêpe", Addr: "alice@crepes.fr"}},
		To:      []Address{{Addr: "bob@hamburger.edu"}},
		Subject: "Crêpes et résumé",
		Text:    "Bob,\nHere's something I collect.\nAlice\n",
		HTML:    "<p>Voilà une crêpe <img src=\"cid:c1\"></p>",
		Inline:  []Attachment{{ContentType: "image/jpeg", ContentID: "c1", Data: []byte("\xff\xd8\xff\xe0 not really a jpeg")}},
		Attachments: []Attachment{
			{Filename: "naïve résumé — a very long file name that needs RFC 2231 continuations.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("é\n")},
		},
	}
	msg, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "-c", pyWalk)
	cmd.Stdin = bytes.NewReader(msg)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	var res struct {
		Subject string   `json:"subject"`
		Parts   []pyPart `json:"parts"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("python output %q: %v", out, err)
	}
	if res.Subject != b.Subject {
		t.Errorf("python reads Subject %q, want %q", res.Subject, b.Subject)
	}
	var want []pyPart
	m := ParseBytes(msg)
	m.Walk(func(p *Part) error {
		pp := pyPart{Type: p.MediaType(), Filename: p.Filename(), Defects: []string{}}
		if !p.IsMultipart() && p.Type != "message" {
			body, _ := io.ReadAll(p.Body())
			s := latin1(body)
			pp.Body = &s
		}
		want = append(want, pp)
		return nil
	})
	if diff := cmp.Diff(want, res.Parts); diff != "" {
		t.Errorf("python sees (-ours +python):\n%s", diff)
	}
}

// latin1 maps octets to the runes of the same value, as Python's
// decode("latin-1") does.
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// pyBuild composes a message with Python's email package and prints a JSON
// description of its parts on the first line, then the message.
const pyBuild = `
import email.message, email.policy, json, sys
m = email.message.EmailMessage(policy=email.policy.SMTP)
m["From"] = "Zoë Crêpe <zoe@crepes.fr>"
m["To"] = "Bob <bob@hamburger.edu>, undisclosed: ;"
m["Subject"] = ("Crêpes: a long subject line with accents, éèê, that Python folds and encodes " * 2).strip()
m.set_content("Bob,\nvoilà la recette.\n" + "ligne très longue " * 20 + "\n")
m.add_alternative("<p>Voilà la recette.</p>", subtype="html")
m.add_attachment(bytes(range(256)) * 3, maintype="application", subtype="octet-stream",
                 filename="données d'été — très longues.bin")
m.add_attachment("ingrédients\n".encode("utf-8"), maintype="text", subtype="plain", filename="recette.txt")
wire = m.as_bytes()
parts = []
# Describe the message as Python reads it back from the wire.
for p in email.message_from_bytes(wire, policy=email.policy.default).walk():
    body = None
    if not p.is_multipart():
        body = p.get_payload(decode=True).decode("latin-1")
    parts.append({"type": p.get_content_type(), "filename": p.get_filename() or "", "body": body, "defects": []})
sys.stdout.write(json.dumps({"subject": str(m["subject"]), "parts": parts}) + "\n")
sys.stdout.flush()
sys.stdout.buffer.write(wire)
`

// TestParsePythonEmail parses a message composed by Python's email package
// and expects the same parts, file names and bodies as Python reports.
func TestParsePythonEmail(t *testing.T) {
	py := requirePeer(t, "python3")
	out, err := exec.Command(py, "-c", pyBuild).Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	first, msg, ok := bytes.Cut(out, []byte("\n"))
	if !ok {
		t.Fatalf("python output %q", out)
	}
	var want struct {
		Subject string   `json:"subject"`
		Parts   []pyPart `json:"parts"`
	}
	if err := json.Unmarshal(first, &want); err != nil {
		t.Fatal(err)
	}
	m := ParseBytes(msg)
	if len(m.Problems) != 0 {
		t.Errorf("problems: %v", m.Problems)
	}
	if got := m.Header.Text("Subject"); got != want.Subject {
		t.Errorf("Subject = %q, Python %q", got, want.Subject)
	}
	var got []pyPart
	m.Walk(func(p *Part) error {
		pp := pyPart{Type: p.MediaType(), Filename: p.Filename(), Defects: []string{}}
		if !p.IsMultipart() {
			body, err := io.ReadAll(p.Body())
			if err != nil {
				t.Errorf("part %s: %v", p.Section, err)
			}
			s := latin1(body)
			pp.Body = &s
		}
		got = append(got, pp)
		return nil
	})
	if diff := cmp.Diff(want.Parts, got); diff != "" {
		t.Errorf("parts mismatch (-python +ours):\n%s", diff)
	}
	from, err := ParseAddressList(m.Header.Get("From"))
	if err != nil || len(from) != 1 || from[0].Name != "Zoë Crêpe" {
		t.Errorf("From = %+v, %v", from, err)
	}
}
