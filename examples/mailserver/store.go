package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// maildirStore delivers into DIR/USER/{tmp,new} the Maildir way: write to
// tmp, fsync, rename into new, fsync the directory.
type maildirStore struct{ dir string }

func (m maildirStore) Deliver(ctx context.Context, user string, r io.Reader) error {
	box := filepath.Join(m.dir, user)
	for _, d := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(box, d), 0o700); err != nil {
			return err
		}
	}
	var rnd [8]byte
	rand.Read(rnd[:])
	name := fmt.Sprintf("%d.%s.applayer", time.Now().UnixNano(), hex.EncodeToString(rnd[:]))
	tmp := filepath.Join(box, "tmp", name)
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(box, "new", name))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	d, err := os.Open(filepath.Join(box, "new"))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
