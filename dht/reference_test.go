package dht

import (
	"bytes"
	"testing"

	"pgregory.net/rapid"

	"github.com/applayer/applayer/bittorrent/bencode"
	"github.com/google/go-cmp/cmp"
)

// The reference decoder: the same KRPC rules over the reflection-based
// bencode package. FuzzParseMsgDifferential checks that ParseMsg agrees.

var refDecoder = bencode.Decoder{MaxDepth: 8, MaxStringLength: MaxMessageSize}

// ParseMsg parses one KRPC datagram. On error the returned message still
// carries the transaction ID when one could be read, so that a server can
// answer with error 203.
func parseMsgReflect(b []byte) (*Msg, error) {
	m := &Msg{}
	if len(b) > MaxMessageSize {
		return m, &ParseError{Err: ErrTooLarge}
	}
	var w wireMsg
	if err := refDecoder.Unmarshal(b, &w); err != nil {
		return m, &ParseError{Err: ErrMalformed, Detail: err.Error()}
	}
	if w.T == nil {
		return m, malformed("t", "missing")
	}
	if len(*w.T) > MaxTransactionIDLen {
		return m, malformed("t", "too long")
	}
	m.T = *w.T
	if w.Y == nil || len(*w.Y) != 1 {
		return m, malformed("y", "missing or not one letter")
	}
	m.Version = w.V
	if w.IP != nil {
		ip, err := ParseCompactPeer(w.IP)
		if err != nil {
			return m, malformed("ip", "not a compact address")
		}
		m.IP = ip
	}
	switch w.RO {
	case 0:
	case 1:
		m.ReadOnly = true
	default:
		return m, malformed("ro", "not 0 or 1")
	}
	m.Kind = Kind((*w.Y)[0])
	switch m.Kind {
	case KindQuery:
		if w.Q == nil {
			return m, malformed("q", "missing")
		}
		m.Method = Method(*w.Q)
		if w.A == nil {
			return m, malformed("a", "missing")
		}
		return m, parseArgs(&m.Args, w.A)
	case KindResponse:
		if w.R == nil {
			return m, malformed("r", "missing")
		}
		return m, parseArgs(&m.Args, w.R)
	case KindError:
		if len(w.E) != 2 {
			return m, malformed("e", "not a list of code and message")
		}
		code, ok1 := w.E[0].(int64)
		msg, ok2 := w.E[1].(string)
		if !ok1 || !ok2 || code < 0 || code > 1<<16 {
			return m, malformed("e", "not a list of code and message")
		}
		m.Err = &Error{Code: ErrorCode(code), Msg: msg}
		return m, nil
	}
	return m, malformed("y", "unknown message kind")
}

func parseID(dst *ID, b []byte, field string, required bool) error {
	if b == nil {
		if required {
			return malformed(field, "missing")
		}
		return nil
	}
	if len(b) != IDLen {
		return malformed(field, "not 20 bytes")
	}
	copy(dst[:], b)
	return nil
}

func parseArgs(a *Args, w *wireArgs) error {
	if err := parseID(&a.ID, w.ID, "id", true); err != nil {
		return err
	}
	if err := parseID(&a.Target, w.Target, "target", false); err != nil {
		return err
	}
	if err := parseID(&a.InfoHash, w.InfoHash, "info_hash", false); err != nil {
		return err
	}
	if w.Port != nil {
		if *w.Port < 0 || *w.Port > 65535 {
			return malformed("port", "out of range")
		}
		a.Port = int(*w.Port)
	}
	if w.ImpliedPort != nil {
		a.ImpliedPort = *w.ImpliedPort != 0
	}
	a.Token = w.Token
	var err error
	if w.Nodes != nil {
		if a.Nodes, err = ParseCompactNodes(w.Nodes, false); err != nil {
			return err
		}
	}
	if w.Nodes6 != nil {
		if a.Nodes6, err = ParseCompactNodes(w.Nodes6, true); err != nil {
			return err
		}
	}
	if len(w.Values) > MaxValues {
		return malformed("values", "too many peers")
	}
	for _, v := range w.Values {
		p, err := ParseCompactPeer(v)
		if err != nil {
			return err
		}
		a.Values = append(a.Values, p)
	}
	a.Want = w.Want
	if w.V != nil {
		if len(w.V) > MaxItemSize {
			return &ParseError{Field: "v", Err: ErrTooLarge}
		}
		a.V = []byte(w.V)
	}
	a.K, a.Sig, a.Salt = w.K, w.Sig, w.Salt
	if a.K != nil && len(a.K) != 32 {
		return malformed("k", "not a 32-byte ed25519 key")
	}
	if a.Sig != nil && len(a.Sig) != 64 {
		return malformed("sig", "not a 64-byte ed25519 signature")
	}
	if len(a.Salt) > MaxSaltSize {
		return &ParseError{Field: "salt", Err: ErrTooLarge}
	}
	if w.Seq != nil {
		a.Seq, a.HasSeq = *w.Seq, true
	}
	if w.CAS != nil {
		a.CAS, a.HasCAS = *w.CAS, true
	}
	return nil
}

