// Command mailserver is one mail server of the e-mail lesson: it receives
// mail over SMTP for its domain, keeps a mailbox per user, and relays mail
// from its authenticated users to other domains through their MX records,
// with a queue on disk that survives restarts.
//
//	go run ./examples/mailserver -domain hamburger.edu -user bob:hungry \
//	  -smtp 127.0.0.1:2525 -submission 127.0.0.1:2587 -store /tmp/hamburger
//
// -smtp is the port other servers deliver to (25 in real life); -submission
// (587) requires AUTH, for the user agents of local users; -pop3 and -imap
// let them read the same mailboxes. -tls offers STARTTLS on every listener
// with a fresh self-signed certificate (or -cert/-key). -dns sends the MX
// look-ups to a DNS server of your own (such as examples/dnsd); -mx-port
// changes the port used to reach other mail exchangers, for tests on
// loopback.
//
// One process can play both servers of the lesson: -domain is repeatable,
// as NAME,smtp=ADDR,submission=ADDR,pop3=ADDR,imap=ADDR (the address flags
// above are the first domain's defaults). Each domain has its own users
// (-user name@domain:password; a bare name:password is the first domain's),
// its own mailboxes and queue in STORE/NAME, and its own listeners, printed
// as "listening on smtp@crepes.fr ADDR". Mail between the two domains goes
// out through the MX records like any other mail, so give each domain's
// exchanger its own loopback address (as two real servers would both use
// port 25) and serve the MX and A records with examples/dnsd, from a zone
// file per domain that says "@ MX 10 mx" and "mx A 127.0.0.2" (crepes.fr)
// or "mx A 127.0.0.3" (hamburger.edu):
//
//	go run ./examples/dnsd -addr 127.0.0.1:5353 -zone crepes.fr.zone -zone hamburger.edu.zone
//	go run ./examples/mailserver -tls -store /tmp/mail -dns 127.0.0.1:5353 -mx-port 2525 \
//	  -domain crepes.fr,smtp=127.0.0.2:2525,submission=127.0.0.1:2587 \
//	  -domain hamburger.edu,smtp=127.0.0.3:2525,pop3=127.0.0.1:2110,imap=127.0.0.1:2143 \
//	  -user alice@crepes.fr:ketchup -user bob@hamburger.edu:hungry
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/applayer/applayer/dns"
	"github.com/applayer/applayer/examples/internal/cli"
	"github.com/applayer/applayer/imap"
	"github.com/applayer/applayer/internal/mailstore"
	"github.com/applayer/applayer/pop3"
	"github.com/applayer/applayer/smtp"
	"github.com/applayer/applayer/smtp/mta"
	"github.com/applayer/applayer/sockets"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

type config struct {
	smtpAddr, submissionAddr string
	pop3Addr, imapAddr       string
	domains                  list
	hostname                 string
	users                    list
	store                    string
	dns                      string
	mxPort                   string
	useTLS                   bool
	certFile, keyFile        string
	maxMessageBytes          int64
	retry                    time.Duration
}

func main() {
	var cfg config
	flag.StringVar(&cfg.smtpAddr, "smtp", "127.0.0.1:2525", "SMTP (MTA to MTA) listen address; empty to disable")
	flag.StringVar(&cfg.submissionAddr, "submission", "", "submission (with AUTH) listen address; empty to disable")
	flag.StringVar(&cfg.pop3Addr, "pop3", "", "POP3 listen address; empty to disable (STLS with -tls)")
	flag.StringVar(&cfg.imapAddr, "imap", "", "IMAP listen address; empty to disable (STARTTLS with -tls)")
	flag.Var(&cfg.domains, "domain", "a local mail domain, NAME or NAME,smtp=ADDR,submission=ADDR,pop3=ADDR,imap=ADDR; repeatable (default localhost)")
	flag.StringVar(&cfg.hostname, "hostname", "", "the first domain's server name (default mx.DOMAIN)")
	flag.Var(&cfg.users, "user", "a local user as name@domain:password, or name:password in the first domain; repeatable")
	flag.StringVar(&cfg.store, "store", "mail", "directory of the mailboxes and the queue")
	flag.StringVar(&cfg.dns, "dns", "", "DNS server host:port for MX look-ups (default: the system resolver)")
	flag.StringVar(&cfg.mxPort, "mx-port", "25", "port of other domains' mail exchangers")
	flag.BoolVar(&cfg.useTLS, "tls", false, "offer STARTTLS (self-signed certificate unless -cert and -key)")
	flag.StringVar(&cfg.certFile, "cert", "", "TLS certificate file (PEM)")
	flag.StringVar(&cfg.keyFile, "key", "", "TLS key file (PEM)")
	flag.Int64Var(&cfg.maxMessageBytes, "max-message-bytes", smtp.DefaultMaxMessageBytes, "largest message accepted")
	flag.DurationVar(&cfg.retry, "retry", mta.DefaultRetryInitial, "first retry interval of the queue (doubles each time)")
	flag.Parse()
	ctx, stop := cli.SignalContext()
	defer stop()
	if err := run(ctx, cfg, cli.Logger()); err != nil {
		cli.Fatal("mailserver", err)
	}
}

// server is what every listener of this program runs.
type server interface {
	Serve(l net.Listener) error
	Shutdown(ctx context.Context) error
}

// listener is one protocol on one address.
type listener struct {
	proto string // printed in "listening on PROTO ADDR"
	addr  string
	srv   server
}

