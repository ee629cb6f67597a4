package mta

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/applayer/applayer/smtp"
)

// Retry defaults, after RFC 5321 section 4.5.4.1: retry at growing intervals
// and give up after four or five days.
const (
	DefaultRetryInitial = 5 * time.Minute
	DefaultRetryMax     = 4 * time.Hour
	DefaultExpire       = 5 * 24 * time.Hour
	DefaultWorkers      = 4 // messages delivered at once
)

// Transport hands a message to another mail system for the recipients of
// one domain. *smtp.Relay implements it.
type Transport interface {
	Deliver(ctx context.Context, domain string, mail smtp.Mail, rcpts []smtp.Rcpt, msg io.ReaderAt, size int64) ([]error, error)
}

// LocalStore delivers into local mailboxes, durably: when Deliver returns
// nil, the message is kept (for example a Maildir written to tmp, fsynced
// and renamed into new).
type LocalStore interface {
	Deliver(ctx context.Context, user string, msg io.Reader) error
}

// Queue is the outgoing queue of a mail server (the lesson's "message
// queue"): messages wait in a [Spool] until every recipient is delivered
// or has failed. Temporary failures are retried with exponential backoff;
// permanent failures and expiry produce a bounce (an RFC 3464 delivery
// status notification) to the sender. Because the spool is on disk, the
// queue resumes after a restart where it stopped.
//
// Set the fields, then call Run. Enqueue may be called from any goroutine.
type Queue struct {
	// Spool holds the messages. Required.
	Spool *Spool
	// Transport delivers to remote domains. Required for relaying.
	Transport Transport
	// Local delivers to the local domains. Required for local delivery.
	Local LocalStore
	// LocalDomains are delivered through Local (compared without case).
	LocalDomains []string
	// Hostname names this MTA in bounces and trace headers.
	Hostname string
	// RetryInitial is the delay after the first failed attempt; it doubles
	// with each attempt up to RetryMax. Zero means the defaults.
	RetryInitial, RetryMax time.Duration
	// Expire is how long a message may wait before it bounces. Zero means
	// DefaultExpire.
	Expire time.Duration
	// Workers is how many messages are delivered at once; zero means
	// DefaultWorkers.
	Workers int
	// Now returns the time; nil means time.Now. Tests set it.
	Now func() time.Time
	// Logger; nil means slog.Default().
	Logger *slog.Logger

	mu      sync.Mutex // guards kick and serialises runs
	kick    chan struct{}
	running sync.Mutex
}

func (q *Queue) now() time.Time {
	if q.Now == nil {
		return time.Now()
	}
	return q.Now()
}

func (q *Queue) logger() *slog.Logger {
	if q.Logger == nil {
		return slog.Default()
	}
	return q.Logger
}

func (q *Queue) kickChan() chan struct{} {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.kick == nil {
		q.kick = make(chan struct{}, 1)
	}
	return q.kick
}

// IsLocal reports whether domain is one of the LocalDomains.
func (q *Queue) IsLocal(domain string) bool {
	for _, d := range q.LocalDomains {
		if strings.EqualFold(d, domain) {
			return true
		}
	}
	return false
}

// Enqueue stores a message for delivery and wakes the queue. When it
// returns nil the message is on disk; only then may the server answer 250.
func (q *Queue) Enqueue(ctx context.Context, from string, opts smtp.MailOptions, rcpts []smtp.Rcpt, content io.Reader) (*Envelope, error) {
	env := &Envelope{From: from, MailOptions: opts, Received: q.now().UTC(), NextAttempt: q.now().UTC()}
	for _, r := range rcpts {
		env.Recipients = append(env.Recipients, &Recipient{Addr: r.To, Options: r.Options, Status: StatusPending})
	}
	if err := q.Spool.Put(env, content); err != nil {
		return nil, err
	}
	select {
	case q.kickChan() <- struct{}{}:
	default:
	}
	return env, nil
}

// Run delivers queued messages until ctx ends: everything due at once,
// then again when the next retry is due or a message is enqueued.
func (q *Queue) Run(ctx context.Context) error {
	kick := q.kickChan()
	for {
		next, err := q.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			q.logger().Error("mta: queue run", "err", err)
		}
		wait := time.Hour
		if !next.IsZero() {
			wait = max(next.Sub(q.now()), 0)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-kick:
		case <-t.C:
		}
		t.Stop()
	}
}

// RunOnce makes one pass: it attempts every message that is due and
// returns the time the next one falls due (zero if the queue is empty).
func (q *Queue) RunOnce(ctx context.Context) (next time.Time, err error) {
	q.running.Lock()
	defer q.running.Unlock()
	envs, err := q.Spool.Load()
	if err != nil {
		return time.Time{}, err
	}
	// Deliver due messages, Workers at a time, so one slow exchanger does
	// not hold up the rest. Each message is handled by one goroutine.
	workers := q.Workers
	if workers <= 0 {
		workers = DefaultWorkers
	}
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for _, env := range envs {
		if ctx.Err() != nil {
			break
		}
		if env.NextAttempt.After(q.now()) {
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := q.attempt(ctx, env); err != nil {
				q.logger().Error("mta: delivery attempt", "id", env.ID, "err", err)
			}
		}()
	}
	wg.Wait()
	for _, env := range envs {
		if len(env.Pending()) > 0 && (next.IsZero() || env.NextAttempt.Before(next)) {
			next = env.NextAttempt
		}
	}
	return next, ctx.Err()
}

