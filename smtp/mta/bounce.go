package mta

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"os"
	"strings"
	"time"

	"github.com/applayer/applayer/smtp"
)

// maxReturnedHeader caps the original header returned in a bounce.
const maxReturnedHeader = 64 << 10

// wantsFailureNotice reports whether a failure of r is to be reported
// (RFC 3461 section 4.1: NOTIFY absent means failures and delays).
func wantsFailureNotice(r *Recipient) bool {
	n := r.Options.Notify
	return n == 0 || n&smtp.NotifyFailure != 0
}

// bounce sends the sender a delivery status notification for the failed
// recipients, unless the message was itself a bounce (null reverse-path,
// RFC 5321 section 4.5.5) or the recipients asked for none.
func (q *Queue) bounce(ctx context.Context, env *Envelope, failed []*Recipient) error {
	if env.From == "" {
		q.logger().Warn("mta: dropping failure of a bounce", "id", env.ID)
		return nil
	}
	var report []*Recipient
	for _, r := range failed {
		if wantsFailureNotice(r) {
			report = append(report, r)
		}
	}
	if len(report) == 0 {
		return nil
	}
	f, err := q.Spool.Open(env.ID)
	if err != nil {
		return err
	}
	defer f.Close()
	var b bytes.Buffer
	if err := writeDSN(&b, q.Hostname, env, report, f, q.now()); err != nil {
		return err
	}
	_, err = q.Enqueue(ctx, "", smtp.MailOptions{}, []smtp.Rcpt{{To: env.From}}, &b)
	return err
}

// writeDSN writes a delivery status notification (RFC 3464) as a
// multipart/report (RFC 6522): a human-readable part, the
// message/delivery-status part with one block per recipient, and the
// original header (RET=HDRS or unset) or the whole message (RET=FULL).
func writeDSN(w io.Writer, host string, env *Envelope, failed []*Recipient, orig *os.File, now time.Time) error {
	if host == "" {
		host = "localhost"
	}
	mw := multipart.NewWriter(&bytes.Buffer{})
	boundary := mw.Boundary()
	fmt.Fprintf(w, "From: Mail Delivery System <MAILER-DAEMON@%s>\r\n", host)
	fmt.Fprintf(w, "To: <%s>\r\n", env.From)
	fmt.Fprintf(w, "Subject: Undelivered Mail Returned to Sender\r\n")
	fmt.Fprintf(w, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(w, "Message-ID: <%s.dsn@%s>\r\n", env.ID, host)
	fmt.Fprintf(w, "Auto-Submitted: auto-replied\r\n") // RFC 3834 section 5
	fmt.Fprintf(w, "MIME-Version: 1.0\r\n")
	fmt.Fprintf(w, "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=%q\r\n\r\n", boundary)
	fmt.Fprintf(w, "This is a MIME-encapsulated delivery status notification.\r\n\r\n")

	mw = multipart.NewWriter(w)
	if err := mw.SetBoundary(boundary); err != nil {
		return err
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Type", "text/plain; charset=us-ascii")
	p, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	fmt.Fprintf(p, "This is the mail system at host %s.\r\n\r\n", host)
	fmt.Fprintf(p, "Your message could not be delivered to one or more recipients.\r\n\r\n")
	for _, r := range failed {
		fmt.Fprintf(p, "<%s>: %s\r\n", r.Addr, oneLine(r.LastReply))
	}

	h = textproto.MIMEHeader{}
	h.Set("Content-Type", "message/delivery-status")
	p, err = mw.CreatePart(h)
	if err != nil {
		return err
	}
	// Per-message fields (RFC 3464 section 2.2).
	fmt.Fprintf(p, "Reporting-MTA: dns; %s\r\n", host)
	if env.MailOptions.EnvelopeID != "" {
		fmt.Fprintf(p, "Original-Envelope-Id: %s\r\n", smtp.EncodeXtext(env.MailOptions.EnvelopeID))
	}
	fmt.Fprintf(p, "Arrival-Date: %s\r\n", env.Received.Format(time.RFC1123Z))
	// Per-recipient fields (RFC 3464 section 2.3).
	for _, r := range failed {
		fmt.Fprintf(p, "\r\nFinal-Recipient: rfc822; %s\r\n", r.Addr)
		if r.Options.OriginalRecipient != "" {
			fmt.Fprintf(p, "Original-Recipient: %s; %s\r\n", r.Options.OriginalRecipientType, smtp.EncodeXtext(r.Options.OriginalRecipient))
		}
		fmt.Fprintf(p, "Action: failed\r\n")
		fmt.Fprintf(p, "Status: %s\r\n", statusOf(r))
		if r.Code != 0 {
			fmt.Fprintf(p, "Diagnostic-Code: smtp; %s\r\n", oneLine(r.LastReply))
		}
		fmt.Fprintf(p, "Last-Attempt-Date: %s\r\n", now.Format(time.RFC1123Z))
	}

	h = textproto.MIMEHeader{}
	full := env.MailOptions.Return == smtp.ReturnFull
	if full {
		h.Set("Content-Type", "message/rfc822")
	} else {
		h.Set("Content-Type", "text/rfc822-headers")
	}
	p, err = mw.CreatePart(h)
	if err != nil {
		return err
	}
	if full {
		if _, err := io.Copy(p, orig); err != nil {
			return err
		}
	} else if err := copyHeader(p, orig); err != nil {
		return err
	}
	return mw.Close()
}

// copyHeader copies the header of a message, up to its blank line.
func copyHeader(w io.Writer, r io.Reader) error {
	br := bufio.NewReader(io.LimitReader(r, maxReturnedHeader))
	for {
		line, err := br.ReadString('\n')
		if strings.TrimRight(line, "\r\n") == "" {
			return nil
		}
		if _, werr := io.WriteString(w, line); werr != nil {
			return werr
		}
		if err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// statusOf returns the RFC 3463 code for a failed recipient.
func statusOf(r *Recipient) string {
	if r.Enhanced != "" {
		if r.Enhanced[0] == '4' { // given up after temporary failures
			return "5" + r.Enhanced[1:]
		}
		return r.Enhanced
	}
	if r.Code >= 500 {
		return "5.0.0"
	}
	return "5.4.7"
}

func oneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}