func run(ctx context.Context, cfg config, log *slog.Logger) error {
	domains, err := parseDomains(cfg)
	if err != nil {
		return err
	}
	var listeners []listener
	var queues []*mta.Queue
	for _, d := range domains {
		ls, q, err := setUp(cfg, d, log.With("domain", d.name))
		if err != nil {
			return err
		}
		listeners, queues = append(listeners, ls...), append(queues, q)
	}
	if len(listeners) == 0 {
		return errors.New("no listener: give -smtp, -submission, -pop3 or -imap")
	}
	return serveAll(ctx, listeners, queues, log)
}

// setUp opens the store and queue of one domain and makes its listeners.
func setUp(cfg config, d domainConfig, log *slog.Logger) ([]listener, *mta.Queue, error) {
	var tlsConfig *tls.Config
	if cfg.useTLS || cfg.certFile != "" {
		var err error
		if tlsConfig, err = loadTLS(cfg.certFile, cfg.keyFile, d.hostname); err != nil {
			return nil, nil, err
		}
	}

	// The mailboxes (STORE/mailboxes, the durable store that the pop3 and
	// imap listeners read too) and the outgoing queue (STORE/queue).
	store, err := mailstore.Open(filepath.Join(d.store, "mailboxes"))
	if err != nil {
		return nil, nil, err
	}
	store.MaxMessageBytes = cfg.maxMessageBytes
	store.Logger = log
	spool, err := mta.OpenSpool(filepath.Join(d.store, "queue"))
	if err != nil {
		return nil, nil, err
	}
	// Mail for every other domain, the other domains of this process
	// included, goes out through their MX records like any other mail.
	relay := &smtp.Relay{Resolver: resolver(cfg.dns), Port: cfg.mxPort, LocalName: d.hostname, Logger: log}
	if tlsConfig != nil {
		// With -tls the relay takes STARTTLS whenever an exchanger offers
		// it, without checking its certificate: opportunistic encryption,
		// as mail between MTAs mostly is (RFC 3207 section 4.1, RFC 7435),
		// which also lets two self-signed servers of the lesson talk.
		relay.TLSConfig = &tls.Config{InsecureSkipVerify: true}
	}
	queue := &mta.Queue{
		Spool: spool, Transport: relay, Local: mta.MailstoreDelivery{Store: store},
		LocalDomains: []string{d.name}, Hostname: d.hostname, Logger: log, RetryInitial: cfg.retry,
	}
	backend := &mta.Backend{Queue: queue, Users: d.users, Hostname: d.hostname, RestrictSender: true}

	// The listeners: SMTP and submission share the backend; pop3 and imap
	// read the same store with the same users.
	var listeners []listener
	if d.smtpAddr != "" {
		listeners = append(listeners, listener{"smtp" + d.tag, d.smtpAddr, &smtp.Server{
			Hostname: d.hostname, Backend: backend, TLSConfig: tlsConfig,
			MaxMessageBytes: cfg.maxMessageBytes, Logger: log,
		}})
	}
	if d.submissionAddr != "" {
		listeners = append(listeners, listener{"submission" + d.tag, d.submissionAddr, &smtp.Server{
			Hostname: d.hostname, Backend: backend, TLSConfig: tlsConfig, RequireAuth: true,
			AllowInsecureAuth: tlsConfig == nil, MaxMessageBytes: cfg.maxMessageBytes, Logger: log,
		}})
	}
	if d.pop3Addr != "" {
		p := pop3.NewStoreServer(store, d.users, tlsConfig)
		p.Hostname, p.Logger = d.hostname, log
		listeners = append(listeners, listener{"pop3" + d.tag, d.pop3Addr, p})
	}
	if d.imapAddr != "" {
		i := imap.NewStoreServer(store, d.users, tlsConfig)
		i.Logger = log
		listeners = append(listeners, listener{"imap" + d.tag, d.imapAddr, i})
	}
	return listeners, queue, nil
}

// serveAll listens on every address, runs the queues, and shuts everything
// down when ctx ends.
func serveAll(ctx context.Context, listeners []listener, queues []*mta.Queue, log *slog.Logger) error {
	var ls []net.Listener
	for _, li := range listeners {
		l, err := net.Listen("tcp", li.addr)
		if err != nil {
			for _, o := range ls {
				o.Close()
			}
			return err
		}
		ls = append(ls, l)
	}
	qctx, stopQueue := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, q := range queues {
		wg.Add(1)
		go func() { defer wg.Done(); q.Run(qctx) }()
	}

	errc := make(chan error, len(listeners))
	for i, li := range listeners {
		cli.Listening(li.proto, ls[i].Addr())
		go func() { errc <- li.srv.Serve(ls[i]) }()
	}
	var first error
	select {
	case <-ctx.Done():
	case first = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), cli.ShutdownGrace)
	defer cancel()
	for _, li := range listeners {
		if err := li.srv.Shutdown(sctx); err != nil {
			log.Warn("shutdown", "proto", li.proto, "err", err)
		}
	}
	stopQueue()
	wg.Wait()
	if first != nil && !errors.Is(first, sockets.ErrServerClosed) {
		return first
	}
	return nil
}

// resolver returns the MX resolver: the system's, or this module's stub
// resolver asking the DNS server at addr.
func resolver(addr string) smtp.Resolver {
	if addr == "" {
		return net.DefaultResolver
	}
	return smtp.DNSResolver{R: &dns.Resolver{Servers: []string{addr}}}
}