// attempt tries every pending recipient of env once, records the results
// in the spool after each domain, and bounces or retires the message.
func (q *Queue) attempt(ctx context.Context, env *Envelope) error {
	f, err := q.Spool.Open(env.ID)
	if err != nil {
		return err
	}
	defer f.Close()
	var failed, delivered []*Recipient
	for _, group := range groupByDomain(env.Pending()) {
		domain := smtp.Domain(group[0].Addr)
		if q.IsLocal(domain) && q.Local != nil {
			for _, r := range group {
				err := q.Local.Deliver(ctx, strings.ToLower(smtp.LocalPart(r.Addr)), io.NewSectionReader(f, 0, env.Size))
				if q.record(r, err) {
					failed = append(failed, r)
				} else if err == nil && r.Options.Notify&smtp.NotifySuccess != 0 {
					delivered = append(delivered, r)
				}
			}
		} else if q.Transport == nil {
			for _, r := range group {
				if q.record(r, &smtp.Reply{Code: 550, Enhanced: smtp.EnhancedCode{Class: 5, Subject: 7, Detail: 1}, Lines: []string{"Relaying not configured"}}) {
					failed = append(failed, r)
				}
			}
		} else {
			rcpts := make([]smtp.Rcpt, len(group))
			for i, r := range group {
				rcpts[i] = smtp.Rcpt{To: r.Addr, Options: r.Options}
			}
			mail := smtp.Mail{From: env.From, Options: env.MailOptions}
			mail.Options.Size = env.Size
			res, err := q.Transport.Deliver(ctx, domain, mail, rcpts, f, env.Size)
			for i, r := range group {
				e := err
				if res != nil && (err == nil || res[i] != nil) {
					e = res[i]
				}
				if q.record(r, e) {
					failed = append(failed, r)
				}
			}
		}
		// Record progress at once, so a crash now does not deliver twice.
		if err := q.Spool.Update(env); err != nil {
			return err
		}
	}
	env.Attempts++
	now := q.now().UTC()
	if len(env.Pending()) > 0 {
		if now.Sub(env.Received) >= q.expire() {
			for _, r := range env.Pending() {
				r.Status = StatusFailed
				r.Code, r.Enhanced = 450, "4.4.7"
				r.LastReply = "delivery time expired: " + r.LastReply
				failed = append(failed, r)
			}
		} else {
			env.NextAttempt = now.Add(q.backoff(env.Attempts))
		}
	}
	if len(failed) > 0 {
		if err := q.bounce(ctx, env, failed); err != nil {
			return err
		}
	}
	if err := q.notifyDelivered(ctx, env, delivered); err != nil {
		return err
	}
	if len(env.Pending()) == 0 {
		return q.Spool.Remove(env.ID)
	}
	return q.Spool.Update(env)
}

// record stores the outcome of one delivery; it returns true when the
// recipient has failed for good.
func (q *Queue) record(r *Recipient, err error) bool {
	if err == nil {
		r.Status, r.LastReply, r.Code, r.Enhanced = StatusDelivered, "", 0, ""
		return false
	}
	var rep *smtp.Reply
	if errors.As(err, &rep) {
		r.Code = rep.Code
		r.Enhanced = ""
		if !rep.Enhanced.IsZero() {
			r.Enhanced = rep.Enhanced.String()
		}
		r.LastReply = strings.TrimPrefix(rep.Error(), "smtp: ")
	} else {
		r.Code, r.Enhanced, r.LastReply = 0, "", err.Error()
	}
	if smtp.IsPermanent(err) {
		r.Status = StatusFailed
		return true
	}
	return false
}

func (q *Queue) expire() time.Duration {
	if q.Expire == 0 {
		return DefaultExpire
	}
	return q.Expire
}

// backoff returns the wait after the n-th failed attempt: RetryInitial,
// doubled each time, at most RetryMax.
func (q *Queue) backoff(n int) time.Duration {
	d, maxd := q.RetryInitial, q.RetryMax
	if d == 0 {
		d = DefaultRetryInitial
	}
	if maxd == 0 {
		maxd = DefaultRetryMax
	}
	for i := 1; i < n && d < maxd; i++ {
		d *= 2
	}
	return min(d, maxd)
}

// groupByDomain splits recipients by domain, keeping their order.
func groupByDomain(rs []*Recipient) [][]*Recipient {
	var out [][]*Recipient
	idx := map[string]int{}
	for _, r := range rs {
		d := strings.ToLower(smtp.Domain(r.Addr))
		i, ok := idx[d]
		if !ok {
			i = len(out)
			idx[d] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	return out
}