// wire types mirror the bencoded dictionaries.
type wireArgs struct {
	ID          []byte             `bencode:"id,omitempty"`
	Target      []byte             `bencode:"target,omitempty"`
	InfoHash    []byte             `bencode:"info_hash,omitempty"`
	Port        *int64             `bencode:"port,omitempty"`
	ImpliedPort *int64             `bencode:"implied_port,omitempty"`
	Token       []byte             `bencode:"token,omitempty"`
	Nodes       []byte             `bencode:"nodes,omitempty"`
	Nodes6      []byte             `bencode:"nodes6,omitempty"`
	Values      [][]byte           `bencode:"values,omitempty"`
	Want        []string           `bencode:"want,omitempty"`
	V           bencode.RawMessage `bencode:"v,omitempty"`
	K           []byte             `bencode:"k,omitempty"`
	Sig         []byte             `bencode:"sig,omitempty"`
	Salt        []byte             `bencode:"salt,omitempty"`
	Seq         *int64             `bencode:"seq,omitempty"`
	CAS         *int64             `bencode:"cas,omitempty"`
}

type wireMsg struct {
	A  *wireArgs `bencode:"a,omitempty"`
	E  []any     `bencode:"e,omitempty"`
	IP []byte    `bencode:"ip,omitempty"`
	Q  *string   `bencode:"q,omitempty"`
	R  *wireArgs `bencode:"r,omitempty"`
	RO int64     `bencode:"ro,omitempty"`
	T  *[]byte   `bencode:"t,omitempty"`
	V  []byte    `bencode:"v,omitempty"`
	Y  *string   `bencode:"y,omitempty"`
}

func idBytes(id ID, keep bool) []byte {
	if !keep {
		return nil
	}
	return id[:]
}

func formatArgs(a *Args, m Method, kind Kind) *wireArgs {
	w := &wireArgs{ID: idBytes(a.ID, true)}
	w.Target = idBytes(a.Target, !a.Target.IsZero())
	w.InfoHash = idBytes(a.InfoHash, !a.InfoHash.IsZero())
	if a.Port != 0 || (kind == KindQuery && m == MethodAnnouncePeer) {
		p := int64(a.Port)
		w.Port = &p
	}
	if a.ImpliedPort {
		one := int64(1)
		w.ImpliedPort = &one
	}
	w.Token = a.Token
	if len(a.Nodes) > 0 {
		w.Nodes = AppendCompactNodes([]byte{}, a.Nodes, false)
	}
	if len(a.Nodes6) > 0 {
		w.Nodes6 = AppendCompactNodes([]byte{}, a.Nodes6, true)
	}
	for _, p := range a.Values {
		w.Values = append(w.Values, AppendCompactPeer(nil, p))
	}
	w.Want = a.Want
	if a.V != nil {
		w.V = bencode.RawMessage(a.V)
	}
	w.K, w.Sig, w.Salt = a.K, a.Sig, a.Salt
	if a.HasSeq {
		s := a.Seq
		w.Seq = &s
	}
	if a.HasCAS {
		c := a.CAS
		w.CAS = &c
	}
	return w
}

// appendMsgReflect appends the bencoded form of m to b. Nodes whose address is
// not of the list's family (Nodes: IPv4, Nodes6: IPv6) are left out.
func appendMsgReflect(b []byte, m *Msg) ([]byte, error) {
	t := m.T
	if t == nil {
		t = []byte{}
	}
	y := string(rune(m.Kind))
	w := wireMsg{T: &t, Y: &y, V: m.Version}
	if m.IP.IsValid() {
		w.IP = AppendCompactPeer(nil, m.IP)
	}
	if m.ReadOnly {
		w.RO = 1
	}
	switch m.Kind {
	case KindQuery:
		q := string(m.Method)
		w.Q = &q
		w.A = formatArgs(&m.Args, m.Method, m.Kind)
	case KindResponse:
		w.R = formatArgs(&m.Args, m.Method, m.Kind)
	case KindError:
		e := m.Err
		if e == nil {
			e = &Error{Code: ErrorGeneric}
		}
		w.E = []any{int64(e.Code), e.Msg}
	default:
		return b, malformed("y", "unknown message kind")
	}
	return bencode.Append(b, &w)
}

// TestAppendMsgMatchesReference: the hand-written encoder writes the same
// bytes as the reflection-based reference.
func TestAppendMsgMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genMsg().Draw(t, "msg")
		got, err1 := AppendMsg(nil, m)
		want, err2 := appendMsgReflect(nil, m)
		if (err1 == nil) != (err2 == nil) || !bytes.Equal(got, want) {
			t.Fatalf("AppendMsg = %q, %v; reference %q, %v", got, err1, want, err2)
		}
	})
}

// BenchmarkAppendMsgReference runs the reference encoder.
func BenchmarkAppendMsgReference(b *testing.B) {
	m, _ := ParseMsg(benchResponse)
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = appendMsgReflect(buf[:0], m)
	}
}

// FuzzParseMsgDifferential: ParseMsg and the reference decoder accept the
// same datagrams and, where both accept, return the same message.
func FuzzParseMsgDifferential(f *testing.F) {
	for _, tt := range bep5Examples {
		f.Add([]byte(tt.wire))
	}
	for _, tt := range badMessages {
		f.Add([]byte(tt.wire))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err1 := ParseMsg(b)
		want, err2 := parseMsgReflect(b)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("ParseMsg(%q) error %v, reference %v", b, err1, err2)
		}
		if err1 != nil {
			return
		}
		if diff := cmp.Diff(want, got, msgCmp...); diff != "" {
			t.Fatalf("ParseMsg(%q) mismatch (-reference +ParseMsg):\n%s", b, diff)
		}
	})
}

// BenchmarkParseMsgReference runs the reflection-based reference decoder
// on the same datagram as BenchmarkParseMsg.
func BenchmarkParseMsgReference(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchResponse)))
	for b.Loop() {
		if _, err := parseMsgReflect(benchResponse); err != nil {
			b.Fatal(err)
		}
	}
}
