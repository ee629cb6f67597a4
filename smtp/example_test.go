package smtp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"

	"github.com/applayer/applayer/smtp"
)

func ExampleParseMail() {
	m, err := smtp.ParseMail("<alice@crepes.fr> SIZE=1200 BODY=8BITMIME RET=HDRS ENVID=QQ314159")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.From, m.Options.Size, m.Options.Body, m.Options.Return, m.Options.EnvelopeID)
	fmt.Println(m.Arg())
	// Output:
	// alice@crepes.fr 1200 8BITMIME HDRS QQ314159
	// <alice@crepes.fr> SIZE=1200 BODY=8BITMIME RET=HDRS ENVID=QQ314159
}

func ExampleParseRcpt_error() {
	_, err := smtp.ParseRcpt("<bob@hamburger.edu> COLOR=blue")
	var se *smtp.SyntaxError
	if errors.As(err, &se) {
		fmt.Print(strings.ReplaceAll(string(smtp.AppendReply(nil, se.Reply())), "\r\n", "\n"))
	}
	// Output:
	// 555 5.5.4 Unrecognized parameter
}

func ExampleReply() {
	r := &smtp.Reply{Code: 550, Enhanced: smtp.EnhancedCode{Class: 5, Subject: 1, Detail: 1}, Lines: []string{"No such user", "here"}}
	fmt.Print(strings.ReplaceAll(string(smtp.AppendReply(nil, r)), "\r\n", "\n"))
	fmt.Println(r.Temporary())
	// Output:
	// 550-5.1.1 No such user
	// 550 5.1.1 here
	// false
}

// printSession is a Session that prints what it receives.
type printSession struct{}

func (printSession) Mail(ctx context.Context, from string, opts *smtp.MailOptions) error {
	fmt.Println("MAIL from", from)
	return nil
}

func (printSession) Rcpt(ctx context.Context, to string, opts *smtp.RcptOptions) error {
	fmt.Println("RCPT to", to)
	return nil
}

func (printSession) Data(ctx context.Context, r io.Reader) error {
	b, err := io.ReadAll(r)
	fmt.Printf("DATA %q\n", b)
	return err
}

func (printSession) Reset()        {}
func (printSession) Logout() error { return nil }

// ExampleServer runs a server on loopback and sends it a message with the
// client; dot-stuffing is done by the client and undone by the server.
func ExampleServer() {
	srv := &smtp.Server{
		Hostname: "hamburger.edu",
		Backend: smtp.BackendFunc(func(ctx context.Context, c *smtp.Conn) (smtp.Session, error) {
			return printSession{}, nil
		}),
		Logger: slog.New(slog.DiscardHandler),
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	defer srv.Close()

	ctx := context.Background()
	c, err := smtp.Dial(ctx, l.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	c.LocalName = "crepes.fr"
	fmt.Println(c.Greeting().Lines[0])
	err = c.SendMail(ctx, "alice@crepes.fr", []string{"bob@hamburger.edu"},
		strings.NewReader("Do you like ketchup?\r\n.How about pickles?\r\n"))
	fmt.Println("sent:", err)
	c.Quit(ctx)
	// Output:
	// hamburger.edu ESMTP ready
	// MAIL from alice@crepes.fr
	// RCPT to bob@hamburger.edu
	// DATA "Do you like ketchup?\r\n.How about pickles?\r\n"
	// sent: <nil>
}

// staticResolver is a Resolver with fixed answers.
type staticResolver struct{}

func (staticResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return []*net.MX{{Host: "backup.hamburger.edu.", Pref: 20}, {Host: "mx.hamburger.edu.", Pref: 10}}, nil
}

func (staticResolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	return []string{"127.0.0.1"}, nil
}

// ExampleRelay_Hosts shows the order in which a relay tries a domain's
// mail exchangers: lowest preference first.
func ExampleRelay_Hosts() {
	r := &smtp.Relay{Resolver: staticResolver{}}
	hosts, err := r.Hosts(context.Background(), "hamburger.edu")
	fmt.Println(hosts, err)
	// Output: [mx.hamburger.edu backup.hamburger.edu] <nil>
}
