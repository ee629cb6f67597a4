// Command sendmail sends one message, read from standard input, to an SMTP
// server: the user agent's half of the mail lesson.
//
//	echo -e 'Subject: hi\n\nDo you like ketchup?' | \
//	  go run ./examples/sendmail -server 127.0.0.1:2525 -from alice@crepes.fr -to bob@hamburger.edu
//
// With -user it authenticates (after STARTTLS when the server offers it).
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/smtp"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	server := flag.String("server", "127.0.0.1:25", "SMTP server address host:port")
	from := flag.String("from", "", "envelope sender (MAIL FROM)")
	var to list
	flag.Var(&to, "to", "recipient (RCPT TO); repeatable")
	user := flag.String("user", "", "authenticate as name:password")
	insecure := flag.Bool("insecure", false, "do not verify the server's TLS certificate")
	noTLS := flag.Bool("notls", false, "do not use STARTTLS even when offered")
	helo := flag.String("helo", "localhost", "name to give in EHLO")
	timeout := flag.Duration("timeout", time.Minute, "overall time limit")
	flag.Parse()
	if *from == "" || len(to) == 0 {
		cli.Fatal("sendmail", fmt.Errorf("need -from and at least one -to"))
	}
	ctx, stop := cli.SignalContext()
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := run(ctx, *server, *from, to, *user, *helo, *insecure, *noTLS, os.Stdin); err != nil {
		cli.Fatal("sendmail", err)
	}
}

func run(ctx context.Context, server, from string, to []string, user, helo string, insecure, noTLS bool, body io.Reader) error {
	c, err := smtp.Dial(ctx, server)
	if err != nil {
		return err
	}
	defer c.Close()
	c.LocalName = helo
	if err := c.Hello(ctx); err != nil {
		return err
	}
	if ok, _ := c.Extension(smtp.ExtStartTLS); ok && !noTLS {
		if err := c.StartTLS(ctx, &tls.Config{InsecureSkipVerify: insecure}); err != nil {
			return err
		}
	}
	if user != "" {
		name, pass, _ := strings.Cut(user, ":")
		if err := c.Auth(ctx, name, pass); err != nil {
			return err
		}
	}
	if err := c.SendMail(ctx, from, to, body); err != nil {
		return err
	}
	return c.Quit(ctx)
}
