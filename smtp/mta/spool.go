package mta

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/applayer/applayer/smtp"
)

// Status is the delivery state of one recipient.
type Status string

// The recipient states.
const (
	StatusPending   Status = "pending"   // still to be delivered
	StatusDelivered Status = "delivered" // accepted by the next hop or stored locally
	StatusFailed    Status = "failed"    // given up; a bounce was sent if asked for
)

// Recipient is one recipient of a queued message and its state.
type Recipient struct {
	Addr      string
	Options   smtp.RcptOptions
	Status    Status
	LastReply string `json:",omitempty"` // the last failure, as text
	Code      int    `json:",omitempty"` // its reply code
	Enhanced  string `json:",omitempty"` // its enhanced code
}

// Envelope is a queued message's delivery information: what SMTP's MAIL and
// RCPT said, and the state of each delivery (RFC 5321 section 2.3.1: the
// envelope is separate from the message content).
type Envelope struct {
	ID          string
	From        string
	MailOptions smtp.MailOptions
	Recipients  []*Recipient
	Received    time.Time
	Attempts    int
	NextAttempt time.Time
	Size        int64
}

// Pending returns the recipients still to be delivered.
func (e *Envelope) Pending() []*Recipient {
	var p []*Recipient
	for _, r := range e.Recipients {
		if r.Status == StatusPending {
			p = append(p, r)
		}
	}
	return p
}

// Spool is a directory of queued messages that survives crashes. Each
// message is two files in msg/: ID.eml, the content, written once, and
// ID.env, the envelope, rewritten as deliveries progress. Every file is
// written to tmp/, fsynced, renamed into place and the directory fsynced,
// so after a crash a file is either complete or absent. The envelope is
// written last and removed first: a message exists when its envelope does.
//
// A Spool is safe for concurrent use only on different messages.
type Spool struct {
	dir string
}

// OpenSpool opens (creating if needed) the spool in dir, and removes the
// leftovers of interrupted writes: temporary files, and content files
// without an envelope (never acknowledged, or already finished).
func OpenSpool(dir string) (*Spool, error) {
	s := &Spool{dir: dir}
	for _, d := range []string{s.tmpDir(), s.msgDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	tmp, err := os.ReadDir(s.tmpDir())
	if err != nil {
		return nil, err
	}
	for _, e := range tmp {
		os.Remove(filepath.Join(s.tmpDir(), e.Name()))
	}
	msgs, err := os.ReadDir(s.msgDir())
	if err != nil {
		return nil, err
	}
	for _, e := range msgs {
		if id, ok := strings.CutSuffix(e.Name(), ".eml"); ok {
			if _, err := os.Stat(s.envPath(id)); errors.Is(err, os.ErrNotExist) {
				os.Remove(filepath.Join(s.msgDir(), e.Name()))
			}
		}
	}
	return s, nil
}

func (s *Spool) tmpDir() string           { return filepath.Join(s.dir, "tmp") }
func (s *Spool) msgDir() string           { return filepath.Join(s.dir, "msg") }
func (s *Spool) envPath(id string) string { return filepath.Join(s.msgDir(), id+".env") }
func (s *Spool) emlPath(id string) string { return filepath.Join(s.msgDir(), id+".eml") }

// newID returns a fresh message ID: the time and random bits, so IDs sort
// by arrival and never collide.
func newID(now time.Time) string {
	var b [6]byte
	rand.Read(b[:])
	return fmt.Sprintf("%x%s", now.UnixNano(), hex.EncodeToString(b[:]))
}

// writeFile writes a file atomically and durably: temp file, fsync,
// rename, fsync of the directory. It returns the bytes written.
func (s *Spool) writeFile(path string, fill func(w io.Writer) (int64, error)) (int64, error) {
	f, err := os.CreateTemp(s.tmpDir(), "w-*")
	if err != nil {
		return 0, err
	}
	n, err := fill(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return 0, err
	}
	return n, syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Put stores a new message durably: when it returns nil, the message and
// its envelope are on disk. env.ID and env.Size are filled in.
func (s *Spool) Put(env *Envelope, content io.Reader) error {
	if env.ID == "" {
		env.ID = newID(env.Received)
	}
	n, err := s.writeFile(s.emlPath(env.ID), func(w io.Writer) (int64, error) { return io.Copy(w, content) })
	if err != nil {
		return err
	}
	env.Size = n
	if err := s.Update(env); err != nil {
		os.Remove(s.emlPath(env.ID))
		return err
	}
	return nil
}

// Update rewrites the envelope of a queued message atomically.
func (s *Spool) Update(env *Envelope) error {
	b, err := json.MarshalIndent(env, "", "\t")
	if err != nil {
		return err
	}
	_, err = s.writeFile(s.envPath(env.ID), func(w io.Writer) (int64, error) {
		n, err := w.Write(b)
		return int64(n), err
	})
	return err
}

// Open opens the content of a queued message.
func (s *Spool) Open(id string) (*os.File, error) { return os.Open(s.emlPath(id)) }

// Remove deletes a finished message: envelope first, so a crash in between
// leaves only content, which OpenSpool cleans up.
func (s *Spool) Remove(id string) error {
	if err := os.Remove(s.envPath(id)); err != nil {
		return err
	}
	if err := syncDir(s.msgDir()); err != nil {
		return err
	}
	return os.Remove(s.emlPath(id))
}

// Load reads every envelope in the spool, oldest first.
func (s *Spool) Load() ([]*Envelope, error) {
	ents, err := os.ReadDir(s.msgDir())
	if err != nil {
		return nil, err
	}
	var envs []*Envelope
	for _, e := range ents {
		id, ok := strings.CutSuffix(e.Name(), ".env")
		if !ok {
			continue
		}
		b, err := os.ReadFile(s.envPath(id))
		if err != nil {
			return nil, err
		}
		env := new(Envelope)
		if err := json.Unmarshal(b, env); err != nil {
			return nil, fmt.Errorf("mta: spool envelope %s: %w", id, err)
		}
		envs = append(envs, env)
	}
	return envs, nil
}
