// Command imapc is a small IMAP client: it lists mailboxes, shows a mailbox,
// searches it, prints a message's MIME structure, fetches one section (only
// the text part of a message, leaving its attachments on the server), and
// moves messages between folders.
//
//	imapc -server 127.0.0.1:1143 -user bob -pass hungry list
//	imapc ... select INBOX
//	imapc ... search INBOX FROM alice UNSEEN
//	imapc ... structure INBOX 7
//	imapc ... fetch INBOX 7 1          (BODY[1] of the message with UID 7)
//	imapc ... fetch INBOX 7 HEADER
//	imapc ... move INBOX 7 Archive
//
// Messages are named by UID. Search keys are IMAP's own syntax (RFC 9051
// section 6.4.4), OR, NOT and parentheses included.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/imap"
)

func main() {
	ctx, cancel := cli.SignalContext()
	defer cancel()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		cli.Fatal("imapc", err)
	}
}

const usage = `usage: imapc [flags] COMMAND [ARGS]
commands:
  list [PATTERN]                 list mailboxes (default pattern *)
  select MAILBOX                 show a mailbox's counts and UIDs
  search MAILBOX KEY...          print the UIDs of matching messages
  structure MAILBOX UID          print the MIME parts of a message
  fetch MAILBOX UID [SECTION]    print BODY[SECTION] (default: the whole message)
  move MAILBOX UID[,UID...] DEST move messages to another mailbox
flags:`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("imapc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, usage); fs.PrintDefaults() }
	server := fs.String("server", "127.0.0.1:143", "the IMAP server's address")
	user := fs.String("user", "", "user name")
	pass := fs.String("pass", "", "password")
	useTLS := fs.Bool("tls", false, "require STARTTLS before logging in")
	implicit := fs.Bool("imaps", false, "connect with TLS from the start (port 993)")
	insecure := fs.Bool("insecure", false, "do not verify the server's certificate")
	debug := fs.Bool("v", false, "print the protocol dialogue on stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return errors.New("no command")
	}
	if *user == "" {
		return errors.New("-user is required")
	}
	host, _, _ := net.SplitHostPort(*server)
	tlsCfg := &tls.Config{ServerName: host, InsecureSkipVerify: *insecure}
	opts := &imap.ClientOptions{}
	if *debug {
		opts.DebugWriter = stderr
	}
	var c *imap.Client
	var err error
	if *implicit {
		c, err = imap.DialTLS(ctx, *server, tlsCfg, opts)
	} else {
		c, err = imap.Dial(ctx, *server, opts)
	}
	if err != nil {
		return err
	}
	defer c.Close()
	if *useTLS && !*implicit {
		if err := c.StartTLS(ctx, tlsCfg); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if err := c.Login(ctx, *user, *pass); err != nil {
		return err
	}
	defer c.Logout(ctx)
	cmd, args := rest[0], rest[1:]
	need := func(n int) error {
		if len(args) < n {
			return fmt.Errorf("%s needs %d argument(s); see -h", cmd, n)
		}
		return nil
	}
	switch cmd {
	case "list":
		pattern := "*"
		if len(args) > 0 {
			pattern = args[0]
		}
		list, err := c.List(ctx, "", pattern)
		if err != nil {
			return err
		}
		for _, l := range list {
			attrs := make([]string, len(l.Attrs))
			for i, a := range l.Attrs {
				attrs[i] = string(a)
			}
			fmt.Fprintf(stdout, "%-30s %s\n", l.Name, strings.Join(attrs, " "))
		}
	case "select":
		if err := need(1); err != nil {
			return err
		}
		sd, err := c.Select(ctx, args[0], true)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %d messages, UIDVALIDITY %d, UIDNEXT %d\n", args[0], sd.Messages, sd.UIDValidity, sd.UIDNext)
		if sd.Messages > 0 {
			msgs, err := c.Fetch(ctx, imap.SeqSet{{Start: 1, Stop: 0}}, false,
				imap.FetchItem{Name: imap.FetchUID}, imap.FetchItem{Name: imap.FetchFlags},
				imap.FetchItem{Name: imap.FetchRFC822Size}, imap.FetchItem{Name: imap.FetchEnvelope})
			if err != nil {
				return err
			}
			for _, m := range msgs {
				from := ""
				if m.Envelope != nil && len(m.Envelope.From) > 0 {
					from = m.Envelope.From[0].Mailbox + "@" + m.Envelope.From[0].Host
				}
				subject := ""
				if m.Envelope != nil {
					subject = m.Envelope.Subject
				}
				fmt.Fprintf(stdout, "  UID %-6d %7d octets  %-25s %-40s %v\n", m.UID, m.Size, from, subject, m.Flags)
			}
		}
	case "search":
		if err := need(2); err != nil {
			return err
		}
		keys, err := parseKeys(strings.Join(args[1:], " "))
		if err != nil {
			return err
		}
		if _, err := c.Select(ctx, args[0], true); err != nil {
			return err
		}
		res, err := c.Search(ctx, true, keys...)
		if err != nil {
			return err
		}
		uids := make([]string, len(res.All))
		for i, u := range res.All {
			uids[i] = strconv.FormatUint(uint64(u), 10)
		}
		fmt.Fprintf(stdout, "%d match(es): %s\n", len(res.All), strings.Join(uids, " "))
	case "structure":
		if err := need(2); err != nil {
			return err
		}
		set, err := selectUIDs(ctx, c, args[0], args[1], true)
		if err != nil {
			return err
		}
		msgs, err := c.Fetch(ctx, set, true, imap.FetchItem{Name: imap.FetchBodyStructure})
		if err != nil {
			return err
		}
		for _, m := range msgs {
			m.BodyStructure.Walk(func(part string, p *imap.BodyStructure) bool {
				if part == "" {
					part = "(message)"
				}
				line := fmt.Sprintf("%-10s %s/%s", part, strings.ToLower(p.Type), strings.ToLower(p.Subtype))
				if !p.IsMultipart() {
					line += fmt.Sprintf(", %d octets, %s", p.Size, strings.ToLower(p.Encoding))
				}
				if p.Disposition != "" {
					line += ", " + p.Disposition
				}
				fmt.Fprintln(stdout, line)
				return true
			})
		}
	case "fetch":
		if err := need(2); err != nil {
			return err
		}
		set, err := selectUIDs(ctx, c, args[0], args[1], true)
		if err != nil {
			return err
		}
		spec := ""
		if len(args) > 2 {
			spec = args[2]
		}
		sec, err := imap.ParseSection(spec)
		if err != nil {
			return err
		}
		item := imap.FetchItem{Name: imap.FetchBody, Peek: true, Section: &sec}
		msgs, err := c.Fetch(ctx, set, true, item)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			stdout.Write(m.Section(item.ResponseKey()))
		}
	case "move":
		if err := need(3); err != nil {
			return err
		}
		set, err := selectUIDs(ctx, c, args[0], args[1], false)
		if err != nil {
			return err
		}
		cd, err := c.Move(ctx, set, true, args[2])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "moved UID %s of %s to UID %s of %s\n", cd.Source, args[0], cd.Dest, args[2])
	default:
		return fmt.Errorf("unknown command %q; see -h", cmd)
	}
	return nil
}

// selectUIDs opens the mailbox and parses a UID set.
func selectUIDs(ctx context.Context, c *imap.Client, mailbox, uids string, readOnly bool) (imap.SeqSet, error) {
	set, err := imap.ParseSeqSet(uids)
	if err != nil {
		return nil, fmt.Errorf("bad UID set %q", uids)
	}
	_, err = c.Select(ctx, mailbox, readOnly)
	return set, err
}

// parseKeys reads search keys written in IMAP syntax with the package's
// own command parser.
func parseKeys(text string) ([]imap.SearchKey, error) {
	r := imap.NewReader(bufio.NewReader(strings.NewReader("x SEARCH " + text + "\r\n")))
	cmd, err := imap.ReadCommand(r)
	if err != nil {
		return nil, err
	}
	sc, err := imap.ParseSearch(cmd.Args, 0)
	if err != nil {
		return nil, err
	}
	return sc.Keys, nil
}
