package dht

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"net/netip"
	"time"
)

// TokenLen is the length of the write tokens this package hands out.
const TokenLen = 8

// tokens issues and checks the write tokens of BEP 5: a get_peers response
// carries a token bound to the requester's IP address, and announce_peer
// (or a BEP 44 put) must echo it. A token is an HMAC of the address under
// a secret that rotates every interval; the current and the previous
// secret are accepted, so a token is valid for one to two intervals (BEP 5
// suggests ten minutes in all). Not safe for concurrent use.
type tokens struct {
	interval        time.Duration
	rotated         time.Time
	current, before [32]byte
}

func newTokens(interval time.Duration, now time.Time) *tokens {
	t := &tokens{interval: interval, rotated: now}
	rand.Read(t.current[:])
	rand.Read(t.before[:])
	return t
}

func (t *tokens) rotate(now time.Time) {
	for now.Sub(t.rotated) >= t.interval {
		t.before = t.current
		rand.Read(t.current[:])
		t.rotated = t.rotated.Add(t.interval)
		if now.Sub(t.rotated) >= 2*t.interval {
			t.rotated = now // long idle: both old secrets are gone anyway
		}
	}
}

func tokenFor(secret *[32]byte, ip netip.Addr) []byte {
	m := hmac.New(sha256.New, secret[:])
	m.Write(ip.Unmap().AsSlice())
	return m.Sum(nil)[:TokenLen]
}

// issue returns the token for ip.
func (t *tokens) issue(ip netip.Addr, now time.Time) []byte {
	t.rotate(now)
	return tokenFor(&t.current, ip)
}

// valid reports whether tok was issued to ip by the current or the
// previous secret.
func (t *tokens) valid(tok []byte, ip netip.Addr, now time.Time) bool {
	t.rotate(now)
	return hmac.Equal(tok, tokenFor(&t.current, ip)) || hmac.Equal(tok, tokenFor(&t.before, ip))
}
