package dns

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
)

var testKey = TSIGKey{Name: MustName("update-key."), Secret: []byte("0123456789abcdef0123456789abcdef")}

func TestTSIGSignVerify(t *testing.T) {
	q := new(Msg).SetQuestion(MustName("example.test."), TypeSOA)
	q.ID = 42
	wire, _ := q.Pack()
	signed, mac, err := SignTSIG(wire, testKey, 1_700_000_000, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	key, got, err := VerifyTSIG(signed, []TSIGKey{testKey}, 1_700_000_100, nil)
	if err != nil || !key.Name.Equal(testKey.Name) || string(got) != string(mac) {
		t.Fatalf("VerifyTSIG = %v, %x, %v", key.Name, got, err)
	}
	// The record round-trips as text.
	var m Msg
	if err := m.Unpack(signed); err != nil {
		t.Fatal(err)
	}
	rr := m.Additional[len(m.Additional)-1]
	back, err := ParseRR(rr.String())
	if err != nil || !sameRdata(back.Data, rr.Data) {
		t.Errorf("TSIG text round trip: %q -> %v, %v", rr.String(), back, err)
	}
	// A changed octet, another key, a stale time.
	bad := append([]byte(nil), signed...)
	bad[12+1] ^= 0x20 // case of the first name octet
	if _, _, err := VerifyTSIG(bad, []TSIGKey{testKey}, 1_700_000_000, nil); !errors.Is(err, ErrBadSig) {
		t.Errorf("tampered: %v, want ErrBadSig", err)
	}
	other := TSIGKey{Name: MustName("other."), Secret: testKey.Secret}
	if _, _, err := VerifyTSIG(signed, []TSIGKey{other}, 1_700_000_000, nil); !errors.Is(err, ErrBadKey) {
		t.Errorf("unknown key: %v, want ErrBadKey", err)
	}
	if _, _, err := VerifyTSIG(signed, []TSIGKey{testKey}, 1_700_000_000+DefaultTSIGFudge+1, nil); !errors.Is(err, ErrBadTime) {
		t.Errorf("stale: %v, want ErrBadTime", err)
	}
	if _, _, err := VerifyTSIG(wire, []TSIGKey{testKey}, 0, nil); !errors.Is(err, ErrNoTSIG) {
		t.Errorf("unsigned: %v, want ErrNoTSIG", err)
	}
}

func TestTSIGUpdate(t *testing.T) {
	z := newExampleZone(t)
	z.AllowUpdate = nil // only signed updates
	z.UpdateKeys = []Name{testKey.Name}
	pc, l, err := ListenUDPTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pc.Close()
	l.Close()
	srv := &Server{Handler: z, TSIGKeys: []TSIGKey{testKey}, Logger: slog.New(slog.DiscardHandler)}
	addr := startServerWith(t, srv, pc.LocalAddr().String())
	upd := &Msg{Header: Header{Opcode: OpcodeUpdate}}
	upd.Question = []Question{{Name: MustName("example.test."), Type: TypeSOA, Class: ClassINET}}
	rr, _ := ParseRR("signed.example.test. 60 IN A 192.0.2.200")
	upd.Authority = []RR{rr}
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		key  *TSIGKey
		want Rcode
	}{
		{"unsigned", nil, RcodeRefused},
		{"wrong secret", &TSIGKey{Name: testKey.Name, Secret: []byte("nope")}, RcodeNotAuth},
		{"unknown key", &TSIGKey{Name: MustName("stranger."), Secret: testKey.Secret}, RcodeNotAuth},
		{"signed", &testKey, RcodeSuccess},
	} {
		r, err := (&Client{TSIG: tt.key}).Exchange(ctx, upd, addr)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if r.Rcode != tt.want {
			t.Errorf("%s: rcode %v, want %v", tt.name, r.Rcode, tt.want)
		}
	}
	if m := query(t, &Client{}, addr, "signed.example.test.", TypeA); len(m.Answer) != 1 {
		t.Errorf("signed update not applied: %v", m)
	}
}

// startServerWith is startServer for a configured Server.
func startServerWith(t *testing.T, s *Server, addr string) string {
	t.Helper()
	pc, l, err := ListenUDPTCP(addr)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{}, 2)
	go func() { s.ServePacket(pc); done <- struct{}{} }()
	go func() { s.Serve(l); done <- struct{}{} }()
	t.Cleanup(func() { s.Close(); <-done; <-done })
	return pc.LocalAddr().String()
}

