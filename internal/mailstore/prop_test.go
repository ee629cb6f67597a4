package mailstore

import (
	"context"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// mFolder is the model of one folder: what the store must show.
type mFolder struct {
	next     uint32
	validity uint32 // 0 until first observed
	msgs     map[uint32]*mMsg
}

type mMsg struct {
	body  string
	flags []string
}

type storeMachine struct {
	s       *Store
	dir     string
	folders map[string]*mFolder
	seenV   map[uint32]bool // every UIDVALIDITY ever observed
}

var ctx0 = context.Background()

func (m *storeMachine) names() []string {
	return slices.Sorted(maps.Keys(m.folders))
}

func (m *storeMachine) pickFolder(t *rapid.T, label string) string {
	return rapid.SampledFrom(m.names()).Draw(t, label)
}

func (m *storeMachine) pickUIDs(t *rapid.T, f *mFolder) []uint32 {
	// Existing UIDs plus one that never existed.
	cands := append(slices.Sorted(maps.Keys(f.msgs)), f.next+5)
	return rapid.SliceOfDistinct(rapid.SampledFrom(cands), func(u uint32) uint32 { return u }).Draw(t, "uids")
}

var modelFlags = []string{FlagSeen, FlagDeleted, FlagFlagged, "Work", "$Junk"}

func (m *storeMachine) Deliver(t *rapid.T) {
	name := m.pickFolder(t, "folder")
	body := rapid.StringMatching(`[a-z\r\n.]{0,40}`).Draw(t, "body")
	flags := rapid.SliceOfDistinct(rapid.SampledFrom(modelFlags), func(s string) string { return s }).Draw(t, "flags")
	msg, err := m.s.Append(ctx0, "bob", name, strings.NewReader(body), AppendOptions{Flags: flags})
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	f := m.folders[name]
	if msg.UID != f.next {
		t.Fatalf("Append UID = %d, want %d", msg.UID, f.next)
	}
	nf, _ := normFlags(flags)
	f.msgs[f.next] = &mMsg{body: body, flags: nf}
	f.next++
}

func (m *storeMachine) SetFlags(t *rapid.T) {
	name := m.pickFolder(t, "folder")
	f := m.folders[name]
	uids := m.pickUIDs(t, f)
	op := rapid.SampledFrom([]FlagOp{FlagsAdd, FlagsRemove, FlagsReplace}).Draw(t, "op")
	flags := rapid.SliceOfDistinct(rapid.SampledFrom(modelFlags), func(s string) string { return s }).Draw(t, "flags")
	if _, err := m.s.SetFlags(ctx0, "bob", name, uids, op, flags); err != nil {
		t.Fatalf("SetFlags: %v", err)
	}
	nf, _ := normFlags(flags)
	for _, u := range uids {
		if msg := f.msgs[u]; msg != nil {
			msg.flags = applyFlags(msg.flags, op, nf)
		}
	}
}

func (m *storeMachine) Expunge(t *rapid.T) {
	name := m.pickFolder(t, "folder")
	f := m.folders[name]
	var uids []uint32
	if rapid.Bool().Draw(t, "subset") {
		uids = m.pickUIDs(t, f)
		if uids == nil {
			uids = []uint32{}
		}
	}
	got, err := m.s.Expunge(ctx0, "bob", name, uids)
	if err != nil {
		t.Fatalf("Expunge: %v", err)
	}
	var want []uint32
	for _, u := range slices.Sorted(maps.Keys(f.msgs)) {
		if hasFlag(f.msgs[u].flags, FlagDeleted) && (uids == nil || slices.Contains(uids, u)) {
			want = append(want, u)
			delete(f.msgs, u)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Expunge mismatch (-want +got):\n%s", diff)
	}
}

func (m *storeMachine) copyOrMove(t *rapid.T, move bool) {
	src := m.pickFolder(t, "src")
	dst := m.pickFolder(t, "dst")
	if move && src == dst {
		t.Skip("move into the same folder")
	}
	sf, df := m.folders[src], m.folders[dst]
	uids := m.pickUIDs(t, sf)
	var res CopyResult
	var err error
	if move {
		res, err = m.s.Move(ctx0, "bob", src, uids, dst)
	} else {
		res, err = m.s.Copy(ctx0, "bob", src, uids, dst)
	}
	if err != nil {
		t.Fatalf("Copy/Move: %v", err)
	}
	var wantSrc, wantDst []uint32
	before := maps.Clone(sf.msgs) // a copy into the same folder must not see its own new messages
	for _, u := range uids {
		msg := before[u]
		if msg == nil {
			continue
		}
		wantSrc = append(wantSrc, u)
		wantDst = append(wantDst, df.next)
		df.msgs[df.next] = &mMsg{body: msg.body, flags: slices.Clone(msg.flags)}
		df.next++
	}
	if move {
		for _, u := range wantSrc {
			delete(sf.msgs, u)
		}
	}
	if diff := cmp.Diff(wantSrc, res.Src); diff != "" {
		t.Fatalf("Src mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantDst, res.Dst); diff != "" {
		t.Fatalf("Dst mismatch (-want +got):\n%s", diff)
	}
}

func (m *storeMachine) Copy(t *rapid.T) { m.copyOrMove(t, false) }
func (m *storeMachine) Move(t *rapid.T) { m.copyOrMove(t, true) }

var modelNames = []string{"A", "B", "A/C", "B/D", "A/C/E", "INBOX"}

func (m *storeMachine) Create(t *rapid.T) {
	name := rapid.SampledFrom(modelNames).Draw(t, "name")
	err := m.s.Create(ctx0, "bob", name)
	if m.folders[name] != nil {
		if !errors.Is(err, ErrFolderExists) {
			t.Fatalf("Create(existing %q) = %v", name, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Create(%q) = %v", name, err)
	}
	m.createWithParents(name)
}

func (m *storeMachine) createWithParents(name string) {
	parts := strings.Split(name, "/")
	for i := range parts {
		n := strings.Join(parts[:i+1], "/")
		if m.folders[n] == nil {
			m.folders[n] = &mFolder{next: 1, msgs: map[uint32]*mMsg{}}
		}
	}
}

func (m *storeMachine) Delete(t *rapid.T) {
	name := m.pickFolder(t, "name")
	err := m.s.Delete(ctx0, "bob", name)
	if name == Inbox {
		if !errors.Is(err, ErrInbox) {
			t.Fatalf("Delete(INBOX) = %v", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Delete(%q) = %v", name, err)
	}
	delete(m.folders, name)
}

func (m *storeMachine) Rename(t *rapid.T) {
	from := m.pickFolder(t, "from")
	to := rapid.SampledFrom(modelNames).Draw(t, "to")
	moves := map[string]string{from: to}
	if from != Inbox {
		for n := range m.folders {
			if strings.HasPrefix(n, from+"/") {
				moves[n] = to + strings.TrimPrefix(n, from)
			}
		}
	}
	for _, nn := range moves {
		if m.folders[nn] != nil || nn == Inbox {
			t.Skip("target exists")
		}
	}
	if strings.HasPrefix(to, from+"/") {
		t.Skip("into itself")
	}
	if err := m.s.Rename(ctx0, "bob", from, to); err != nil {
		t.Fatalf("Rename(%q, %q) = %v", from, to, err)
	}
	if from == Inbox {
		m.createWithParents(to)
		in, nf := m.folders[Inbox], m.folders[to]
		for _, u := range slices.Sorted(maps.Keys(in.msgs)) {
			nf.msgs[nf.next] = in.msgs[u]
			nf.next++
		}
		in.msgs = map[uint32]*mMsg{}
		return
	}
	old := map[string]*mFolder{}
	for f := range moves {
		old[f] = m.folders[f]
		delete(m.folders, f)
	}
	for f, nn := range moves {
		m.folders[nn] = old[f]
	}
	if i := strings.LastIndex(to, "/"); i > 0 {
		m.createWithParents(to[:i])
	}
}

func (m *storeMachine) Reopen(t *rapid.T) {
	s, err := Open(m.dir)
	if err != nil {
		t.Fatal(err)
	}
	s.noSync = true
	m.s = s
}

func (m *storeMachine) Check(t *rapid.T) {
	got, err := m.s.Folders(ctx0, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m.names(), got); diff != "" {
		t.Fatalf("Folders mismatch (-want +got):\n%s", diff)
	}
	for _, name := range m.names() {
		f := m.folders[name]
		snap, err := m.s.List(ctx0, "bob", name)
		if err != nil {
			t.Fatal(err)
		}
		if f.validity == 0 {
			if m.seenV[snap.UIDValidity] {
				t.Fatalf("%s: UIDVALIDITY %d reused", name, snap.UIDValidity)
			}
			f.validity = snap.UIDValidity
			m.seenV[snap.UIDValidity] = true
		} else if snap.UIDValidity != f.validity {
			t.Fatalf("%s: UIDVALIDITY changed %d -> %d", name, f.validity, snap.UIDValidity)
		}
		if snap.UIDNext != f.next {
			t.Fatalf("%s: UIDNEXT = %d, want %d", name, snap.UIDNext, f.next)
		}
		type mm struct {
			UID   uint32
			Flags []string
			Size  int64
		}
		var want, have []mm
		for _, u := range slices.Sorted(maps.Keys(f.msgs)) {
			want = append(want, mm{u, f.msgs[u].flags, int64(len(f.msgs[u].body))})
		}
		for _, msg := range snap.Messages {
			have = append(have, mm{msg.UID, msg.Flags, msg.Size})
		}
		if diff := cmp.Diff(want, have, cmpEmpty); diff != "" {
			t.Fatalf("%s: messages mismatch (-want +got):\n%s", name, diff)
		}
	}
}

var cmpEmpty = cmp.Comparer(func(a, b []string) bool { return slices.Equal(a, b) })

func TestStoreModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		dir, err := os.MkdirTemp("", "mailstore-model")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		s, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		s.noSync = true // this test checks the logic; fsync only costs time here
		m := &storeMachine{s: s, dir: dir, folders: map[string]*mFolder{}, seenV: map[uint32]bool{}}
		m.folders[Inbox] = &mFolder{next: 1, msgs: map[uint32]*mMsg{}}
		t.Repeat(rapid.StateMachineActions(m))
		// Bodies survive everything, including reopening.
		m.Reopen(t)
		for name, f := range m.folders {
			for u, msg := range f.msgs {
				r, err := m.s.Open(ctx0, "bob", name, u)
				if err != nil {
					t.Fatalf("Open(%s, %d) = %v", name, u, err)
				}
				b := make([]byte, len(msg.body)+1)
				n, _ := r.ReadAt(b, 0)
				r.Close()
				if string(b[:n]) != msg.body {
					t.Fatalf("%s/%d body = %q, want %q", name, u, b[:n], msg.body)
				}
			}
		}
	})
}

func TestNameEncodingRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		name := rapid.String().Draw(t, "name")
		enc := encodeName(name)
		if strings.ContainsAny(enc, "/.") || enc == "" && name != "" {
			t.Fatalf("encodeName(%q) = %q", name, enc)
		}
		dec, ok := decodeName(enc)
		if !ok || dec != name {
			t.Fatalf("decodeName(encodeName(%q)) = %q, %v", name, dec, ok)
		}
	})
}

func FuzzDecodeName(f *testing.F) {
	for _, s := range []string{"INBOX", "a%2Fb", "%2E%2E", "%zz", "%2e", "a.b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if name, ok := decodeName(s); ok && encodeName(name) != s {
			t.Fatalf("decodeName(%q) = %q, which encodes to %q", s, name, encodeName(name))
		}
	})
}
