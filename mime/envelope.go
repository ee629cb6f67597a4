package mime

// Envelope holds the fields IMAP reports in ENVELOPE (RFC 3501 section
// 7.4.2): the strings as written in the header (unfolded, encoded words
// not decoded) and the address lists parsed. It applies no defaults: IMAP
// servers send From in place of a missing Sender or Reply-To.
type Envelope struct {
	Date      string
	Subject   string
	From      []Address
	Sender    []Address
	ReplyTo   []Address
	To        []Address
	Cc        []Address
	Bcc       []Address
	InReplyTo string
	MessageID string
}

// Envelope extracts the envelope fields of a message header. Address
// fields are parsed leniently: entries that cannot be parsed are left out.
// Display names are decoded to UTF-8; re-encode them with [EncodeHeader]
// where only ASCII may be sent.
func (h Header) Envelope() Envelope {
	list := func(name string) []Address {
		if !h.Has(name) {
			return nil
		}
		a, _ := ParseAddressList(h.Get(name))
		return a
	}
	return Envelope{
		Date:      h.Get("Date"),
		Subject:   h.Get("Subject"),
		From:      list("From"),
		Sender:    list("Sender"),
		ReplyTo:   list("Reply-To"),
		To:        list("To"),
		Cc:        list("Cc"),
		Bcc:       list("Bcc"),
		InReplyTo: h.Get("In-Reply-To"),
		MessageID: h.Get("Message-ID"),
	}
}