// TestTSIGInterop: nsupdate -y signs an update, dig -y a query; both verify our signed replies.
func TestTSIGInterop(t *testing.T) {
	nsupdate := requirePeer(t, "nsupdate")
	dig := requirePeer(t, "dig")
	z := newExampleZone(t)
	z.AllowUpdate = nil
	z.UpdateKeys = []Name{testKey.Name}
	addr := startServerWith(t, &Server{Handler: z, TSIGKeys: []TSIGKey{testKey}, Logger: slog.New(slog.DiscardHandler)}, "127.0.0.1:0")
	host, port, _ := net.SplitHostPort(addr)
	y := "hmac-sha256:update-key:" + base64.StdEncoding.EncodeToString(testKey.Secret)
	run(t, nsupdate, fmt.Sprintf("server %s %s\nzone example.test\nupdate add nsupdate.example.test 300 A 192.0.2.201\nsend\n", host, port), "-y", y)
	out := run(t, dig, "", "@"+host, "-p", port, "-y", y, "+norec", "nsupdate.example.test", "A")
	for _, want := range []string{"nsupdate.example.test.\t300\tIN\tA\t192.0.2.201", "update-key.\t\t0\tANY\tTSIG\thmac-sha256. "} {
		if !strings.Contains(out, want) {
			t.Errorf("dig -y output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "tsig verify failure") || strings.Contains(out, "expected a TSIG") {
		t.Errorf("dig could not verify our signature:\n%s", out)
	}
	// A wrong secret is refused with NOTAUTH.
	bad := "hmac-sha256:update-key:" + base64.StdEncoding.EncodeToString([]byte("wrong secret"))
	cmdOut := runErr(t, nsupdate, fmt.Sprintf("server %s %s\nzone example.test\nupdate add x.example.test 300 A 192.0.2.1\nsend\n", host, port), "-y", bad)
	if !strings.Contains(cmdOut, "NOTAUTH") && !strings.Contains(cmdOut, "BADSIG") && !strings.Contains(cmdOut, "tsig") {
		t.Errorf("nsupdate with a wrong key:\n%s", cmdOut)
	}
}

// TestTSIGAXFRInterop: dig -y verifies every message of a signed zone
// transfer that spans several messages.
func TestTSIGAXFRInterop(t *testing.T) {
	dig := requirePeer(t, "dig")
	z := newExampleZone(t)
	for i := 0; i < 150; i++ {
		rr, _ := ParseRR(fmt.Sprintf("h%d.example.test. 60 IN A 192.0.2.%d", i, i))
		z.add(rr)
	}
	z.UpdateKeys = []Name{testKey.Name}
	addr := startServerWith(t, &Server{Handler: z, TSIGKeys: []TSIGKey{testKey}, Logger: slog.New(slog.DiscardHandler)}, "127.0.0.1:0")
	host, port, _ := net.SplitHostPort(addr)
	y := "hmac-sha256:update-key:" + base64.StdEncoding.EncodeToString(testKey.Secret)
	out := run(t, dig, "", "@"+host, "-p", port, "-y", y, "example.test", "AXFR")
	if strings.Contains(out, "failure") || strings.Contains(out, "Transfer failed") {
		t.Fatalf("dig could not verify the signed transfer:\n%s", out)
	}
	if n := strings.Count(out, "\tIN\tA\t192.0.2."); n < 150 {
		t.Errorf("transfer has %d of the 150 added A records:\n%s", n, out)
	}
	if !strings.Contains(out, "XFR size:") || strings.Contains(out, "(messages 1,") {
		t.Errorf("no transfer summary:\n%s", out)
	}
}

// TestTSIGTransfer: a signed transfer spanning several messages verifies
// message by message; the wrong key fails.
func TestTSIGTransfer(t *testing.T) {
	z := newExampleZone(t)
	for i := 0; i < 250; i++ {
		rr, _ := ParseRR(fmt.Sprintf("h%d.example.test. 60 IN A 192.0.2.%d", i, i%256))
		z.add(rr)
	}
	srv := &Server{Handler: z, TSIGKeys: []TSIGKey{testKey}, Logger: slog.New(slog.DiscardHandler)}
	addr := startServerWith(t, srv, "127.0.0.1:0")
	rrs, err := (&Client{TSIG: &testKey}).Transfer(context.Background(), MustName("example.test."), addr)
	if err != nil {
		t.Fatal(err)
	}
	if len(rrs) != len(z.Records()) {
		t.Errorf("transferred %d records, zone has %d", len(rrs), len(z.Records()))
	}
	wrong := TSIGKey{Name: testKey.Name, Secret: []byte("not the secret")}
	if _, err := (&Client{TSIG: &wrong}).Transfer(context.Background(), MustName("example.test."), addr); err == nil {
		t.Error("transfer with the wrong key succeeded")
	}
}
