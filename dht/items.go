package dht

import (
	"crypto/ed25519"
	"crypto/sha1"
	"errors"
	"net/netip"
	"strconv"
	"time"

	"github.com/applayer/applayer/bittorrent/bencode"
)

// An Item is a value stored in the DHT (BEP 44). An immutable item is
// stored under the SHA-1 of its bencoded value. A mutable item is stored
// under the SHA-1 of its ed25519 public key and optional salt; it carries
// a sequence number and a signature, and only the key's owner can update
// it, with a higher sequence number.
type Item struct {
	// V is the bencoded value, at most MaxItemSize bytes.
	V []byte
	// K is the ed25519 public key (mutable items only).
	K []byte
	// Salt distinguishes several items under one key (mutable only).
	Salt []byte
	// Seq is the sequence number (mutable only).
	Seq int64
	// Sig is the ed25519 signature over salt, seq and v.
	Sig []byte
}

// Mutable reports whether the item is a mutable one (it has a key).
func (it *Item) Mutable() bool { return it.K != nil }

// Target returns the ID the item is stored under.
func (it *Item) Target() ID {
	if it.Mutable() {
		h := sha1.New()
		h.Write(it.K)
		h.Write(it.Salt)
		return ID(h.Sum(nil))
	}
	return HashID(it.V)
}

// SignedBytes returns what the signature of a mutable item covers:
// the bencoded "salt" (if any), "seq" and "v" entries, without the outer
// dictionary (BEP 44).
func SignedBytes(salt []byte, seq int64, v []byte) []byte {
	var b []byte
	if len(salt) > 0 {
		b = append(b, "4:salt"...)
		b = bencode.AppendBytes(b, salt)
	}
	b = append(b, "3:seqi"...)
	b = strconv.AppendInt(b, seq, 10)
	b = append(b, "e1:v"...)
	return append(b, v...)
}

// NewImmutableItem bencodes v into an immutable item.
func NewImmutableItem(v any) (*Item, error) {
	b, err := bencode.Marshal(v)
	if err != nil {
		return nil, err
	}
	it := &Item{V: b}
	return it, it.Check()
}

// NewMutableItem bencodes v and signs it with priv.
func NewMutableItem(priv ed25519.PrivateKey, salt []byte, seq int64, v any) (*Item, error) {
	b, err := bencode.Marshal(v)
	if err != nil {
		return nil, err
	}
	it := &Item{V: b, K: []byte(priv.Public().(ed25519.PublicKey)), Salt: salt, Seq: seq}
	it.Sig = ed25519.Sign(priv, SignedBytes(salt, seq, b))
	return it, it.Check()
}

// Errors of BEP 44 items, as the KRPC errors a node sends for them.
var (
	ErrItemTooBig = &Error{Code: ErrorMessageTooBig, Msg: "message (v field) too big"}
	ErrBadSig     = &Error{Code: ErrorInvalidSig, Msg: "invalid signature"}
	ErrSaltTooBig = &Error{Code: ErrorSaltTooBig, Msg: "salt (salt field) too big"}
	ErrCAS        = &Error{Code: ErrorCASMismatch, Msg: "the CAS hash mismatched, re-read value and try again"}
	ErrSeqTooLow  = &Error{Code: ErrorSeqTooLow, Msg: "sequence number less than current"}
)

// Check verifies the item's size limits and, for a mutable item, its
// signature.
func (it *Item) Check() error {
	if len(it.V) == 0 || !bencode.Valid(it.V) {
		return errors.New("dht: item value is not bencoded")
	}
	if len(it.V) > MaxItemSize {
		return ErrItemTooBig
	}
	if len(it.Salt) > MaxSaltSize {
		return ErrSaltTooBig
	}
	if it.Mutable() {
		if len(it.K) != ed25519.PublicKeySize || len(it.Sig) != ed25519.SignatureSize || it.Seq < 0 ||
			!ed25519.Verify(ed25519.PublicKey(it.K), SignedBytes(it.Salt, it.Seq, it.V), it.Sig) {
			return ErrBadSig
		}
	}
	return nil
}

type storedItem struct {
	*Item
	stored time.Time
}

// itemStore keeps BEP 44 items, at most max of them, each for ttl after
// its last put. Not safe for concurrent use.
type itemStore struct {
	ttl   time.Duration
	max   int
	items map[ID]storedItem
}

func newItemStore(ttl time.Duration, max int) *itemStore {
	return &itemStore{ttl: ttl, max: max, items: map[ID]storedItem{}}
}

func (s *itemStore) get(target ID, now time.Time) *Item {
	si, ok := s.items[target]
	if !ok || now.Sub(si.stored) >= s.ttl {
		return nil
	}
	return si.Item
}

func (s *itemStore) expire(now time.Time) {
	for t, si := range s.items {
		if now.Sub(si.stored) >= s.ttl {
			delete(s.items, t)
		}
	}
}

// put stores it under its target, applying BEP 44's rules for mutable
// items: a lower sequence number is refused, and cas, when given, must
// equal the current sequence number.
func (s *itemStore) put(it *Item, cas *int64, now time.Time) error {
	t := it.Target()
	old, ok := s.items[t]
	if ok && now.Sub(old.stored) >= s.ttl {
		ok = false
	}
	if ok && it.Mutable() {
		if cas != nil && *cas != old.Seq {
			return ErrCAS
		}
		if it.Seq < old.Seq || it.Seq == old.Seq && string(it.V) != string(old.V) {
			return ErrSeqTooLow
		}
	}
	if !ok && len(s.items) >= s.max {
		s.expire(now)
		if len(s.items) >= s.max {
			return &Error{Code: ErrorServer, Msg: "storage full"}
		}
	}
	s.items[t] = storedItem{Item: it, stored: now}
	return nil
}

// put answers a BEP 44 put query.
func (n *Node) put(m *Msg, src netip.AddrPort, now time.Time) *Msg {
	a := &m.Args
	if len(a.V) > MaxItemSize {
		return &Msg{Kind: KindError, Err: ErrItemTooBig}
	}
	if len(a.Salt) > MaxSaltSize {
		return &Msg{Kind: KindError, Err: ErrSaltTooBig}
	}
	it := &Item{V: a.V}
	if a.K != nil {
		if !a.HasSeq {
			return errorMsg(ErrorProtocol, "mutable put without seq")
		}
		it.K, it.Salt, it.Seq, it.Sig = a.K, a.Salt, a.Seq, a.Sig
	}
	if err := it.Check(); err != nil {
		var ke *Error
		if errors.As(err, &ke) {
			return &Msg{Kind: KindError, Err: ke}
		}
		return errorMsg(ErrorProtocol, "invalid item")
	}
	var cas *int64
	if a.HasCAS {
		cas = &a.CAS
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.tok.valid(a.Token, src.Addr(), now) {
		return errorMsg(ErrorProtocol, "bad token")
	}
	if err := n.items.put(it, cas, now); err != nil {
		var ke *Error
		errors.As(err, &ke)
		return &Msg{Kind: KindError, Err: ke}
	}
	return &Msg{Kind: KindResponse, Args: Args{ID: n.self}}
}
