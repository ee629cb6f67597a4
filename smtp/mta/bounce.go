package mta

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/applayer/applayer/mime"
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
	if err := writeDSN(&b, q.Hostname, env, report, false, f, q.now()); err != nil {
		return err
	}
	_, err = q.Enqueue(ctx, "", smtp.MailOptions{}, []smtp.Rcpt{{To: env.From}}, &b)
	return err
}

// notifyDelivered sends the sender a "delivered" notification for the
// recipients that asked for one with NOTIFY=SUCCESS (RFC 3461 section 4.1),
// after final delivery into a local mailbox. Mail relayed onwards carries
// NOTIFY to the next hop, which reports itself.
func (q *Queue) notifyDelivered(ctx context.Context, env *Envelope, delivered []*Recipient) error {
	if env.From == "" || len(delivered) == 0 {
		return nil
	}
	f, err := q.Spool.Open(env.ID)
	if err != nil {
		return err
	}
	defer f.Close()
	var b bytes.Buffer
	if err := writeDSN(&b, q.Hostname, env, delivered, true, f, q.now()); err != nil {
		return err
	}
	_, err = q.Enqueue(ctx, "", smtp.MailOptions{}, []smtp.Rcpt{{To: env.From}}, &b)
	return err
}

// writeDSN writes a delivery status notification (RFC 3464) as a
// multipart/report (RFC 6522), its header fields built with the mime
// package: a human-readable part, the message/delivery-status part with one
// block per recipient, and the original header (RET=HDRS or unset, as
// text/rfc822-headers) or the whole message (RET=FULL on a failure, as
// message/rfc822). delivered selects a success report instead of a bounce.
func writeDSN(w io.Writer, host string, env *Envelope, rcpts []*Recipient, delivered bool, orig io.ReaderAt, now time.Time) error {
	if host == "" {
		host = "localhost"
	}
	var rnd [12]byte
	rand.Read(rnd[:])
	boundary := "=_dsn_" + hex.EncodeToString(rnd[:])

	var top mime.Header
	top.Add("From", mime.FormatAddressList([]mime.Address{{Name: "Mail Delivery System", Addr: "MAILER-DAEMON@" + host}}))
	top.Add("To", "<"+env.From+">")
	if delivered {
		top.Add("Subject", "Successful Mail Delivery Report")
	} else {
		top.Add("Subject", "Undelivered Mail Returned to Sender")
	}
	top.Add("Date", mime.FormatDate(now))
	top.Add("Message-ID", "<"+env.ID+".dsn@"+host+">")
	top.Add("Auto-Submitted", "auto-replied") // RFC 3834 section 5
	top.Add("MIME-Version", "1.0")
	top.Add("Content-Type", `multipart/report; report-type=delivery-status; boundary="`+boundary+`"`)
	b, err := top.AppendTo(nil)
	if err != nil {
		return err
	}
	b = append(b, "This is a MIME-encapsulated delivery status notification.\r\n"...)

	part := func(contentType string) error {
		var h mime.Header
		h.Add("Content-Type", contentType)
		b = append(b, "\r\n--"+boundary+"\r\n"...)
		b, err = h.AppendTo(b)
		return err
	}
	// 1: for people.
	if err := part("text/plain; charset=us-ascii"); err != nil {
		return err
	}
	b = fmt.Appendf(b, "This is the mail system at host %s.\r\n\r\n", host)
	if delivered {
		b = append(b, "Your message was delivered to these recipients, as you asked.\r\n\r\n"...)
	} else {
		b = append(b, "Your message could not be delivered to one or more recipients.\r\n\r\n"...)
	}
	for _, r := range rcpts {
		if delivered {
			b = fmt.Appendf(b, "<%s>: delivered to mailbox\r\n", r.Addr)
		} else {
			b = fmt.Appendf(b, "<%s>: %s\r\n", r.Addr, oneLine(r.LastReply))
		}
	}
	// 2: for programs. Per-message fields (RFC 3464 section 2.2), then a
	// block of per-recipient fields (section 2.3) for each recipient.
	if err := part("message/delivery-status"); err != nil {
		return err
	}
	b = fmt.Appendf(b, "Reporting-MTA: dns; %s\r\n", host)
	if env.MailOptions.EnvelopeID != "" {
		b = fmt.Appendf(b, "Original-Envelope-Id: %s\r\n", smtp.EncodeXtext(env.MailOptions.EnvelopeID))
	}
	b = fmt.Appendf(b, "Arrival-Date: %s\r\n", mime.FormatDate(env.Received))
	for _, r := range rcpts {
		b = fmt.Appendf(b, "\r\nFinal-Recipient: rfc822; %s\r\n", r.Addr)
		if r.Options.OriginalRecipient != "" {
			b = fmt.Appendf(b, "Original-Recipient: %s; %s\r\n", r.Options.OriginalRecipientType, smtp.EncodeXtext(r.Options.OriginalRecipient))
		}
		if delivered {
			b = append(b, "Action: delivered\r\nStatus: 2.0.0\r\n"...)
		} else {
			b = append(b, "Action: failed\r\n"...)
			b = fmt.Appendf(b, "Status: %s\r\n", statusOf(r))
		}
		if r.Code != 0 && !delivered {
			b = fmt.Appendf(b, "Diagnostic-Code: smtp; %s\r\n", oneLine(r.LastReply))
		}
		b = fmt.Appendf(b, "Last-Attempt-Date: %s\r\n", mime.FormatDate(now))
	}
	// 3: the original, whole or its header.
	full := env.MailOptions.Return == smtp.ReturnFull && !delivered
	if full {
		err = part("message/rfc822")
	} else {
		err = part("text/rfc822-headers")
	}
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return err
	}
	if full {
		if _, err := io.Copy(w, io.NewSectionReader(orig, 0, env.Size)); err != nil {
			return err
		}
	} else if err := writeOriginalHeader(w, orig, env.Size); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\r\n--"+boundary+"--\r\n")
	return err
}

// writeOriginalHeader copies the header block of the original message (up
// to maxReturnedHeader octets), as parsed by the mime package.
func writeOriginalHeader(w io.Writer, orig io.ReaderAt, size int64) error {
	hdr := make([]byte, min(size, maxReturnedHeader))
	n, err := orig.ReadAt(hdr, 0)
	if err != nil && err != io.EOF {
		return err
	}
	// A header cut by the cap, or malformed, is returned as far as it parsed.
	fields, _, _ := mime.ParseHeader(hdr[:n])
	var out []byte
	for _, f := range fields {
		if one, err := (mime.Header{f}).AppendTo(nil); err == nil {
			out = append(out, one[:len(one)-2]...) // without the blank line
		}
	}
	_, err = w.Write(out)
	return err
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
