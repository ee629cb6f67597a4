package mta

import (
	"context"
	"errors"
	"io"

	"github.com/applayer/applayer/internal/mailstore"
	"github.com/applayer/applayer/smtp"
)

// MailstoreDelivery is the LocalStore of a mail server whose mailboxes
// live in the module's durable store, shared with its POP3 and IMAP
// servers: each message goes into the user's INBOX, on disk before Deliver
// returns.
type MailstoreDelivery struct {
	Store *mailstore.Store
}

var _ LocalStore = MailstoreDelivery{}

// errStoreTooLarge is the permanent failure for a message the store refuses
// for its size.
var errStoreTooLarge = &smtp.Reply{Code: 552, Enhanced: smtp.EnhancedCode{Class: 5, Subject: 2, Detail: 3}, Lines: []string{"Message too large for the mailbox"}}

// Deliver stores the message in user's INBOX.
func (m MailstoreDelivery) Deliver(ctx context.Context, user string, r io.Reader) error {
	_, err := m.Store.Deliver(ctx, user, "INBOX", r)
	if errors.Is(err, mailstore.ErrMessageTooLarge) {
		return errStoreTooLarge
	}
	return err
}
