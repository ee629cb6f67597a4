// Command pop3get fetches a POP3 mailbox into a directory, one file per
// message, in either mode of the POP3 lesson:
//
//   - download and delete (-delete): each message saved is deleted on the
//     server when the session ends with QUIT;
//   - download and keep (the default): messages stay on the server and the
//     unique-ids already fetched are remembered in DIR/.pop3get-seen, so the
//     next run fetches only new mail.
//
// A message file is written to a temporary name, fsynced and renamed, so a
// crash never leaves half a message; in delete mode, a message is marked for
// deletion only after its file is safely on disk.
//
//	pop3get -server 127.0.0.1:1110 -user bob -pass hungry -o mail
//	pop3get -server mail.example.org:110 -tls -user bob -pass-file ~/.pw -delete -o mail
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/pop3"
)

// seenFile is the download-and-keep state: one unique-id per line.
const seenFile = ".pop3get-seen"

func main() {
	ctx, cancel := cli.SignalContext()
	defer cancel()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		cli.Fatal("pop3get", err)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("pop3get", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", "127.0.0.1:110", "the POP3 server's address")
	user := fs.String("user", "", "user name")
	pass := fs.String("pass", "", "password (see also -pass-file)")
	passFile := fs.String("pass-file", "", "read the password from this file's first line")
	dir := fs.String("o", ".", "directory to save messages into")
	del := fs.Bool("delete", false, "download and delete (default: download and keep)")
	useTLS := fs.Bool("tls", false, "require STLS before logging in")
	implicit := fs.Bool("pop3s", false, "connect with TLS from the start (port 995)")
	caFile := fs.String("cafile", "", "PEM file of CA certificates to trust (default: the system's)")
	insecure := fs.Bool("insecure", false, "do not verify the server's certificate")
	apop := fs.Bool("apop", false, "log in with APOP instead of USER/PASS")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *user == "" {
		return errors.New("-user is required")
	}
	if *passFile != "" {
		b, err := os.ReadFile(*passFile)
		if err != nil {
			return err
		}
		*pass, _, _ = strings.Cut(string(b), "\n")
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}

	host, _, _ := net.SplitHostPort(*server)
	tlsCfg := &tls.Config{ServerName: host, InsecureSkipVerify: *insecure}
	if *caFile != "" {
		pem, err := os.ReadFile(*caFile)
		if err != nil {
			return err
		}
		tlsCfg.RootCAs = x509.NewCertPool()
		if !tlsCfg.RootCAs.AppendCertsFromPEM(pem) {
			return fmt.Errorf("%s: no certificates", *caFile)
		}
	}
	var c *pop3.Client
	var err error
	if *implicit {
		c, err = pop3.DialTLS(ctx, *server, tlsCfg)
	} else {
		c, err = pop3.Dial(ctx, *server)
	}
	if err != nil {
		return err
	}
	defer c.Close()
	if *useTLS && !c.TLS() {
		if err := c.StartTLS(ctx, tlsCfg); err != nil {
			return fmt.Errorf("STLS: %w", err)
		}
	}
	if *apop {
		err = c.APOP(ctx, *user, *pass)
	} else {
		err = c.Login(ctx, *user, *pass)
	}
	if err != nil {
		return err
	}

	opts := pop3.FetchOptions{Delete: *del}
	var seen map[string]bool
	var seenOut *os.File
	if !*del {
		if seen, err = readSeen(filepath.Join(*dir, seenFile)); err != nil {
			return err
		}
		seenOut, err = os.OpenFile(filepath.Join(*dir, seenFile), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return err
		}
		defer seenOut.Close()
		opts.Seen = func(uid string) bool { return seen[uid] }
	}
	count, size, err := c.Stat(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%s: %d messages, %d octets on the server\n", *server, count, size)
	got, err := c.Fetch(ctx, opts, func(m pop3.MessageInfo, body io.Reader) error {
		name := fileName(m)
		if err := saveAtomic(filepath.Join(*dir, name), body); err != nil {
			return err
		}
		if seenOut != nil && m.UID != "" {
			if _, err := fmt.Fprintln(seenOut, m.UID); err != nil {
				return err
			}
			if err := seenOut.Sync(); err != nil {
				return err
			}
		}
		fmt.Fprintf(stderr, "  saved message %d/%d (%d octets) as %s\n", m.Number, count, m.Size, name)
		return nil
	})
	if err != nil {
		// Deletions of the messages saved so far still deserve QUIT.
		if qerr := c.Quit(ctx); qerr != nil {
			return errors.Join(err, qerr)
		}
		return err
	}
	if err := c.Quit(ctx); err != nil {
		return err
	}
	mode := "kept on the server"
	if *del {
		mode = "deleted from the server"
	}
	fmt.Fprintf(stderr, "%d new messages saved in %s, %s\n", len(got), *dir, mode)
	return nil
}

// readSeen loads the unique-ids fetched by earlier runs.
func readSeen(path string) (map[string]bool, error) {
	seen := map[string]bool{}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return seen, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if uid := strings.TrimSpace(sc.Text()); uid != "" {
			seen[uid] = true
		}
	}
	return seen, sc.Err()
}

// fileName names a message file by its unique-id (made safe for a file
// system) or, without UIDL, by its number.
func fileName(m pop3.MessageInfo) string {
	if m.UID == "" {
		return "msg-" + strconv.Itoa(m.Number) + ".eml"
	}
	var b strings.Builder
	for _, c := range []byte(m.UID) {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' && b.Len() > 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String() + ".eml"
}

// saveAtomic writes r to path through a temporary file, fsync and rename.
func saveAtomic(path string, r io.Reader) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
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
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
